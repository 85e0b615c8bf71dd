"""Fixtures: the sample newsroom in a real SQLite store, the app, and a live server for the browser."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from global24.publishing.sample import SAMPLE_NOW, Sample, build_sample
from global24.settings import Settings, load_settings
from global24.store import open_store
from global24.web.app import create_app
from tests.web.live import serve_app, serve_dir

IMAGES = Path(__file__).resolve().parents[1] / "data" / "site" / "images"
TOKEN = "test-admin-token"


def site_settings(tmp: Path, **extra) -> Settings:
    return load_settings(env={}, db_url=f"sqlite:///{tmp / 'site.db'}", data_dir=str(tmp),
                         base_url="https://news.example", admin_token=TOKEN, **extra)


@pytest.fixture
def site(tmp_path: Path):
    """(settings, store, sample) with the sample newsroom written through the real store."""
    s = site_settings(tmp_path)
    store = open_store(s)
    sample = build_sample(store)
    yield s, store, sample
    store.close()


@pytest.fixture
def client(site) -> Iterator[TestClient]:
    s, store, _ = site
    with TestClient(create_app(s, store, clock=lambda: SAMPLE_NOW)) as c:
        yield c


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[dict]:
    """The app under uvicorn on 127.0.0.1, sample images served by a second loopback server."""
    tmp = tmp_path_factory.mktemp("live")
    with serve_dir(IMAGES) as images:
        s = site_settings(tmp)
        store = open_store(s)
        # real time: the browser's own clock keeps "updated N minutes ago" current
        now = datetime.now(UTC).replace(microsecond=0)
        sample: Sample = build_sample(store, now=now, image_base=images)
        with serve_app(create_app(s, store)) as url:
            yield {"url": url, "settings": s, "store": store, "sample": sample, "images": images}
        store.close()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
