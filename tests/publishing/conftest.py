"""Fixtures: the sample newsroom in a real SQLite store (fixed times, fixed base URL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from global24.publishing.sample import build_sample
from global24.store import open_store
from tests.web.conftest import site_settings


@pytest.fixture
def site(tmp_path: Path):
    s = site_settings(tmp_path)
    store = open_store(s)
    sample = build_sample(store)
    yield s, store, sample
    store.close()
