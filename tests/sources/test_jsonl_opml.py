"""Item JSONL import (bad lines reported by number, the rest kept) and OPML import/export."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from global24.models import Source
from global24.sources import (
    collect,
    import_jsonl,
    item_to_json,
    parse_opml,
    read_jsonl,
    read_opml,
    write_opml,
)
from global24.sources.fetcher import Fetcher
from global24.sources.jsonl import item_from_json
from tests.sources.conftest import DATA, run

ITEMS = DATA / "jsonl" / "items.jsonl"


def test_jsonl_keeps_good_lines_and_reports_bad_ones_by_number():
    items, errors = import_jsonl(ITEMS)
    assert [i.id for i in items] == ["fn-001", "fn-003", "5", "fn-006"]
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 5", "line 6", "line 7", "line 8"]
    assert "invalid JSON" in errors[0]
    assert "unreadable 'published'" in errors[1] and "kind" not in errors[1]  # a tweet is a post
    assert "not a JSON object" in errors[2]
    assert "'id' is required" in errors[3] and "'text' is required" in errors[4]
    assert "image without a 'url'" in errors[5]


def test_jsonl_fields_follow_the_contract():
    items, _ = read_jsonl(ITEMS.read_bytes())
    first, bad_date, numeric, other = items
    assert first.kind == "post" and first.url == "https://fieldnotes.example/n/1"
    assert first.published_at == datetime(2025, 10, 27, 6, 50, tzinfo=UTC)
    assert (first.engagement.likes, first.engagement.reposts, first.engagement.replies) == (40, 12, 3)
    assert [(i.url, i.caption, i.credit) for i in first.images] == [
        ("https://fieldnotes.example/img/gate.jpg", "East Gate", "Field Notes")
    ]
    assert first.source_name == "Field Notes Collective" and first.extra == {"platform": "x-archive"}
    assert bad_date.published_at is None and bad_date.kind == "post"
    assert (numeric.engagement.likes, numeric.engagement.reposts, numeric.engagement.replies) == (7, 0, 0)
    assert other.published_at == datetime(2025, 10, 28, 2, 30, tzinfo=UTC)
    assert other.source_id != first.source_id  # each named outlet is its own source
    assert numeric.source_id == ""  # no outlet named: the caller attaches it to the file's source
    src = Source(id="src_file", kind="jsonl", url=str(ITEMS), name="Export")
    assert {i.source_id for i in import_jsonl(ITEMS, src)[0]} == {"src_file"}
    assert [i.source_name for i in import_jsonl(ITEMS, src)[0]] == [
        "Field Notes Collective",
        "Field Notes Collective",
        "Export",
        "Another Export",
    ]


def test_item_json_round_trip():
    items, _ = read_jsonl(ITEMS)
    for item in items:
        again, problems = item_from_json(json.loads(json.dumps(item_to_json(item))))
        assert problems == []
        assert (again.id, again.text, again.url, again.published_at, again.images, again.engagement) == (
            item.id,
            item.text,
            item.url,
            item.published_at,
            item.images,
            item.engagement,
        )


def test_jsonl_source_from_file_and_http(server, fetch_settings):
    async def go(src):
        async with Fetcher(fetch_settings) as fetcher:
            return await collect(src, fetcher, settings=fetch_settings)

    local = run(go(Source(id="src_j", kind="jsonl", url=str(ITEMS), name="Field Notes")))
    assert local.error is None and len(local.items) == 4 and len(local.warnings) == 6
    assert {i.source_id for i in local.items} == {"src_j"}
    remote = run(go(Source(id="src_jr", kind="jsonl", url=server.url("/files/jsonl/items.jsonl"))))
    assert remote.error is None and len(remote.items) == 4
    broken = run(go(Source(id="src_jb", kind="jsonl", url=server.url("/garbage"))))
    assert broken.error and broken.error.startswith("no usable line")


def test_opml_from_a_feed_reader():
    sources, error = read_opml((DATA / "opml" / "reader-export.opml").read_bytes())
    assert error is None
    assert [(s.kind, s.url, s.name) for s in sources] == [
        ("feed", "https://meridian-wire.example/rss.xml", "Meridian Wire"),
        ("feed", "https://pacific-dispatch.example/atom.xml", "Pacific Dispatch"),
        ("feed", "https://le-veilleur.example/feed", "Le Veilleur"),
        ("page", "https://example.org/", "Just a website without a feed"),
    ]  # the duplicate subscription is listed once; empty folders give nothing
    assert sources[0].id == Source.make_id("feed", "https://meridian-wire.example/rss.xml")


def test_opml_round_trip_keeps_kinds_weights_and_state():
    sources = [
        Source(
            id=Source.make_id("rss", "https://a.example/rss"),
            kind="rss",
            url="https://a.example/rss",
            name="A & B",
        ),
        Source(
            id=Source.make_id("mastodon", "https://h.example/@x"),
            kind="mastodon",
            url="https://h.example/@x",
            name="@x",
            weight=2.5,
        ),
        Source(
            id=Source.make_id("bluesky", "bsky:search:rare earths"),
            kind="bluesky",
            url="bsky:search:rare earths",
            name="",
            enabled=False,
        ),
        Source(
            id=Source.make_id("jsonl", "/srv/exports/x.jsonl"),
            kind="jsonl",
            url="/srv/exports/x.jsonl",
            name="X",
        ),
    ]
    back = parse_opml(write_opml(sources), allow_local=True)
    assert [(s.id, s.kind, s.url, s.weight, s.enabled) for s in back] == [
        (s.id, s.kind, s.url, s.weight, s.enabled) for s in sources
    ]
    assert back[0].name == "A & B" and back[2].name == "bsky:search:rare earths"
    # by default a list from elsewhere cannot point the desk at local files
    assert [s.kind for s in parse_opml(write_opml(sources))] == ["rss", "mastodon", "bluesky"]


def test_opml_garbage_is_an_error_not_an_exception():
    assert read_opml(b"<html><body>no</body></html>")[1] == "not OPML: no <opml> root element"
    assert read_opml(b"")[0] == [] and read_opml(b"")[1]
    assert parse_opml(b"\x00\xff") == []
    billion = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<opml version="2.0"><body><outline text="&lol2;" xmlUrl="https://a.example/"/></body></opml>'
    )
    assert read_opml(billion) == ([], "not OPML: entity declarations are not accepted")


def test_an_undated_item_takes_the_day_its_text_opens_with():
    dated = {"id": "a", "text": "Tuesday, July 12, 2005\nWest Yorkshire Police searched six houses in Leeds."}
    item, problems = item_from_json(dated)
    assert problems == [] and item.published_at == datetime(2005, 7, 12, 12, tzinfo=UTC)
    # a stated publication time wins over the dateline; an unreadable one is reported, then the dateline stands in
    given, _ = item_from_json(dated | {"published": "2005-07-13T08:00:00Z"})
    assert given.published_at == datetime(2005, 7, 13, 8, tzinfo=UTC)
    bad, problems = item_from_json(dated | {"published": "someday"})
    assert bad.published_at == datetime(2005, 7, 12, 12, tzinfo=UTC) and "unreadable 'published'" in problems[0]
    # a date inside the first sentence is what the story is about, not when it was written
    plain, _ = item_from_json({"id": "b", "text": "On July 7, 2005, four bombs went off in London."})
    assert plain.published_at is None
    assert item_to_json(item)["published"] == "2005-07-12T12:00:00+00:00"


def test_html_where_plain_text_belongs_is_read_as_html():
    row = {"id": "h", "text": "<p>The council approved a <b>$2.1 billion</b> budget.</p><p>Smith said the plan &amp; "
                              "its cuts were needed.<br>Opponents will appeal.</p>"}  # fmt: skip
    item, problems = item_from_json(row)
    assert problems == []
    assert item.text == (
        "The council approved a $2.1 billion budget.\n\nSmith said the plan & its cuts were needed.\n"
        "Opponents will appeal."
    )
    # plain text with a "<" or an ampersand is left as it is
    plain = "Turnout was < 40% in AT&T's home county, and Q&A sessions ran late.\nA second line."
    assert item_from_json({"id": "p", "text": plain})[0].text == plain
    from global24.clustering import item_from_json as cluster_item

    assert cluster_item(row, 0).text == item.text


def test_other_tools_exports_are_read_by_their_own_names():
    # an X archive line, a Mastodon status and a news API record, as they come
    x_row = {"id": "1", "full_text": "Wheels up from Haneda. Next: Busan.", "created_at": "Wed Oct 29 01:05:00 +0000 2025",
             "screen_name": "eastasia", "type": "tweet", "favorite_count": 986, "retweet_count": 344,
             "reply_count": "71", "link": "https://x.example/eastasia/1"}  # fmt: skip
    item, problems = item_from_json(x_row)
    assert problems == [] and item.kind == "post" and item.author == "eastasia"
    assert item.text == "Wheels up from Haneda. Next: Busan." and item.url == "https://x.example/eastasia/1"
    assert item.published_at == datetime(2025, 10, 29, 1, 5, tzinfo=UTC)
    assert (item.engagement.likes, item.engagement.reposts, item.engagement.replies) == (986, 344, 71)
    toot = {"id": "2", "content": "<p>Eyewall reaching Jamaica&#39;s coast.</p>", "createdAt": 1761660000,
            "engagement": {"favourites_count": 12, "reblogs_count": 5, "replies_count": 1}, "type": "status"}  # fmt: skip
    item, _ = item_from_json(toot)
    assert item.kind == "post" and item.text == "Eyewall reaching Jamaica's coast."
    assert item.published_at == datetime(2025, 10, 28, 14, 0, tzinfo=UTC)
    assert (item.engagement.likes, item.engagement.reposts, item.engagement.replies) == (12, 5, 1)
    news = {"id": "3", "headline": "Fed cuts rates", "body": "The Fed cut rates on Wednesday.", "outlet": "Wire",
            "date": "2025-10-29T18:00:00Z", "type": "news"}  # fmt: skip
    item, _ = item_from_json(news)
    assert (item.title, item.text, item.source_name, item.kind) == ("Fed cuts rates", news["body"], "Wire", "article")
    # the contract's own key wins; a "type" that is no kind of item is left alone
    both, problems = item_from_json({"id": "4", "text": "own", "body": "alias", "type": "gold-7"})
    assert both.text == "own" and both.kind == "article" and both.extra == {"body": "alias", "type": "gold-7"}
    assert problems == []
    odd, problems = item_from_json({"id": "5", "text": "x", "kind": "widget"})
    assert odd.kind == "article" and "unknown kind 'widget'" in problems[0]
    from global24.clustering import item_from_json as cluster_item

    assert cluster_item(news, 0).text == news["body"] and cluster_item(x_row, 0).kind == "post"


def test_social_archives_as_their_services_export_them():
    """An X archive's tweets.js and a Mastodon archive's outbox.json are read as they come: one
    document each, not JSONL; boosts (no text of their own) are left out."""
    from global24.sources.jsonl import read_jsonl

    tweets, errors = read_jsonl(DATA / "jsonl" / "tweets.js")
    assert not errors and [t.id for t in tweets] == ["1983412345678901234", "1983498765432109876"]
    first = tweets[0]
    assert first.source_name is None and not first.source_id  # its "source" is the app it was sent from
    assert first.kind == "post" and first.lang == "en" and first.url == "https://x.com/i/web/status/1983412345678901234"
    assert first.text.startswith("Heavy gunfire since dawn") and "& several roads" in first.text
    assert first.published_at == datetime(2025, 10, 28, 10, 20, tzinfo=UTC)
    assert (first.engagement.likes, first.engagement.reposts) == (412, 97)
    assert first.images[0].url.endswith("raid.jpg") and first.images[0].caption.startswith("Police vehicles")

    toots, errors = read_jsonl((DATA / "jsonl" / "outbox.json").read_bytes())
    assert not errors and len(toots) == 2
    storm = toots[0]
    assert storm.text.startswith("Hurricane Melissa made landfall") and "<p>" not in storm.text
    assert storm.author == "@harbourwatch@social.example" and storm.source_name == "@harbourwatch@social.example"
    assert storm.url == "https://social.example/@harbourwatch/115441" and storm.kind == "post"
    assert (storm.engagement.likes, storm.engagement.reposts) == (58, 21)
    assert storm.images[0].caption == "Satellite image of the storm over Jamaica"
    # JSONL is still JSONL, including a first line that is broken
    jsonl = b'{"id": "a", "text": "one"\n{"id": "b", "text": "two"}\n'
    items, errors = read_jsonl(jsonl)
    assert [it.id for it in items] == ["b"] and errors[0].startswith("line 1")


def test_a_source_given_as_a_link_is_credited_to_its_site():
    """Feed readers export the feed's URL as the source: the outlet is its site, and two feeds of
    one site are one outlet."""
    from global24.clustering import item_from_json as cluster_item

    a, _ = item_from_json({"id": "a", "text": "x", "source": "https://www.example.org/rss.xml"})
    b, _ = item_from_json({"id": "b", "text": "x", "source": "http://example.org/world/feed"})
    assert a.source_name == b.source_name == "example.org" and a.source_id == b.source_id
    assert item_from_json({"id": "c", "text": "x", "source": "Example Daily"})[0].source_name == "Example Daily"
    assert cluster_item({"id": "a", "text": "x", "source": "https://www.example.org/rss.xml"}, 0).source_id == "example.org"
    assert cluster_item({"id": "a", "text": "x", "source": 7}, 0).source_id == "7"
