"""Shared fixtures: settings on a temp SQLite file, and a real PostgreSQL server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from global24.settings import Settings, load_settings

_db_counter = itertools.count()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        env={},
        db_url=f"sqlite:///{tmp_path / 'g24.db'}",
        data_dir=str(tmp_path),
        fetch_allow_hosts=["127.0.0.1", "localhost", "::1"],
        fetch_politeness_delay=0.0,
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    from tests.pg import PostgresServer

    server = PostgresServer()
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"PostgreSQL not available here: {exc}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: object) -> str:
    return postgres_server.create_db(f"g24_{next(_db_counter)}")  # type: ignore[attr-defined]
