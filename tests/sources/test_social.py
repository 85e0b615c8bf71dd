"""Mastodon and Bluesky: URL forms, API shapes to Items, engagement, images, and collecting over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

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
    assert res.items[0].url == server.url("/profile/eastasia-watch.example/post/3m4abcdefgh2a")
    search = _collect(Source(id="src_bs", kind="bluesky", url="bsky:search:Yokosuka"), settings)
    assert search.error is None and search.items[0].engagement.likes == 77
    assert any(p.startswith("/xrpc/app.bsky.feed.searchPosts?q=Yokosuka") for _t, p in server.state.log)
