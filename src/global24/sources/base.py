"""Shapes shared by every source adapter: fetch results, parse results, helpers.

Fetching is separate from parsing: a :class:`FetchResult` carries raw bytes,
parsers turn bytes + headers + base URL into a :class:`ParseResult` and never
raise on bad input (the error travels in the result, feedparser's bozo model).
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote, urljoin, urlsplit

from global24.models import Item, Source
from global24.normalize import fold_space

# Anything a caller can use to say "this URL is already in the store".
KnownUrls = Callable[[str], bool] | Container[str] | None


@dataclass
class FetchResult:
    """What one HTTP fetch produced (after redirects); ``error`` set on failure."""

    url: str
    final_url: str = ""
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    content: bytes = b""
    not_modified: bool = False
    error: str | None = None
    elapsed: float = 0.0
    retry_after: float | None = None  # seconds, from Retry-After
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.not_modified

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass
class ParseResult:
    """Items found in one payload, plus what went wrong (never raised)."""

    items: list[Item] = field(default_factory=list)
    error: str | None = None  # fatal: nothing usable came out
    bozo: bool = False  # payload was malformed but (partly) usable
    bozo_exception: str | None = None
    warnings: list[str] = field(default_factory=list)  # per-entry problems, skipped entries
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class PageResult:
    """Main text and metadata of one web page."""

    url: str = ""
    text: str = ""
    html: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    canonical_url: str | None = None
    image: str | None = None
    image_caption: str | None = None
    image_credit: str | None = None
    description: str | None = None
    sitename: str | None = None
    lang: str | None = None
    og: dict[str, str] = field(default_factory=dict)
    twitter: dict[str, str] = field(default_factory=dict)
    page_type: str = "article"  # article | index
    links: list[str] = field(default_factory=list)  # article links, for index pages
    extractor: str = ""  # which extractor's text won
    error: str | None = None


@dataclass
class CollectResult:
    """Outcome of collecting one source once: what the pipeline stores."""

    source_id: str
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    status: int = 0
    fetches: int = 0
    warnings: list[str] = field(default_factory=list)
    title: str | None = None
    # Paged timelines: where reading older posts stopped short (None: nothing left unread).
    resume_cursor: str | None = None
    # The settings the collect ran under, so apply_fetch_outcome uses the same intervals.
    settings: Any = field(default=None, repr=False, compare=False)


class Fetches(Protocol):
    """What collectors need from a fetcher (see :class:`global24.sources.fetcher.Fetcher`)."""

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult: ...


class Collector(Protocol):
    """One adapter per source kind: build URL(s), fetch, parse."""

    async def __call__(
        self, source: Source, fetcher: Fetches, *, settings: Any, known_urls: KnownUrls = None
    ) -> CollectResult: ...


def older_may_be_unread(
    page: ParseResult, source: Source, known_urls: KnownUrls, page_size: int, next_key: str
) -> bool:
    """Whether a paged timeline (Mastodon, Bluesky) may hold unread posts older than ``page``.

    Only when the page was full and names a next page (``page.meta[next_key]``), nothing on it is
    stored yet, and its oldest entry came after the source's last good fetch.
    """
    if not _full_and_unknown(page, known_urls, page_size, next_key):
        return False
    oldest_at = page.meta.get("oldest_at")
    return source.last_ok_at is None or oldest_at is None or oldest_at > source.last_ok_at


def _full_and_unknown(page: ParseResult, known_urls: KnownUrls, page_size: int, next_key: str) -> bool:
    if page.meta.get("count", 0) < page_size or not page.meta.get(next_key):
        return False
    return not any(item.url and is_known(item.url, known_urls) for item in page.items)


def add_older_page(out: CollectResult, page: ParseResult, number: int) -> bool:
    """Add an older page's items to ``out`` (none a newer page gave); False when the page failed.

    A failed page ends paging with a warning; the newer pages' items are kept.
    """
    if page.error:
        out.warnings.append(f"page {number}: {page.error} (kept the {len(out.items)} newer posts)")
        return False
    # an offset cursor shifts when posts arrive between two requests: drop what a newer page gave
    have = {item.id for item in out.items}
    out.items += [item for item in page.items if item.id not in have]
    out.warnings += [f"page {number}: {warning}" for warning in page.warnings]
    return True


async def read_older_pages(
    out: CollectResult,
    newest: ParseResult | None,
    source: Source,
    known_urls: KnownUrls,
    older: Callable[[str], Awaitable[ParseResult]],
    *,
    max_pages: int,
    page_size: int,
    next_key: str,
) -> None:
    """Page back through a timeline (Mastodon ``max_id``, Bluesky ``cursor``) so no post is skipped.

    From the newest page (None when it was not modified), older pages are read while a full page
    holds nothing the desk knows. Then, if an earlier round stopped short (``source.resume_cursor``),
    reading carries on from there until it meets known posts or the timeline's end. Where this round
    stops short in turn (the page cap, a failed page, a rate limit) is left in ``out.resume_cursor``;
    a newer gap takes the place of an older one. ``older(cursor)`` fetches and parses one page.
    """
    pages = 1 if newest is not None else 0

    async def read(cursor: str) -> ParseResult | None:
        nonlocal pages
        if pages >= max_pages or out.retry_after is not None:
            out.resume_cursor = cursor
            return None
        pages += 1
        out.fetches += 1
        page = await older(cursor)
        if not add_older_page(out, page, pages):
            out.resume_cursor = cursor
            return None
        return page

    page = newest
    while page is not None and older_may_be_unread(page, source, known_urls, page_size, next_key):
        page = await read(str(page.meta[next_key]))
        if page is None:
            if source.resume_cursor and source.resume_cursor != out.resume_cursor:
                out.warnings.append(
                    f"older posts before {source.resume_cursor} left unread: a newer gap takes its place"
                )
            return
    cursor = source.resume_cursor
    while cursor:
        page = await read(cursor)
        if page is None or page.meta.get("count", 0) < page_size or not page.meta.get(next_key):
            return
        oldest = page.items[-1].url if page.items else None
        if oldest and is_known(oldest, known_urls):
            return  # the gap is closed: its oldest post was stored before it (a known post at the
            # top of a page is only an offset cursor's overlap with the page before)
        cursor = str(page.meta[next_key])


async def collect_timeline(
    out: CollectResult,
    source: Source,
    fetcher: Fetches,
    url: str,
    parse: Callable[[bytes], ParseResult],
    *,
    param: str,
    page_size: int,
    max_pages: int,
    known_urls: KnownUrls,
    accept: str,
    wait: Callable[[FetchResult], float | None] = lambda fetched: fetched.retry_after,
) -> CollectResult:
    """A paged timeline (Mastodon, Bluesky) into ``out``: the newest page with a conditional GET,
    then older pages (``&param=<cursor>``) as :func:`read_older_pages` decides. ``wait`` reads how
    long the server asks us to wait from an answer."""
    fetched = await fetcher.fetch(url, etag=source.etag, last_modified=source.last_modified, accept=accept)
    out.fetches += 1
    out.status, out.not_modified, out.retry_after = fetched.status, fetched.not_modified, wait(fetched)
    out.etag, out.last_modified = fetched.etag, fetched.last_modified
    if fetched.error:
        out.error = fetched.error
        return out
    newest = None
    if not fetched.not_modified:
        newest = parse(fetched.content)
        out.items, out.error, out.warnings = newest.items, newest.error, newest.warnings
        if out.error:
            return out

    async def older(cursor: str) -> ParseResult:
        page = await fetcher.fetch(f"{url}&{param}={quote(cursor, safe='')}", accept=accept)
        out.retry_after = wait(page)
        return ParseResult(error=page.error) if page.error else parse(page.content)

    await read_older_pages(
        out, newest, source, known_urls, older, max_pages=max_pages, page_size=page_size, next_key=param
    )
    return out


def is_known(url: str, known_urls: KnownUrls) -> bool:
    """True when ``known_urls`` (callable or container) says the URL is stored."""
    if known_urls is None:
        return False
    if callable(known_urls):
        return bool(known_urls(url))
    return url in known_urls


# ---------------------------------------------------------------- small helpers


def absolute_url(base: str | None, href: str | None) -> str | None:
    """``href`` resolved against ``base``; only http(s) results are kept."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("javascript:", "data:", "mailto:", "#")):
        return None
    if href.startswith(("https://", "http://")) and "/." not in href and " " not in href:
        return href  # already absolute with no dot segments: what urljoin would return, at no cost
    try:
        url = urljoin(base or "", href)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def host_of(url: str) -> str:
    """Lower-cased host of a URL, '' when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime (None if absent or absurd)."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


_EPOCH_MIN, _EPOCH_MAX = 100_000_000, 4_102_444_800  # 1973 .. 2100 in seconds: a smaller number is no news time


def _from_epoch(value: float) -> datetime | None:
    """Unix time in seconds, or in milliseconds when too large to be seconds (exports use both)."""
    if not _EPOCH_MIN <= value < _EPOCH_MAX:
        value /= 1000
    if not _EPOCH_MIN <= value < _EPOCH_MAX:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def parse_datetime(value: Any) -> datetime | None:
    """ISO-8601 / RFC 2822 / loose date string, or Unix time (seconds or milliseconds, as a number
    or a string of 10 or 13 digits), as aware UTC datetime, else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(float(value)) if value == value else None  # NaN is no time
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    if s.isdigit() and len(s) in (10, 13):
        return _from_epoch(float(s))
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime

            dt = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            try:
                from dateutil import parser as dateparser

                dt = dateparser.parse(s)
            except (ValueError, OverflowError, TypeError):
                return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "hr",
}


_FRAGMENT_PARSER: Any = None
_DOCUMENT_TAGS = re.compile(r"</?(?:html|body|head)\b[^>]*>", re.I)


def html_fragment(html: str) -> Any:
    """An HTML fragment parsed into one ``<body>`` element (lxml; raises on junk).

    Plain ``etree.HTMLParser``: lxml.html's element classes cost a Python call per element,
    which made this the dearest step of turning a feed entry into an item.
    """
    global _FRAGMENT_PARSER
    from lxml import etree

    if _FRAGMENT_PARSER is None:
        _FRAGMENT_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    # libxml2 drops what follows a stray </body> or </html>: a fragment has no business with them
    doc = etree.fromstring(f"<html><body>{_DOCUMENT_TAGS.sub(' ', html)}</body></html>", _FRAGMENT_PARSER)
    body = doc.find("body") if doc is not None else None
    if body is None:
        raise ValueError("HTML fragment without a body")
    return body


_RAW_TEXT_FALLBACK = ("iframe", "noembed", "noframes", "xmp")


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: tags dropped, blocks become paragraphs.

    A ``<figcaption>`` is left out: it describes a picture (the item's image keeps
    it), and a credit line repeated under every picture of one outlet would tie its
    unrelated stories together. The content of an ``<iframe>`` (and its kin) is raw
    text to an HTML parser; it is read as HTML in turn, so its markup never shows.
    """
    return _text_of(html, 0)


def _text_of(html: str | None, depth: int) -> str:
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return fold_space(html)
    try:
        root = html_fragment(html)
    except Exception:  # lxml raises several types on junk; fall back to a regex strip
        return fold_space(re.sub(r"<[^>]+>", " ", html))
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "template", "noscript", "figcaption"):
            if el.tail:
                parts.append(el.tail)
            return
        if tag in _RAW_TEXT_FALLBACK:  # their content is kept as raw text: markup, not words
            if el.text and depth < 4:
                parts.append(" " + _text_of(el.text, depth + 1) + " ")
            if el.tail:
                parts.append(el.tail)
            return
        if tag in _BLOCK_TAGS:
            parts.append("\n\n" if tag != "br" else "\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK_TAGS and tag != "br":
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    try:
        walk(root)
    except RecursionError:
        return fold_space("".join(root.itertext()))
    return fold_space("".join(parts))


def looks_like_image(url: str | None, mime: str | None = None, medium: str | None = None) -> bool:
    """Whether an enclosure/attachment is an image, from its type, medium or extension."""
    if medium:
        return medium.lower() == "image"
    if mime:
        return mime.lower().startswith("image/")
    if not url:
        return False
    path = urlsplit(url).path.lower()
    return path.endswith((".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"))


def to_int(value: Any) -> int | None:
    """int(value) or None for anything that is not a non-negative number."""
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if n >= 0 else None


def error_text(exc: BaseException) -> str:
    """Short one-line description of an exception for last_error fields."""
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return f"{name}: {msg}"[:300] if msg else name


def source_display_name(source: Source, fallback: str | None = None) -> str | None:
    """The outlet name to stamp on items: the source's name, else what the payload says."""
    return source.name or fallback or None
