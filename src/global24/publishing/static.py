"""Static export: the whole site and its feeds as files any static host can serve.

Pages are rendered by the same view functions as the live app, one folder
per page (``story/<id>/index.html``) so the site's root-relative links work
unchanged. Feeds keep their extensions; a few JSON files mirror the read API
(``api/stories.json``, ``api/stories/<id>.json``, ``api/sources.json``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from global24.publishing.feeds import SITE_FEEDS, render_feed, section_feed, site_feed, story_feed
from global24.settings import Settings
from global24.store.base import Store
from global24.web.render import STATIC, story_url
from global24.web.state import Site
from global24.web.views.api import list_stories_out, source_out, story_detail
from global24.web.views.feeds import render_feeds_page
from global24.web.views.front import render_front, render_section
from global24.web.views.search import render_search
from global24.web.views.sources import render_source, render_sources
from global24.web.views.story import render_story

FEED_FORMATS = ("atom", "rss", "json")


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    def write(self, rel: str, data: str | bytes) -> None:
        path = self.root / rel.lstrip("/")
        if rel.endswith("/"):
            path = path / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.count += 1

    def json(self, rel: str, data: Any) -> None:
        # byte for byte what the live API answers
        self.write(rel, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def _all_stories(store: Store) -> list:
    out, offset = [], 0
    while True:
        batch = store.list_stories(order="heat", limit=500, offset=offset)
        out.extend(batch)
        if len(batch) < 500:
            return out
        offset += 500


def export_site(
    store: Store, settings: Settings, out_dir: str | Path, clock: Callable[[], datetime] | None = None
) -> int:
    """Write the site, feeds and JSON mirrors under ``out_dir``; returns the number of files written."""
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    site = Site.build(store, settings, clock)
    # a static copy is read long after it was written: its relative times follow the reader's clock
    site.renderer.env.globals["live_clock"] = False
    w = _Writer(root)

    shutil.copytree(STATIC, root / "static", dirs_exist_ok=True)
    w.count += sum(1 for p in STATIC.rglob("*") if p.is_file())

    w.write("/", render_front(site))
    w.write("/search/", render_search(site, "", static_export=True))
    w.write("/sources/", render_sources(site))
    w.write("/feeds/", render_feeds_page(site))
    w.write("/404.html", site.renderer.render("error.html", now=site.now(), title="Not found", status=404,
                                              message="There is nothing at this address."))

    stories = _all_stories(store)
    sections: set[tuple[str, str]] = set()
    for st in stories:
        w.write(story_url(st.id), render_story(site, st.id))
        for rev in store.list_revisions(st.id):
            n = int(rev["revision"])
            w.write(f"/story/{st.id}/r/{n}/", render_story(site, st.id, n))
            w.json(f"/api/stories/{st.id}/revisions/{n}.json", story_detail(store, st.id, n))
        w.json(f"/api/stories/{st.id}.json", story_detail(store, st.id))
        feed = story_feed(store, settings, st.id, now=site.now())
        if feed is not None:
            for fmt in FEED_FORMATS:
                w.write(f"/story/{st.id}/feed.{fmt}", render_feed(feed, fmt, settings)[0])
        if st.topic:
            sections.add(("topic", st.topic))
        if st.region:
            sections.add(("region", st.region))

    for kind, value in sorted(sections):
        page = render_section(site, kind, value)
        if page is not None:
            w.write(f"/{kind}/{value}/", page)
        feed = section_feed(store, settings, kind, value, now=site.now())
        if feed is not None:
            for fmt in FEED_FORMATS:
                w.write(f"/feeds/{kind}/{value}.{fmt}", render_feed(feed, fmt, settings)[0])
    for which in SITE_FEEDS:
        feed = site_feed(store, settings, which, now=site.now())
        for fmt in FEED_FORMATS:
            w.write(f"/feeds/{which}.{fmt}", render_feed(feed, fmt, settings)[0])

    sources = store.list_sources()
    for src in sources:
        w.write(f"/source/{src.id}/", render_source(site, src.id))
    w.json("/api/sources.json", {"sources": [source_out(s) for s in sorted(sources, key=lambda s: s.id)]})
    w.json("/api/stories.json", list_stories_out(store, None, None, None, "heat", 100, 0))
    return w.count

