"""The demo source server: every invented outlet on its real wire format, on loopback.

``start_demo_server(port=0)`` runs a Starlette app under uvicorn in a thread
and returns a :class:`DemoServer` (``.base_url``, ``.stop()``, a context
manager). ``python -m global24.demo.server --port 8025`` runs it in the
foreground. Timestamps are shifted at serve time (see ``corpus.py``): an item
is served only once its shifted time has come, so stories arrive live.
Routes are listed in :data:`ROUTES` and in ``corpus/README.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from global24.demo import feeds, pages, social
from global24.demo.corpus import DEFAULT_LEAD, IMAGES_DIR, Corpus, CorpusItem, check_corpus, load_corpus
from global24.demo.site import Site, http_date

ROUTES: tuple[tuple[str, str], ...] = (
    ("/", "home page listing every source"),
    ("/sources.opml", "OPML 2.0 of every source (type = kind, xmlUrl = URL to subscribe to)"),
    (
        "/sources.json",
        "machine-readable source list: {base_url, appview, sources: [{id, kind, url, name, lang, ...}]}",
    ),
    ("/rss/<outlet>.xml", "RSS 2.0 (dc:creator, content:encoded, media:content, enclosure)"),
    ("/atom/<outlet>.xml", "Atom 1.0 (author, html content, enclosure links, media:content)"),
    ("/feeds/<outlet>.json", "JSON Feed 1.1"),
    ("/news/<outlet>/", "front page of an outlet linking its article pages"),
    (
        "/news/<outlet>/<key>.html",
        "article page (og:/twitter: meta, canonical, JSON-LD, figures, boilerplate)",
    ),
    ("/news/<outlet>/sitemap.xml", "sitemap of the outlet's article pages"),
    ("/exports/<outlet>.jsonl", "Item JSONL export of one outlet (any outlet; `all` = whole corpus)"),
    ("/images/<file>", "the corpus images (SVG)"),
    ("/api/v1/instance", "Mastodon instance info"),
    ("/api/v1/accounts/lookup?acct=NAME", "Mastodon account lookup"),
    ("/api/v1/accounts/<id>", "Mastodon account"),
    ("/api/v1/accounts/<id>/statuses?limit=&max_id=&since_id=&min_id=", "Mastodon account timeline"),
    ("/api/v1/timelines/tag/<tag>?limit=&max_id=", "Mastodon hashtag timeline"),
    ("/api/v1/statuses/<id>", "one Mastodon status"),
    ("/@<handle>", "Mastodon profile page; /@<handle>/<id> is a status page"),
    ("/xrpc/app.bsky.feed.getAuthorFeed?actor=&limit=&cursor=", "Bluesky author feed"),
    ("/xrpc/app.bsky.feed.searchPosts?q=&limit=&cursor=", "Bluesky post search (returns `posts`)"),
    ("/xrpc/app.bsky.actor.getProfile?actor=", "Bluesky profile"),
    ("/xrpc/com.atproto.identity.resolveHandle?handle=", "handle to DID"),
    ("/profile/<handle>", "Bluesky profile page; /profile/<handle>/post/<rkey> is a post page"),
)

_XML = "application/xml; charset=utf-8"
_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "jsonfeed": "application/feed+json; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}


def conditional(
    request: Request,
    body: str | bytes,
    media_type: str,
    last_modified: datetime | None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A response with ETag and Last-Modified that answers 304 when the client already has it."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    etag = '"' + hashlib.sha1(data).hexdigest()[:24] + '"'
    hdrs = {"ETag": etag, "Cache-Control": "no-cache", **(headers or {})}
    if last_modified is not None:
        hdrs["Last-Modified"] = http_date(last_modified)
    inm = request.headers.get("if-none-match")
    ims = request.headers.get("if-modified-since")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        if "*" in tags or etag in tags:
            return Response(status_code=304, headers=hdrs)
    elif ims and last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            since = None
        if since is not None and since.tzinfo is not None and last_modified.replace(microsecond=0) <= since:
            return Response(status_code=304, headers=hdrs)
    return Response(data, media_type=media_type, headers=hdrs)


def _newest(site: Site, items: list[CorpusItem]) -> datetime | None:
    return site.when(items[0]) if items else None


def _int(value: str | None, default: int, hi: int) -> int:
    try:
        return max(1, min(hi, int(value))) if value else default
    except ValueError:
        return default


def _json(
    request: Request,
    doc: Any,
    status: int = 200,
    last_modified: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = json.dumps(doc, ensure_ascii=False)
    if status != 200:
        return Response(body, status_code=status, media_type=_TYPES["json"])
    return conditional(request, body, _TYPES["json"], last_modified, headers)


def _not_found(what: str = "not found") -> Response:
    return Response(what, status_code=404, media_type="text/plain; charset=utf-8")


def build_app(site: Site) -> Starlette:
    """The Starlette app serving ``site``; every handler reads the clock at request time."""
    corpus = site.corpus

    def outlet_of(request: Request, channel: str | None = None):
        o = corpus.outlets.get(request.path_params["outlet"])
        if o is None or (channel and o.channel != channel):
            return None
        return o

    def feed(channel: str, render: Callable) -> Callable:
        async def handler(request: Request) -> Response:
            o = outlet_of(request, channel)
            if o is None:
                return _not_found("no such outlet on this channel")
            return conditional(request, render(site, o), _TYPES[channel], _newest(site, site.visible(o.id)))

        return handler

    async def home(request: Request) -> Response:
        return conditional(request, pages.home_page(site), _TYPES["html"], _newest(site, site.visible()))

    async def opml(request: Request) -> Response:
        return conditional(request, feeds.opml(site), "text/x-opml; charset=utf-8", None)

    async def sources(request: Request) -> Response:
        return conditional(request, feeds.sources_json(site), _TYPES["json"], None)

    async def index(request: Request) -> Response:
        o = outlet_of(request)
        if o is None:
            return _not_found()
        return conditional(
            request, pages.index_page(site, o), _TYPES["html"], _newest(site, site.visible(o.id))
        )

    async def sitemap(request: Request) -> Response:
        o = outlet_of(request)
        if o is None:
            return _not_found()
        return conditional(request, feeds.sitemap(site, o), _XML, _newest(site, site.visible(o.id)))

    async def article(request: Request) -> Response:
        item = corpus.item(request.path_params["key"])
        if item is None or item.outlet != request.path_params["outlet"] or not site.is_visible(item):
            return _not_found()
        return conditional(request, pages.article_page(site, item), _TYPES["html"], site.when(item))

    async def export(request: Request) -> Response:
        name = request.path_params["outlet"]
        if name == "all":
            items = site.visible()
            body = "".join(
                json.dumps(feeds.jsonl_record(site, it), ensure_ascii=False) + "\n" for it in reversed(items)
            )
        else:
            o = outlet_of(request)
            if o is None:
                return _not_found()
            items = site.visible(o.id)
            body = feeds.jsonl(site, o)
        return conditional(request, body, _TYPES["jsonl"], _newest(site, items))

    async def image(request: Request) -> Response:
        name = request.path_params["file"]
        path = IMAGES_DIR / name
        if "/" in name or name.startswith(".") or not path.is_file():
            return _not_found()
        return FileResponse(path, media_type="image/svg+xml" if name.endswith(".svg") else None)

    # --- Mastodon ---------------------------------------------------------
    async def m_instance(request: Request) -> Response:
        return _json(
            request,
            {
                "uri": site.instance_host,
                "title": "Global24 demo instance",
                "version": "4.2.0",
                "languages": sorted({o.lang for o in corpus.outlets.values()}),
            },
        )

    async def m_lookup(request: Request) -> Response:
        o = social.mastodon_lookup(site, request.query_params.get("acct", ""))
        if o is None:
            return _json(request, {"error": "Record not found"}, 404)
        return _json(request, social.mastodon_account(site, o))

    async def m_account(request: Request) -> Response:
        o = social.mastodon_lookup(site, request.path_params["id"])
        if o is None:
            return _json(request, {"error": "Record not found"}, 404)
        return _json(request, social.mastodon_account(site, o))

    def m_timeline(request: Request, items: list[CorpusItem], path: str) -> Response:
        q = request.query_params
        limit = _int(q.get("limit"), 20, 40)
        page = social.mastodon_page(
            items,
            site,
            limit=limit,
            max_id=q.get("max_id"),
            since_id=q.get("since_id"),
            min_id=q.get("min_id"),
        )
        headers = {}
        if page:
            nxt = f'<{site.base_url}{path}?limit={limit}&max_id={site.status_id(page[-1])}>; rel="next"'
            prev = f'<{site.base_url}{path}?limit={limit}&min_id={site.status_id(page[0])}>; rel="prev"'
            headers["Link"] = f"{nxt}, {prev}"
        return _json(
            request,
            [social.mastodon_status(site, it) for it in page],
            last_modified=_newest(site, page),
            headers=headers,
        )

    async def m_statuses(request: Request) -> Response:
        o = social.mastodon_lookup(site, request.path_params["id"])
        if o is None or o.channel != "mastodon":
            return _json(request, {"error": "Record not found"}, 404)
        return m_timeline(request, site.visible(o.id), request.url.path)

    async def m_tag(request: Request) -> Response:
        return m_timeline(request, social.tag_items(site, request.path_params["tag"]), request.url.path)

    async def m_status(request: Request) -> Response:
        sid = request.path_params["id"]
        for it in site.visible():
            if site.outlet(it).channel == "mastodon" and site.status_id(it) == sid:
                return _json(request, social.mastodon_status(site, it))
        return _json(request, {"error": "Record not found"}, 404)

    async def m_profile(request: Request) -> Response:
        o = social.mastodon_lookup(site, request.path_params["handle"])
        if o is None:
            return _not_found()
        items = site.visible(o.id)
        sid = request.path_params.get("id")
        if sid is not None:
            items = [it for it in items if site.status_id(it) == sid]
            if not items:
                return _not_found()
        return conditional(request, pages.social_page(site, o, items), _TYPES["html"], _newest(site, items))

    # --- Bluesky ----------------------------------------------------------
    def x_error(request: Request, message: str) -> Response:
        return _json(request, {"error": "InvalidRequest", "message": message}, 400)

    async def x_author_feed(request: Request) -> Response:
        q = request.query_params
        o = social.bsky_actor(site, q.get("actor", ""))
        if o is None:
            return x_error(request, "Profile not found")
        page, cursor = social.bsky_page(
            site, site.visible(o.id), limit=_int(q.get("limit"), 50, 100), cursor=q.get("cursor")
        )
        doc: dict[str, Any] = {"feed": [{"post": social.bsky_post(site, it)} for it in page]}
        if cursor:
            doc["cursor"] = cursor
        return _json(request, doc, last_modified=_newest(site, page))

    async def x_search(request: Request) -> Response:
        q = request.query_params
        if not q.get("q"):
            return x_error(request, 'Params must have the property "q"')
        hits = social.bsky_search(site, q["q"])
        page, cursor = social.bsky_page(
            site, hits, limit=_int(q.get("limit"), 25, 100), cursor=q.get("cursor")
        )
        doc: dict[str, Any] = {"posts": [social.bsky_post(site, it) for it in page], "hitsTotal": len(hits)}
        if cursor:
            doc["cursor"] = cursor
        return _json(request, doc, last_modified=_newest(site, page))

    async def x_profile(request: Request) -> Response:
        o = social.bsky_actor(site, request.query_params.get("actor", ""))
        if o is None:
            return x_error(request, "Profile not found")
        return _json(request, social.bsky_profile(site, o))

    async def x_resolve(request: Request) -> Response:
        o = social.bsky_actor(site, request.query_params.get("handle", ""))
        if o is None:
            return x_error(request, "Unable to resolve handle")
        return _json(request, {"did": site.did(o)})

    async def b_profile(request: Request) -> Response:
        o = social.bsky_actor(site, request.path_params["handle"])
        if o is None:
            return _not_found()
        items = site.visible(o.id)
        rkey = request.path_params.get("rkey")
        if rkey is not None:
            items = [it for it in items if site.rkey(it) == rkey]
            if not items:
                return _not_found()
        return conditional(request, pages.social_page(site, o, items), _TYPES["html"], _newest(site, items))

    routes = [
        Route("/", home),
        Route("/sources.opml", opml),
        Route("/sources.json", sources),
        Route("/rss/{outlet}.xml", feed("rss", feeds.rss)),
        Route("/atom/{outlet}.xml", feed("atom", feeds.atom)),
        Route("/feeds/{outlet}.json", feed("jsonfeed", feeds.jsonfeed)),
        Route("/news/{outlet}/", index),
        Route("/news/{outlet}/sitemap.xml", sitemap),
        Route("/news/{outlet}/{key}.html", article),
        Route("/exports/{outlet}.jsonl", export),
        Route("/images/{file}", image),
        Route("/api/v1/instance", m_instance),
        Route("/api/v1/accounts/lookup", m_lookup),
        Route("/api/v1/accounts/{id}", m_account),
        Route("/api/v1/accounts/{id}/statuses", m_statuses),
        Route("/api/v1/timelines/tag/{tag}", m_tag),
        Route("/api/v1/statuses/{id}", m_status),
        Route("/@{handle}", m_profile),
        Route("/@{handle}/{id}", m_profile),
        Route("/xrpc/app.bsky.feed.getAuthorFeed", x_author_feed),
        Route("/xrpc/app.bsky.feed.searchPosts", x_search),
        Route("/xrpc/app.bsky.actor.getProfile", x_profile),
        Route("/xrpc/com.atproto.identity.resolveHandle", x_resolve),
        Route("/profile/{handle}", b_profile),
        Route("/profile/{handle}/post/{rkey}", b_profile),
    ]
    return Starlette(routes=routes)


class DemoServer:
    """A running demo server (uvicorn in a daemon thread) on a loopback port."""

    def __init__(self, site: Site, server: uvicorn.Server, thread: threading.Thread):
        self.site = site
        self._server = server
        self._thread = thread

    @property
    def base_url(self) -> str:
        return self.site.base_url

    @property
    def corpus(self) -> Corpus:
        return self.site.corpus

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 5.0) -> None:
        """Ask uvicorn to exit and wait for the thread; idempotent."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo_server(
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    corpus: Corpus | None = None,
    start: datetime | None = None,
    lead: timedelta = DEFAULT_LEAD,
    clock: Callable[[], datetime] | None = None,
    timeout: float = 10.0,
) -> DemoServer:
    """Start the demo server on ``host:port`` (``port=0`` picks a free port) and wait until it accepts.

    The newest corpus item is placed ``lead`` after ``start`` (default: now);
    ``clock`` (default: the wall clock) decides what is visible at each request.
    """
    corpus = corpus or load_corpus(start=start, lead=lead)
    site = Site(corpus=corpus, base_url="", clock=clock or (lambda: datetime.now(UTC)))
    # uvicorn binds the port itself: handing it a pre-bound socket (``sockets=``) made every
    # keep-alive request on this loopback take ~50 ms, binding by host/port does not.
    config = uvicorn.Config(
        build_app(site), host=host, port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="global24-demo", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"demo server did not start on {host}:{port}")
        time.sleep(0.02)
    # the URL is known only now; no request can have come in before, since nobody knew the port
    bound = server.servers[0].sockets[0].getsockname()[1]
    site.base_url = f"http://{host}:{bound}"
    return DemoServer(site, server, thread)


def main(argv: list[str] | None = None) -> None:
    """Run the demo server in the foreground until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m global24.demo.server", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument(
        "--lead-minutes",
        type=float,
        default=DEFAULT_LEAD.total_seconds() / 60,
        help="minutes after start at which the newest item appears",
    )
    args = parser.parse_args(argv)
    server = start_demo_server(args.port, host=args.host, lead=timedelta(minutes=args.lead_minutes))
    report = check_corpus(server.corpus)
    print(f"Global24 demo sources on {server.base_url}")
    print(
        f"  {report.items} items, {report.stories} stories, {report.outlets} outlets/handles, "
        f"{report.days} days; {len(server.site.visible())} visible now, the rest arrive over "
        f"{args.lead_minutes:g} minutes"
    )
    for problem in report.problems:
        print(f"  problem: {problem}")
    print(f"  sources: {server.base_url}/sources.opml  {server.base_url}/sources.json")
    for path, what in ROUTES:
        print(f"  {path:58} {what}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
