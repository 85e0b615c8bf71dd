"""Page metadata from what publishers declare: Open Graph, Twitter cards, JSON-LD, meta tags.

Declared metadata beats guessed metadata: a publisher's ``article:published_time``
carries the time of day and zone that text heuristics cannot recover.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from global24.sources.base import absolute_url, parse_datetime

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "techarticle",
    "scholarlyarticle",
    "report",
}
LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "website", "profilepage"}
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "parsely-pub-date",
    "sailthru.date",
    "date",
    "article_date_original",
)
AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl")
MAX_JSONLD_CHARS = 500_000


@dataclass
class PageMeta:
    """What a page declares about itself."""

    title: str | None = None
    description: str | None = None
    author: str | None = None
    published: datetime | None = None
    canonical: str | None = None
    image: str | None = None
    image_alt: str | None = None
    sitename: str | None = None
    lang: str | None = None
    og: dict[str, str] = field(default_factory=dict)
    twitter: dict[str, str] = field(default_factory=dict)
    jsonld_types: set[str] = field(default_factory=set)
    jsonld_body: str | None = None  # articleBody, when the publisher embeds it


def read_metadata(tree: Any, base_url: str) -> PageMeta:
    """Open Graph, Twitter card, JSON-LD and classic meta tags of a parsed lxml HTML tree."""
    meta = PageMeta()
    named: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (
            (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "")
            .strip()
            .lower()
        )
        value = (el.get("content") or "").strip()
        if not key or not value:
            continue
        if key.startswith("og:"):
            meta.og.setdefault(key[3:], value)
        elif key.startswith("twitter:"):
            meta.twitter.setdefault(key[8:], value)
        named.setdefault(key, value)
    _read_jsonld(tree, meta, base_url)
    meta.title = meta.title or meta.og.get("title") or meta.twitter.get("title") or _title_tag(tree)
    meta.description = (
        meta.og.get("description") or named.get("description") or meta.twitter.get("description")
    )
    meta.sitename = meta.og.get("site_name") or meta.sitename
    if not meta.author:
        for key in AUTHOR_META:
            value = named.get(key)
            if value and not value.startswith(("http://", "https://")):
                meta.author = value
                break
    if meta.published is None:
        for key in DATE_META:
            meta.published = parse_datetime(named.get(key))
            if meta.published:
                break
    if meta.published is None:
        for el in tree.iter("time"):
            if (
                el.get("pubdate") is not None
                or "publish" in (el.get("class") or "")
                or el.get("itemprop") == "datePublished"
            ):
                meta.published = parse_datetime(el.get("datetime"))
                if meta.published:
                    break
    canonical = None
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split():
            canonical = absolute_url(base_url, el.get("href"))
            if canonical:
                break
    meta.canonical = canonical or absolute_url(base_url, meta.og.get("url"))
    image = meta.og.get("image:secure_url") or meta.og.get("image") or meta.og.get("image:url")
    image = image or meta.twitter.get("image") or meta.twitter.get("image:src") or meta.image
    meta.image = absolute_url(base_url, image)
    meta.image_alt = meta.og.get("image:alt") or meta.twitter.get("image:alt")
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    meta.lang = (
        lang or (meta.og.get("locale") or "").replace("_", "-") or named.get("content-language") or None
    )
    return meta


def _title_tag(tree: Any) -> str | None:
    for el in tree.iter("title"):
        text = (el.text_content() or "").strip()
        if text:
            return re.sub(r"\s+", " ", text)
    return None


def _read_jsonld(tree: Any, meta: PageMeta, base_url: str) -> None:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        for obj in _objects(data, depth=0):
            types = obj.get("@type")
            type_names = {
                t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)
            }
            meta.jsonld_types |= type_names
            if not type_names & ARTICLE_TYPES:
                continue
            meta.title = meta.title or _plain(obj.get("headline"))
            meta.published = meta.published or parse_datetime(obj.get("datePublished"))
            meta.author = meta.author or _person(obj.get("author"))
            meta.image = meta.image or _image_url(obj.get("image"))
            publisher = obj.get("publisher")
            if isinstance(publisher, dict) and not meta.sitename:
                meta.sitename = _plain(publisher.get("name"))
            body = _plain(obj.get("articleBody"))
            if body and len(body) > len(meta.jsonld_body or ""):
                meta.jsonld_body = body


def _objects(data: Any, depth: int) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD document that has an @type (graphs and lists flattened)."""
    if depth > 6:
        return []
    out: list[dict[str, Any]] = []
    if isinstance(data, list):
        for x in data[:200]:
            out.extend(_objects(x, depth + 1))
    elif isinstance(data, dict):
        if "@type" in data:
            out.append(data)
        graph = data.get("@graph")
        if graph is not None:
            out.extend(_objects(graph, depth + 1))
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            out.extend(_objects(main, depth + 1))
    return out


def _plain(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return re.sub(r"\s+", " ", value).strip() if len(value) < 1000 else value.strip()
    return None


def _person(value: Any) -> str | None:
    if isinstance(value, str):
        return _plain(value) if not value.startswith(("http://", "https://")) else None
    if isinstance(value, dict):
        return _plain(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_person(v) for v in value[:10]) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _image_url(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _image_url(value.get("url") or value.get("contentUrl"))
    if isinstance(value, list) and value:
        return _image_url(value[0])
    return None
