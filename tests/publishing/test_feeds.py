"""Feeds: built from the sample newsroom, compared with golden files, parsed back by real readers."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from global24.models import Source
from global24.publishing.feeds import render_feed, section_feed, site_feed, story_feed
from global24.publishing.sample import SAMPLE_NOW
from global24.sources.feeds import parse_json_feed

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "feeds"
UPDATE = os.environ.get("GLOBAL24_UPDATE_GOLDEN") == "1"

FEEDS = {
    "hot": lambda st, s: site_feed(st, s, "hot", now=SAMPLE_NOW),
    "new": lambda st, s: site_feed(st, s, "new", now=SAMPLE_NOW),
    "topic-world": lambda st, s: section_feed(st, s, "topic", "world", now=SAMPLE_NOW),
    "region-europe": lambda st, s: section_feed(st, s, "region", "europe", now=SAMPLE_NOW),
    "story-bridge": lambda st, s: story_feed(st, s, "st_sample_bridge", now=SAMPLE_NOW),
}


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"golden file {path} is missing: run with GLOBAL24_UPDATE_GOLDEN=1 and review the diff")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("name", sorted(FEEDS))
@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_feed_matches_golden(site, name, fmt):
    s, store, _ = site
    text, media = render_feed(FEEDS[name](store, s), fmt, s)
    _golden(f"{name}.{fmt}", text)
    assert media.startswith({"atom": "application/atom+xml", "rss": "application/rss+xml",
                             "json": "application/feed+json"}[fmt])


def _parsed(text: str):
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("fmt,version", [("atom", "atom10"), ("rss", "rss20")])
def test_hot_feed_reads_back(site, fmt, version):
    s, store, sample = site
    parsed = _parsed(render_feed(site_feed(store, s, "hot", now=SAMPLE_NOW), fmt, s)[0])
    assert parsed.version == version
    assert parsed.feed.title == "Global24: hottest stories"
    links = [e.link for e in parsed.entries]
    # hottest first; the museum story has no article yet and the merged story is not listed
    assert links == [f"https://news.example/story/st_sample_{k}/" for k in ("bridge", "chips", "solar", "marathon")]
    bridge = parsed.entries[0]
    assert bridge.title == "Port Alder bridge reopens as the stopgap ferry winds down"
    assert bridge.id == "https://news.example/story/st_sample_bridge/"
    assert datetime(*bridge.updated_parsed[:6], tzinfo=UTC) == sample.articles[1].created_at
    tags = {t.term for t in bridge.tags}
    assert tags == {"World", "Europe"}
    body = bridge.content[0].value if fmt == "atom" else bridge.description
    assert "Port Alder&#x27;s harbour bridge reopened" in body or "Port Alder's harbour bridge reopened" in body
    assert 'href="https://meridian-wire.example/bridge/b1"' in body  # citations link the original
    if fmt == "atom":
        assert datetime(*bridge.published_parsed[:6], tzinfo=UTC) == sample.articles[0].created_at
        self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
        assert self_link == "https://news.example/feeds/hot.atom"


def test_new_feed_is_ordered_by_update(site):
    s, store, _ = site
    parsed = _parsed(render_feed(site_feed(store, s, "new", now=SAMPLE_NOW), "atom", s)[0])
    updated = [e.updated_parsed for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    assert parsed.entries[0].link.endswith("/story/st_sample_bridge/")  # its revision 2 is the newest


def test_section_feed_only_has_its_section(site):
    s, store, _ = site
    parsed = _parsed(render_feed(section_feed(store, s, "region", "europe", now=SAMPLE_NOW), "rss", s)[0])
    assert [e.link.rsplit("/", 2)[-2] for e in parsed.entries] == ["st_sample_bridge", "st_sample_marathon"]
    assert section_feed(store, s, "topic", "nothing-here", now=SAMPLE_NOW) is None


def test_story_feed_lists_revisions(site):
    s, store, _ = site
    parsed = _parsed(render_feed(story_feed(store, s, "st_sample_bridge", now=SAMPLE_NOW), "atom", s)[0])
    assert [e.link for e in parsed.entries] == [
        "https://news.example/story/st_sample_bridge/r/2/", "https://news.example/story/st_sample_bridge/r/1/"]
    assert parsed.entries[0].title.endswith("(revision 2)")
    assert parsed.entries[0].summary == "Added the ferry's end and a commuter's reaction from two new items."
    # a merged story's feed is the feed of the story it joined
    merged = story_feed(store, s, "st_sample_bridge_dup", now=SAMPLE_NOW)
    assert merged is not None and merged.link.endswith("/story/st_sample_bridge/")
    assert story_feed(store, s, "st_missing") is None


def test_json_feed_follows_the_spec_and_reads_back(site):
    s, store, _ = site
    text = render_feed(site_feed(store, s, "hot", now=SAMPLE_NOW), "json", s)[0]
    data = json.loads(text)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == "https://news.example/feeds/hot.json"
    for item in data["items"]:
        assert item["id"] and item["url"].startswith("https://news.example/story/")
        assert "content_html" in item
        datetime.fromisoformat(item["date_modified"].replace("Z", "+00:00"))
    # feedparser 6.0 does not read JSON Feed; the desk's own JSON Feed reader must
    src = Source(id="src_self", kind="jsonfeed", url="https://news.example/feeds/hot.json", name="self")
    result = parse_json_feed(text.encode(), "https://news.example/feeds/hot.json", src)
    titles = [it.title for it in result.items]
    atom = _parsed(render_feed(site_feed(store, s, "hot", now=SAMPLE_NOW), "atom", s)[0])
    assert titles == [e.title for e in atom.entries]


def test_hostile_text_cannot_break_out_of_a_feed(site):
    s, store, _ = site
    art = store.get_article("st_sample_solar")
    art.headline = 'Solar </title><script>alert(1)</script> & "quotes" \x07bell'
    art.dek = "<img src=x onerror=alert(1)>"
    art.sections[0].paragraphs[0][0].text = "<script>alert('lead')</script>"
    art.images = [{"url": "javascript:alert(1)", "caption": "<b>cap</b>"}]
    store.add_article(art)
    for fmt in ("atom", "rss"):
        text = render_feed(site_feed(store, s, "hot", now=SAMPLE_NOW), fmt, s)[0]
        parsed = _parsed(text)  # still well-formed XML, even with a control character in the source
        entry = next(e for e in parsed.entries if e.link.endswith("/st_sample_solar/"))
        assert entry.title == 'Solar </title><script>alert(1)</script> & "quotes" bell'
        body = entry.content[0].value if fmt == "atom" else entry.description
        assert "<script" not in body and "onerror" not in body.replace("onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;alert" in body  # shown as text, not dropped silently
        assert "javascript:" not in text


def test_feed_entry_cites_a_syndicated_copy_by_its_originals_number():
    from global24.models import Article, Citation, Section, Sentence
    from global24.publishing.feeds import article_html

    sources = [
        {"item_id": "w", "source": "Wire", "title": "T", "url": "https://w.example/1"},
        {"item_id": "p1", "source": "Harbor", "title": "T", "url": "https://h.example/1", "duplicate_of": "w"},
        {"item_id": "o", "source": "Atlas", "title": "U", "url": "https://a.example/1"},
    ]
    para = [Sentence("They met.", [Citation("p1", "They met."), Citation("w", "They met."), Citation("o", "x")])]
    art = Article(story_id="st", headline="H", sections=[Section("Lead", "lead", [para])], sources=sources)
    body = article_html(art, "https://site")
    assert body.count(">[1]</a>") == 1 and ">[2]</a>" in body and ">[3]</a>" not in body
    assert "Harbor" not in body  # the copy is not a source of its own
