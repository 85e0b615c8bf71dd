"""Static export: every page and feed is written, and every internal link resolves to a file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

from global24.publishing.sample import SAMPLE_NOW
from global24.publishing.static import export_site

HREF = re.compile(r'(?:href|src)="([^"]+)"')


def _target(root: Path, link: str) -> Path | None:
    """The exported file a root-relative link points to (None for links the export cannot hold)."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("/api/openapi.json") or parts.path == "/search/" and parts.query:
        return None
    path = root / parts.path.lstrip("/")
    return path / "index.html" if parts.path.endswith("/") else path


def test_export_writes_the_whole_site(site, tmp_path):
    s, store, sample = site
    out = tmp_path / "export"
    n = export_site(store, s, out, clock=lambda: SAMPLE_NOW)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert n == len(files)
    for rel in ["index.html", "sources/index.html", "search/index.html", "feeds/index.html", "404.html",
                "static/site.css", "static/site.js", "feeds/hot.atom", "feeds/new.json", "feeds/topic/world.rss",
                "feeds/region/europe.atom", "api/stories.json", "api/sources.json",
                "story/st_sample_bridge/index.html", "story/st_sample_bridge/r/1/index.html",
                "story/st_sample_bridge/feed.atom", "api/stories/st_sample_bridge.json",
                "api/stories/st_sample_bridge/revisions/1.json", "story/st_sample_museum/index.html"]:
        assert (out / rel).is_file(), rel
    for src in sample.sources.values():
        assert (out / "source" / src.id / "index.html").is_file()
    front = (out / "index.html").read_text()
    assert "Port Alder bridge reopens as the stopgap ferry winds down" in front
    r1 = (out / "story/st_sample_bridge/r/1/index.html").read_text()
    assert "You are reading revision 1 of 2" in r1
    assert "Search needs the live site" in (out / "search/index.html").read_text()
    # a static copy is read long after it was written: relative times follow the reader's clock
    assert "data-now=" not in front and "data-now=" not in r1
    stories = json.loads((out / "api/stories.json").read_text())
    assert [x["id"] for x in stories["stories"]][:2] == ["st_sample_bridge", "st_sample_chips"]
    assert not feedparser.parse((out / "feeds/hot.atom").read_bytes()).bozo


def test_every_internal_link_resolves(site, tmp_path):
    s, store, _ = site
    out = tmp_path / "export"
    export_site(store, s, out, clock=lambda: SAMPLE_NOW)
    missing = set()
    checked = 0
    for page in out.rglob("*.html"):
        for link in HREF.findall(page.read_text()):
            target = _target(out, link.replace("&amp;", "&"))
            if target is None:
                continue
            checked += 1
            if not target.is_file():
                missing.add((str(page.relative_to(out)), link))
    assert checked > 200
    assert not missing, sorted(missing)[:10]


def test_export_matches_the_live_page(site, tmp_path):
    """The export and the server render the same bytes for the same store and clock, but for the
    live page's clock mark (a static copy's relative times follow the reader's clock)."""
    from fastapi.testclient import TestClient

    from global24.web.app import create_app

    s, store, _ = site
    out = tmp_path / "export"
    export_site(store, s, out, clock=lambda: SAMPLE_NOW)
    with TestClient(create_app(s, store, clock=lambda: SAMPLE_NOW)) as client:
        for path in ["/", "/story/st_sample_bridge/", "/sources/", "/topic/world/"]:
            live = client.get(path).text
            assert ' data-now="2025-10-28T12:00:00Z"' in live
            assert live.replace(' data-now="2025-10-28T12:00:00Z"', "", 1) == (
                out / path.lstrip("/") / "index.html"
            ).read_text(), path


def test_json_mirrors_match_the_live_api(site, tmp_path):
    from fastapi.testclient import TestClient

    from global24.web.app import create_app

    s, store, _ = site
    out = tmp_path / "export"
    export_site(store, s, out, clock=lambda: SAMPLE_NOW)
    with TestClient(create_app(s, store, clock=lambda: SAMPLE_NOW)) as client:
        assert client.get("/api/stories?limit=100").content == (out / "api/stories.json").read_bytes()
        assert client.get("/api/stories/st_sample_bridge").content == \
            (out / "api/stories/st_sample_bridge.json").read_bytes()
        assert client.get("/api/sources").content == (out / "api/sources.json").read_bytes()
