"""Stores: a Protocol (base.py) and one backend per module, picked by URL scheme."""

from __future__ import annotations

from collections.abc import Callable

from global24.settings import Settings
from global24.store.base import Store, UpsertResult
from global24.store.sql import SQLStore


def _sqlite(url: str) -> SQLStore:
    from global24.store.sqlite import SQLiteStore

    return SQLiteStore(url.removeprefix("sqlite:///") or ":memory:")


def _postgres(url: str) -> SQLStore:
    from global24.store.postgres import PostgresStore

    return PostgresStore(url)


BACKENDS: dict[str, Callable[[str], SQLStore]] = {
    "sqlite": _sqlite,
    "postgresql": _postgres,
    "postgres": _postgres,
    "postgresql+psycopg": _postgres,
}


def open_store(settings: Settings | str, migrate: bool = True) -> SQLStore:
    """Open (and by default migrate) the store named by ``settings.db_url`` or a URL."""
    url = settings if isinstance(settings, str) else settings.db_url
    scheme = url.split(":", 1)[0]
    if scheme not in BACKENDS:
        raise ValueError(f"unknown store URL scheme {scheme!r} in {url!r} (use sqlite:/// or postgresql://)")
    store = BACKENDS[scheme](url)
    if migrate:
        store.migrate()
    return store


__all__ = ["Store", "UpsertResult", "SQLStore", "open_store", "BACKENDS"]
