"""SQLite backend: one file, WAL journal, FTS5 search over items."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text

from global24.store.sql import SQLStore

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(query: str) -> str:
    """A user query as a safe FTS5 expression: every word quoted, all required, last one a prefix."""
    words = _TOKEN.findall(query)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words[:16]]
    quoted[-1] += "*"
    return " ".join(quoted)


class SQLiteStore(SQLStore):
    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        super().__init__(engine)

    def _search_seqs(self, query: str, limit: int) -> list[int]:
        q = fts_query(query)
        if not q:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT rowid FROM items_fts WHERE items_fts MATCH :q ORDER BY bm25(items_fts, 3.0, 1.0) LIMIT :n"
                ),
                {"q": q, "n": limit},
            )
            return [int(r[0]) for r in rows]
