"""The front page and the section pages (one topic or one region), ranked by heat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from global24.store.base import Store
from global24.web.cards import Card, list_cards
from global24.web.render import REGION_LABELS, TOPIC_LABELS, label
from global24.web.responses import HTML, NotFound, body, cached, site_of
from global24.web.state import Site

router = APIRouter(include_in_schema=False)

FRONT_LIMIT = 60
PER_SECTION = 4


def _group(cards: list[Card], attr: str) -> list[dict[str, Any]]:
    """Cards grouped by topic or region, groups ordered by their hottest story."""
    groups: dict[str, list[Card]] = {}
    for card in cards:
        value = getattr(card, attr)
        if value:
            groups.setdefault(value, []).append(card)
    ordered = sorted(groups.items(), key=lambda kv: (-max(c.heat for c in kv[1]), kv[0]))
    return [
        {"value": value, "label": label(attr, value), "cards": group[:PER_SECTION], "total": len(group)}
        for value, group in ordered
    ]


def nav_sections(cards: list[Card]) -> dict[str, list[dict[str, str]]]:
    """Topic and region links for the header, in the site's fixed order, only where stories exist."""
    topics = {c.topic for c in cards if c.topic}
    regions = {c.region for c in cards if c.region}
    known_t = [t for t in TOPIC_LABELS if t in topics] + sorted(topics - set(TOPIC_LABELS))
    known_r = [r for r in REGION_LABELS if r in regions] + sorted(regions - set(REGION_LABELS))
    return {
        "topics": [{"value": t, "label": label("topic", t)} for t in known_t],
        "regions": [{"value": r, "label": label("region", r)} for r in known_r],
    }


def front_context(store: Store, now: datetime) -> dict[str, Any]:
    cards = list_cards(store, order="heat", limit=FRONT_LIMIT)
    written = [c for c in cards if c.has_article]
    developing = [c for c in cards if not c.has_article]
    newest = sorted(written, key=lambda c: c.updated, reverse=True)[:6]
    return {
        "now": now,
        "page": "front",
        "title": None,
        "lead": written[0] if written else None,
        "top": written[1:7],
        "more": written[7:],
        "newest": newest,
        "developing": developing[:12],
        "by_topic": _group(written, "topic"),
        "by_region": _group(written, "region"),
        "nav": nav_sections(cards),
        "count": len(cards),
        "canonical": "/",
        "feeds": {"atom": "/feeds/hot.atom", "rss": "/feeds/hot.rss", "json": "/feeds/hot.json"},
    }


def section_context(store: Store, now: datetime, kind: str, value: str) -> dict[str, Any] | None:
    """A topic or region page: every visible story in it, hottest first; None when empty."""
    filt = {"topic": value} if kind == "topic" else {"region": value}
    cards = list_cards(store, order="heat", limit=200, **filt)
    if not cards:
        return None
    all_cards = list_cards(store, order="heat", limit=FRONT_LIMIT)
    name = label(kind, value)
    return {
        "now": now,
        "page": kind,
        "title": name,
        "kind": kind,
        "value": value,
        "section_label": name,
        "cards": [c for c in cards if c.has_article],
        "developing": [c for c in cards if not c.has_article],
        "nav": nav_sections(all_cards),
        "canonical": f"/{kind}/{value}/",
        "feeds": {
            "atom": f"/feeds/{kind}/{value}.atom",
            "rss": f"/feeds/{kind}/{value}.rss",
            "json": f"/feeds/{kind}/{value}.json",
        },
    }


def render_front(site: Site) -> str:
    return site.renderer.render("front.html", **front_context(site.store, site.now()))


def render_section(site: Site, kind: str, value: str) -> str | None:
    ctx = section_context(site.store, site.now(), kind, value)
    return None if ctx is None else site.renderer.render("section.html", **ctx)


@router.get("/")
async def front(request: Request) -> Response:
    site = site_of(request)
    return await cached(request, lambda: body(render_front(site), HTML), key="/")


async def _section(request: Request, kind: str, value: str) -> Response:
    site = site_of(request)

    def build():
        html = render_section(site, kind, value)
        if html is None:
            raise NotFound(value)
        return body(html, HTML)

    return await cached(request, build, key=f"/{kind}/{value}/")


@router.get("/topic/{value}/")
async def topic(request: Request, value: str) -> Response:
    return await _section(request, "topic", value)


@router.get("/region/{value}/")
async def region(request: Request, value: str) -> Response:
    return await _section(request, "region", value)
