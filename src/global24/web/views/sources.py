"""Source pages: every source with its health, and what one source contributed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from global24.store.base import Store
from global24.web.render import as_utc, safe_href
from global24.web.responses import HTML, NotFound, body, cached, site_of
from global24.web.state import Site
from global24.web.views.search import item_rows

router = APIRouter(include_in_schema=False)


def sources_context(store: Store, now: datetime) -> dict[str, Any]:
    sources = sorted(store.list_sources(), key=lambda s: ((s.name or s.id).lower(), s.id))
    return {
        "now": now,
        "page": "sources",
        "title": "Sources",
        "sources": sources,
        "failing": sum(1 for s in sources if s.enabled and s.error_count > 0),
        "paused": sum(1 for s in sources if not s.enabled),
        "canonical": "/sources/",
    }


def source_context(store: Store, source_id: str, now: datetime) -> dict[str, Any]:
    source = store.get_source(source_id)
    if source is None:
        raise NotFound(source_id)
    items = sorted(store.items_for_source(source.id, limit=50), key=lambda i: as_utc(i.when), reverse=True)
    rows = item_rows(store, items, {source.id: source})
    fed: dict[str, dict[str, Any]] = {}
    for r in rows:
        it = r["item"]
        if it.story_id and r["story_url"]:
            entry = fed.setdefault(it.story_id, {"id": it.story_id, "headline": r["story_title"], "count": 0,
                                                 "heat": 0.0})
            entry["count"] += 1
    for sid, entry in fed.items():
        st = store.get_story(sid)
        if st is not None:
            entry["id"], entry["heat"] = st.id, st.heat
    next_at = as_utc(source.next_fetch_at)
    return {
        "now": now,
        "page": "source",
        "title": source.name or source.id,
        "source": source,
        "href": safe_href(source.url),
        "items": rows,
        "stories": sorted(fed.values(), key=lambda e: -e["heat"]),
        "backoff": bool(source.error_count and next_at and next_at > now),
        "canonical": f"/source/{source.id}/",
    }


def render_sources(site: Site) -> str:
    return site.renderer.render("sources.html", **sources_context(site.store, site.now()))


def render_source(site: Site, source_id: str) -> str:
    return site.renderer.render("source.html", **source_context(site.store, source_id, site.now()))


@router.get("/sources/")
async def sources(request: Request) -> Response:
    site = site_of(request)
    return await cached(request, lambda: body(render_sources(site), HTML), key="/sources/")


@router.get("/source/{source_id}/")
async def source(request: Request, source_id: str) -> Response:
    site = site_of(request)
    return await cached(request, lambda: body(render_source(site, source_id), HTML),
                        key=f"/source/{source_id}/")
