"""The demo source server on a real loopback socket: every channel, paging, caching, time shift."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import feedparser
import httpx
import pytest

from global24.demo.corpus import load_corpus
from global24.demo.server import DemoServer, start_demo_server
from global24.demo.site import http_date

START = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(START)


@pytest.fixture(scope="module")
def server(clock: Clock) -> Iterator[DemoServer]:
    srv = start_demo_server(0, corpus=load_corpus(start=START), clock=clock)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def http(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def sources(http: httpx.Client) -> list[dict]:
    r = http.get("/sources.json")
    assert r.status_code == 200
    return r.json()["sources"]


def test_binds_loopback_on_a_free_port(server: DemoServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.port > 0


def test_sources_json_and_opml_list_every_outlet(
    server: DemoServer, http: httpx.Client, sources: list[dict]
) -> None:
    assert {s["id"] for s in sources} == set(server.corpus.outlets)
    kinds = {s["kind"] for s in sources}
    assert kinds == {"rss", "atom", "jsonfeed", "page", "mastodon", "bluesky", "jsonl"}
    for s in sources:
        if s["kind"] == "mastodon":
            assert s["url"] == f"{server.base_url}/@{server.corpus.outlets[s['id']].handle}"
        elif s["kind"] == "bluesky":
            assert s["url"].startswith("at://") and s["appview"] == server.base_url
        else:
            assert s["url"].startswith(server.base_url)
    opml = ET.fromstring(http.get("/sources.opml").content)
    outlines = opml.findall("./body/outline")
    assert len(outlines) == len(sources)
    assert {o.get("xmlUrl") for o in outlines} == {s["url"] for s in sources}


def _feeds(sources: list[dict], kind: str) -> list[dict]:
    return [s for s in sources if s["kind"] == kind]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_xml_feeds_parse_with_feedparser(http: httpx.Client, sources: list[dict], kind: str) -> None:
    with_images = 0
    for src in _feeds(sources, kind):
        r = http.get(src["url"])
        assert r.status_code == 200 and "xml" in r.headers["content-type"]
        parsed = feedparser.parse(r.content)
        assert not parsed.bozo, (src["id"], parsed.get("bozo_exception"))
        assert parsed.version == ("rss20" if kind == "rss" else "atom10")
        assert parsed.entries, src["id"]
        for e in parsed.entries:
            assert e.title and e.link and e.published_parsed
            assert e.link.startswith(str(http.base_url))
        for e in parsed.entries:
            if e.get("media_content"):
                with_images += 1
                assert e.media_content[0]["url"].endswith(".svg")
                if kind == "rss":
                    assert e.enclosures and e.enclosures[0]["type"] == "image/svg+xml"
                else:
                    assert any(link.rel == "enclosure" for link in e.links)
    assert with_images > 0


def test_rss_carries_creator_caption_and_credit(http: httpx.Client) -> None:
    parsed = feedparser.parse(http.get("/rss/meridian-wire.xml").content)
    entry = next(e for e in parsed.entries if e.link.endswith("/tokyo-10.html"))
    assert entry.author == "Helen Marsh"
    assert entry.media_credit[0]["content"] == "Illustration: Global24 demo"
    assert "<figcaption>" in entry.content[0]["value"]


def test_json_feeds_are_json_feed_1_1(http: httpx.Client, sources: list[dict]) -> None:
    for src in _feeds(sources, "jsonfeed"):
        doc = http.get(src["url"]).json()
        assert doc["version"] == "https://jsonfeed.org/version/1.1"
        assert doc["items"]
        for item in doc["items"]:
            assert item["id"] and item["url"] and item["date_published"].endswith("Z")
            assert item["content_html"] or item["content_text"]
            datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))


def test_page_outlets_serve_index_and_article_pages(
    server: DemoServer, http: httpx.Client, sources: list[dict]
) -> None:
    for src in _feeds(sources, "page"):
        index = http.get(src["url"])
        assert index.status_code == 200
        links = re.findall(r'href="([^"]+/news/[^"]+\.html)"', index.text)
        assert links, src["id"]
        page = http.get(links[0])
        assert page.status_code == 200
        html = page.text
        for marker in (
            'property="og:title"',
            'name="twitter:card"',
            'rel="canonical"',
            "article:published_time",
            'class="cookie"',
            "<nav",
            "<footer",
            'class="related"',
        ):
            assert marker in html, (links[0], marker)
        assert f'<link rel="canonical" href="{links[0]}">' in html
        sitemap = ET.fromstring(http.get(src["sitemap"]).content)
        assert len(sitemap) == len(set(re.findall(r'href="([^"]+/news/[^"]+\.html)"', index.text)))


def test_article_page_has_figure_author_and_time(http: httpx.Client) -> None:
    html = http.get("/news/atlas-current/tokyo-16.html").text
    assert "<figure><img" in html and "<figcaption>" in html
    assert 'name="author" content="Priya Ramaswamy"' in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', html)
    assert '"@type": "NewsArticle"' in html


def test_mastodon_lookup_timeline_paging_and_tags(http: httpx.Client) -> None:
    account = http.get("/api/v1/accounts/lookup", params={"acct": "stormtrack"}).json()
    assert account["username"] == "stormtrack" and account["id"].isdigit()
    assert http.get("/api/v1/accounts/lookup", params={"acct": "nobody"}).status_code == 404
    first = http.get(f"/api/v1/accounts/{account['id']}/statuses", params={"limit": 3})
    page1 = first.json()
    assert len(page1) == 3 and 'rel="next"' in first.headers["link"]
    ids = [int(s["id"]) for s in page1]
    assert ids == sorted(ids, reverse=True)
    page2 = http.get(
        f"/api/v1/accounts/{account['id']}/statuses", params={"limit": 3, "max_id": page1[-1]["id"]}
    ).json()
    assert page2 and all(int(s["id"]) < ids[-1] for s in page2)
    status = page1[0]
    for key in (
        "id",
        "created_at",
        "url",
        "uri",
        "content",
        "favourites_count",
        "reblogs_count",
        "replies_count",
        "language",
        "media_attachments",
        "tags",
    ):
        assert key in status
    assert {"id", "username", "acct", "display_name", "url"} <= set(status["account"])
    assert http.get(status["url"]).status_code == 200
    tagged = http.get("/api/v1/timelines/tag/Melissa", params={"limit": 40}).json()
    assert tagged and all("melissa" in {t["name"] for t in s["tags"]} for s in tagged)
    with_media = [s for s in tagged if s["media_attachments"]]
    assert with_media and with_media[0]["media_attachments"][0]["type"] == "image"


def test_bluesky_author_feed_cursor_and_search(http: httpx.Client) -> None:
    first = http.get(
        "/xrpc/app.bsky.feed.getAuthorFeed", params={"actor": "eastasia-watch.example", "limit": 2}
    ).json()
    assert len(first["feed"]) == 2 and first["cursor"]
    post = first["feed"][0]["post"]
    assert post["uri"].startswith("at://did:plc:") and post["cid"].startswith("bafyrei")
    assert post["author"]["handle"] == "eastasia-watch.example"
    assert post["record"]["$type"] == "app.bsky.feed.post" and post["record"]["createdAt"].endswith("Z")
    assert {"likeCount", "repostCount", "replyCount", "indexedAt"} <= set(post)
    second = http.get(
        "/xrpc/app.bsky.feed.getAuthorFeed",
        params={"actor": "eastasia-watch.example", "limit": 2, "cursor": first["cursor"]},
    ).json()
    assert {p["post"]["uri"] for p in second["feed"]}.isdisjoint({p["post"]["uri"] for p in first["feed"]})
    everything = http.get(
        "/xrpc/app.bsky.feed.getAuthorFeed", params={"actor": "eastasia-watch.example", "limit": 100}
    ).json()
    embeds = [p["post"]["embed"] for p in everything["feed"] if "embed" in p["post"]]
    assert embeds and embeds[0]["$type"] == "app.bsky.embed.images#view"
    assert {"thumb", "fullsize", "alt"} <= set(embeds[0]["images"][0])
    found = http.get("/xrpc/app.bsky.feed.searchPosts", params={"q": "Takaichi"}).json()
    assert found["posts"] and all("takaichi" in p["record"]["text"].lower() for p in found["posts"])
    assert (
        http.get("/xrpc/app.bsky.feed.getAuthorFeed", params={"actor": "nobody.example"}).status_code == 400
    )
    did = http.get(
        "/xrpc/com.atproto.identity.resolveHandle", params={"handle": "eastasia-watch.example"}
    ).json()["did"]
    assert did == post["author"]["did"]


def test_jsonl_export_follows_the_item_contract(http: httpx.Client, sources: list[dict]) -> None:
    for src in _feeds(sources, "jsonl"):
        lines = http.get(src["url"]).text.splitlines()
        assert lines
        for line in lines:
            rec = json.loads(line)
            assert isinstance(rec["id"], str) and isinstance(rec["text"], str) and rec["text"]
            assert rec["kind"] in ("article", "post")
            datetime.fromisoformat(rec["published"].replace("Z", "+00:00"))


def test_images_are_served_as_svg(http: httpx.Client) -> None:
    r = http.get("/images/tokyo-palace-gate.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert http.get("/images/..%2Foutlets.json").status_code == 404
    assert http.get("/rss/no-such-outlet.xml").status_code == 404
    assert http.get("/rss/lantern-review.xml").status_code == 404  # a JSON Feed outlet has no RSS


def test_etag_and_last_modified_give_304(http: httpx.Client) -> None:
    r = http.get("/rss/meridian-wire.xml")
    etag, last_modified = r.headers["etag"], r.headers["last-modified"]
    again = http.get("/rss/meridian-wire.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert http.get("/rss/meridian-wire.xml", headers={"If-Modified-Since": last_modified}).status_code == 304
    assert http.get("/rss/meridian-wire.xml", headers={"If-None-Match": '"other"'}).status_code == 200
    old = http_date(datetime(2020, 1, 1, tzinfo=UTC))
    assert http.get("/rss/meridian-wire.xml", headers={"If-Modified-Since": old}).status_code == 200


def test_future_items_appear_only_when_their_time_comes(
    server: DemoServer, http: httpx.Client, clock: Clock
) -> None:
    newest = server.corpus.items[-1]
    outlet = server.corpus.outlets[newest.outlet]
    url = server.site.item_url(newest)
    export = f"/exports/{outlet.id}.jsonl"
    clock.now = START
    try:
        before = http.get(export)
        assert newest.key not in before.text
        assert http.get(server.site.page_url(newest)).status_code == 404
        clock.now = START + timedelta(minutes=21)
        after = http.get(export, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        assert f'"url": "{url}"' in after.text
        assert http.get(server.site.page_url(newest)).status_code == 200
        # served times are shifted: the newest item is stamped at anchor = start + 20 minutes
        rec = json.loads(after.text.splitlines()[-1])
        assert rec["published"] == (START + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    finally:
        clock.now = START
