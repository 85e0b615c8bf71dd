"""News feeds: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, RDF (feedparser) and JSON Feed 1.0/1.1.

``parse_feed`` takes bytes + headers + base URL and returns a ParseResult; it
never raises. Images come from enclosures, Media RSS (with caption and credit),
JSON Feed ``image``/``attachments`` and, failing those, the first picture in the
entry's HTML.
"""

from __future__ import annotations

import asyncio
import html as htmllib
import importlib.util
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import feedparser

from global24.models import Engagement, Image, Item, Source, stable_id
from global24.settings import Settings
from global24.sources.base import (
    CollectResult,
    Fetches,
    KnownUrls,
    ParseResult,
    absolute_url,
    error_text,
    html_to_text,
    is_known,
    looks_like_image,
    parse_datetime,
    source_display_name,
    struct_to_datetime,
    to_int,
)
from global24.sources.media import first_html_image, media_rss_index

# feedparser asks xml.sax for the drv_libxml2 driver before expat on every parse; where that driver
# is not installed (it is not on PyPI) the failed import walks sys.path each time, which cost an
# eighth of the parse time on small feeds. Expat is what it falls back to either way: it is named
# directly, with its text buffered (saxdriver.py), which spares feedparser a call per line of text.
if importlib.util.find_spec("drv_libxml2") is None:
    feedparser.api.PREFERRED_XML_PARSERS = ["global24.sources.saxdriver"]

MAX_FEED_BYTES = 64_000_000
FEED_ACCEPT = "application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
)


def parse_feed(content: bytes, headers: dict[str, str] | None, base_url: str, source: Source) -> ParseResult:
    """Entries of one feed payload as Items; malformed input gives ``error``/``bozo``, never an exception."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if len(content) > MAX_FEED_BYTES:
        return ParseResult(error=f"feed of {len(content)} bytes is over the {MAX_FEED_BYTES}-byte cap")
    try:
        if _is_json(content, headers):
            return parse_json_feed(content, base_url, source)
        return _parse_xml_feed(content, headers, base_url, source)
    except Exception as exc:  # a parser bug must not take the stage down: record it
        return ParseResult(error=f"feed parser failed: {error_text(exc)}")


def _is_json(content: bytes, headers: dict[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    if "json" in ctype:
        return True
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def _parse_xml_feed(content: bytes, headers: dict[str, str], base_url: str, source: Source) -> ParseResult:
    response_headers = dict(headers)
    # No content-location: feedparser would urljoin the base onto itself at every element (a fifth of
    # its time). It still applies xml:base; entry_to_item resolves what is left against base_url,
    # which the header moves when it names where the document really lives (HTTP's base URI rule).
    location = response_headers.pop("content-location", None)
    if location:
        base_url = absolute_url(base_url, location.strip()) or base_url
    response_headers.setdefault(
        "content-type", "application/xml"
    )  # files and bare servers: let the XML speak
    # normalize.py sanitizes with nh3, so feedparser's own (slow) sanitizer would be done twice; and its
    # relative-URI pass re-parses every HTML body with sgmllib: _entry_body resolves the few
    # relative links there are with one regular expression instead (half the cost of parsing).
    # The bytes go in as a stream: given bytes, feedparser first tries to open them as a file name
    # (a system call per feed, and a body naming a local file would have that file parsed instead).
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    feed = parsed.get("feed", {})
    result = ParseResult(
        bozo=bool(parsed.get("bozo")),
        bozo_exception=error_text(parsed["bozo_exception"]) if parsed.get("bozo_exception") else None,
        title=feed.get("title"),
        meta={
            "version": parsed.get("version") or "",
            "link": feed.get("link"),
            "language": feed.get("language"),
            "encoding": parsed.get("encoding"),
        },
    )
    entries = parsed.get("entries", [])
    if not entries and not parsed.get("version"):
        root = root_element(content)
        if root not in FEED_ROOTS:
            what = f"<{root}> document" if root else (result.bozo_exception or "unrecognised document")
            result.error = f"not a feed: {what}"
            return result
    media = media_rss_index(content, base_url) if b"search.yahoo.com/mrss" in content else None
    feed_lang = feed.get("language")
    for index, entry in enumerate(entries):
        try:
            item = entry_to_item(entry, index, source, base_url, feed_lang, result.title, media, len(entries))
        except Exception as exc:
            result.warnings.append(f"entry {index + 1}: skipped ({error_text(exc)})")
            continue
        if not (item.url or item.title or item.text or item.images):
            result.warnings.append(f"entry {index + 1}: skipped (empty)")
            continue
        result.items.append(item)
    return result


FEED_ROOTS = {"rss", "rdf", "feed", "channel", "scriptingnews"}
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>|\xef\xbb\xbf)", re.S | re.I)
_FIRST_TAG = re.compile(rb"\s*<([A-Za-z_][\w:.-]*)")


def root_element(content: bytes) -> str:
    """Local name (lower case) of the first element of an XML/HTML document, '' if none."""
    head = content[:65536]
    pos = 0
    while True:
        m = _PROLOG.match(head, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    m = _FIRST_TAG.match(head, pos)
    return m.group(1).decode("ascii", "ignore").rsplit(":", 1)[-1].lower() if m else ""


def entry_to_item(
    entry: Any,
    index: int,
    source: Source,
    base_url: str,
    feed_lang: str | None = None,
    feed_title: str | None = None,
    media: Any = None,
    entry_count: int = 0,
) -> Item:
    """One feedparser entry as an Item (raw HTML kept; normalize.py sanitizes)."""
    # Read through a plain dict: FeedParserDict.get runs a chain of key tests in Python, and raises
    # and catches a KeyError for each absent key, a couple of dozen times per entry. Its aliases do
    # not matter to the keys read here ("guid" is read by images_for, from the entry itself; the
    # fallback of updated_parsed to published_parsed gives nothing published_parsed did not).
    fields = dict(entry)
    link = absolute_url(base_url, fields.get("link"))
    native_id = (
        fields.get("id")
        or link
        or stable_id(fields.get("title", ""), fields.get("published", ""), fields.get("summary", "")[:200])
    )
    media_images = media.images_for(entry, index, entry_count) if media is not None else []
    captions = {img.caption for img in media_images if img.caption}
    html, text = _entry_body(fields, captions, link or base_url)
    title = fields.get("title")
    title_type = (fields.get("title_detail") or {}).get("type") or "text/plain"
    if title and (title_type != "text/plain" or _MARKUP.search(title)):  # html, xhtml, base64 …
        title = html_to_text(title)
    published = (
        struct_to_datetime(fields.get("published_parsed"))
        or struct_to_datetime(fields.get("updated_parsed"))
        or struct_to_datetime(fields.get("created_parsed"))
    )
    images = _dedupe_images(media_images + _entry_images(fields, base_url, bool(media_images)))
    if not images and html:
        img = first_html_image(html, link or base_url)
        if img:
            images.append(img)
    lang = (fields.get("title_detail") or {}).get("language") or feed_lang
    extra: dict[str, Any] = {"native_id": str(native_id)}
    own_body = any(c.get("value") and c.get("value") not in captions for c in fields.get("content") or [])
    if link and not own_body:
        extra["summary_only"] = True  # no content:encoded or Atom content: the linked page has the article
    tags = [t.get("term") for t in fields.get("tags", []) if t.get("term")]
    if tags:
        extra["tags"] = tags
    if fields.get("comments"):
        extra["comments_url"] = fields.get("comments")
    return Item(
        id=Item.make_id(source.id, link, str(native_id)),
        source_id=source.id,
        kind="article",
        url=link,
        title=(title or "").strip() or None,
        text=text,
        html=html or None,
        published_at=published,
        lang=lang or None,
        author=(fields.get("author") or "").strip() or None,
        engagement=Engagement(replies=to_int(fields.get("slash_comments")) or 0),
        images=images,
        source_name=source_display_name(source, feed_title),
        extra=extra,
    )


def _entry_body(entry: Any, skip: set[str], base_url: str) -> tuple[str, str]:
    """(html, plain text) of the richest body: content:encoded, content, else summary."""
    candidates: list[tuple[str, dict[str, Any]]] = []
    for c in entry.get("content", []) or []:
        value = c.get("value") or ""
        if value and value not in skip:  # feedparser files media:description as content
            candidates.append((value, c))
    summary = entry.get("summary") or ""
    if summary and summary not in skip:
        candidates.append((summary, entry.get("summary_detail") or {}))
    if not candidates:
        return "", ""
    value, detail = max(candidates, key=lambda vd: len(vd[0]))
    ctype = detail.get("type") or "text/html"
    if "html" in ctype or "xml" in ctype:
        base = absolute_url(base_url, detail.get("base") or "") or base_url
        return resolve_links(value, base), html_to_text(value)
    # plain text by its label; many feeds label escaped HTML so, which shows as markup
    return "", html_to_text(value) if _MARKUP.search(value) else value.strip()


# What says "this is HTML" in a field labelled plain text: a closing tag, or an opening one
# of the few elements such text is made of. "History of the <blink> tag" stays as it is.
_MARKUP = re.compile(r"</[a-zA-Z][\w:-]*\s*>|<(?:p|br|img|a|div|span|ul|ol|li|b|i|em|strong)\b[^<>]*/?>", re.I)


_RELATIVE_LINK = re.compile(
    r"""(\b(?:href|src)\s*=\s*)(["'])(?!\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#))([^"'<>]*)\2""", re.I
)


# A necessary condition for _RELATIVE_LINK, tested on the lower-cased fragment, where its
# first characters are known (h, s, or the long s that re.I folds to s): the regex engine skips
# ahead to them instead of trying _RELATIVE_LINK at every position, a third of the cost, and most
# bodies have no relative link. Lower-casing makes nothing after the quote look more like a
# scheme than it did to the case-blind pattern (İ becomes i and a combining dot).
_MAYBE_RELATIVE_LINK = re.compile(
    r"""(?:href|src|\u017frc)\s*=\s*["'](?!\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#))"""
)


def resolve_links(html: str, base: str | None) -> str:
    """``href``/``src`` attributes of an HTML fragment made absolute against ``base`` (xml:base or the link)."""
    if not base or not _MAYBE_RELATIVE_LINK.search(html.lower()):
        return html

    def fix(m: re.Match[str]) -> str:
        url = absolute_url(base, htmllib.unescape(m.group(3)))
        return f"{m.group(1)}{m.group(2)}{htmllib.escape(url) if url else m.group(3)}{m.group(2)}"

    return _RELATIVE_LINK.sub(fix, html)


def _entry_images(entry: Any, base_url: str, have_media: bool) -> list[Image]:
    images: list[Image] = []
    for link in entry.get("links", []) or []:
        if link.get("rel") == "enclosure" and looks_like_image(link.get("href"), link.get("type")):
            url = absolute_url(base_url, link.get("href"))
            if url:
                images.append(Image(url=url))
    if not have_media:  # feedparser's own Media RSS view, when our richer pass found nothing
        for m in (entry.get("media_content") or []) + (entry.get("media_thumbnail") or []):
            if looks_like_image(m.get("url"), m.get("type"), m.get("medium")):
                url = absolute_url(base_url, m.get("url"))
                if url:
                    images.append(
                        Image(url=url, width=to_int(m.get("width")), height=to_int(m.get("height")))
                    )
    return images


def _dedupe_images(images: list[Image]) -> list[Image]:
    seen: set[str] = set()
    out = []
    for img in images:
        if img.url and img.url not in seen:
            seen.add(img.url)
            out.append(img)
    return out


# ---------------------------------------------------------------- JSON Feed


def parse_json_feed(content: bytes, base_url: str, source: Source) -> ParseResult:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) as Items."""
    try:
        doc = json.loads(content.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return ParseResult(error=f"not a feed: invalid JSON ({error_text(exc)})", bozo=True)
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return ParseResult(error="not a feed: JSON without an 'items' list", bozo=True)
    result = ParseResult(title=_str(doc.get("title")), meta={"version": str(doc.get("version") or "")})
    if "jsonfeed.org/version/" not in result.meta["version"]:
        result.bozo = True
        result.bozo_exception = "missing or unknown JSON Feed version"
    home = absolute_url(base_url, _str(doc.get("home_page_url"))) or base_url
    result.meta["link"] = home
    feed_lang = _str(doc.get("language"))
    feed_author = _author_name(doc)
    for index, raw in enumerate(doc["items"]):
        if not isinstance(raw, dict):
            result.warnings.append(f"item {index + 1}: skipped (not an object)")
            continue
        try:
            result.items.append(_json_item(raw, source, home, feed_lang, feed_author, result.title))
        except Exception as exc:
            result.warnings.append(f"item {index + 1}: skipped ({error_text(exc)})")
    return result


def _json_item(
    raw: dict[str, Any], source: Source, base: str, lang: str | None, author: str | None, title: str | None
) -> Item:
    url = absolute_url(base, _str(raw.get("url"))) or absolute_url(base, _str(raw.get("external_url")))
    native_id = _str(raw.get("id")) or url or stable_id(json.dumps(raw, sort_keys=True, default=str))
    html = _str(raw.get("content_html")) or ""
    text = _str(raw.get("content_text")) or html_to_text(html) or _str(raw.get("summary")) or ""
    images: list[Image] = []
    for key in ("image", "banner_image"):
        img = absolute_url(base, _str(raw.get(key)))
        if img:
            images.append(Image(url=img))
    for att in raw.get("attachments") or []:
        if isinstance(att, dict) and looks_like_image(_str(att.get("url")), _str(att.get("mime_type"))):
            img = absolute_url(base, _str(att.get("url")))
            if img:
                images.append(Image(url=img, caption=_str(att.get("title"))))
    images = _dedupe_images(images)
    if not images and html:
        first = first_html_image(html, url or base)
        if first:
            images.append(first)
    extra: dict[str, Any] = {"native_id": native_id}
    if url and not (_str(raw.get("content_html")) or _str(raw.get("content_text"))):
        extra["summary_only"] = True
    tags = [t for t in raw.get("tags") or [] if isinstance(t, str)]
    if tags:
        extra["tags"] = tags
    if raw.get("external_url"):
        extra["external_url"] = _str(raw.get("external_url"))
    return Item(
        id=Item.make_id(source.id, url, native_id),
        source_id=source.id,
        kind="article",
        url=url,
        title=(_str(raw.get("title")) or "").strip() or None,
        text=text.strip(),
        html=html or None,
        published_at=parse_datetime(raw.get("date_published")) or parse_datetime(raw.get("date_modified")),
        lang=_str(raw.get("language")) or lang,
        author=_author_name(raw) or author,
        images=images,
        source_name=source_display_name(source, title),
        extra=extra,
    )


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _author_name(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list):
        names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
        names = [n for n in names if n]
        if names:
            return ", ".join(names)
    author = obj.get("author")
    if isinstance(author, dict):
        return _str(author.get("name"))
    return None


# ---------------------------------------------------------------- collecting and the CLI


async def collect_feed(
    source: Source, fetcher: Fetches, *, settings: Settings | None = None, known_urls: KnownUrls = None
) -> CollectResult:
    """Fetch (conditionally) and parse one feed source; a web page pointing to its feed is followed once."""
    out = CollectResult(source_id=source.id)
    fetched = await fetcher.fetch(
        source.url, etag=source.etag, last_modified=source.last_modified, accept=FEED_ACCEPT
    )
    out.fetches = 1
    _copy_fetch_state(out, fetched)
    if fetched.error or fetched.not_modified:
        out.error = fetched.error
        return out
    parsed = parse_feed(fetched.content, fetched.headers, fetched.final_url, source)
    if parsed.error and "html" in fetched.headers.get("content-type", "").lower():
        from global24.sources.media import discover_feed_links

        links = discover_feed_links(fetched.content, fetched.final_url)
        if links:
            fetched = await fetcher.fetch(links[0], accept=FEED_ACCEPT)
            out.fetches += 1
            out.warnings.append(f"page is not a feed; followed its feed link {links[0]}")
            if fetched.error:
                out.error = fetched.error
                return out
            parsed = parse_feed(fetched.content, fetched.headers, fetched.final_url, source)
            out.etag = out.last_modified = None  # validators of the page do not apply to the feed
    out.error = parsed.error
    out.items = parsed.items
    out.title = parsed.title
    out.warnings.extend(parsed.warnings)
    if parsed.bozo and parsed.bozo_exception and not parsed.error:
        out.warnings.append(f"feed is malformed but usable: {parsed.bozo_exception}")
    await fetch_linked_articles(out, fetcher, settings or Settings(), known_urls)
    return out


TEASER_WORDS = 150  # a summary-only entry this long is the article already (many feeds put it all there)


async def fetch_linked_articles(
    out: CollectResult, fetcher: Fetches, settings: Settings, known_urls: KnownUrls = None
) -> None:
    """Give entries that carry only a short summary the text of the article they link to.

    At most ``feed_fetch_articles`` pages per round, only for links the desk has not stored, through
    the same fetcher (size caps, politeness, private addresses refused). A page that cannot be
    fetched or read, or reads shorter than the summary, leaves the entry as the feed gave it, with a
    warning on the source; the summary is kept in ``extra["summary"]``.
    """
    limit = max(0, int(settings.feed_fetch_articles))
    todo = [
        k
        for k, it in enumerate(out.items)
        if it.extra.get("summary_only") and it.url and len(it.text.split()) < TEASER_WORDS
        and not is_known(it.url, known_urls)
    ][:limit]  # fmt: skip
    if not todo:
        return
    from global24.sources.pages import PAGE_ACCEPT, extract_page

    results = await asyncio.gather(*(fetcher.fetch(out.items[k].url or "", accept=PAGE_ACCEPT) for k in todo))
    out.fetches += len(todo)
    for k, res in zip(todo, results, strict=True):
        it = out.items[k]
        if res.error:
            out.warnings.append(f"{it.url}: linked article not fetched ({res.error}); kept the feed's summary")
            continue
        page = extract_page(res.content, res.headers, res.final_url, max_bytes=settings.fetch_max_bytes)
        if page.error or len(page.text.split()) <= len(it.text.split()):
            why = page.error or "no more text than the summary"
            out.warnings.append(f"{it.url}: linked article not used ({why}); kept the feed's summary")
            continue
        images = it.images or (
            [Image(url=page.image, caption=page.image_caption, credit=page.image_credit)] if page.image else []
        )
        out.items[k] = replace(
            it,
            text=page.text,
            html=page.html or it.html,
            published_at=it.published_at or page.published,
            author=it.author or page.author,
            lang=it.lang or page.lang,
            images=images,
            extra={**it.extra, "summary": it.text, "text_from": page.url},
        )


def _copy_fetch_state(out: CollectResult, fetched: Any) -> None:
    out.status = fetched.status
    out.not_modified = fetched.not_modified
    out.etag = fetched.etag
    out.last_modified = fetched.last_modified
    out.retry_after = fetched.retry_after


def parse_feed_to_jsonl(file_or_url: str, settings: Settings) -> Iterator[dict[str, Any]]:
    """Entries of one feed (local file or URL) as Item JSONL dicts; a failure yields one ``{"error": ...}``."""
    from global24.sources.fetcher import read_file_or_url
    from global24.sources.jsonl import item_to_json

    source = Source(id=Source.make_id("feed", file_or_url), kind="feed", url=file_or_url)
    content, error, headers, final_url = read_file_or_url(file_or_url, settings, accept=FEED_ACCEPT)
    base = final_url or file_or_url
    if error:
        yield {"error": error, "url": file_or_url}
        return
    parsed = parse_feed(content, headers, base, source)
    if parsed.error:
        yield {"error": parsed.error, "url": file_or_url}
        return
    for item in parsed.items:
        yield item_to_json(item)


__all__ = ["collect_feed", "entry_to_item", "parse_feed", "parse_feed_to_jsonl", "parse_json_feed"]
