"""Feed routes: site-wide, per section and per story, each as Atom, RSS 2.0 and JSON Feed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from global24.publishing.feeds import FORMATS, SITE_FEEDS, render_feed, section_feed, site_feed, story_feed
from global24.web.cards import list_cards
from global24.web.responses import CACHE_FEED, HTML, NotFound, body, cached, site_of
from global24.web.state import Site
from global24.web.views.front import nav_sections

router = APIRouter(include_in_schema=False)


def feeds_context(site: Site) -> dict[str, Any]:
    cards = list_cards(site.store, limit=200)
    nav = nav_sections(cards)
    return {
        "now": site.now(),
        "page": "feeds",
        "title": "Feeds",
        "site_feeds": [{"path": f"/feeds/{k}", "label": v.capitalize()} for k, v in SITE_FEEDS.items()],
        "nav": nav,
        "canonical": "/feeds/",
    }


def render_feeds_page(site: Site) -> str:
    return site.renderer.render("feeds.html", **feeds_context(site))


def _fmt(name: str) -> tuple[str, str]:
    stem, _, fmt = name.rpartition(".")
    if fmt not in FORMATS or not stem:
        raise NotFound(name)
    return stem, fmt


@router.get("/feeds/")
async def feeds_page(request: Request) -> Response:
    site = site_of(request)
    return await cached(request, lambda: body(render_feeds_page(site), HTML), key="/feeds/")


@router.get("/feeds/{name}")
async def site_feed_route(request: Request, name: str) -> Response:
    site = site_of(request)

    def build():
        which, fmt = _fmt(name)
        if which not in SITE_FEEDS:
            raise NotFound(name)
        text, media = render_feed(site_feed(site.store, site.settings, which, now=site.now()), fmt, site.settings)
        return body(text, media)

    return await cached(request, build, CACHE_FEED, key=f"/feeds/{name}")


@router.get("/feeds/{kind}/{name}")
async def section_feed_route(request: Request, kind: str, name: str) -> Response:
    site = site_of(request)

    def build():
        value, fmt = _fmt(name)
        if kind not in ("topic", "region"):
            raise NotFound(kind)
        feed = section_feed(site.store, site.settings, kind, value, now=site.now())
        if feed is None:
            raise NotFound(value)
        text, media = render_feed(feed, fmt, site.settings)
        return body(text, media)

    return await cached(request, build, CACHE_FEED, key=f"/feeds/{kind}/{name}")


@router.get("/story/{story_id}/feed.{fmt}")
async def story_feed_route(request: Request, story_id: str, fmt: str) -> Response:
    site = site_of(request)

    def build():
        if fmt not in FORMATS:
            raise NotFound(fmt)
        feed = story_feed(site.store, site.settings, story_id, now=site.now())
        if feed is None:
            raise NotFound(story_id)
        text, media = render_feed(feed, fmt, site.settings)
        return body(text, media)

    return await cached(request, build, CACHE_FEED, key=f"/story/{story_id}/feed.{fmt}")
