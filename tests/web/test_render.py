"""Small pieces the pages rest on: safe links, safe JSON, sparklines, relative times, the page cache."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from global24.models import Citation, Item
from global24.web.article_view import quote_context
from global24.web.cache import CachedBody, PageCache, etag_for, etag_matches
from global24.web.render import ago, json_script, safe_href, sparkline


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a?b=1", True),
    ("http://127.0.0.1:8025/x", True),
    ("  https://example.org/  ", True),
    ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False),
    ("java\tscript:alert(1)", False),
    ("\x01javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("vbscript:msgbox", False),
    ("//evil.example/", False),
    ("/relative/path", False),
    ("https:///nohost", False),
    ("http://[::1", False),
    (None, False),
    (42, False),
])
def test_safe_href(url, ok):
    assert (safe_href(url) is not None) == ok


def test_json_script_cannot_end_the_script():
    data = {"headline": "</script><script>alert(1)</script>", "x": "<!-- & \u2028"}
    out = str(json_script(data))
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == data


def test_sparkline_scales_to_the_box():
    sp = sparkline([0, 50, 100], width=100, height=50)
    pts = [tuple(map(float, p.split(","))) for p in sp["points"].split()]
    assert pts[0] == (3.0, 47.0) and pts[-1] == (97.0, 3.0)  # 0 at the bottom, 100 at the top, 3px padding
    assert sp["min"] == 0 and sp["max"] == 100
    assert sparkline([])["points"] == ""
    assert len(sparkline([42])["points"].split()) == 2  # a single sample still draws a line


def test_ago():
    now = datetime(2025, 10, 28, 12, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=20), now) == "just now"
    assert ago(now - timedelta(minutes=1), now) == "1 minute ago"
    assert ago(now - timedelta(minutes=45), now) == "45 minutes ago"
    assert ago(now - timedelta(hours=3, minutes=5), now) == "3 hours ago"
    assert ago(now - timedelta(days=2), now) == "2 days ago"
    assert ago(datetime(2025, 10, 28, 11, 0), now) == "1 hour ago"  # naive times are UTC


def test_quote_context_finds_the_span():
    text = "First sentence here. The bridge reopened on Tuesday. Last words."
    item = Item(id="it", source_id="s", text=text)
    start = text.index("The bridge")
    before, after = quote_context(item, Citation("it", "The bridge reopened on Tuesday.", start, start + 31))
    assert before == "First sentence here. " and after == " Last words."
    # wrong offsets: the span is searched for instead
    before, after = quote_context(item, Citation("it", "The bridge reopened on Tuesday.", 0, 5))
    assert before == "First sentence here. "
    assert quote_context(item, Citation("it", "never said", 0, 10)) == ("", "")


def test_etag_matching():
    tag = etag_for(b"hello")
    assert etag_matches(tag, tag) and etag_matches(f'"x", W/{tag}', tag) and etag_matches("*", tag)
    assert not etag_matches('"x"', tag) and not etag_matches(None, tag)


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_page_cache_follows_the_store_version():
    clock, version = Clock(), {"v": 1}
    cache = PageCache(ttl=2.0, version=lambda: version["v"], max_age=60, probe_every=0.5, clock=clock)
    builds = []

    def build():
        builds.append(1)
        return CachedBody(f"v{version['v']}".encode(), "text/plain", etag_for(b"x"))

    assert cache.get_or_build("/", build).body == b"v1"
    clock.t = 10  # older than ttl, but the store has not changed: still served
    assert cache.get_or_build("/", build).body == b"v1" and len(builds) == 1
    version["v"] = 2
    clock.t = 10.2  # the probe is not asked again this soon
    assert cache.get_or_build("/", build).body == b"v1"
    clock.t = 10.6
    assert cache.get_or_build("/", build).body == b"v2" and len(builds) == 2
    clock.t = 100  # never older than max_age, whatever the version says
    assert cache.get_or_build("/", build).body == b"v2" and len(builds) == 3


def test_page_cache_without_probe_uses_ttl_and_bound():
    clock = Clock()
    cache = PageCache(ttl=2.0, clock=clock, max_entries=2)
    n = {"builds": 0}

    def build():
        n["builds"] += 1
        return CachedBody(b"x", "text/plain", etag_for(b"x"))

    cache.get_or_build("/a", build)
    clock.t = 1.9
    cache.get_or_build("/a", build)
    assert n["builds"] == 1
    clock.t = 2.1
    cache.get_or_build("/a", build)
    assert n["builds"] == 2
    cache.get_or_build("/b", build)
    cache.get_or_build("/c", build)
    assert cache.get("/a") is None  # evicted: least recently used
    failing = PageCache(ttl=2.0, clock=clock)
    failing.get_or_build("/404", lambda: CachedBody(b"", "text/plain", "e", status=404))
    assert failing.get("/404") is None  # errors are not cached


def test_passages_share_context_for_nearby_spans():
    from global24.web.article_view import passages

    text = "Intro words. Alpha said one thing. Then beta said another. " + "Filler. " * 80 + "Far away quote."
    item = Item(id="it", source_id="s", text=text)
    cits = [Citation("it", "beta said another"), Citation("it", "Alpha said one thing"),
            Citation("it", "Far away quote."), Citation("it", "not in the text")]
    out = passages(item, cits)
    assert len(out) == 3  # the two close spans share a passage; the far one has its own; the lost one alone
    first = out[0]
    assert [s.text for s in first if s.quoted] == ["Alpha said one thing", "beta said another"]
    assert "".join(s.text for s in first).startswith("Intro words. Alpha said one thing. Then beta said another.")
    assert [s.text for s in out[1] if s.quoted] == ["Far away quote."]
    assert [(s.text, s.quoted) for s in out[2]] == [("not in the text", True)]


def test_untitled_posts_get_their_first_words_as_title():
    from global24.models import Article, Section, Sentence
    from global24.web.article_view import build_view

    post = Item(id="it_p", source_id="s", kind="post", url="https://social.example/@a/1",
                text="Drove across the harbour bridge this morning for the first time since September and it was "
                     "fine, traffic light, the new anchors look solid from the road.")
    art = Article(story_id="st", sections=[Section("Lead", "lead", [[Sentence("A commuter crossed.",
                                                                              [Citation("it_p", "Drove across")])]])],
                  sources=[{"item_id": "it_p", "source": "@a", "url": post.url, "title": None}])
    ref = build_view(art, {"it_p": post}, {}).refs[0]
    assert ref.title.startswith("Drove across the harbour bridge") and ref.title.endswith("…")
    assert len(ref.title) <= 111


def test_page_cache_serves_stale_while_one_request_rebuilds():
    import threading

    clock, version = Clock(), {"v": 1}
    cache = PageCache(ttl=2.0, version=lambda: version["v"], max_age=60, probe_every=0.0, clock=clock)
    cache.get_or_build("/", lambda: CachedBody(b"old", "text/plain", etag_for(b"old")))
    version["v"] = 2
    started, release = threading.Event(), threading.Event()

    def slow_build():
        started.set()
        release.wait(5)
        return CachedBody(b"new", "text/plain", etag_for(b"new"))

    result = {}
    t = threading.Thread(target=lambda: result.setdefault("builder", cache.get_or_build("/", slow_build)))
    t.start()
    started.wait(5)
    # another reader arrives during the rebuild: it gets the previous page at once
    assert cache.get_or_build("/", lambda: pytest.fail("must not build twice")).body == b"old"
    release.set()
    t.join(5)
    assert result["builder"].body == b"new" and cache.get_or_build("/", slow_build).body == b"new"
    assert cache.stale_hits == 1


def test_lang_attrs_mark_other_languages_and_refuse_hostile_tags():
    from global24.web.render import lang_attrs

    assert lang_attrs("fr") == ' lang="fr"'
    assert lang_attrs("pt-BR") == ' lang="pt-BR"'
    assert lang_attrs("ar") == ' lang="ar" dir="rtl"'
    assert lang_attrs("en") == "" and lang_attrs(None) == "" and lang_attrs("") == ""
    # a language tag comes from a source's feed: anything but letters, digits and hyphens is dropped
    assert lang_attrs('fr" onmouseover="alert(1)') == ""
    assert lang_attrs("fr><script>") == ""


def test_syndicated_copies_share_their_originals_number():
    """A wire story and the papers that ran it are one source: one marker, the papers named in the list."""
    from global24.models import Article, Section, Sentence
    from global24.web.article_view import build_view

    text = "The president met the emperor at the palace on Monday."
    wire = Item(id="it_w", source_id="s_w", title="Palace meeting", text=text, source_name="Wire")
    paper = Item(id="it_p1", source_id="s_p1", text="TOKYO (Wire) — " + text, duplicate_of="it_w",
                 source_name="Harbor Ledger")  # fmt: skip
    second = Item(id="it_p2", source_id="s_p2", text=text, duplicate_of="it_p1", source_name="Quarry Times")
    other = Item(id="it_o", source_id="s_o", text="The emperor met the president for about 30 minutes.",
                 source_name="Atlas")  # fmt: skip
    cites = [Citation("it_p1", text, 15, 15 + len(text)), Citation("it_w", text, 0, len(text)),
             Citation("it_p2", text, 0, len(text)), Citation("it_o", "The emperor met the president")]  # fmt: skip
    art = Article(
        story_id="st",
        sections=[Section("Lead", "lead", [[Sentence("The president met the emperor.", cites)]])],
        sources=[{"item_id": i.id, "source": i.source_name, "duplicate_of": i.duplicate_of}
                 for i in (wire, paper, second, other)],  # fmt: skip
    )
    view = build_view(art, {i.id: i for i in (wire, paper, second, other)}, {})
    assert [(r.n, r.source_name, r.copies) for r in view.refs] == [
        (1, "Wire", ["Harbor Ledger", "Quarry Times"]),
        (2, "Atlas", []),
    ]
    markers = view.sections[0]["paragraphs"][0][0].markers
    assert [m.n for m in markers] == [1, 2]
    # the popover quotes one item's words, not the same sentence three times
    quote = next(q for q in view.quotes if q.id == markers[0].quote_id)
    assert sum(seg.quoted for p in quote.passages for seg in p) == 1
    assert quote.passages[0][0].text.startswith("The president")  # the original's, not "TOKYO (Wire) —"


def test_the_dek_cites_its_source_first_on_the_page_and_in_every_rendering():
    from global24.models import Article, Section, Sentence
    from global24.web.article_view import build_view
    from global24.writing import article_to_html, article_to_markdown

    dek = "The council approved the budget on Tuesday."
    a = Item(id="it_a", source_id="s_a", title="Budget passes", text=dek + " It passed 7-2.", source_name="Atlas")
    b = Item(id="it_b", source_id="s_b", text="Opponents will appeal the library cuts in court.", source_name="Bay")
    art = Article(
        story_id="st", headline="Budget passes", dek=dek,
        sections=[Section("What Happened", "lead", [[Sentence("Opponents will appeal the library cuts in court.",
                                                              [Citation("it_b", "Opponents will appeal")])]])],
        sources=[{"item_id": "it_a", "source": "Atlas", "title": "Budget passes"},
                 {"item_id": "it_b", "source": "Bay", "title": None}],
        grounding={"dek": [{"item_id": "it_a", "quote": dek, "start": 0, "end": len(dek)}]},
    )  # fmt: skip
    view = build_view(art, {"it_a": a, "it_b": b}, {})
    assert view.dek is not None and [mk.n for mk in view.dek.markers] == [1]
    assert [r.item_id for r in view.refs] == ["it_a", "it_b"]
    md = article_to_markdown(art)
    assert f"*{dek}*[1]" in md and "1. Atlas — Budget passes" in md and "court.[2]" in md
    assert '<p class="dek">The council approved the budget on Tuesday.<sup><a href="#src-1">1</a></sup></p>' in (
        article_to_html(art)
    )
