"""Is this page one article or a list of them, and which of its links are articles?

A "page" source may be a single article URL or a section/front page. We decide
from what the page declares (Open Graph type, JSON-LD type, publication time)
and what it holds (how much article text, how many headline links).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

from global24.sources.base import absolute_url
from global24.sources.metadata import ARTICLE_TYPES, LISTING_TYPES, PageMeta

SKIP_PATH = re.compile(
    r"/(?:tags?|categor(?:y|ies)|topics?|authors?|about|contact|privacy|terms|legal|cookies?|login|signin|"
    r"sign-in|register|subscribe|subscription|newsletters?|search|feeds?|rss|account|profile|help|faq|"
    r"advertis\w*|jobs|careers|shop|store|page/\d+)(?:/|$)",
    re.I,
)
SKIP_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|xml|rss|atom|json|css|js|zip|mp3|mp4|ico)$", re.I)
DATE_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/|-)|/(?:19|20)\d{6}|\d{5,}")
FURNITURE = {"nav", "header", "footer", "aside", "menu", "form"}
MIN_INDEX_LINKS = 5


def _same_site(a: str, b: str) -> bool:
    return a.removeprefix("www.") == b.removeprefix("www.")


@dataclass
class LinkScan:
    """Article links of a page and how much text sits in the teaser blocks around them."""

    links: list[str] = field(default_factory=list)
    teaser_chars: int = 0


TEASER_BLOCKS = ("li", "article", "div", "section", "td", "p")
MAX_TEASER_CHARS = 1200  # a block longer than this is a page region, not one teaser


def article_links(tree: Any, base_url: str, limit: int = 50) -> list[str]:
    """Same-site links that look like articles (headline text, slug or dated path), in page order."""
    return scan_links(tree, base_url, limit).links


def scan_links(tree: Any, base_url: str, limit: int = 50) -> LinkScan:
    """Article links plus the size of the teaser blocks (headline + summary) that hold them."""
    base_host = (urlsplit(base_url).hostname or "").lower()
    page = urldefrag(base_url)[0].rstrip("/")
    scan = LinkScan()
    blocks: set[Any] = set()
    # One pass to find links inside page furniture, instead of walking up from every link.
    # The set holds the elements themselves: lxml keeps a proxy alive (and identical) while referenced.
    in_furniture = {a for f in tree.iter(*FURNITURE) for a in f.iter("a")}
    for a in tree.iter("a"):
        if a in in_furniture:
            continue
        url = absolute_url(base_url, a.get("href"))
        if not url:
            continue
        url = urldefrag(url)[0]
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = parts.path or "/"
        if not _same_site(host, base_host) or url.rstrip("/") == page or path in ("", "/"):
            continue
        if SKIP_PATH.search(path) or SKIP_EXT.search(path):
            continue
        text = " ".join((a.text_content() or "").split())
        slug = path.rstrip("/").rsplit("/", 1)[-1]
        headline_text = len(text.split()) >= 4
        slug_like = slug.count("-") >= 2 or slug.count("_") >= 2
        if not (headline_text or slug_like or DATE_PATH.search(path)):
            continue
        block = next(a.iterancestors(*TEASER_BLOCKS), None)
        if block is not None and block not in blocks:
            blocks.add(block)
            size = len(" ".join((block.text_content() or "").split()))
            if size <= MAX_TEASER_CHARS:
                scan.teaser_chars += size
        if url not in scan.links and len(scan.links) < limit:
            scan.links.append(url)
    return scan


def classify_page(meta: PageMeta, text: str, scan: LinkScan) -> str:
    """'article' or 'index' from declared type, article text and headline links."""
    links = scan.links
    og_type = (meta.og.get("type") or "").lower()
    declared_article = og_type == "article" or bool(meta.jsonld_types & ARTICLE_TYPES)
    declared_listing = og_type in ("website", "blog") or bool(meta.jsonld_types & LISTING_TYPES)
    # How much of the main text is headlines and teasers around article links.
    teaser_share = scan.teaser_chars / max(len(text), 1)
    if declared_article and not (meta.jsonld_types & {"collectionpage", "itemlist"}) and len(text) >= 300:
        return "article"
    if declared_listing and len(links) >= 2 and (len(text) < 3000 or teaser_share >= 0.3):
        return "index"
    if len(links) < MIN_INDEX_LINKS:
        return "article" if text else "index" if links else "article"
    # Undeclared: an article is mostly one long text, an index mostly headlines and teasers.
    return "index" if len(text) < 1500 or teaser_share >= 0.5 else "article"
