"""A small paragraph-density extractor (our last fallback) and boilerplate line cleaning.

The extractor scores each block by the length of the link-poor paragraphs it
holds (readability's idea, reduced to its core) and returns the paragraphs of
the best block. ``clean_lines`` removes lines that are page furniture rather
than article: the headline repeated, newsletter and follow prompts,
"read more" teasers, copyright lines.
"""

from __future__ import annotations

import re
from typing import Any

PARAGRAPH_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre", "figcaption")
JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "button",
    "select",
    "svg",
    "menu",
)
JUNK_HINTS = re.compile(
    r"comment|share|social|related|recommend|promo|newsletter|subscribe|signup|sidebar|footer|header|"
    r"\bnav|menu|breadcrumb|cookie|consent|advert|\bads?\b|sponsor|popup|modal|outbrain|taboola|"
    r"trending|most-?read|more-stories|tags|byline-?social",
    re.I,
)
POSITIVE_HINTS = re.compile(r"article|story|post-?body|entry-?content|main-?content|content-?body|text", re.I)


def density_extract(tree: Any, min_paragraph: int = 25) -> str:
    """Main text of a parsed page by paragraph density; '' when no block stands out."""
    for el in list(tree.iter(*JUNK_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(tree.iter()):
        if (
            not isinstance(el.tag, str)
            or el.getparent() is None
            or el.tag in ("body", "html", "article", "main")
        ):
            continue
        hint = f"{el.get('class') or ''} {el.get('id') or ''}"
        if hint.strip() and JUNK_HINTS.search(hint) and not POSITIVE_HINTS.search(hint):
            el.drop_tree()
    scores: dict[Any, float] = {}
    for p in tree.iter("p", "pre", "blockquote"):
        text = _text(p)
        if len(text) < min_paragraph:
            continue
        score = (1 + text.count(",") + min(len(text) / 100, 3)) * (1 - link_density(p, len(text)))
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + score
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2
    if not scores:
        return ""
    for el in scores:
        hint = f"{el.get('class') or ''} {el.get('id') or ''}"
        if el.tag in ("article", "main") or POSITIVE_HINTS.search(hint):
            scores[el] *= 1.25
    best = max(scores, key=lambda el: scores[el])
    parts: list[str] = []
    for el in best.iter(*PARAGRAPH_TAGS):
        if any(a.tag in PARAGRAPH_TAGS for a in el.iterancestors() if a is not best):
            continue  # nested paragraph-like blocks: the outer one already has the text
        text = _text(el)
        if not text or link_density(el, len(text)) > 0.5:
            continue
        if el.tag == "li" and len(text) < min_paragraph:
            continue
        parts.append(text)
    return "\n".join(parts)


def link_density(el: Any, text_len: int) -> float:
    """Share of an element's text that sits inside links."""
    if text_len <= 0:
        return 0.0
    linked = sum(len(_text(a)) for a in el.iter("a"))
    return min(1.0, linked / text_len)


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", el.text_content() or "").strip()


BOILERPLATE_LINE = re.compile(
    r"^(?:advertisement|advertising|sponsored( content)?|story continues below|continue reading|"
    r"read more|see more|see also|related( articles?| stories| coverage)?|more from|don'?t miss|"
    r"most (read|popular)|recommended( for you)?|watch:?|listen:?|share (this|on)|sign up|subscribe|"
    r"(get|sign up for) (the|our)\b.*newsletter|follow (us|him|her|them|me) on|click here|"
    r"this (article|story) (was|is|has been) (originally )?(published|updated)|copyright|\u00a9|all rights reserved|"
    r"have a tip\??|(photo|image|video) (credit|by|courtesy)\b|"
    r"(read|see|watch) (the )?(full|more|next)\b)",
    re.I,
)
TEASER_MARK = re.compile(
    r"\[(?:insight|video|reaction|pictures?|photos?|analysis|latest|live|poll|revealed)\]\s*\|?$", re.I
)
SHORT_FURNITURE = re.compile(r"\bnewsletters?\b|\bsponsored\b|\bpromoted\b|\bsubscribe\b", re.I)
MAX_BOILERPLATE_WORDS = 25


def clean_lines(text: str, title: str | None = None) -> str:
    """The text without furniture lines; real paragraphs (long lines) are never touched.

    A leading line equal to the headline goes (the title has its own field); a
    leading line equal to the description stays: that is usually the lede.
    """
    heads = {_key(title)} - {""}
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            continue
        words = len(line.split())
        key = _key(line)
        if i < 3 and key in heads and not out:
            continue  # headline repeated at the top of the body
        if words <= MAX_BOILERPLATE_WORDS and (BOILERPLATE_LINE.match(line) or TEASER_MARK.search(line)):
            continue
        if words <= 6 and SHORT_FURNITURE.search(line):
            continue  # "Pick Six Newsletter", "Sponsored": a promo box heading, not a sentence
        out.append(line)
    return "\n".join(out)


def _key(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))
