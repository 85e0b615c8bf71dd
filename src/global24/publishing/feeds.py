"""Atom, RSS 2.0 and JSON Feed 1.1: site-wide (hottest, newest), per section, per story.

A feed is built once as a neutral :class:`Feed` from the store and then
serialised to each format, so the three always carry the same entries. Site
and section feeds have one entry per written story (its latest revision); a
story's own feed has one entry per revision, so readers see every rewrite.
Entry HTML is built from escaped text and passed through nh3 as a last guard.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import nh3

from global24.models import Article, Story, syndicated_originals, utcnow
from global24.settings import Settings
from global24.store.base import Store
from global24.web.render import as_utc, label, revision_url, safe_href, section_url, story_url

FORMATS = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
FEED_LIMIT = 30
SITE_FEEDS = {"hot": "hottest stories", "new": "newest analyses"}

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ALLOWED_TAGS = {"p", "a", "sup", "ol", "ul", "li", "em", "strong", "h2", "h3", "figure", "img",
                 "figcaption", "blockquote", "small"}
_ALLOWED_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt"}, "blockquote": {"cite"}}


@dataclass
class FeedEntry:
    id: str
    title: str
    link: str
    updated: datetime
    published: datetime
    summary: str
    content_html: str
    categories: list[str] = field(default_factory=list)
    image: str | None = None
    lang: str = "en"  # the article's language; the feed's own is English


@dataclass
class Feed:
    id: str
    title: str
    subtitle: str
    link: str  # the HTML page this feed follows
    path: str  # the feed's own path without the format extension, e.g. /feeds/hot
    updated: datetime
    author: str
    entries: list[FeedEntry] = field(default_factory=list)


def clean_xml(text: str | None) -> str:
    """Text without the control characters XML 1.0 forbids."""
    return _XML_BAD.sub("", text or "")


def sanitize(fragment: str) -> str:
    return nh3.clean(fragment, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRS,
                     url_schemes={"http", "https"}, link_rel="nofollow noopener")


def article_html(article: Article, base: str) -> str:
    """The entry body: image, dek, the lead section with numbered citations, sources, a link."""
    e = html.escape
    listed = [s for s in article.sources or [] if isinstance(s, dict) and s.get("item_id")]
    copy_of = syndicated_originals(listed)  # a syndicated copy is cited by its original's number
    sources = [s for s in listed if str(s["item_id"]) not in copy_of]
    number = {str(s["item_id"]): i + 1 for i, s in enumerate(sources)}
    number.update({copy: number[root] for copy, root in copy_of.items() if root in number})
    url_of = {str(s["item_id"]): safe_href(s.get("url")) for s in listed}
    url_of.update({copy: url_of.get(root) for copy, root in copy_of.items()})
    parts: list[str] = []
    for img in article.images[:1]:
        src = safe_href(img.get("url")) if isinstance(img, dict) else None
        if src:
            cap = str(img.get("caption") or "")
            credit = str(img.get("credit") or "")
            parts.append(f'<figure><img src="{e(src)}" alt="{e(cap or "Story image")}">'
                         f"<figcaption>{e(cap)} <small>{e(credit)}</small></figcaption></figure>")

    def marks(citations: list) -> str:
        out = []
        for c in citations:
            n = number.get(c.item_id)
            if n is None:
                continue
            href = url_of.get(c.item_id)
            out.append(f'<sup><a href="{e(href)}">[{n}]</a></sup>' if href else f"<sup>[{n}]</sup>")
        return "".join(dict.fromkeys(out))

    if article.dek:
        parts.append(f"<p><strong>{e(article.dek)}</strong>{marks(article.dek_citations())}</p>")
    lead = next((s for s in article.sections if s.kind == "lead"), article.sections[0] if article.sections else None)
    if lead is not None:
        for para in lead.paragraphs:
            parts.append("<p>" + " ".join(e(sent.text) + marks(sent.citations) for sent in para) + "</p>")
    if sources:
        items = []
        for s in sources:
            href = safe_href(s.get("url"))
            name = e(str(s.get("source") or ""))
            who = f"{name}: " if name else ""  # an item that names no outlet is listed by its title
            title = e(str(s.get("title") or s.get("url") or ""))
            items.append(f'<li>{who}<a href="{e(href)}">{title}</a></li>' if href else f"<li>{who}{title}</li>")
        parts.append("<h3>Sources</h3><ol>" + "".join(items) + "</ol>")
    link = base + story_url(article.story_id)
    parts.append(f'<p><a href="{e(link)}">Read the full analysis, with every citation</a></p>')
    return sanitize(clean_xml("".join(parts)))


def _first_image(article: Article) -> str | None:
    for img in article.images or []:
        if isinstance(img, dict) and safe_href(img.get("url")):
            return safe_href(img.get("url"))
    return None


def _categories(story: Story) -> list[str]:
    return [x for x in (label("topic", story.topic), label("region", story.region)) if x]


def _first_published(store: Store, story: Story, article: Article) -> datetime:
    revs = store.list_revisions(story.id)
    times = []
    for r in revs:
        v = r.get("created_at")
        if isinstance(v, str):
            try:
                v = datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                v = None
        if isinstance(v, datetime):
            times.append(as_utc(v))
    return min(times, default=as_utc(article.created_at))


def story_entry(store: Store, settings: Settings, story: Story, article: Article) -> FeedEntry:
    base = settings.base_url.rstrip("/")
    link = base + story_url(story.id)
    return FeedEntry(
        id=link,
        title=clean_xml(article.headline or story.title or "Untitled story"),
        link=link,
        updated=as_utc(article.created_at),
        published=_first_published(store, story, article),
        summary=clean_xml(article.dek),
        content_html=article_html(article, base),
        categories=_categories(story),
        image=_first_image(article),
        lang=article.lang or "en",
    )


def _stories_feed(
    store: Store, settings: Settings, stories: list[Story], now: datetime,
    path: str, link: str, title: str, subtitle: str, limit: int,
) -> Feed:
    base = settings.base_url.rstrip("/")
    entries = []
    for st in stories:
        if st.merged_into or st.status == "archived":
            continue
        art = store.get_article(st.id)
        if art is not None:
            entries.append(story_entry(store, settings, st, art))
        if len(entries) >= limit:
            break
    updated = max((en.updated for en in entries), default=as_utc(now))
    return Feed(id=base + path, title=title, subtitle=subtitle, link=base + link, path=path,
                updated=updated, author=settings.site_name, entries=entries)


def site_feed(store: Store, settings: Settings, which: str = "hot", now: datetime | None = None,
              limit: int = FEED_LIMIT) -> Feed:
    """The hottest stories ("hot", by heat) or the newest analyses ("new", by last update)."""
    if which not in SITE_FEEDS:
        raise ValueError(f"unknown site feed {which!r}")
    now = now or utcnow()
    stories = store.list_stories(order="heat", limit=limit * 3)
    feed = _stories_feed(store, settings, stories, now, f"/feeds/{which}", "/",
                         f"{settings.site_name}: {SITE_FEEDS[which]}",
                         "Independent analyses of open media; every sentence cites its source.", limit * 3)
    if which == "new":
        feed.entries.sort(key=lambda en: (en.updated, en.id), reverse=True)
    feed.entries = feed.entries[:limit]
    return feed


def section_feed(store: Store, settings: Settings, kind: str, value: str, now: datetime | None = None,
                 limit: int = FEED_LIMIT) -> Feed | None:
    """Stories of one topic or region by heat; None when the section has no story at all."""
    if kind not in ("topic", "region"):
        raise ValueError(f"unknown section kind {kind!r}")
    filt = {"topic": value} if kind == "topic" else {"region": value}
    stories = store.list_stories(order="heat", limit=limit * 3, **filt)
    if not stories:
        return None
    name = label(kind, value)
    return _stories_feed(store, settings, stories, now or utcnow(), f"/feeds/{kind}/{value}",
                         section_url(kind, value), f"{settings.site_name}: {name}",
                         f"The hottest {name} stories in open media.", limit)


def story_feed(store: Store, settings: Settings, story_id: str, now: datetime | None = None) -> Feed | None:
    """Every revision of one story, newest first; None when the story does not exist."""
    story = store.get_story(story_id, follow_merges=True)
    if story is None:
        return None
    base = settings.base_url.rstrip("/")
    entries = []
    for rev in store.list_revisions(story.id):
        art = store.get_article(story.id, int(rev["revision"]))
        if art is None:
            continue
        link = base + revision_url(story.id, art.revision)
        note = art.change_note or ("First analysis." if art.revision == 1 else "")
        entries.append(FeedEntry(
            id=link,
            title=clean_xml(f"{art.headline} (revision {art.revision})"),
            link=link,
            updated=as_utc(art.created_at),
            published=as_utc(art.created_at),
            summary=clean_xml(note or art.dek),
            content_html=(sanitize(f"<p><em>{html.escape(clean_xml(note))}</em></p>") if note else "")
            + article_html(art, base),
            categories=_categories(story),
            image=_first_image(art),
        ))
    entries.sort(key=lambda en: (en.updated, en.id), reverse=True)
    title = entries[0].title.rsplit(" (revision", 1)[0] if entries else (story.title or "Story")
    updated = max((en.updated for en in entries), default=as_utc(now or story.last_seen))
    return Feed(id=base + story_url(story.id), title=f"{settings.site_name}: {title}",
                subtitle="Every revision of this analysis, with its change note.",
                link=base + story_url(story.id), path=f"/story/{story.id}/feed", updated=updated,
                author=settings.site_name, entries=entries)


# --- serialisers ---------------------------------------------------------------------------


def _rfc3339(dt: datetime) -> str:
    return as_utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Node:
    """A minimal XML element: deterministic output with the exact namespace prefixes we choose."""

    def __init__(self, tag: str, text: str | None = None, **attrs: str) -> None:
        self.tag = tag
        self.text = text
        self.attrs = attrs
        self.children: list[_Node] = []

    def add(self, tag: str, text: str | None = None, **attrs: str) -> _Node:
        child = _Node(tag, text, **attrs)
        self.children.append(child)
        return child

    def write(self, out: list[str], depth: int = 0) -> None:
        pad = "  " * depth
        attrs = "".join(f" {k.replace('__', ':')}={quoteattr(clean_xml(v))}" for k, v in self.attrs.items())
        if self.children:
            out.append(f"{pad}<{self.tag}{attrs}>\n")
            for c in self.children:
                c.write(out, depth + 1)
            out.append(f"{pad}</{self.tag}>\n")
        elif self.text is None:
            out.append(f"{pad}<{self.tag}{attrs}/>\n")
        else:
            out.append(f"{pad}<{self.tag}{attrs}>{xml_escape(clean_xml(self.text))}</{self.tag}>\n")

    def document(self) -> str:
        out = ['<?xml version="1.0" encoding="utf-8"?>\n']
        self.write(out)
        return "".join(out)


def to_atom(feed: Feed, base: str) -> str:
    root = _Node("feed", xmlns=ATOM_NS, xml__lang="en")
    root.add("id", feed.id)
    root.add("title", feed.title)
    root.add("subtitle", feed.subtitle)
    root.add("updated", _rfc3339(feed.updated))
    root.add("link", rel="alternate", type="text/html", href=feed.link)
    root.add("link", rel="self", type="application/atom+xml", href=base + feed.path + ".atom")
    root.add("author").add("name", feed.author)
    root.add("generator", "Global24")
    for en in feed.entries:
        e = root.add("entry", **({"xml__lang": en.lang} if en.lang != "en" else {}))
        e.add("id", en.id)
        e.add("title", en.title)
        e.add("link", rel="alternate", type="text/html", href=en.link)
        e.add("published", _rfc3339(en.published))
        e.add("updated", _rfc3339(en.updated))
        for c in en.categories:
            e.add("category", term=c)
        if en.summary:
            e.add("summary", en.summary, type="text")
        e.add("content", en.content_html, type="html")
    return root.document()


def to_rss(feed: Feed, base: str) -> str:
    rss = _Node("rss", version="2.0", xmlns__atom=ATOM_NS, xmlns__dc=DC_NS)
    ch = rss.add("channel")
    ch.add("title", feed.title)
    ch.add("link", feed.link)
    ch.add("description", feed.subtitle)
    ch.add("language", "en")
    ch.add("lastBuildDate", format_datetime(as_utc(feed.updated), usegmt=True))
    ch.add("generator", "Global24")
    ch.add("atom:link", rel="self", type="application/rss+xml", href=base + feed.path + ".rss")
    for en in feed.entries:
        it = ch.add("item")
        it.add("title", en.title)
        it.add("link", en.link)
        it.add("guid", en.id, isPermaLink="true" if en.id == en.link else "false")
        it.add("pubDate", format_datetime(as_utc(en.updated), usegmt=True))
        it.add("dc:creator", feed.author)
        for c in en.categories:
            it.add("category", c)
        it.add("description", en.content_html)
    return rss.document()


def to_jsonfeed(feed: Feed, base: str) -> str:
    data = {
        "version": JSONFEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.link,
        "feed_url": base + feed.path + ".json",
        "description": feed.subtitle,
        "language": "en",
        "authors": [{"name": feed.author}],
        "items": [
            {k: v for k, v in {
                "id": en.id,
                "url": en.link,
                "title": en.title,
                "summary": en.summary or None,
                "content_html": en.content_html,
                "image": en.image,
                "date_published": _rfc3339(en.published),
                "date_modified": _rfc3339(en.updated),
                "tags": en.categories or None,
                "language": en.lang if en.lang != "en" else None,
            }.items() if v is not None}
            for en in feed.entries
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_feed(feed: Feed, fmt: str, settings: Settings) -> tuple[str, str]:
    """The feed serialised as ``fmt`` (atom, rss, json) and its media type."""
    base = settings.base_url.rstrip("/")
    if fmt == "atom":
        return to_atom(feed, base), FORMATS["atom"]
    if fmt == "rss":
        return to_rss(feed, base), FORMATS["rss"]
    if fmt == "json":
        return to_jsonfeed(feed, base), FORMATS["json"]
    raise ValueError(f"unknown feed format {fmt!r}")
