"""Feed parsing: every format we claim, images with captions, and bad input that never raises."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from global24.models import Source
from global24.sources import collect, parse_feed, parse_feed_to_jsonl
from global24.sources.feeds import root_element
from global24.sources.fetcher import Fetcher
from tests.sources.conftest import DATA, run

FEEDS = DATA / "feeds"
FEEDPARSER_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "feeds" / "feedparser"
SRC = Source(id="src_test", kind="feed", url="http://meridian-wire.example/rss.xml")


def parse(name: str, base: str = "http://meridian-wire.example/rss.xml"):
    return parse_feed((FEEDS / name).read_bytes(), {}, base, SRC)


@pytest.mark.parametrize(
    ("name", "version", "count", "first_title"),
    [
        ("rss090.rdf", "rss090", 2, "Port authority opens new container terminal"),
        ("rss091.xml", "rss091u", 1, "Café owners welcome longer market hours"),
        ("rss092.xml", "rss092", 1, "River levels fall after a week of rain"),
        ("rss10.rdf", "rss10", 1, "Council agrees budget after late-night session"),
        ("rss20.xml", "rss20", 3, "Emperor receives Trump at Imperial Palace"),
        ("atom03.xml", "atom03", 1, "Les marchés saluent l'accord sur les terres rares"),
        ("atom10.xml", "atom10", 2, "Takaichi & Trump sign minerals framework"),
        ("jsonfeed10.json", "https://jsonfeed.org/version/1", 2, "What a 30-minute palace call tells us"),
        ("jsonfeed11.json", "https://jsonfeed.org/version/1.1", 1, "Yokosuka stop closes the Japan leg"),
    ],
)
def test_every_format_parses(name, version, count, first_title):
    res = parse(name)
    assert res.error is None
    assert res.meta["version"] == version
    assert len(res.items) == count
    first = res.items[0]
    assert first.title == first_title
    assert first.source_id == SRC.id and first.kind == "article"
    assert first.url and first.url.startswith("http")
    assert first.id.startswith("it_")


def test_rss20_fields_media_and_enclosures():
    items = parse("rss20.xml").items
    emperor, minerals, carrier = items
    assert (
        emperor.url == "http://meridian-wire.example/world/asia/emperor-receives-trump"
    )  # relative link resolved
    assert emperor.published_at == datetime(2025, 10, 27, 7, 10, tzinfo=UTC)  # +0900 converted to UTC
    assert emperor.author == "Ken Aoki" and emperor.lang == "en"
    assert emperor.engagement.replies == 42
    assert emperor.extra["tags"] == ["Japan", "Diplomacy"]
    # content:encoded wins over the shorter description; plain text has no markup or script
    assert "for about 30 minutes" in emperor.text and "Akasaka Palace" in emperor.text
    assert "<p>" not in emperor.text and "track()" not in emperor.text
    assert "<p>" in emperor.html
    # Media RSS picture with its own caption and credit; the thumbnail is not a second picture
    assert [(i.url, i.caption, i.credit, i.width) for i in emperor.images] == [
        (
            "http://meridian-wire.example/img/palace.jpg",
            "The East Gate of the Imperial Palace, Tokyo.",
            "Meridian Wire / A. Sato",
            1200,
        )
    ]
    # image enclosure kept, audio enclosure not
    assert [i.url for i in minerals.images] == ["http://meridian-wire.example/img/akasaka.png"]
    assert minerals.text == "Officials expect a framework on critical minerals and rare earths."
    # media:group: caption and credit inherited, the video skipped
    assert [(i.url, i.caption, i.credit) for i in carrier.images] == [
        (
            "http://meridian-wire.example/img/carrier-large.jpg",
            "USS George Washington at its Yokosuka berth",
            "Meridian Wire",
        )
    ]


def test_atom10_xml_base_html_title_and_thumbnail():
    first, second = parse("atom10.xml").items
    assert first.url == "http://pacific-dispatch.example/news/2025/10/28/minerals-framework"
    assert first.published_at == datetime(2025, 10, 27, 20, 30, tzinfo=UTC)
    assert first.author == "Mei Tanaka" and first.lang == "en"
    assert "framework on critical minerals and rare earths" in first.text
    assert [i.url for i in first.images] == ["http://pacific-dispatch.example/img/akasaka-signing.webp"]
    assert [(i.url, i.width) for i in second.images] == [
        ("http://pacific-dispatch.example/img/thumb-only.jpg", 300)
    ]
    assert second.published_at == datetime(2025, 10, 28, 9, 0, tzinfo=UTC)


def test_rss10_and_atom03_details():
    (council,) = parse("rss10.rdf").items
    assert council.author == "Priya Lane" and council.lang == "en-gb"
    assert council.published_at == datetime(2025, 10, 28, 21, 15, tzinfo=UTC)
    assert "bus subsidies are cut by a tenth" in council.text
    # no media elements: the first picture in the HTML, alt text as caption
    assert [(i.caption, i.width) for i in council.images] == [("The council chamber during the vote", 640)]
    (marches,) = parse("atom03.xml").items
    assert marches.lang == "fr" and marches.published_at == datetime(2025, 10, 28, 9, 0, tzinfo=UTC)
    assert marches.text.startswith("Les valeurs minières progressent")


def test_json_feed_images_authors_and_bad_items():
    res = parse("jsonfeed10.json", base="http://lantern-review.example/feed.json")
    essay, note = res.items
    assert essay.url == "http://lantern-review.example/essays/palace-protocol"
    assert [(i.url, i.caption) for i in essay.images] == [
        ("http://lantern-review.example/img/lead-palace.jpg", None),
        ("http://lantern-review.example/img/chart.png", "Visits by year"),
    ]
    assert essay.author == "Lantern Desk" and essay.extra["tags"] == ["japan", "protocol"]
    assert essay.published_at == datetime(2025, 10, 27, 0, 0, tzinfo=UTC)
    assert note.title is None and note.text == "A plain-text note with no title."
    assert note.extra["native_id"] == "102"
    assert res.warnings == ["item 3: skipped (not an object)"]
    (yokosuka,) = parse("jsonfeed11.json").items
    assert yokosuka.author == "Ana Ruiz, Tom Hale" and yokosuka.lang == "en"
    assert yokosuka.extra["external_url"] == "http://meridian-wire.example/world/asia/yokosuka"
    assert [i.url for i in yokosuka.images] == ["http://civic-signal.example/img/banner.jpg"]


def test_ids_are_stable_and_source_name_falls_back_to_feed_title():
    a, b = parse("rss20.xml").items[0], parse("rss20.xml").items[0]
    assert a.id == b.id
    assert a.source_name == "Meridian Wire"
    named = Source(id="src_test", kind="feed", url="x", name="MW")
    assert (
        parse_feed((FEEDS / "rss20.xml").read_bytes(), {}, "http://m.example/", named).items[0].source_name
        == "MW"
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "not a feed"),
        (b"\x00\x01\x02\xff garbage", "not a feed"),
        (b"<html><body><p>just a page</p></body></html>", "<html> document"),
        (b'{"items": "nope"}', "without an 'items' list"),
        (b"{not json", "invalid JSON"),
        (b"<rss version='2.0'><channel><item><title>kept</title></item><item><title>cut", None),
    ],
)
def test_bad_input_is_an_error_result_not_an_exception(content, fragment):
    res = parse_feed(content, {}, "http://x.example/", SRC)
    if fragment is None:  # ill-formed but salvageable: bozo, items kept
        assert res.bozo and res.error is None and [i.title for i in res.items] == ["kept"]
        assert res.warnings == ["entry 2: skipped (empty)"]  # the cut-off entry has nothing left
    else:
        assert res.error and fragment in res.error


def test_root_element_sniffing():
    assert root_element(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- hi --><rdf:RDF xmlns:rdf="x">') == "rdf"
    assert root_element(b"<!DOCTYPE html><html>") == "html"
    assert root_element(b"no tags") == ""


_XHTML_ENTRY = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T &amp; co</title>
<entry><title type="xhtml">
  <div xmlns="http://www.w3.org/1999/xhtml">  Two
  lines &lt;b&gt; &#233; <b>bold</b>
  </div>
</title>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
  <p>First &amp; second
  line</p>  <![CDATA[<raw> & text]]>
</div>  </content>
<summary>Plain
  text &amp; more &#8212; <![CDATA[cdata]]> end</summary></entry></feed>"""


def test_buffered_sax_driver_gives_feedparser_the_same_result():
    # feeds.py has feedparser parse with expat's text buffered (saxdriver.py): its handler sees one
    # call per run of text instead of one per line or entity; what it builds must not change.
    import io

    import feedparser

    documents = [p.read_bytes() for p in sorted(FEEDS.glob("*.xml")) + sorted(FEEDS.glob("*.rdf"))]
    documents.append(_XHTML_ENTRY)
    drivers = feedparser.api.PREFERRED_XML_PARSERS
    try:
        for content in documents:
            feedparser.api.PREFERRED_XML_PARSERS = ["global24.sources.saxdriver"]
            ours = feedparser.parse(io.BytesIO(content), sanitize_html=False)
            feedparser.api.PREFERRED_XML_PARSERS = []  # plain expat
            plain = feedparser.parse(io.BytesIO(content), sanitize_html=False)
            assert not ours.bozo and ours.entries
            assert (ours.feed, ours.entries) == (plain.feed, plain.entries)
    finally:
        feedparser.api.PREFERRED_XML_PARSERS = drivers


@pytest.mark.skipif(not FEEDPARSER_CORPUS.is_dir(), reason="feedparser conformance corpus not present")
def test_feedparser_corpus_never_raises_and_never_drops_entries():
    files = sorted(p for p in FEEDPARSER_CORPUS.rglob("*") if p.is_file())
    assert len(files) > 2000
    base = "http://example.org/feed"
    crashed, dropped, errors = [], [], 0
    for path in files:
        res = parse_feed(path.read_bytes(), {}, base, SRC)  # an escaping exception fails the test here
        if res.error and res.error.startswith("feed parser failed"):
            crashed.append(path.name)
        # entries with no link, title, text or picture are skipped on purpose; nothing else may be
        if any(not w.endswith("skipped (empty)") for w in res.warnings):
            dropped.append(path.name)
        errors += res.error is not None
        rel = path.relative_to(FEEDPARSER_CORPUS)
        if rel.parts[0] == "wellformed":
            assert res.error is None, f"{rel}: {res.error}"
    assert crashed == [] and dropped == []
    assert errors >= 1  # the empty document is reported, not silently accepted


def test_collect_feed_over_http_with_conditional_get(server, fetch_settings):
    source = Source(id="src_c", kind="rss", url=server.url("/cond/feeds/rss20.xml"), name="Meridian Wire")

    async def go(src):
        async with Fetcher(fetch_settings) as fetcher:
            return await collect(src, fetcher, settings=fetch_settings)

    first = run(go(source))
    assert first.error is None and len(first.items) == 3 and first.etag
    source.etag, source.last_modified = first.etag, first.last_modified
    second = run(go(source))
    assert second.not_modified and second.items == [] and second.error is None


def test_collect_follows_a_page_to_its_feed(server, fetch_settings):
    source = Source(id="src_p", kind="feed", url=server.url("/files/pages/feedlink.html"))

    async def go():
        async with Fetcher(fetch_settings) as fetcher:
            return await collect(source, fetcher, settings=fetch_settings)

    res = run(go())
    assert res.error is None and len(res.items) == 3 and res.fetches == 2
    assert "followed its feed link" in res.warnings[0]


def test_parse_feed_to_jsonl_from_file_and_url(server, fetch_settings):
    rows = list(parse_feed_to_jsonl(str(FEEDS / "rss20.xml"), fetch_settings))
    assert len(rows) == 3 and rows[0]["title"] == "Emperor receives Trump at Imperial Palace"
    assert (
        rows[0]["engagement"]["replies"] == 42 and rows[0]["images"][0]["credit"] == "Meridian Wire / A. Sato"
    )
    assert rows[0]["published"] == "2025-10-27T07:10:00+00:00"
    over_http = list(parse_feed_to_jsonl(server.url("/files/feeds/atom10.xml"), fetch_settings))
    assert [r["title"] for r in over_http][0] == "Takaichi & Trump sign minerals framework"
    assert list(parse_feed_to_jsonl(server.url("/status/500"), fetch_settings)) == [
        {"error": "HTTP 500", "url": server.url("/status/500")}
    ]


def test_html_to_text_keeps_paragraphs_and_survives_stray_document_tags():
    from global24.sources.base import html_to_text

    assert html_to_text("<p>Hello <b>world</b></p><p>Two<br>three</p><script>x()</script>tail &amp; more") == (
        "Hello world\n\nTwo\nthree\n\ntail & more"
    )
    # libxml2 drops everything after a stray </body> or </html>; the fragment parser must not
    assert html_to_text("</div></body><p>after</p></html><p>more</p>") == "after\n\nmore"


def test_a_figure_caption_goes_with_the_picture_not_the_text():
    from global24.sources.base import html_to_text
    from global24.sources.media import first_html_image

    html = (
        '<p>The bridge reopened.</p><figure><img src="/b.jpg" alt="bridge">'
        "<figcaption>Buses at dawn. <small>Photo: Harbour Post</small></figcaption></figure><p>Tolls rise.</p>"
    )
    assert html_to_text(html) == "The bridge reopened.\n\nTolls rise."
    img = first_html_image(html, "https://a.example/story")
    assert img is not None and (img.url, img.caption) == (
        "https://a.example/b.jpg",
        "Buses at dawn. Photo: Harbour Post",
    )


def test_relative_links_in_entry_html_are_resolved_against_xml_base():
    from global24.sources.feeds import resolve_links

    html = '<a href="/x?a=1&amp;b=2">x</a><img src=\'pic.jpg\'><a href="https://a.example/b">c</a><a href="#f">f</a>'
    assert resolve_links(html, "http://h.example/news/") == (
        '<a href="http://h.example/x?a=1&amp;b=2">x</a><img src=\'http://h.example/news/pic.jpg\'>'
        '<a href="https://a.example/b">c</a><a href="#f">f</a>'
    )


def test_the_quick_relative_link_test_never_misses_one():
    # resolve_links looks for relative links only where a cheaper expression, run on the lower-cased
    # fragment, finds one may be: it must fire wherever the case-blind _RELATIVE_LINK matches.
    import itertools

    from global24.sources.feeds import _MAYBE_RELATIVE_LINK, _RELATIVE_LINK

    names = ["href", "HREF", "hReF", "src", "SRC", "\u017frc", "\u017fRC", "xhref", "data-src"]
    gaps = ["", " ", "\t\n ", "\u00a0", "\u3000"]
    quotes = ['"', "'"]
    starts = ["", " ", "x", "/", "//", "#", "a:", "\u0130:", "\u0131:", "\u017f:", "\u212a:", "K:", "1:", "\u00e9:",
              "\u0130x", "ftp:", "-a:", "\u2003:"]  # fmt: skip
    hits = 0
    for name, gap, quote, start in itertools.product(names, gaps, quotes, starts):
        for html in (f"<a {name}{gap}={gap}{quote}{start}p{quote}>", f"<p>{name}={quote}{start}{quote}</p>"):
            if _RELATIVE_LINK.search(html):
                hits += 1
                assert _MAYBE_RELATIVE_LINK.search(html.lower()), html
    assert hits > 1000


def test_content_location_is_the_base_for_relative_links():
    feed = b'<rss version="2.0"><channel><item><title>T</title><link>/relative/uri</link></item></channel></rss>'
    res = parse_feed(feed, {"Content-Location": "http://example.com/"}, "http://127.0.0.1/feed.xml", SRC)
    assert res.items[0].url == "http://example.com/relative/uri"
    res = parse_feed(feed, {}, "http://127.0.0.1/feed.xml", SRC)
    assert res.items[0].url == "http://127.0.0.1/relative/uri"


def test_titles_and_bodies_are_text_whatever_their_label():
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b'<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b></div></title>'
        b'<content type="html">safe&lt;iframe src="http://example.com/"&gt; &lt;b&gt;description&lt;/b&gt;'
        b"&lt;/iframe&gt;</content></entry><entry><title>History of the &lt;blink&gt; tag</title>"
        b'<summary type="text">History of the &lt;blink&gt; tag</summary></entry></feed>'
    )
    first, second = parse_feed(feed, {}, "http://127.0.0.1/atom.xml", SRC).items
    assert first.title == "Example Atom"  # xhtml markup is not part of a title
    assert first.text == "safe description"  # an iframe's fallback is markup, read as such
    assert second.title == "History of the <blink> tag"  # plain text that mentions a tag stays
    assert second.text == "History of the <blink> tag"


def _collect_teasers(server, settings, known=None):
    source = Source(id="src_t", kind="feed", url=server.url("/files/feeds/teasers.xml"))

    async def go():
        async with Fetcher(settings) as fetcher:
            return await collect(source, fetcher, settings=settings, known_urls=known)

    return run(go())


def test_entries_with_only_a_summary_get_the_text_of_the_article_they_link(server, fetch_settings):
    res = _collect_teasers(server, fetch_settings.replace(feed_fetch_articles=10))
    by = {it.title: it for it in res.items}
    ferry, bridge = by["Night ferry service to resume in spring"], by["Harbour footbridge approved after two-year wait"]
    assert "Fares will stay at last year's level." in ferry.text and ferry.text.startswith("The night ferry")
    assert ferry.extra["summary"].endswith("from March…") and ferry.extra["text_from"].endswith("/files/pages/a2.html")
    assert len(bridge.text.split()) > 30 and ferry.author == "Sam Reyes"
    # a dead link keeps the feed's summary, and says so on the source
    market = by["Market hall to close for repairs"]
    assert market.text == "The market hall will close for six weeks of roof repairs from November."
    assert any("/status/404" in w and "kept the feed's summary" in w for w in res.warnings)
    # an entry with its own content is not fetched
    assert by["Library opens on Sundays"].text.startswith("The central library opens on Sundays from next month, the")
    assert res.error is None and res.fetches == 1 + 3
    fetched = [p for _, p in server.state.log]
    assert "/files/pages/a3.html" not in fetched


def test_linked_articles_are_fetched_within_the_limit_and_never_twice(server, fetch_settings):
    known = {server.url("/files/pages/a2.html")}
    res = _collect_teasers(server, fetch_settings.replace(feed_fetch_articles=10), known)
    assert res.fetches == 1 + 2  # the stored article is not fetched again
    ferry = next(it for it in res.items if it.title.startswith("Night ferry"))
    assert ferry.text.endswith("from March…")
    assert _collect_teasers(server, fetch_settings.replace(feed_fetch_articles=1)).fetches == 1 + 1
    off = _collect_teasers(server, fetch_settings.replace(feed_fetch_articles=0))
    assert off.fetches == 1 and all("text_from" not in it.extra for it in off.items)
