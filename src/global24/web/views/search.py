"""Search over stories and source items (the store's full-text index)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from global24.models import Item
from global24.store.base import Store
from global24.web.cards import cards_for
from global24.web.render import safe_href, story_url
from global24.web.responses import HTML, body, cached, site_of
from global24.web.state import Site

router = APIRouter(include_in_schema=False)

MAX_QUERY = 200
SNIPPET = 240


def snippet(text: str, query: str, width: int = SNIPPET) -> str:
    """A window of plain text around the first query word found."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    lower = text.lower()
    pos = min((p for w in query.lower().split() if (p := lower.find(w)) >= 0), default=0)
    start = max(0, pos - width // 3)
    out = text[start : start + width]
    return ("…" if start else "") + out + ("…" if start + width < len(text) else "")


def item_rows(store: Store, items: list[Item], sources: dict[str, Any], query: str = "") -> list[dict[str, Any]]:
    """Items with their source name, safe link and the story they belong to."""
    story_ids = {it.story_id for it in items if it.story_id}
    stories = {sid: store.get_story(sid) for sid in story_ids}
    headlines: dict[str, str] = {}
    for sid, st in stories.items():
        if st is None:
            continue
        art = store.get_article(st.id)
        headlines[sid] = (art.headline if art else "") or st.title or "Untitled story"
    rows = []
    for it in items:
        st = stories.get(it.story_id) if it.story_id else None
        src = sources.get(it.source_id)
        rows.append({
            "item": it,
            "source": (src.name if src else None) or it.source_name or it.source_id,
            "url": safe_href(it.url),
            "title": it.title or snippet(it.text, query, 100) or it.id,
            "snippet": snippet(it.text, query),
            "story_url": story_url(st.id) if st else None,
            "story_title": headlines.get(it.story_id or "", ""),
        })
    return rows


def search_context(store: Store, query: str, now: datetime) -> dict[str, Any]:
    query = " ".join(query.split())[:MAX_QUERY]
    ctx: dict[str, Any] = {"now": now, "page": "search", "title": "Search", "query": query,
                           "stories": [], "items": [], "canonical": None}
    if not query:
        return ctx
    stories = [s for s in store.search_stories(query, limit=20) if not s.merged_into]
    ctx["stories"] = cards_for(store, stories)
    sources = {s.id: s for s in store.list_sources()}
    ctx["items"] = item_rows(store, store.search_items(query, limit=30), sources, query)
    ctx["title"] = f"Search: {query}"
    return ctx


def render_search(site: Site, query: str, static_export: bool = False) -> str:
    ctx = search_context(site.store, query, site.now())
    ctx["static_export"] = static_export
    return site.renderer.render("search.html", **ctx)


@router.get("/search/")
async def search(request: Request, q: str = "") -> Response:
    site = site_of(request)
    return await cached(request, lambda: body(render_search(site, q), HTML))
