"""Web pages: main text and metadata of an article, or the articles an index page lists.

Extraction is a fallback chain: trafilatura (precision mode, comments off), then
trafilatura in recall mode when that came out short, then trafilatura's
baseline and our paragraph-density extractor; :func:`choose_text` decides which
text wins. Declared metadata (Open Graph, JSON-LD) wins over guessed metadata.
Hostile input (huge, binary, absurdly complex) gives an error result.
"""

from __future__ import annotations

import asyncio
import copy
import html as htmllib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from global24.models import Image, Item, Source
from global24.settings import Settings
from global24.sources.base import (
    CollectResult,
    Fetches,
    KnownUrls,
    PageResult,
    absolute_url,
    error_text,
    is_known,
    source_display_name,
)
from global24.sources.density import clean_lines, density_extract
from global24.sources.links import classify_page, scan_links
from global24.sources.media import figure_caption
from global24.sources.metadata import read_metadata

MAX_PAGE_BYTES = 5_000_000
MAX_ELEMENTS = 150_000
MIN_TEXT_CHARS = 250  # below this an extraction is "too little" and the fallbacks get a say
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.3"
NOT_HTML_TYPES = (
    "image/",
    "audio/",
    "video/",
    "font/",
    "application/pdf",
    "application/zip",
    "application/octet-stream",
    "application/gzip",
)


@dataclass
class Candidate:
    """One extractor's answer."""

    name: str
    text: str
    html: str | None = None


def extract_page(
    content: bytes,
    headers: dict[str, str] | None = None,
    base_url: str = "",
    *,
    max_bytes: int = MAX_PAGE_BYTES,
) -> PageResult:
    """Main text and metadata of one HTML page; never raises (errors are in ``PageResult.error``)."""
    try:
        return _extract(content, {k.lower(): v for k, v in (headers or {}).items()}, base_url, max_bytes)
    except RecursionError:
        return PageResult(url=base_url, error="page is nested too deeply to extract")
    except Exception as exc:  # extraction libraries raise many types on junk
        return PageResult(url=base_url, error=f"extraction failed: {error_text(exc)}")


def refuse_content(content: bytes, headers: dict[str, str], max_bytes: int) -> str | None:
    """Why these bytes are not an HTML page we will process, or None."""
    if len(content) > max_bytes:
        return f"page of {len(content)} bytes is over the {max_bytes}-byte cap"
    if not content.strip():
        return "empty page"
    ctype = headers.get("content-type", "").lower()
    if ctype.startswith(NOT_HTML_TYPES):
        return f"not an HTML page (content-type {ctype.split(';')[0]})"
    head = content[:8192]
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and head.count(b"\x00") > 0:
        return "binary content, not HTML"
    if sum(1 for b in head if b < 9 or 13 < b < 32) > len(head) // 20:
        return "binary content, not HTML"
    return None


def decode_html(content: bytes, headers: dict[str, str]) -> str:
    """Bytes to text: the HTTP charset, else the page's meta charset, else UTF-8, else a guess."""
    charsets = []
    m = re.search(r"charset=[\"']?([\w.:-]+)", headers.get("content-type", ""), re.I)
    if m:
        charsets.append(m.group(1))
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", content[:4096], re.I)
    if m:
        charsets.append(m.group(1).decode("ascii", "ignore"))
    for cs in [*charsets, "utf-8"]:
        try:
            return content.decode(cs)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(content[:200_000]).best()
        if best is not None and best.encoding:
            return content.decode(best.encoding, errors="replace")
    except Exception:  # a guesser failure only means we fall back to cp1252
        pass
    return content.decode("cp1252", errors="replace")


def _parse(html: str) -> Any:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8")
    return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)


def _extract(content: bytes, headers: dict[str, str], base_url: str, max_bytes: int) -> PageResult:
    problem = refuse_content(content, headers, max_bytes)
    if problem:
        return PageResult(url=base_url, error=problem)
    html = decode_html(content, headers)
    try:
        tree = _parse(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        return PageResult(url=base_url, error=f"not HTML: {error_text(exc)}")
    count = sum(1 for _ in tree.iter())
    if count > MAX_ELEMENTS:
        return PageResult(url=base_url, error=f"page has {count} elements, over the {MAX_ELEMENTS} cap")
    meta = read_metadata(tree, base_url)
    scan = scan_links(tree, base_url)
    doc = trafilatura.bare_extraction(
        html,
        url=base_url or None,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        include_tables=True,
    )
    candidates: list[Candidate] = []
    if doc is not None and doc.text:
        candidates.append(Candidate("trafilatura", doc.text, _doc_html(doc)))
    if not candidates or len(candidates[0].text) < MIN_TEXT_CHARS:
        recall = trafilatura.bare_extraction(
            html, url=base_url or None, include_comments=False, favor_recall=True
        )
        if recall is not None and recall.text:
            candidates.append(Candidate("trafilatura-recall", recall.text, _doc_html(recall)))
        candidates.append(Candidate("density", density_extract(copy.deepcopy(tree))))
        if meta.jsonld_body:
            candidates.append(Candidate("jsonld", meta.jsonld_body))
        _body, base_text, _n = trafilatura.baseline(copy.deepcopy(tree))
        candidates.append(Candidate("baseline", base_text or ""))
    winner = choose_text(candidates)
    title = (doc.title if doc is not None else None) or meta.title
    text = clean_lines(winner.text, title)
    published = meta.published or _doc_date(doc)
    image, caption, credit = figure_caption(tree, meta.image, base_url)
    image = image or absolute_url(base_url, doc.image if doc is not None else None)
    return PageResult(
        url=base_url,
        text=text,
        html=winner.html or _paragraphs_html(text),
        title=title,
        author=meta.author or (doc.author if doc is not None else None),
        published=published,
        canonical_url=meta.canonical
        or absolute_url(base_url, doc.url if doc is not None else None)
        or base_url
        or None,
        image=image,
        image_caption=caption or meta.image_alt,
        image_credit=credit,
        description=meta.description or (doc.description if doc is not None else None),
        sitename=meta.sitename or (doc.sitename if doc is not None else None),
        lang=meta.lang or headers.get("content-language") or None,
        og=meta.og,
        twitter=meta.twitter,
        page_type=classify_page(meta, text, scan),
        links=scan.links,
        extractor=winner.name,
    )


def choose_text(candidates: list[Candidate]) -> Candidate:
    """The winning extraction: the first (most precise) one unless it found too little.

    When the first answer is short, a longer fallback wins if it is substantially
    longer but not a whole-page dump (more than 20x longer smells of navigation
    and footers), preferring the fallbacks in the order given.
    """
    usable = [c for c in candidates if c.text and c.text.strip()]
    if not usable:
        return Candidate("none", "")
    first = usable[0]
    if len(first.text) >= MIN_TEXT_CHARS:
        return first
    for cand in usable[1:]:
        n = len(cand.text)
        if (
            n >= MIN_TEXT_CHARS
            and n >= 1.5 * len(first.text)
            and n <= 20 * max(len(first.text), MIN_TEXT_CHARS)
        ):
            return cand
    return max(usable, key=lambda c: len(c.text)) if len(first.text) < 40 else first


def _doc_html(doc: Any) -> str | None:
    body = getattr(doc, "body", None)
    if body is None or not len(body):
        return None
    from trafilatura.htmlprocessing import convert_to_html

    root = convert_to_html(copy.deepcopy(body))
    body_el = root.find("body")
    inner = "".join(
        lxml.html.tostring(child, encoding="unicode") for child in (body_el if body_el is not None else root)
    )
    return inner or None


def _doc_date(doc: Any) -> datetime | None:
    value = getattr(doc, "date", None) if doc is not None else None
    if not value:
        return None
    try:
        return datetime.strptime(str(value)[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _paragraphs_html(text: str) -> str | None:
    paras = [p for p in text.split("\n") if p.strip()]
    return "".join(f"<p>{htmllib.escape(p)}</p>" for p in paras) or None


# ---------------------------------------------------------------- items and collecting


def page_to_item(page: PageResult, source: Source) -> Item:
    """An extracted article page as an Item."""
    url = page.canonical_url or page.url
    images = (
        [Image(url=page.image, caption=page.image_caption, credit=page.image_credit)] if page.image else []
    )
    return Item(
        id=Item.make_id(source.id, url, page.url),
        source_id=source.id,
        kind="article",
        url=url,
        title=page.title,
        text=page.text,
        html=page.html,
        published_at=page.published,
        lang=page.lang,
        author=page.author,
        images=images,
        source_name=source_display_name(source, page.sitename),
        extra={"description": page.description, "extractor": page.extractor, "fetched_url": page.url},
    )


async def collect_page(
    source: Source, fetcher: Fetches, *, settings: Settings | None = None, known_urls: KnownUrls = None
) -> CollectResult:
    """An article URL gives one item; an index page gives the unseen articles it links (up to a limit)."""
    settings = settings or Settings()
    out = CollectResult(source_id=source.id)
    fetched = await fetcher.fetch(
        source.url, etag=source.etag, last_modified=source.last_modified, accept=PAGE_ACCEPT
    )
    out.fetches = 1
    out.status, out.not_modified, out.retry_after = fetched.status, fetched.not_modified, fetched.retry_after
    out.etag, out.last_modified = fetched.etag, fetched.last_modified
    if fetched.error or fetched.not_modified:
        out.error = fetched.error
        return out
    page = extract_page(
        fetched.content, fetched.headers, fetched.final_url, max_bytes=settings.fetch_max_bytes
    )
    if page.error:
        out.error = page.error
        return out
    out.title = page.sitename or page.title
    if page.page_type == "article":
        if not page.text:
            out.error = "no article text found on the page"
            return out
        out.items.append(page_to_item(page, source))
        return out
    todo = [u for u in page.links if not is_known(u, known_urls)][: max(0, settings.page_follow_links)]
    results = await asyncio.gather(*(fetcher.fetch(u, accept=PAGE_ACCEPT) for u in todo))
    out.fetches += len(todo)
    for url, res in zip(todo, results, strict=True):
        if res.error:
            out.warnings.append(f"{url}: {res.error}")
            continue
        article = extract_page(res.content, res.headers, res.final_url, max_bytes=settings.fetch_max_bytes)
        if article.error or not article.text:
            out.warnings.append(f"{url}: {article.error or 'no text found'}")
            continue
        out.items.append(page_to_item(article, source))
    if todo and not out.items:
        out.error = f"index page: none of {len(todo)} linked articles could be extracted ({out.warnings[0]})"
    return out


def extract_to_json(file_or_url: str, settings: Settings) -> dict[str, Any]:
    """Main text and metadata of one page (local file or URL) as a JSON-ready dict (``global24 extract``)."""
    from global24.models import to_dict
    from global24.sources.fetcher import read_file_or_url

    content, error, headers, final_url = read_file_or_url(file_or_url, settings, accept=PAGE_ACCEPT)
    base = final_url or ""
    if error:
        return {"url": file_or_url, "error": error}
    page = extract_page(content, headers, base, max_bytes=settings.fetch_max_bytes)
    data = to_dict(page)
    data["url"] = base or file_or_url
    return data
