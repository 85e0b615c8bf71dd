"""One schema for every backend, as SQLAlchemy Core tables.

Times are stored as fixed-width ISO-8601 UTC strings so they sort the same way
on every backend; nested values (engagement, images, components, article
bodies) are JSON text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("name", Text, nullable=False, default=""),
    Column("weight", Float, nullable=False, default=1.0),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("error_count", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("last_fetch_at", String(32)),
    Column("last_ok_at", String(32)),
    Column("next_fetch_at", String(32)),
    Column("resume_cursor", Text),
    Column("item_count", Integer, nullable=False, default=0),
    Column("created_at", String(32), nullable=False),
)

items = Table(
    "items",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("source_id", String(64), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("text", Text, nullable=False, default=""),
    Column("html", Text),
    Column("published_at", String(32)),
    Column("fetched_at", String(32), nullable=False),
    Column("lang", String(16)),
    Column("author", Text),
    Column("engagement", Text, nullable=False, default="{}"),
    Column("images", Text, nullable=False, default="[]"),
    Column("duplicate_of", String(64)),
    Column("story_id", String(64), index=True),
    Column("content_hash", String(64), index=True),
    Column("source_name", Text),
    Column("extra", Text, nullable=False, default="{}"),
    Column("error", Text),
)
Index("ix_items_published", items.c.published_at)

stories = Table(
    "stories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
    Column("item_count", Integer, nullable=False, default=0),
    Column("source_count", Integer, nullable=False, default=0),
    Column("terms", Text, nullable=False, default="[]"),
    Column("entities", Text, nullable=False, default="[]"),
    Column("status", String(16), nullable=False, default="live"),
    Column("merged_into", String(64)),
    Column("title", Text),
    Column("first_item_id", String(64)),
    Column("first_source_id", String(64)),
    Column("heat", Float, nullable=False, default=0.0),
    Column("topic", String(32)),
    Column("region", String(32)),
    Column("updated_at", String(32), nullable=False),
)
Index("ix_stories_heat", stories.c.heat)
Index("ix_stories_last_seen", stories.c.last_seen)

heat_samples = Table(
    "heat_samples",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("story_id", String(64), nullable=False, index=True),
    Column("at", String(32), nullable=False),
    Column("score", Float, nullable=False),
    Column("components", Text, nullable=False, default="{}"),
    Column("flags", Text, nullable=False, default="[]"),
    Column("explanation", Text, nullable=False, default=""),
)
Index("ix_heat_at", heat_samples.c.at)

articles = Table(
    "articles",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("created_at", String(32), nullable=False),
    Column("headline", Text, nullable=False, default=""),
    Column("writer", String(64), nullable=False, default=""),
    Column("change_note", Text, nullable=False, default=""),
    Column("body", Text, nullable=False),
)

state = Table(
    "state",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("value", LargeBinary, nullable=False),
    Column("updated_at", String(32), nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("event", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Integer),
    Column("attempts", Integer, nullable=False, default=0),
    Column("ok", Boolean, nullable=False, default=False),
    Column("error", Text),
    Column("payload", Text, nullable=False, default="{}"),
)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("applied_at", String(32), nullable=False),
)


def ts(dt: datetime | None) -> str | None:
    """A datetime as a fixed-width UTC string (naive times are taken as UTC)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def parse_ts(s: str | None) -> datetime | None:
    if not s:
        return None
    return datetime.fromisoformat(s)


def dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), default=str)


def loads(s: str | None, default: Any) -> Any:
    if not s:
        return default
    try:
        return json.loads(s)
    except ValueError:
        return default
