"""Site pages rendered from the sample newsroom in a real SQLite store."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from global24.web.headers import CSP


class Tags(HTMLParser):
    """Collects start tags with their attributes, and the JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        self.tags.append((tag, d))
        self._in_ld = tag == "script" and d.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.ld.append(data)

    def handle_endtag(self, tag):
        self._in_ld = False

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_front_page_ranks_by_heat(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    order = [html.index(h) for h in ("Port Alder bridge reopens as the stopgap", "Lumen Semiconductor to double",
                                    "Northfield approves a 40-megawatt", "Amina Odede sets")]
    assert order == sorted(order)
    page = text_of(html)
    assert "4 independent sources" in page and "updated 45 minutes ago" in page
    assert "🔥" in html and "Heat 86" in page
    # the lead image, with alt text
    imgs = parse(html).find("img")
    assert any(i["alt"] == "Buses cross the reopened bridge at dawn" for i in imgs)
    assert all(i.get("alt") for i in imgs)
    # sections by topic and region, and the story without an analysis under Developing
    for name in ("Technology", "Climate", "Asia-Pacific", "North America", "Developing"):
        assert name in page
    assert "Museum closes east wing" in page
    assert 'href="/topic/technology/"' in html and 'href="/region/europe/"' in html


def test_story_page_has_the_seed_shape_and_more(client, site):
    _, store, sample = site
    html = client.get("/story/st_sample_bridge/").text
    page = text_of(html)
    assert "<h1" in html and "Port Alder bridge reopens as the stopgap ferry winds down" in page
    assert "1 / 2" in page  # the gallery
    assert "Buses cross the reopened bridge at dawn" in page and "Meridian Wire" in page  # caption, credit
    assert "Independent analysis based on open media from Meridian Wire, Harbour Post" in page
    for heading in ("Bridge reopens after six weeks", "What officials said", "Where sources differ",
                    "Reactions", "What to watch", "Timeline", "Sources", "Heat explained",
                    "Revision history", "Grounding report"):
        assert heading in page, heading
    tags = parse(html)
    # every citation marker opens a popover that exists and quotes the exact span of the source item
    markers = tags.find("button", class_="cite")
    assert len(markers) == 11  # one per cited source per sentence: 2+2+2+1+2 in sections, 2 in the timeline
    pops = {a["id"] for a in tags.find("div", class_="quote-pop")}
    assert {m["popovertarget"] for m in markers} <= pops
    b2 = sample.items["b2"]
    assert "<mark>the toll for cars rises from 2 to 3 euros on 1 November</mark>" in html
    assert b2.text[b2.text.index("the toll"):].startswith("the toll for cars rises from 2 to 3 euros")
    # sources list links the originals; the heat sparkline is inline SVG; change notes are shown
    assert 'href="https://harbourpost.example/bridge/b2"' in html
    assert tags.find("polyline", class_="spark-line")
    assert "Added the ferry&#39;s end and a commuter&#39;s reaction" in html
    assert 'href="/story/st_sample_bridge/r/1/"' in html
    assert "Sentences verified against their sources" in page and "Left out, and why" in page
    assert "the number 5,000 is not in the cited source" in page


def test_story_json_ld_is_valid_and_safe(client):
    html = client.get("/story/st_sample_bridge/").text
    blocks = parse(html).ld
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "NewsArticle" and data["@context"] == "https://schema.org"
    assert data["headline"] == "Port Alder bridge reopens as the stopgap ferry winds down"
    assert data["datePublished"].startswith("2025-10-28T08:50") and data["dateModified"].startswith("2025-10-28T11:15")
    assert data["mainEntityOfPage"] == "https://news.example/story/st_sample_bridge/"
    assert {c["url"] for c in data["citation"]} >= {"https://meridian-wire.example/bridge/b1"}


def test_json_ld_cannot_close_its_script(client, site):
    _, store, _ = site
    art = store.get_article("st_sample_solar")
    art.headline = "Evil </script><script>alert(1)</script> <!-- headline"
    store.add_article(art)
    html = client.get("/story/st_sample_solar/").text
    block = parse(html).ld[0]
    assert "</script" not in block.lower() and "<!--" not in block
    assert json.loads(block)["headline"] == art.headline[:110]


def test_earlier_revision(client):
    r = client.get("/story/st_sample_bridge/r/1/")
    assert r.status_code == 200
    page = text_of(r.text)
    assert "You are reading revision 1 of 2" in page
    assert "Port Alder's harbour bridge reopens after six weeks of storm repairs" in page
    assert "What to watch" not in page  # added in revision 2
    assert 'aria-current="page">Revision 1' in r.text
    assert client.get("/story/st_sample_bridge/r/9/").status_code == 404


def test_merged_story_redirects(client):
    r = client.get("/story/st_sample_bridge_dup/", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/story/st_sample_bridge/"
    r = client.get("/story/st_sample_bridge_dup/r/1/", follow_redirects=False)
    assert r.headers["location"] == "/story/st_sample_bridge/r/1/"
    assert client.get("/api/stories/st_sample_bridge_dup", follow_redirects=False).headers["location"] == \
        "/api/stories/st_sample_bridge"


def test_story_without_analysis_shows_coverage(client):
    page = text_of(client.get("/story/st_sample_museum/").text)
    assert "No analysis yet" in page and "Museum closes east wing after roof leak" in page


def test_search_finds_stories_and_items(client):
    r = client.get("/search/", params={"q": "ferry"})
    page = text_of(r.text)
    assert "Ferry service to end as bridge reopens" in page
    assert "Port Alder bridge reopens as the stopgap" in page
    assert "No source item matches" in text_of(client.get("/search/", params={"q": "zeppelin"}).text)
    assert client.get("/search/").status_code == 200


def test_sources_page_shows_health(client, site):
    _, _, sample = site
    page = text_of(client.get("/sources/").text)
    assert "5 sources, 1 failing, 0 paused" in page
    src = sample.sources["northern"]
    detail = text_of(client.get(f"/source/{src.id}/").text)
    assert "failing (4)" in detail and "HTTP 503 Service Unavailable" in detail and "backing off" in detail
    assert "Northfield approves a 40-megawatt solar farm" in detail  # the stories it fed
    assert client.get("/source/src_nope/").status_code == 404


def test_section_pages(client):
    page = text_of(client.get("/region/europe/").text)
    assert "Port Alder bridge" in page and "Amina Odede" in page and "Lumen" not in page
    assert client.get("/topic/astrology/").status_code == 404


def test_security_headers_everywhere(client):
    for path in ["/", "/story/st_sample_bridge/", "/api/stories", "/feeds/hot.atom", "/nope",
                 "/static/site.css"]:
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP


def test_pages_have_no_inline_script_or_style(client):
    for path in ["/", "/story/st_sample_bridge/", "/search/?q=bridge", "/sources/"]:
        tags = parse(client.get(path).text)
        for tag, attrs in tags.tags:
            assert not any(k.startswith("on") for k in attrs), (path, tag, attrs)
            assert "style" not in attrs, (path, tag)
            if tag == "script":
                assert attrs.get("src") or attrs.get("type") == "application/ld+json", (path, attrs)


def test_etag_and_304(client):
    r = client.get("/story/st_sample_bridge/")
    etag = r.headers["etag"]
    again = client.get("/story/st_sample_bridge/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/story/st_sample_bridge/", headers={"If-None-Match": '"other"'}).status_code == 200


def test_page_follows_new_revisions(client, site):
    """The desk writes to the same store: a new revision shows without restarting the app."""
    _, store, _ = site
    before = client.get("/story/st_sample_chips/")
    art = store.get_article("st_sample_chips")
    art.headline = "Lumen's Kestrel Bay expansion gets its state loan"
    art.change_note = "New headline."
    store.add_article(art)
    import time

    time.sleep(0.6)  # the version probe runs at most every half second
    after = client.get("/story/st_sample_chips/", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and "gets its state loan" in after.text
    assert "gets its state loan" in client.get("/").text


def test_cache_hits_are_served_like_misses(client, site):
    """The first request builds the page; the second is answered by the fast path: same bytes, same headers."""
    _, _, _ = site
    app = client.app
    for path, cache_control in [("/story/st_sample_bridge/", "no-cache"), ("/api/stories?limit=3", "public, max-age=10"),
                                ("/feeds/hot.atom", "public, max-age=60")]:
        app.state.site.cache.clear()
        first = client.get(path)
        hits = app.state.site.cache.hits
        second = client.get(path)
        assert app.state.site.cache.hits == hits + 1, path  # served from the cache
        assert second.content == first.content
        for h in ("etag", "cache-control", "content-type", "content-security-policy", "x-content-type-options"):
            assert second.headers[h] == first.headers[h], (path, h)
        assert second.headers["cache-control"] == cache_control
        assert client.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_writer_timeline_section_renders_dated_entries_once(client, site):
    """The writer puts the timeline both in a 'timeline' section and in article.timeline (with dates)."""
    from global24.models import Section, Sentence

    _, store, sample = site
    art = store.get_article("st_sample_solar")
    s1 = sample.items["s1"]
    entry_text = "Northfield's county board voted 5 to 2 on Monday to approve a 40-megawatt solar farm"
    art.sections.append(Section("Timeline", "timeline", [[Sentence(entry_text)]]))
    art.timeline = [{"date": "2025-10-27", "basis": "published", "text": entry_text, "item_id": s1.id,
                     "citations": [{"item_id": s1.id, "quote": entry_text, "start": 0, "end": len(entry_text)}]}]
    store.add_article(art)
    html = client.get("/story/st_sample_solar/").text
    assert html.count(">Timeline</h2>") == 1
    assert '<time datetime="2025-10-27T00:00:00Z">27 Oct 2025</time>' in html


def test_head_is_answered_like_get(client):
    for path in ["/", "/story/st_sample_bridge/", "/api/stories", "/feeds/hot.rss"]:
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["content-length"] == str(len(get.content))
        assert head.headers["etag"] == get.headers["etag"]
    assert client.head("/story/st_nope/").status_code == 404


def test_article_memo_parses_each_revision_once(site):
    from global24.web.state import ArticleMemo

    _, store, _ = site
    memo = ArticleMemo(store)
    first = memo.get_article("st_sample_bridge")
    assert first.revision == 2 and memo.get_article("st_sample_bridge") is first  # parsed once
    assert memo.get_article("st_sample_bridge", 1).revision == 1
    assert memo.get_article("st_sample_museum") is None and memo.get_article("st_nope", 3) is None
    art = store.get_article("st_sample_bridge")
    art.headline = "A third revision"
    store.add_article(art)
    assert memo.get_article("st_sample_bridge").headline == "A third revision"  # the latest is followed
    assert memo.raw is store and memo.list_sources() == store.list_sources()  # the rest passes through


def test_an_analysis_in_another_language_is_marked_as_such(client, site):
    """The page is the site's (English); the analysis on it says which language it is in."""
    _, store, _ = site
    art = store.get_article("st_sample_chips")
    assert 'lang="fr"' not in client.get("/story/st_sample_chips/").text
    art.lang = "fr"
    art.change_note = "Now in French."
    store.add_article(art)
    import time

    time.sleep(0.6)  # the version probe runs at most every half second
    page = parse(client.get("/story/st_sample_chips/").text)
    assert page.find("html", lang="en")
    assert page.find("p", class_="attribution", lang="fr")
    headed = [a for t, a in page.tags if t == "h2" and (a.get("id") or "").endswith("-h")]
    own = [a for a in headed if a.get("id") not in ("sources-h", "heat-h", "ground-h", "rev-h")]
    assert own and all(a.get("lang") == "fr" for a in own)
    assert all(a.get("lang") is None for a in headed if a.get("id") == "sources-h")  # the site's own words
    front = parse(client.get("/").text)  # its card's headline says so too, the other cards do not
    marked = [a for t, a in front.tags if t == "a" and a.get("href") == "/story/st_sample_chips/" and a.get("lang")]
    assert marked and all(a["lang"] == "fr" for a in marked)
    assert not [a for t, a in front.tags if t == "a" and a.get("lang") and "st_sample_chips" not in a.get("href", "")]
    art.lang = "ar"
    store.add_article(art)
    time.sleep(0.6)
    assert parse(client.get("/story/st_sample_chips/").text).find(
        "p", class_="attribution", lang="ar", dir="rtl"
    )


def test_with_five_or_more_top_stories_two_stand_under_the_lead(site):
    """The lead column does not end in a void beside a long list: the next two hottest sit under the lead."""
    from dataclasses import replace

    from global24.publishing.sample import SAMPLE_NOW
    from global24.web.cards import list_cards
    from global24.web.render import Renderer
    from global24.web.views.front import front_context

    settings, store, _ = site
    ctx = front_context(store, SAMPLE_NOW)
    card = ctx["lead"]
    ctx["top"] = [replace(card, id=f"st_{k}", url=f"/story/st_{k}/", headline=f"Story {k}") for k in range(6)]
    html = Renderer(settings).render("front.html", **ctx)
    under = html[html.index('class="under-lead"') : html.index('class="top-list"')]
    assert "Story 0" in under and "Story 1" in under and "Story 2" not in under
    rest = html[html.index('class="top-list"') :]
    assert all(f"Story {k}<" in rest for k in range(2, 6))
    ctx["top"] = ctx["top"][:4]  # four fit beside the lead
    assert "under-lead" not in Renderer(settings).render("front.html", **ctx)
    assert list_cards(store)  # the sample has written stories to show
