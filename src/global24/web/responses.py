"""Cached, ETagged responses for HTML pages, feeds and JSON.

A view hands over a cache key and a function that builds the body; this
module serves it from the page cache, answers 304 to a matching
If-None-Match and sets Cache-Control. Builders run in the thread pool so a
slow store query never blocks the event loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from global24.web.cache import CachedBody, etag_for, etag_matches
from global24.web.state import Site

HTML = "text/html; charset=utf-8"
JSON = "application/json"

# HTML revalidates on every view (the desk keeps writing); API reads may be reused briefly.
CACHE_HTML = "no-cache"
CACHE_API = "public, max-age=10"
CACHE_FEED = "public, max-age=60"


class NotFound(Exception):
    """Raised by a builder when the thing asked for does not exist."""


class Redirect(Exception):
    """Raised by a builder when the thing moved (a merged story)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def site_of(request: Request) -> Site:
    return request.app.state.site


def body(data: bytes | str, media_type: str, status: int = 200) -> CachedBody:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return CachedBody(raw, media_type, etag_for(raw), status)


def json_body(data: Any, status: int = 200) -> CachedBody:
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return body(raw, JSON, status)


def cache_key(request: Request) -> str:
    q = request.url.query
    return request.url.path + ("?" + q if q else "")


def finish(request: Request, cached: CachedBody) -> Response:
    """The response for a built body: 304 when the client already has it."""
    headers = {"ETag": cached.etag, **dict(cached.headers)}
    if cached.status == 200 and etag_matches(request.headers.get("if-none-match"), cached.etag):
        return Response(status_code=304, headers=headers)
    return Response(cached.body, status_code=cached.status, media_type=cached.media_type, headers=headers)


async def cached(
    request: Request,
    build: Callable[[], CachedBody],
    cache_control: str = CACHE_HTML,
    key: str | None = None,
) -> Response:
    """Serve ``build()`` through the page cache (key defaults to path + query).

    Cache hits whose key is the request's path + query are answered earlier, by
    :class:`global24.web.fastpath.CachedPages`, with the same headers.
    """
    site = site_of(request)
    k = key or cache_key(request)

    def build_with_headers() -> CachedBody:
        built = build()
        return replace(built, headers=(*built.headers, ("Cache-Control", cache_control)))

    hit = site.cache.get(k)
    if hit is None:
        try:
            hit = await run_in_threadpool(site.cache.get_or_build, k, build_with_headers)
        except Redirect as moved:
            return RedirectResponse(moved.url, status_code=301)
        except NotFound:
            return await not_found(request)
    return finish(request, hit)


async def not_found(request: Request, message: str = "") -> Response:
    site = site_of(request)
    if request.url.path.startswith("/api/"):
        return Response(
            json.dumps({"detail": message or "not found"}), status_code=404, media_type=JSON
        )
    html = site.renderer.render(
        "error.html", now=site.now(), title="Not found", status=404,
        message=message or "There is nothing at this address.",
    )
    return Response(html, status_code=404, media_type=HTML, headers={"Cache-Control": "no-store"})
