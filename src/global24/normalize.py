"""Normalize: canonical URLs, mojibake repair, sanitized HTML, plain text, language, UTC times.

Parsers hand over items as the source gave them; this stage makes them
comparable. It never raises on bad input: a field it cannot repair is left as
it was and the problem is noted on ``item.error``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html as htmllib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import courlan
import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-* codecs named below)
import nh3
import py3langid
from ftfy.badness import is_bad
from ftfy.chardata import CHARMAP_ENCODINGS

from global24.letters import MARKS
from global24.models import Image, Item, utcnow
from global24.text import lang_code

MAX_TEXT_CHARS = 200_000
MAX_HTML_CHARS = 400_000

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "time", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "time": {"datetime"},
}

# Blank runs that need rewriting: two or more blanks, or one that is not a plain space (a lone
# space, the common case, is left alone rather than replaced by itself).
_WS = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u3000]{2,}|[\t\f\v\u00a0\u2000-\u200b\u3000]")
_WIDE_BLANKS = ("\u00a0", *map(chr, range(0x2000, 0x200C)), "\u3000")  # _WS's non-ASCII blanks
_NL = re.compile(r"\n{3,}")
# not text: C0 and C1 controls (white space aside), the BOM, and bidi embeddings, overrides and
# isolates, which reorder what a reader sees ("Trojan source" in a headline); the line and paragraph
# separators become line breaks
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n\n"})
_WORD = re.compile(rf"[\w{MARKS}]+")  # \w and combining marks: whole words in every script
# Byte table for words_utf8: ASCII characters outside \w become spaces; other bytes stay as they are.
_ASCII_NON_WORD_TO_SPACE = bytes(
    b if b >= 0x80 or chr(b).isalnum() or chr(b) == "_" else 0x20 for b in range(256)
)
_EDGE_WS = re.compile(r" ?\n ?")
_ENOUGH_WORD_CHARS = re.compile(r"(?:\W*\w){12}")
_BLOCK_END = re.compile(
    r"</(p|div|li|h[1-6]|blockquote|figure|figcaption|tr|section|article)>|<br\s*/?>", re.I
)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)

# Languages whose script alone decides, before the statistical model is asked.
_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
)
# Function words frequent in English and rare in other languages written in Latin script.
_ENGLISH_CUES = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "is",
        "that",
        "for",
        "with",
        "said",
        "has",
        "are",
        "his",
        "her",
        "were",
        "will",
        "after",
        "have",
        "from",
        "this",
        "by",
        "it",
        "which",
        "their",
        "they",
        "been",
        "would",
        "who",
        "its",
    ]
)
_ENGLISH_CUES_UTF8 = frozenset(w.encode() for w in _ENGLISH_CUES)
# Runs of [a-z'] as bytes.split finds them once every other byte (any other ASCII character, or
# part of a UTF-8 sequence) is a space: the same words as re.findall(r"[a-z']+"), at less cost.
_LATIN_LETTERS_ONLY = bytes(b if 0x61 <= b <= 0x7A or b == 0x27 else 0x20 for b in range(256))

# what ``item.error`` starts with when the stage itself failed on an item (it is stored raw); any
# other note ("implausible published time … ignored") leaves the item's text fit to use
NORMALIZE_FAILED = "normalize failed"


def _mojibake_clues() -> tuple[re.Pattern[str], ...]:
    """Expressions for a cheap necessary condition for the mojibake ftfy repairs (any one matching).

    UTF-8 read as a single-byte code page turns every multi-byte character into a lead-byte
    character (0xC2-0xF4 in that code page) followed by a continuation-byte one (0x80-0xBF),
    or, where a no-break space was flattened, by a plain space. ftfy's ``is_bad`` looks for the
    same pairs with a 4,000-character expression; this class-pair search costs a tenth of it and
    lets clean accented text (curly quotes, dashes, "é ", "à ") skip it. Four expressions, not one
    alternation: each starts with a character class the regex engine can skip ahead to, while an
    alternation is tried at every position (the four searches take 60% of the one).
    """
    lead: set[str] = set()
    cont: set[str] = set()
    space2: set[str] = set()
    space3: set[str] = set()
    for encoding in CHARMAP_ENCODINGS:
        for byte in range(0x80, 0x100):
            try:
                ch = bytes([byte]).decode(encoding)
            except UnicodeDecodeError:
                continue
            if ord(ch) < 0x80:
                continue
            if 0xC2 <= byte <= 0xF4:
                lead.add(ch)
            if byte <= 0xBF:
                cont.add(ch)
            if byte in (0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9):  # their 0xA0 continuation may be a space now
                space2.add(ch)
            if byte in (0xE0, 0xE1, 0xE2, 0xE3, 0xF0):
                space3.add(ch)

    def cls(chars: set[str]) -> str:
        return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"

    pairs = (f"{cls(lead)}{cls(cont)}", f"{cls(space2)} ", f"{cls(space3)} {cls(cont)}", "[\u0080-\u009f]")
    return tuple(map(re.compile, pairs))


_MOJIBAKE_CLUES = _mojibake_clues()


def _may_be_mojibake(s: str) -> bool:
    """Whether ``s`` holds a character pair that UTF-8 read as a single-byte code page leaves."""
    return any(clue.search(s) for clue in _MOJIBAKE_CLUES)


_LATEST_SANE = timedelta(hours=2)
_EARLIEST_SANE = datetime(1995, 1, 1, tzinfo=UTC)


def canonical_url(url: str | None) -> str | None:
    """A URL with tracking parameters, default ports and fragments removed; None if not http(s)."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    try:
        clean = courlan.normalize_url(url, strict=True)
    except (ValueError, TypeError):
        return None
    return clean.split("#", 1)[0] or None


def fix_text(s: str | None, limit: int = MAX_TEXT_CHARS) -> str | None:
    """Repair mojibake (ftfy), unescape stray entities, fold white space."""
    if s is None:
        return None
    s = s[:limit]
    if not s.isascii():
        # ftfy costs ~1 ms per 1,000 characters and its badness check a quarter of that, so the
        # repair runs only where a lead/continuation pair shows mojibake is possible (plain ASCII
        # can carry none), and then only if ftfy agrees it is there.
        with contextlib.suppress(Exception):  # a hostile string must not stop the stage
            if _may_be_mojibake(s) and is_bad(s):
                s = ftfy.fix_text(s, normalization="NFC", uncurl_quotes=False)
            else:
                s = unicodedata.normalize("NFC", s)
    if "&" in s:
        s = htmllib.unescape(s)
    if _NOT_TEXT.search(s):
        s = _NOT_TEXT.sub("", s)
    if not s.isascii():
        s = s.translate(_SEPARATORS)
    return fold_space(s)


def fold_space(s: str) -> str:
    """White space folded: one space for any run of blanks, none at line ends, at most one blank line."""
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    # Runs of blanks become one space, none at line ends, at most one blank line. Each rewrite is
    # skipped when a substring test (memchr-fast) shows it has nothing to do: most texts are clean.
    # _WS matches exactly where there are two spaces or one of the other blanks; the non-ASCII
    # ones are looked for one by one, as fourteen substring tests cost a third of the regex scan.
    ascii_blanks = "  " in s or "\t" in s or "\f" in s or "\v" in s
    if ascii_blanks or (not s.isascii() and any(blank in s for blank in _WIDE_BLANKS)):
        s = _WS.sub(" ", s)
    if " \n" in s or "\n " in s:
        s = _EDGE_WS.sub("\n", s)
    if "\n\n\n" in s:
        s = _NL.sub("\n\n", s)
    return s.strip()


_SANITIZER_RULES: dict[str, Any] = {
    "tags": _ALLOWED_TAGS,
    "attributes": _ALLOWED_ATTRS,
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": "nofollow noopener noreferrer",
    "clean_content_tags": {"script", "style"},
}
# nh3.clean converts the rules from Python objects on every call, two thirds of its time on a news
# article; an nh3.Cleaner holds them converted. Same rules, same output. (Older nh3 releases have
# no Cleaner: they get nh3.clean with the rules, as before.)
_clean_html: Callable[[str], str] = (
    nh3.Cleaner(**_SANITIZER_RULES).clean
    if hasattr(nh3, "Cleaner")
    else functools.partial(nh3.clean, **_SANITIZER_RULES)
)


def sanitize_html(raw: str | None) -> str | None:
    """Only safe tags and attributes, only http(s)/mailto links; None when nothing is left."""
    if not raw:
        return None
    return _clean_html(raw[:MAX_HTML_CHARS]).strip() or None


def html_to_text(raw: str) -> str:
    """Plain text of an HTML fragment, paragraphs kept as blank-line breaks."""
    s = _SCRIPT.sub(" ", raw[:MAX_HTML_CHARS])
    s = _BLOCK_END.sub("\n\n", s)
    s = _TAG.sub(" ", s)
    return fix_text(htmllib.unescape(s)) or ""


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little to tell."""
    sample = text[:600]  # the identifier's cost grows with length; 600 characters decide a news text
    if not sample.isascii():
        for pattern, lang in _SCRIPTS:
            if len(pattern.findall(sample)) >= 3:
                return lang
    if not _ENOUGH_WORD_CHARS.match(sample):
        return None
    words = sample.lower().encode("utf-8", "surrogatepass").translate(_LATIN_LETTERS_ONLY).split()
    if len(words) >= 12 and sum(map(_ENGLISH_CUES_UTF8.__contains__, words)) >= 0.12 * len(words):
        return "en"  # the common case, settled without the statistical model
    # The identifier reads 300 characters: on the demo corpus it agrees with the labels from 200 on,
    # and its cost is linear in length.
    lang, _score = py3langid.classify(sample[:300])
    return lang


def not_yet(dt: datetime, now: datetime | None = None) -> bool:
    """Later than now (by more than two hours' slack for clocks and zones a source gets wrong): no item
    can have been published then, and one that says so would move a stream's clock past every story."""
    return dt > (now or utcnow()) + _LATEST_SANE


def utc(dt: datetime | None, now: datetime | None = None) -> datetime | None:
    """A time in UTC; None for times before 1995 or more than two hours in the future."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    if dt < _EARLIEST_SANE or not_yet(dt, now):
        return None
    return dt


def words_utf8(text: str) -> list[bytes]:
    """The words of a text (its runs of ``\\w`` and combining marks, as ``_WORD`` finds them), UTF-8 encoded.

    A regular expression pays for every word it returns. Here one ``bytes.translate`` turns the ASCII
    characters that are not word characters into spaces and ``bytes.split`` cuts the words out; only
    pieces holding non-ASCII characters, which may hide more separators (dashes, curly quotes, CJK
    punctuation), are left to the expression. Cutting at ASCII bytes never splits a UTF-8 sequence,
    all of whose bytes are 0x80 or above. (surrogatepass: a lone surrogate, never a word character,
    must not make the encoding fail.)
    """
    spaced = text.encode("utf-8", "surrogatepass").translate(_ASCII_NON_WORD_TO_SPACE)
    if spaced.isascii():
        return spaced.split()
    words: list[bytes] = []
    for piece in spaced.split():
        if piece.isascii():
            words.append(piece)
        else:
            words += [w.encode("utf-8") for w in _WORD.findall(piece.decode("utf-8", "surrogatepass"))]
    return words


def content_hash(title: str | None, text: str) -> str:
    """Hash of the words of title and text, case and punctuation folded: equal content, equal hash."""
    words = words_utf8(f"{title or ''} {text}".lower())
    return hashlib.sha256(b" ".join(words)).hexdigest()[:32]  # the words, one space apart


def normalize_item(item: Item, now: datetime | None = None) -> Item:
    """The item made comparable: canonical URL and id, repaired text, sanitized HTML, language, UTC."""
    problems: list[str] = []
    url = canonical_url(item.url) or item.url
    item_id = item.id
    if url and url != item.url and item.id == Item.make_id(item.source_id, item.url):
        item_id = Item.make_id(item.source_id, url)
    html = sanitize_html(item.html)
    text = fix_text(item.text) or ""
    if not text and html:
        text = html_to_text(html)
    if not text and not item.title:
        problems.append("no text")
    title = fix_text(item.title, 1000) or None
    if title and text and text.startswith(title) and len(text) > len(title) + 40:
        text = text[len(title) :].lstrip(" \n:-–—")
    published = utc(item.published_at, now)
    if item.published_at is not None and published is None:
        problems.append(f"implausible published time {item.published_at.isoformat()} ignored")
    images = []
    for img in item.images:
        img_url = img.url.strip() if img.url else ""
        if not img_url.lower().startswith(("http://", "https://")):
            continue
        images.append(
            Image(
                url=img_url,
                caption=fix_text(img.caption, 2000) or None,
                credit=fix_text(img.credit, 300) or None,
                width=img.width,
                height=img.height,
            )
        )
    lang = lang_code(item.lang)
    # A declared language stands, except "en" on a text in Japanese, Korean or Thai script (a
    # feed's default carried onto its foreign entries): the detector is asked only when its
    # answer can change the result, which spares the statistical model on every labelled item.
    if lang is None or lang == "en":
        detected = detect_language(f"{title or ''}\n{text}")
        if detected and (lang is None or detected in {"ja", "ko", "th"}):
            lang = detected
    error = "; ".join([p for p in [item.error, *problems] if p]) or None
    return replace(
        item,
        id=item_id,
        url=url,
        title=title,
        text=text,
        html=html,
        published_at=published,
        author=fix_text(item.author, 300) or None,
        images=images,
        lang=lang,
        source_name=fix_text(item.source_name, 300) or item.source_name,
        content_hash=content_hash(title, text),
        error=error,
    )
