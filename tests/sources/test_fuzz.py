"""Property checks: no parser raises, whatever bytes it is handed."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from global24.models import Source
from global24.sources import (
    extract_page,
    parse_bluesky_feed,
    parse_feed,
    parse_mastodon_statuses,
    read_jsonl,
    read_opml,
)

SRC = Source(id="s", kind="feed", url="http://x.example/")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
# Bytes that look a little like each format, so parsers get past their first check.
markupish = st.lists(
    st.sampled_from(
        [
            b"<rss>",
            b"<feed>",
            b"<item>",
            b"<entry>",
            b"<title>",
            b"</title>",
            b"<html>",
            b"<p>",
            b"</p>",
            b"<a href='/x'>",
            b"&amp;",
            b"&#0;",
            b"<![CDATA[",
            b"]]>",
            b"\xff\xfe",
            b"\x00",
            b"<opml><body><outline xmlUrl='http://a/'>",
            b"{",
            b"}",
            b"text ",
        ]
    ),
    max_size=40,
).map(b"".join)


@FAST
@given(st.binary(max_size=2000) | markupish)
def test_markup_parsers_never_raise(data):
    assert isinstance(parse_feed(data, {}, "http://x.example/", SRC).items, list)
    assert isinstance(extract_page(data, {}, "http://x.example/").text, str)
    assert isinstance(read_opml(data)[0], list)


@FAST
@given(json_values)
def test_json_parsers_never_raise(value):
    data = json.dumps(value).encode()
    for payload in (
        data,
        json.dumps({"feed": [{"post": value}], "posts": [value]}).encode(),
        json.dumps([value, {"reblog": value, "account": value}]).encode(),
    ):
        assert isinstance(parse_mastodon_statuses(payload, "https://h.example", SRC).items, list)
        assert isinstance(parse_bluesky_feed(payload, SRC).items, list)
        assert isinstance(
            parse_feed(payload, {"content-type": "application/feed+json"}, "http://x/", SRC).items, list
        )
    items, errors = read_jsonl(data + b"\n" + json.dumps({"id": "a", "text": "b", "images": value}).encode())
    assert len(items) + len(errors) >= 1
