"""PostgreSQL backend: the same schema, tsvector search over items."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from global24.store.sql import SQLStore


class PostgresStore(SQLStore):
    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        super().__init__(create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5))

    def _search_seqs(self, query: str, limit: int) -> list[int]:
        if not query.strip():
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT seq FROM items WHERE tsv @@ websearch_to_tsquery('simple', :q) "
                    "ORDER BY ts_rank(tsv, websearch_to_tsquery('simple', :q)) DESC, seq DESC LIMIT :n"
                ),
                {"q": query, "n": limit},
            )
            return [int(r[0]) for r in rows]
