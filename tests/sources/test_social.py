"""Mastodon and Bluesky: URL forms, API shapes to Items, engagement, images, and collecting over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from global24.models import Source
from global24.sources import collect, parse_bluesky_feed, parse_mastodon_statuses
from global24.sources.bluesky import parse_bluesky_url, xrpc_url
from global24.sources.fetcher import Fetcher
from global24.sources.mastodon import parse_mastodon_url
from tests.sources.conftest import DATA, run

SOCIAL = DATA / "social"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://harbor.example/@tidewatch", ("https://harbor.example", "account", "tidewatch")),
        (
            "https://harbor.example/@kantodesk@sakura.example",
            ("https://harbor.example", "account", "kantodesk@sakura.example"),
        ),
        ("http://127.0.0.1:8025/users/tidewatch", ("http://127.0.0.1:8025", "account", "tidewatch")),
        ("https://harbor.example/tags/tokyo", ("https://harbor.example", "tag", "tokyo")),
        ("https://harbor.example/about", None),
        ("harbor.example/@x", None),
    ],
)
def test_mastodon_urls(url, expected):
    target = parse_mastodon_url(url)
    assert (None if target is None else (target.base, target.kind, target.name)) == expected


def test_mastodon_statuses_to_items():
    source = Source(id="src_m", kind="mastodon", url="https://harbor.example/@tidewatch")
    res = parse_mastodon_statuses(
        (SOCIAL / "mastodon_statuses.json").read_bytes(), "https://harbor.example", source
    )
    assert res.error is None
    assert res.warnings == ["status 5: skipped (ValueError: status is not an object)"]
    first, boosted, spoiler = res.items  # the followers-only status is not public: left out
    assert first.kind == "post" and first.title is None
    assert first.url == "https://harbor.example/@tidewatch/113400000000000001"
    assert (
        first.text
        == "Motorcade just entered the Imperial Palace grounds. #Tokyo\n\nCrowds held back at the East Gate."
    )
    assert first.published_at == datetime(2025, 10, 27, 6, 55, 12, tzinfo=UTC)
    assert (first.engagement.likes, first.engagement.reposts, first.engagement.replies) == (512, 230, 14)
    assert [(i.url, i.caption, i.width) for i in first.images] == [
        ("https://harbor.example/media/gate.jpg", "Police line at the palace East Gate", 1600)
    ]  # the video attachment is not an image
    assert (
        first.author == "Tide Watch (@tidewatch)" and first.lang == "en" and first.extra["tags"] == ["tokyo"]
    )
    # a boost is read as the boosted status, credited to its author, with the booster noted
    assert boosted.url == "https://sakura.example/@kantodesk/113399999999999999"
    assert boosted.lang == "ja" and boosted.text == "天皇陛下がトランプ大統領を皇居で迎えられました。"
    assert (
        boosted.author == "Kanto Desk (@kantodesk@sakura.example)"
        and boosted.extra["boosted_by"] == "tidewatch"
    )
    assert boosted.engagement.likes == 190
    assert boosted.images[0].url == "https://meridian-wire.example/img/palace-card.jpg"  # link card picture
    assert boosted.extra["links"] == ["https://meridian-wire.example/world/asia/emperor-receives-trump"]
    # odd counts are clamped, not trusted; content warnings kept in front of the text
    assert (spoiler.engagement.likes, spoiler.engagement.reposts, spoiler.engagement.replies) == (0, 0, 7)
    assert spoiler.text.startswith("Long thread\n\nAkasaka Palace") and spoiler.author == "@tidewatch"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"<html>", "invalid JSON"),
        (b'{"error": "Record not found"}', "Record not found"),
        (b'{"a": 1}', "expected a JSON array"),
    ],
)
def test_mastodon_bad_answers(content, fragment):
    res = parse_mastodon_statuses(content, "https://h.example", Source(id="s", kind="mastodon", url="x"))
    assert res.error and fragment in res.error and res.items == []


@pytest.mark.parametrize(
    ("url", "kind", "value"),
    [
        ("at://eastasia-watch.example", "author", "eastasia-watch.example"),
        ("at://did:plc:abcdefghijklmnopqrstuvwx", "author", "did:plc:abcdefghijklmnopqrstuvwx"),
        ("https://bsky.app/profile/pressroom-notes.example", "author", "pressroom-notes.example"),
        ("bsky:search:rare earths", "search", "rare earths"),
    ],
)
def test_bluesky_urls(url, kind, value):
    target = parse_bluesky_url(url)
    assert (target.kind, target.value) == (kind, value)
    xrpc = xrpc_url(target, "https://public.api.bsky.app/")
    assert xrpc.startswith("https://public.api.bsky.app/xrpc/app.bsky.feed.")
    assert ("searchPosts?q=rare%20earths" in xrpc) == (kind == "search")


def test_bluesky_unknown_urls():
    assert parse_bluesky_url("https://example.com/x") is None and parse_bluesky_url("bsky:search:") is None


def test_bluesky_author_feed_to_items():
    source = Source(id="src_b", kind="bluesky", url="at://eastasia-watch.example")
    res = parse_bluesky_feed((SOCIAL / "bluesky_author_feed.json").read_bytes(), source)
    assert res.error is None and len(res.warnings) == 1 and "post 4" in res.warnings[0]
    signed, repost, quote = res.items
    assert signed.kind == "post"
    assert signed.url == "https://bsky.app/profile/eastasia-watch.example/post/3m4abcdefgh2a"
    assert signed.published_at == datetime(2025, 10, 28, 2, 5, tzinfo=UTC)
    assert (signed.engagement.likes, signed.engagement.reposts, signed.engagement.replies) == (1250, 402, 31)
    assert signed.extra["quotes"] == 12
    assert [(i.url, i.caption, i.width) for i in signed.images] == [
        ("https://cdn.example/img/full/sign.jpg", "The signing table at Akasaka Palace", 1200)
    ]
    assert signed.extra["links"] == ["https://meridian-wire.example/world/asia/akasaka-minerals"]
    assert signed.author == "East Asia Watch (@eastasia-watch.example)" and signed.lang == "en"
    # a repost keeps the original author and notes who reposted it; an external card gives link and thumb
    assert repost.author == "Market Pulse (@marketpulse.example)"
    assert repost.extra["reposted_by"] == "eastasia-watch.example"
    assert repost.extra["links"] == ["https://ledger-line.example/markets/rare-earths"]
    assert repost.images[0].caption == "Miners rally on minerals deal"
    assert [i.caption for i in quote.images] == ["USS George Washington at Yokosuka"]
    assert res.meta["cursor"] == "3m4ccccccc22c"


def test_bluesky_bad_answers():
    src = Source(id="s", kind="bluesky", url="x")
    assert "invalid JSON" in parse_bluesky_feed(b"nope", src).error
    assert (
        "InvalidRequest"
        in parse_bluesky_feed(b'{"error": "InvalidRequest", "message": "bad actor"}', src).error
    )
    assert "neither 'feed' nor 'posts'" in parse_bluesky_feed(b'{"x": []}', src).error


def _collect(source, settings):
    async def go():
        async with Fetcher(settings) as fetcher:
            return await collect(source, fetcher, settings=settings)

    return run(go())


def test_collect_mastodon_account_and_tag(server, fetch_settings):
    account = Source(id="src_ma", kind="mastodon", url=server.url("/@tidewatch"), name="Tide Watch")
    res = _collect(account, fetch_settings)
    assert res.error is None and res.fetches == 2 and len(res.items) == 3
    assert {i.source_name for i in res.items} == {"Tide Watch"}
    tag = _collect(Source(id="src_mt", kind="mastodon", url=server.url("/tags/tokyo")), fetch_settings)
    assert tag.error is None and [i.engagement.reposts for i in tag.items] == [5]
    missing = _collect(Source(id="src_mx", kind="mastodon", url=server.url("/@nobody")), fetch_settings)
    assert missing.error == "account lookup: HTTP 404"
    bad = _collect(Source(id="src_mb", kind="mastodon", url=server.url("/about")), fetch_settings)
    assert bad.error and "not a Mastodon account or tag URL" in bad.error


def test_collect_bluesky_from_a_configured_appview(server, fetch_settings):
    settings = fetch_settings.replace(bluesky_appview_url=server.url(""), bluesky_web_url=server.url(""))
    res = _collect(Source(id="src_ba", kind="bluesky", url="at://eastasia-watch.example"), settings)
    assert res.error is None and len(res.items) == 3
    assert res.fetches == 1  # the answer has a cursor, but a short page is the whole feed
    assert res.items[0].url == server.url("/profile/eastasia-watch.example/post/3m4abcdefgh2a")
    search = _collect(Source(id="src_bs", kind="bluesky", url="bsky:search:Yokosuka"), settings)
    assert search.error is None and search.items[0].engagement.likes == 77
    assert any(p.startswith("/xrpc/app.bsky.feed.searchPosts?q=Yokosuka") for _t, p in server.state.log)


# ---------------------------------------------------------------- paging back through a busy timeline

PAGING = SOCIAL / "paging"
NEWEST = datetime(2025, 10, 30, 9, 0, tzinfo=UTC)  # the fixtures' newest post; one post a minute before it


class PagingHandler(BaseHTTPRequestHandler):
    """The #busy tag timeline and the "busy" search, one fixture file per page.

    The request names the file: ``paging/mastodon_busy.json`` for the newest page,
    ``paging/mastodon_busy.max_id-<id>.json`` (``bluesky_busy.cursor-<cursor>.json``) for older
    ones, so a wrong ``max_id`` or cursor is a 404. With ``server.fail_later`` set, older pages are 500s.
    """

    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.server.log.append((self.path, self.headers.get("If-None-Match")))
        if parts.path.startswith("/api/v1/timelines/tag/"):
            name, param = "mastodon_" + parts.path.rsplit("/", 1)[-1], "max_id"
        elif parts.path == "/xrpc/app.bsky.feed.searchPosts":
            name, param = "bluesky_" + query.get("q", ""), "cursor"
        else:
            return self._send(404, b"no such route")
        if param not in query and self.headers.get("If-None-Match") == '"unchanged"':
            return self._send(304, b"")
        if param in query:
            if self.server.fail_later:
                return self._send(500, b"upstream timeout")
            name += f".{param}-{query[param]}"
        path = PAGING / f"{name}.json"
        return (
            self._send(200, path.read_bytes()) if path.is_file() else self._send(404, b'{"error":"no page"}')
        )

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def paging_server() -> Iterator[Any]:
    httpd: Any = ThreadingHTTPServer(("127.0.0.1", 0), PagingHandler)
    httpd.daemon_threads = True
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def paging(paging_server: Any) -> Any:
    paging_server.log, paging_server.fail_later = [], False
    return paging_server


# per network: the source, the requests that read all three pages, and the new posts on each page
TAG_PAGE = "/api/v1/timelines/tag/busy?limit=40"
SEARCH_PAGE = "/xrpc/app.bsky.feed.searchPosts?q=busy&limit=50&sort=latest"
BUSY = {
    "mastodon": (
        "/tags/busy",
        [TAG_PAGE, f"{TAG_PAGE}&max_id=113500000000000161", f"{TAG_PAGE}&max_id=113500000000000121"],
        [40, 40, 7],
    ),
    # the search cursor is an offset: page 2 repeats page 1's last post, which is read once
    "bluesky": (
        "bsky:search:busy",
        [SEARCH_PAGE, f"{SEARCH_PAGE}&cursor=50", f"{SEARCH_PAGE}&cursor=100"],
        [50, 49, 12],
    ),
}


def _collect_busy(paging, fetch_settings, network, known_urls=None, **source_fields):
    where, _paths, _counts = BUSY[network]
    url = paging.base + where if where.startswith("/") else where
    source = Source(id=f"src_busy_{network}", kind=network, url=url, **source_fields)
    settings = fetch_settings.replace(bluesky_appview_url=paging.base, bluesky_web_url=paging.base)

    async def go():
        async with Fetcher(settings) as fetcher:
            return await collect(source, fetcher, settings=settings, known_urls=known_urls)

    return run(go())


def _requested(paging) -> list[str]:
    return [path for path, _etag in paging.log]


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
def test_a_busy_timeline_is_read_back_to_its_short_last_page(paging, fetch_settings, network):
    res = _collect_busy(paging, fetch_settings, network, etag='"seen"')
    _where, paths, counts = BUSY[network]
    assert res.error is None and res.warnings == []
    assert _requested(paging) == paths and res.fetches == 3  # the short third page ends it: no fourth request
    assert len(res.items) == sum(counts) == len({i.id for i in res.items})
    times = [i.published_at for i in res.items]
    assert times == sorted(times, reverse=True) and times[0] == NEWEST
    assert times[-1] == NEWEST - timedelta(minutes=sum(counts) - 1)
    # conditional GET is for the newest page only: an older page is never "not modified"
    assert [etag for _path, etag in paging.log] == ['"seen"', None, None]


KNOWN = {  # network -> (a post on page 1, a post on page 2)
    "mastodon": (
        "https://harbor.example/@quaywatch/113500000000000200",
        "https://harbor.example/@quaywatch/113500000000000155",
    ),
    "bluesky": ("/profile/quaywatch.example/post/3m5busy0111", "/profile/quaywatch.example/post/3m5busy0051"),
}


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
@pytest.mark.parametrize("page", [1, 2])
def test_reading_back_stops_at_the_first_page_holding_a_known_post(paging, fetch_settings, network, page):
    url = KNOWN[network][page - 1]
    known = {paging.base + url if url.startswith("/") else url}
    res = _collect_busy(paging, fetch_settings, network, known_urls=lambda u: u in known)
    _where, paths, counts = BUSY[network]
    assert known & {i.url for i in res.items}  # the known post is on the pages read...
    assert _requested(paging) == paths[:page] and res.fetches == page  # ...and nothing older is asked for
    assert len(res.items) == sum(counts[:page]) and res.error is None and res.warnings == []


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
@pytest.mark.parametrize("max_pages", [1, 2])
def test_reading_back_stops_at_social_max_pages(paging, fetch_settings, network, max_pages):
    res = _collect_busy(paging, fetch_settings.replace(social_max_pages=max_pages), network)
    _where, paths, counts = BUSY[network]
    assert _requested(paging) == paths[:max_pages] and res.fetches == max_pages
    assert len(res.items) == sum(counts[:max_pages]) and res.error is None


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
def test_reading_back_stops_at_the_last_good_fetch(paging, fetch_settings, network):
    # page 1 is all newer than the last good fetch an hour ago, page 2 reaches back past it
    res = _collect_busy(paging, fetch_settings, network, last_ok_at=NEWEST - timedelta(minutes=60))
    _where, paths, counts = BUSY[network]
    assert _requested(paging) == paths[:2] and len(res.items) == sum(counts[:2])


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
def test_a_failing_older_page_keeps_the_newer_posts(paging, fetch_settings, network):
    paging.fail_later = True
    res = _collect_busy(paging, fetch_settings, network)
    _where, paths, counts = BUSY[network]
    assert res.error is None and res.status == 200  # the round counts as a success: page 1 is stored
    assert _requested(paging) == paths[:2] and res.fetches == 2
    assert len(res.items) == counts[0]
    assert res.warnings == [f"page 2: HTTP 500 (kept the {counts[0]} newer posts)"]


NEXT = {"mastodon": "113500000000000161", "bluesky": "50"}  # where page 2 starts


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
@pytest.mark.parametrize("why", ["a failed page", "the page cap"])
def test_the_next_round_resumes_where_paging_stopped_short(paging, fetch_settings, network, why):
    _where, paths, counts = BUSY[network]
    settings = fetch_settings.replace(social_max_pages=1) if why == "the page cap" else fetch_settings
    paging.fail_later = why == "a failed page"
    first = _collect_busy(paging, settings, network)
    assert first.resume_cursor == NEXT[network] and len(first.items) == counts[0]
    # next round: nothing new on top, so page 1 is all known; reading carries on from page 2
    paging.log, paging.fail_later = [], False
    known = {i.url for i in first.items}
    res = _collect_busy(
        paging,
        fetch_settings,
        network,
        known_urls=lambda u: u in known,
        resume_cursor=first.resume_cursor,
        last_ok_at=NEWEST,
    )
    assert _requested(paging) == paths and res.fetches == 3
    assert {i.id for i in first.items} | {i.id for i in res.items} == {i.id for i in res.items}
    assert len(res.items) == sum(counts) and res.resume_cursor is None  # the short page 3 ends the gap


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
def test_an_unchanged_newest_page_still_resumes_an_unfinished_gap(paging, fetch_settings, network):
    _where, paths, counts = BUSY[network]
    res = _collect_busy(paging, fetch_settings, network, etag='"unchanged"', resume_cursor=NEXT[network])
    assert res.not_modified and res.error is None
    page_2 = {"mastodon": 40, "bluesky": 50}[network]  # whole: page 1, which it overlaps, was not read
    assert _requested(paging) == paths and len(res.items) == page_2 + counts[2] and res.resume_cursor is None


def test_the_resume_point_is_kept_on_the_source_until_a_round_clears_it(tmp_path):
    from global24.sources.base import CollectResult
    from global24.sources.fetcher import apply_fetch_outcome
    from global24.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    source = Source(id="src_r", kind="mastodon", url="https://harbor.example/tags/busy")
    stopped = apply_fetch_outcome(source, CollectResult(source_id="src_r", resume_cursor="113500000000000161"))
    store.upsert_source(stopped)
    assert store.get_source("src_r").resume_cursor == "113500000000000161"
    failed = apply_fetch_outcome(stopped, CollectResult(source_id="src_r", error="HTTP 500"))
    assert failed.resume_cursor == "113500000000000161"  # a failed round does not lose the gap
    done = apply_fetch_outcome(failed, CollectResult(source_id="src_r"))
    store.upsert_source(done)
    assert store.get_source("src_r").resume_cursor is None


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
def test_resuming_stops_where_the_gap_meets_stored_posts(paging, fetch_settings, network):
    _where, paths, counts = BUSY[network]
    everything = _collect_busy(paging, fetch_settings, network).items
    paging.log = []
    stored = {i.url for i in everything[: counts[0]]} | {everything[counts[0] + counts[1] - 1].url}
    res = _collect_busy(
        paging, fetch_settings, network, known_urls=lambda u: u in stored, resume_cursor=NEXT[network]
    )
    # page 1 holds known posts; page 2's oldest post is stored, so the gap ends there: no page 3
    assert _requested(paging) == paths[:2] and res.resume_cursor is None



@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
def test_a_newer_gap_replacing_an_older_one_is_said(paging, fetch_settings, network):
    res = _collect_busy(paging, fetch_settings.replace(social_max_pages=1), network, resume_cursor="older-gap")
    assert res.resume_cursor == NEXT[network]
    assert res.warnings == ["older posts before older-gap left unread: a newer gap takes its place"]
