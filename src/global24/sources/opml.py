"""OPML 1.0/2.0 import and export of source lists.

Feed readers write ``<outline type="rss" xmlUrl="…" text="…"/>``; we read those
as ``feed`` sources and ``type="link"`` outlines as ``page`` sources, and keep our other kinds (page, mastodon, bluesky, jsonl)
in a ``global24:kind`` attribute so an export reads back unchanged. Nested
outlines are categories (folders); their sources are read, the folders are not kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from lxml import etree

from global24.models import SOURCE_KINDS, Source
from global24.sources.base import error_text

NS = "https://global24.example/opml"  # namespace of our own attributes
KIND_ATTR = f"{{{NS}}}kind"
WEIGHT_ATTR = f"{{{NS}}}weight"
ENABLED_ATTR = f"{{{NS}}}enabled"
MAX_OPML_BYTES = 20_000_000


REMOTE_PREFIXES = ("http://", "https://", "at://", "bsky:search:")


def read_opml(content: bytes, allow_local: bool = False) -> tuple[list[Source], str | None]:
    """Sources listed in an OPML document and the error that stopped reading, if any; never raises.

    Local paths and ``file://`` URLs are skipped unless ``allow_local``: an OPML
    list may come from anywhere and must not point the desk at the local disk.
    """
    if len(content) > MAX_OPML_BYTES:
        return [], f"OPML of {len(content)} bytes is over the {MAX_OPML_BYTES}-byte cap"
    if b"<!ENTITY" in content or b"<!entity" in content:
        # OPML never needs entity declarations; refusing them rules out entity-expansion bombs.
        return [], "not OPML: entity declarations are not accepted"
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
        root = etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return [], f"not OPML: {error_text(exc)}"
    if root is None or etree.QName(root).localname.lower() != "opml":
        return [], "not OPML: no <opml> root element"
    body = next(
        (el for el in root if isinstance(el.tag, str) and etree.QName(el).localname.lower() == "body"), None
    )
    if body is None:
        return [], "not OPML: no <body>"
    sources: list[Source] = []
    seen: set[str] = set()
    _walk(body, sources, seen)
    if not allow_local:
        sources = [s for s in sources if s.url.lower().startswith(REMOTE_PREFIXES)]
    return sources, None


def parse_opml(content: bytes, allow_local: bool = False) -> list[Source]:
    """Sources listed in an OPML document ([] for garbage; :func:`read_opml` also gives the reason)."""
    return read_opml(content, allow_local)[0]


def _walk(parent: Any, out: list[Source], seen: set[str]) -> None:
    for el in parent:
        if not isinstance(el.tag, str) or etree.QName(el).localname.lower() != "outline":
            continue
        title = (el.get("title") or el.get("text") or "").strip()
        source = _outline_source(el, title)
        if source is not None and source.id not in seen:
            seen.add(source.id)
            out.append(source)
        elif source is None and len(el):
            _walk(el, out, seen)


def _outline_source(el: Any, title: str) -> Source | None:
    kind = (el.get(KIND_ATTR) or "").strip().lower()
    url = (el.get("xmlUrl") or el.get("xmlurl") or "").strip()
    if not url and (kind or (el.get("type") or "").lower() == "link"):
        url = (el.get("url") or el.get("htmlUrl") or "").strip()
        kind = kind or "page"  # a plain link outline is a web page to watch
    if not url:
        return None
    if kind not in SOURCE_KINDS:
        kind = "feed"
    source = Source(id=Source.make_id(kind, url), kind=kind, url=url, name=title)
    try:
        source.weight = float(el.get(WEIGHT_ATTR) or 1.0)
    except ValueError:
        source.weight = 1.0
    source.enabled = (el.get(ENABLED_ATTR) or "true").strip().lower() not in ("false", "0", "no")
    return source


def write_opml(sources: list[Source], title: str = "Global24 sources") -> bytes:
    """An OPML 2.0 document listing ``sources`` (feeds as type="rss", other kinds tagged with our attribute)."""
    root = etree.Element("opml", version="2.0", nsmap={"global24": NS})
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    for s in sources:
        attrs = {"text": s.name or s.url, "title": s.name or s.url}
        if s.kind in ("rss", "atom", "jsonfeed", "feed"):
            attrs["type"] = "rss"
            attrs["xmlUrl"] = s.url
        else:
            attrs["type"] = "link"
            attrs["url"] = s.url
        el = etree.SubElement(body, "outline", attrs)
        el.set(KIND_ATTR, s.kind)
        if s.weight != 1.0:
            el.set(WEIGHT_ATTR, repr(float(s.weight)))
        if not s.enabled:
            el.set(ENABLED_ATTR, "false")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
