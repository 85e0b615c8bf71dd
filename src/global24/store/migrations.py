"""Ordered, recorded schema migrations.

Each migration has a version, a name and a function taking a connection and
the dialect name. Applied versions are recorded in ``schema_migrations``;
migrating twice is a no-op. Functions must be idempotent so a crash between a
migration and its record is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, insert, inspect, select, text

from global24.models import utcnow
from global24.store import schema


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection, str], None]


def _create_tables(conn: Connection, dialect: str) -> None:
    schema.metadata.create_all(conn, checkfirst=True)


_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
        title, text, content='items', content_rowid='seq', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_au AFTER UPDATE OF title, text ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
        INSERT INTO items_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END""",
]


def _full_text(conn: Connection, dialect: str) -> None:
    if dialect == "sqlite":
        for stmt in _SQLITE_FTS:
            conn.execute(text(stmt))
        conn.execute(text("INSERT INTO items_fts(items_fts) VALUES ('rebuild')"))
    else:
        cols = {c["name"] for c in inspect(conn).get_columns("items")}
        if "tsv" not in cols:
            conn.execute(
                text(
                    "ALTER TABLE items ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                    "(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))) STORED"
                )
            )
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_items_tsv ON items USING gin (tsv)"))


def _resume_cursor(conn: Connection, dialect: str) -> None:
    if "resume_cursor" not in {c["name"] for c in inspect(conn).get_columns("sources")}:
        conn.execute(text("ALTER TABLE sources ADD COLUMN resume_cursor TEXT"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create tables", _create_tables),
    Migration(2, "full-text search over items", _full_text),
    Migration(3, "sources remember where paging stopped short", _resume_cursor),
)


def migrate(conn: Connection, dialect: str) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied."""
    schema.schema_migrations.create(conn, checkfirst=True)
    done = {row[0] for row in conn.execute(select(schema.schema_migrations.c.version))}
    applied = []
    for m in MIGRATIONS:
        if m.version in done:
            continue
        m.apply(conn, dialect)
        conn.execute(
            insert(schema.schema_migrations).values(
                version=m.version, name=m.name, applied_at=schema.ts(utcnow())
            )
        )
        applied.append(f"{m.version:04d} {m.name}")
    return applied
