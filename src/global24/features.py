"""Cheap text features for story clustering: terms, named entities, numbers, links, script.

Clustering sees every item, so these are regex-only and bounded: text is cut to
:data:`MAX_CHARS` before anything runs. Terms are lower-case words without stop
words (kanji and Hangul become character bigrams, since those scripts have no
spaces, katakana words stay whole and hiragana particles are dropped);
entities are capitalised spans and acronyms, found only when the text has case;
numbers and link targets are kept as separate features because two items that
share "$550 billion" or the same URL very likely tell the same story.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from global24.letters import MARKS

MAX_CHARS = 4000  # title + lead: enough to place an item, cheap on a 5 MB text

# Function words of the desk's common languages (en, es, fr, de, pt, it): they say nothing about a story.
_STOP_LINES = (
    # en
    "a about above after again against all almost also am among an and any are aren around as at be because been",
    "before being below between both but by can cannot could did do does doing done down during each either else",
    "ever every few for from further get gets got had has have having he her here hers herself him himself his how",
    "however i if in into is isn it its itself just last least less let like made make many may me might more most",
    "much must my myself near need next no nor not now of off on once one only or other ought our ours",
    "ourselves out over own per put rather really same say said says see seen set several shall she should since",
    "so some still such than that the their theirs them themselves then there these they this those though three",
    "through thus to told too two under until up upon us use used very via was we were what when where whether",
    "which while who whom whose why will with within without would yet you your yours yourself yourselves",
    "mr mrs ms dr st co inc ltd re ve ll don doesn didn won isn wasn weren hasn haven hadn couldn shouldn wouldn",
    # es
    "el la los las un una unos unas de del al y o u en con por para sin sobre que se su sus es son fue ha han",
    "lo le les como más pero ya este esta estos estas ese esa muy también entre desde hasta tras cuando donde",
    # fr
    "le la les un une des du de et ou en dans par pour sur avec sans que qui se sa son ses est sont été a ont au",
    "aux ce cet cette ces il elle ils elles nous vous leur leurs plus mais ne pas très aussi entre depuis",
    # de
    "der die das den dem des ein eine einer eines und oder in im mit von zu zum zur auf für ist sind war wurde",
    "nicht auch als wie bei nach aus über sich es er sie wir ihr",
    # pt, it
    "o a os as um uma do da dos das e em no na nos nas com por para que se é foi são",
    "il lo gli i una di del della dei delle e è con per che si non",
)


def _wordset(*lines: str) -> frozenset[str]:
    return frozenset(w for line in lines for w in line.split())


STOPWORDS = _wordset(*_STOP_LINES)

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
# The same with combining marks inside words (Devanagari vowel signs are not \w): for text that has any.
_LETTER_OR_MARK = rf"(?:[^\W_]|[{MARKS}])"
_MARKED_WORD = re.compile(rf"{_LETTER_OR_MARK}+(?:['’.-]{_LETTER_OR_MARK}+)*")
_MARK = re.compile(rf"[{MARKS}]")
# Han, Hiragana, Katakana, Hangul: scripts written without spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]+")
_URL = re.compile(r"https?://([^\s\"'<>)\]]+)", re.I)
_NUMBER = re.compile(
    r"(?<![\w.])[$€£¥]?\d[\d,.]*\d(?:\s?(?:%|percent\b|per cent\b|bn\b|billion\b|million\b|m\b))?|\b\d{2,}\b"
)
# A capitalised word (with inner capitals/apostrophes/hyphens) or an acronym.
_CAPWORD = r"(?:[A-ZÀ-ÖØ-Þ][\w’'-]*[\w]|[A-Z]{2,})"
_ENTITY = re.compile(
    rf"{_CAPWORD}(?:[ \t]+(?:(?:of|of the|de|da|del|de la|van|von|bin|al|la|le)[ \t]+)?{_CAPWORD})*"
)
# Leading words that are not part of a name ("The Hague" stays: only a lone "The" is dropped).
_LEADING = _wordset(
    "a an and as at but by for from in into of on or so that the these this those to when while with"
)
_CALENDAR = _wordset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july",
    "august september october november december today yesterday tomorrow",
)
_SENT_START = re.compile(r"(?:^|[.!?:;\n\"“—]\s*)$")
_DIGIT = re.compile(r"\d")  # every figure _NUMBER finds has one: text without any has no numbers
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf\s\d]")


@dataclass
class Features:
    """What clustering needs from one item; terms map to term frequencies."""

    terms: Counter[str] = field(default_factory=Counter)
    entities: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the words of those entities ("sanae", "takaichi")
    non_latin: bool = False  # mostly written in a non-Latin script (CJK, Cyrillic, Arabic, …)
    sample: str = ""  # the cut text, for the multilingual encoder


# Within a CJK run, the script changes where words do: kanji (with 々) carry the content,
# katakana runs are loanwords and names (トランプ, レアアース), hiragana is mostly particles
# and endings, Hangul is written in words already.
_SCRIPT_RUN = re.compile(
    r"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]+)"
    r"|(?P<kata>[\u30a0-\u30ff\uff66-\uff9f]+)"
    r"|(?P<hira>[\u3040-\u309f]+)"
    r"|(?P<hangul>[\uac00-\ud7af]+)"
)


def _cjk_terms(run: str) -> list[str]:
    """Terms of one run of CJK text: kanji and Hangul as character bigrams, katakana words whole.

    Bigrams across a script change ("止で", "とレ") join a word to a particle; they are rare,
    so they would weigh like names while saying nothing. Hiragana alone is left out.
    """
    out: list[str] = []
    for m in _SCRIPT_RUN.finditer(run):
        part, kind = m.group(), m.lastgroup
        if kind == "hira":
            continue
        if kind == "kata":
            part = part.strip("・ー")
            if len(part) > 1:
                out.append(part)
            continue
        out.extend(part[i : i + 2] for i in range(max(1, len(part) - 1)))
    return out


def tokens(text: str) -> list[str]:
    """Lower-case content terms; CJK runs as overlapping character bigrams."""
    out: list[str] = []
    low = text.lower()
    word = _WORD if low.isascii() or not _MARK.search(low) else _MARKED_WORD
    if low.isascii() or not _CJK.search(low):  # most text: no word has a CJK run to cut into bigrams
        for w in word.findall(low):
            if len(w) > 1 and w not in STOPWORDS and not w.isdigit():
                out.append(w[:-2] if w.endswith(("'s", "’s")) else w)
        return out
    for m in word.finditer(low):
        w = m.group()
        if _CJK.search(w):
            for run in _CJK.findall(w):
                out.extend(_cjk_terms(run))
            rest = _CJK.sub(" ", w).split()
            out.extend(x for x in rest if len(x) > 1 and x not in STOPWORDS and not x.isdigit())
            continue
        if len(w) < 2 or w in STOPWORDS or w.isdigit():
            continue
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        out.append(w)
    return out


def entities(text: str) -> list[str]:
    """Capitalised spans and acronyms, lower-cased, in order of first mention (needs mixed case)."""
    if text.upper() == text or text.lower() == text:
        return []  # no case information: every or no word looks capitalised
    seen: dict[str, None] = {}
    for m in _ENTITY.finditer(text):
        span = m.group()
        words = span.split()
        if len(words) > 1 and words[0].lower() in _LEADING:
            words = words[1:]
        if len(words) == 1:
            w = words[0]
            # a lone capitalised function word, weekday or sentence opener is not a name
            if w.lower() in STOPWORDS or w.lower() in _CALENDAR:
                continue
            if not w.isupper() and _SENT_START.search(text[max(0, m.end() - len(w) - 3) : m.end() - len(w)]):
                continue
        key = " ".join(words).lower().strip("’'-")
        if len(key) > 1:
            seen.setdefault(key, None)
    return list(seen)


def _fold(word: str) -> str:
    """Without accents, so "Ciarán" and "Ciaran" are one name across languages and outlets."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def name_words(spans: list[str], limit: int = 40) -> list[str]:
    """The words of entity spans, so "Prime Minister Sanae Takaichi" and "Takaichi" share one."""
    seen: dict[str, None] = {}
    for span in spans:
        for w in span.split():
            w = _fold(w.strip("’'-.").removesuffix("'s").removesuffix("’s"))
            if len(w) > 1 and w not in STOPWORDS and w not in _CALENDAR:
                seen.setdefault(w, None)
    return list(seen)[:limit]


def numbers(text: str) -> list[str]:
    """Figures with two or more digits, normalised ("1,200" → "1200"); small counts are too common."""
    seen: dict[str, None] = {}
    if not _DIGIT.search(text):  # one quick scan instead of _NUMBER's lookbehind at every position
        return []
    for m in _NUMBER.finditer(text):
        s = m.group().lower().replace(" ", "")
        s = re.sub(r",(\d{3})(?!\d)", r"\1", s).replace(",", ".")  # 1,200 → 1200; 1,2 → 1.2
        s = s.replace("percent", "%").replace("million", "m").replace("billion", "bn")
        digits = sum(c.isdigit() for c in s)
        if digits >= 2:
            seen.setdefault(s.rstrip("."), None)
    return list(seen)


def links(text: str) -> list[str]:
    """Link targets (host + path, no query) mentioned in the text."""
    seen: dict[str, None] = {}
    if "://" not in text:  # what every link _URL finds has (no case to fold), found without the regex
        return []
    for m in _URL.finditer(text):
        target = m.group(1).split("?")[0].split("#")[0].rstrip("/.,").lower()
        target = target.removeprefix("www.")
        if target:
            seen.setdefault(target, None)
    return list(seen)


def is_non_latin(text: str) -> bool:
    """True when most letters are outside the Latin script."""
    sample = text[:600]
    if sample.isascii():  # ASCII is all Latin letters, digits, spaces and punctuation: no regex needed
        return False
    letters = len(_LETTER.findall(sample))
    if not letters:
        return False
    return len(_NON_LATIN.findall(sample)) * 2 > letters


_HEAD_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def title_cased(title: str) -> bool:
    """A headline in Title Case ("Trump Meets Xi In Busan"): its capitals say nothing about names.

    Counted over words of four letters or more (short ones are the style's exceptions:
    "in", "of"); at least three of them, and nearly all capitalised.
    """
    words = [w for w in _HEAD_WORD.findall(title) if len(w) >= 4]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 0.85 * len(words) and title.upper() != title


def extract(title: str | None, text: str, title_weight: int = 2) -> Features:
    """Features of one item; the title counts ``title_weight`` times (it is the summary)."""
    title = (title or "")[:400]
    body = (text or "")[:MAX_CHARS]
    terms: Counter[str] = Counter()
    if title:
        title_terms = tokens(title)
        for _ in range(title_weight):
            terms.update(title_terms)
    terms.update(tokens(_URL.sub(" ", body) if "://" in body else body))
    joined = f"{title}\n{body}" if title else body
    # names come from where case means something: a Title Case headline would make "Meets" one
    spans = entities(body if title and title_cased(title) else joined)[:40]
    return Features(
        terms=terms,
        entities=spans,
        names=name_words(spans),
        numbers=numbers(joined)[:20],
        links=links(joined)[:10],
        non_latin=is_non_latin(joined),
        sample=joined[:600],
    )
