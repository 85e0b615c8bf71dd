"""Pictures and links found inside feeds and HTML: Media RSS, inline images, feed discovery.

feedparser flattens Media RSS (captions end up as entry content, credits lose
their picture), so a small lxml pass reads ``media:*`` per entry with caption
and credit attached to the right image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from global24.models import Image
from global24.sources.base import absolute_url, html_fragment, looks_like_image, to_int

MRSS = "http://search.yahoo.com/mrss/"
_SAFE_XML = {"resolve_entities": False, "no_network": True, "recover": True, "huge_tree": False}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(el: Any) -> str | None:
    if el is None:
        return None
    value = "".join(el.itertext()).strip()
    return value or None


@dataclass
class MediaIndex:
    """Media RSS images per feed entry, found by guid/link or by position."""

    by_key: dict[str, list[Image]] = field(default_factory=dict)
    by_position: list[list[Image]] = field(default_factory=list)

    def images_for(self, entry: Any, index: int, entry_count: int) -> list[Image]:
        for key in (entry.get("id"), entry.get("link"), entry.get("guid")):
            if key and key in self.by_key:
                return list(self.by_key[key])
        if len(self.by_position) == entry_count and index < len(self.by_position):
            return list(self.by_position[index])
        return []


def media_rss_index(content: bytes, base_url: str) -> MediaIndex:
    """Images with captions and credits from every ``item``/``entry`` of a Media RSS feed."""
    index = MediaIndex()
    if b"<!ENTITY" in content:
        return index  # no second XML pass over documents declaring entities (expansion bombs)
    try:
        root = etree.fromstring(content, etree.XMLParser(**_SAFE_XML), base_url=base_url or None)
    except (etree.XMLSyntaxError, ValueError):
        return index
    if root is None:
        return index
    for el in root.iter("{*}item", "{*}entry"):
        images = _media_images(el, base_url)
        index.by_position.append(images)
        for child in el:
            name = _local(child.tag)
            key = None
            if name in ("guid", "id"):
                key = _text(child)
            elif name == "link":
                key = child.get("href") or _text(child)
            if key:
                index.by_key[key] = images
                resolved = absolute_url(base_url, key)
                if resolved:
                    index.by_key[resolved] = images
    return index


def _media_images(entry: Any, base_url: str) -> list[Image]:
    """media:content / media:thumbnail of one entry, inheriting group-level caption and credit."""
    contents: list[Image] = []
    thumbnails: list[Image] = []

    def walk(el: Any, caption: str | None, credit: str | None) -> None:
        caption = _media_child(el, ("description", "title")) or caption
        credit = _media_child(el, ("credit",)) or credit
        for child in el:
            if not isinstance(child.tag, str) or not child.tag.startswith("{" + MRSS):
                continue
            name = _local(child.tag)
            if name == "group":
                walk(child, caption, credit)
            elif name in ("content", "thumbnail"):
                url = child.get("url")
                kind_ok = name == "thumbnail" or looks_like_image(url, child.get("type"), child.get("medium"))
                resolved = absolute_url(child.base or base_url, url)  # honours xml:base
                if kind_ok and resolved:
                    (contents if name == "content" else thumbnails).append(
                        Image(
                            url=resolved,
                            caption=_media_child(child, ("description", "title")) or caption,
                            credit=_media_child(child, ("credit",)) or credit,
                            width=to_int(child.get("width")),
                            height=to_int(child.get("height")),
                        )
                    )

    walk(entry, None, None)
    # A thumbnail is a small copy of the picture: use one only when there is no full picture.
    return contents or thumbnails[:1]


def _media_child(el: Any, names: tuple[str, ...]) -> str | None:
    for name in names:
        for child in el.iterchildren(f"{{{MRSS}}}{name}"):  # lxml filters by tag: no Python per child
            value = _text(child)
            if value:
                return value
    return None


def first_html_image(html: str, base_url: str) -> Image | None:
    """The first real picture in an HTML fragment (tracking pixels skipped).

    Its caption is the ``<figcaption>`` of the figure holding it, else the alt text.
    """
    if "<img" not in html.lower():
        return None
    try:
        root = html_fragment(html)
    except Exception:  # junk HTML: no picture rather than no item
        return None
    for img in root.iter("img"):
        src = img.get("src") or img.get("data-src")
        width, height = to_int(img.get("width")), to_int(img.get("height"))
        if (width is not None and width < 50) or (height is not None and height < 50):
            continue
        url = absolute_url(base_url, src)
        if url:
            caption = (img.get("alt") or img.get("title") or "").strip() or None
            figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
            cap_el = figure.find(".//figcaption") if figure is not None else None
            if cap_el is not None:  # a caption written for readers beats the alt text
                caption = " ".join("".join(cap_el.itertext()).split()) or caption
            return Image(url=url, caption=caption, width=width, height=height)
    return None


FEED_LINK_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
)


def discover_feed_links(content: bytes, base_url: str) -> list[str]:
    """Feed URLs an HTML page advertises with ``<link rel="alternate" type="…">``."""
    try:
        import lxml.html

        root = lxml.html.document_fromstring(content[:2_000_000])
    except Exception:  # not HTML at all
        return []
    out: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        ctype = (link.get("type") or "").lower().strip()
        if "alternate" in rel and ctype in FEED_LINK_TYPES:
            url = absolute_url(base_url, link.get("href"))
            if url and url not in out:
                out.append(url)
    return out


CREDIT_CLASS = re.compile(r"credit|copyright|source|byline|attribution|photographer", re.I)
CREDIT_TEXT = re.compile(
    r"\s*(?:[|/\u2014-]\s*)?(?:\(?\s*)((?:photo(?:graph)?|image|picture|illustration|credit|foto)s?\s*(?:by|:)\s*[^()]+|\u00a9\s*[^()]+)\)?\s*$",
    re.I,
)


CREDIT_LABEL = re.compile(
    r"^(?:photo(?:graph)?|image|picture|illustration|credit|foto)s?\s*(?:by\b|:)\s*", re.I
)


def figure_caption(
    tree: Any, image_url: str | None, base_url: str
) -> tuple[str | None, str | None, str | None]:
    """(image url, caption, credit) of the lead picture's ``<figure>``.

    The figure holding ``image_url`` is preferred; without one, the first figure
    inside ``<article>``/``<main>`` is the lead picture. The credit comes from a
    credit-like element in the caption or a trailing "Photo: …" / "© …".
    """
    figures = [f for f in tree.iter("figure")][:30]
    chosen = None
    for fig in figures:
        for img in fig.iter("img"):
            src = absolute_url(base_url, img.get("src") or img.get("data-src"))
            if image_url and src == image_url:
                chosen = fig
                break
        if chosen is not None:
            break
    if chosen is None and not image_url:
        chosen = next(
            (
                f
                for f in figures
                if any(a.tag in ("article", "main") for a in f.iterancestors())
                and f.find(".//img") is not None
            ),
            None,
        )
    if chosen is None:
        return image_url, None, None
    img = chosen.find(".//img")
    url = image_url or (
        absolute_url(base_url, img.get("src") or img.get("data-src")) if img is not None else None
    )
    cap_el = chosen.find(".//figcaption")
    if cap_el is None:
        alt = (img.get("alt") or "").strip() if img is not None else ""
        return url, alt or None, None
    credit = None
    for el in cap_el.iter():
        if el is not cap_el and CREDIT_CLASS.search(el.get("class") or ""):
            credit = " ".join(el.text_content().split()) or None
            break
    caption = " ".join(cap_el.text_content().split())
    if credit:
        caption = caption.replace(credit, "").strip(" -|\u2014")
    else:
        m = CREDIT_TEXT.search(caption)
        if m and m.start() > 0:
            credit = m.group(1).strip()
            caption = caption[: m.start()].strip(" -|\u2014(")
    if credit:
        credit = CREDIT_LABEL.sub("", credit).strip() or credit
    return url, caption or None, credit
