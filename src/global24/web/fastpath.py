"""Serve cached responses straight from the page cache, before routing.

A cache hit needs no routing, request object or view: this middleware
answers it (or a 304 to a matching If-None-Match) directly. Misses, non-GET
requests and anything not yet cached go on to the app, which fills the cache.
HEAD is answered as GET without the body (link checkers and static-host
tooling use it).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from global24.web.cache import etag_matches
from global24.web.state import Site


class CachedPages:
    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app = app
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
            send = _without_body(send)
        qs = scope.get("query_string", b"")
        key = scope["path"] + ("?" + qs.decode("latin-1") if qs else "")
        hit = self.site.cache.get(key)
        if hit is None:
            await self.app(scope, receive, send)
            return
        headers = [(b"etag", hit.etag.encode())] + [(k.lower().encode(), v.encode()) for k, v in hit.headers]
        inm = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        if inm is not None and etag_matches(inm.decode("latin-1"), hit.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [(b"content-type", hit.media_type.encode()), (b"content-length", str(len(hit.body)).encode())]
        await send({"type": "http.response.start", "status": hit.status, "headers": headers})
        await send({"type": "http.response.body", "body": hit.body})


def _without_body(send: Send) -> Send:
    async def head_send(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return head_send
