"""Is this page one article or a list of them, and which of its links are articles?

A "page" source may be a single article URL or a section/front page. We decide
from what the page declares (Open Graph type, JSON-LD type, publication time)
and what it holds (how much article text, how many headline links).
"""

from __future__ import annotations

import re
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


def article_links(tree: Any, base_url: str, limit: int = 50) -> list[str]:
    """Same-site links that look like articles (headline text, slug or dated path), in page order."""
    base_host = (urlsplit(base_url).hostname or "").lower()
    page = urldefrag(base_url)[0].rstrip("/")
    out: list[str] = []
    for a in tree.iter("a"):
        url = absolute_url(base_url, a.get("href"))
        if not url:
            continue
        url = urldefrag(url)[0]
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = parts.path or "/"
        if not _same_site(host, base_host) or url.rstrip("/") == page or path in ("", "/"):
            continue
        if SKIP_PATH.search(path) or SKIP_EXT.search(path) or url in out:
            continue
        if any(isinstance(anc.tag, str) and anc.tag in FURNITURE for anc in a.iterancestors()):
            continue
        text = re.sub(r"\s+", " ", a.text_content() or "").strip()
        slug = path.rstrip("/").rsplit("/", 1)[-1]
        headline_text = len(text.split()) >= 4
        slug_like = slug.count("-") >= 2 or slug.count("_") >= 2
        if headline_text or slug_like or DATE_PATH.search(path):
            out.append(url)
            if len(out) >= limit:
                break
    return out


def classify_page(meta: PageMeta, text: str, links: list[str]) -> str:
    """'article' or 'index' from declared type, article text and headline links."""
    og_type = (meta.og.get("type") or "").lower()
    declared_article = og_type == "article" or bool(meta.jsonld_types & ARTICLE_TYPES)
    declared_listing = og_type in ("website", "blog") or bool(meta.jsonld_types & LISTING_TYPES)
    if declared_article and not (meta.jsonld_types & {"collectionpage", "itemlist"}) and len(text) >= 300:
        return "article"
    if declared_listing and len(links) >= 2 and len(text) < 3000:
        return "index"
    if len(links) < MIN_INDEX_LINKS:
        return "article" if text else "index" if links else "article"
    # Undeclared: an article is mostly one long text, an index mostly headlines.
    return "index" if len(text) < 1500 or len(text) < 150 * len(links) else "article"
