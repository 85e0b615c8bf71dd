"""Text analysis shared by clustering and writing: sentences, entities, numbers, dates,
keyphrases and quotations, each with exact character offsets into the text it came from.

Rule-based by default so results are deterministic and offline; when spaCy and an
English model are installed, :func:`entities` can use them (``backend="spacy"``).
Offsets matter: the writer cites exact spans, and the verifier checks them.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import regex
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

STOPWORDS = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "told", "also", "would", "could", "like", "just"}


@dataclass(frozen=True)
class Span:
    """A piece of text and where it sits in its parent string."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    text: str
    start: int
    end: int
    label: str  # NAME | ACRONYM | a spaCy label


@dataclass(frozen=True)
class Quantity:
    text: str
    start: int
    end: int
    values: tuple[float, ...]  # several readings when the notation is ambiguous ("120.000")
    kind: str  # number | money | percent | year
    unit: str  # the word after the figure ("people", "dollars"), lower case, or ""


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday


@dataclass(frozen=True)
class Quote:
    """A statement with its speaker: direct ("…," X said) or reported (X said that …)."""

    text: str  # the quoted words (direct) or the reported clause
    start: int
    end: int
    speaker: str | None
    direct: bool = True
    pronoun: bool = False  # the speaker was a pronoun, resolved to the nearest earlier name


# --------------------------------------------------------------------------- sentences


# pysbd's own rules where it has them (the Hindi danda, the Arabic question mark, Greek's ";");
# English rules elsewhere, which serve any language ending sentences with . ! ?
_PYSBD_LANGS = frozenset(
    ("en", "hi", "mr", "zh", "es", "am", "ar", "hy", "bg", "ur", "ru", "pl", "fa", "nl", "da", "fr", "my",
     "el", "it", "ja", "de", "kk", "sk")
)  # fmt: skip


@lru_cache(maxsize=16)
def _segmenter(lang: str = "en"):  # noqa: ANN202 - pysbd has no types
    import pysbd

    return pysbd.Segmenter(language=lang if lang in _PYSBD_LANGS else "en", clean=False)


_PARA = re.compile(r"[^\n]+")
# "around 1 p.m. EDT as a Category 5": a clock time's "p.m." before its time zone ends no sentence
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_ZONE_START = re.compile(
    r"^(?:[ECMP][DS]T|ET|CT|PT|GMT|UTC|BST|CES?T|EES?T|WES?T|JST|KST|IST|AE[DS]T|(?:[A-Z][a-z]+|local) time)\b"
)


def sentences(text: str, lang: str = "en") -> list[Span]:
    """Sentences of ``text`` with exact offsets; paragraphs (lines) never share a sentence."""
    out: list[Span] = []
    seg = _segmenter(lang)
    for para in _PARA.finditer(text):
        body = para.group()
        if not body.strip():
            continue
        try:
            parts = seg.segment(body)
        except Exception:  # pysbd can fail on odd input; a paragraph is still a unit
            parts = [body]
        cursor = 0
        for part in parts:
            piece = part.strip()
            if not piece:
                continue
            i = body.find(piece, cursor)
            if i < 0:
                continue
            cursor = i + len(piece)
            prev = out[-1] if out and out[-1].end > para.start() else None
            if prev is not None and _CLOCK_END.search(prev.text) and _ZONE_START.match(piece):
                out[-1] = Span(text[prev.start : para.start() + cursor], prev.start, para.start() + cursor)
                continue
            out.append(Span(piece, para.start() + i, para.start() + cursor))
    return out


# --------------------------------------------------------------------------- tokens

_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_](?:[\w'’.\-]*[^\W_])?\.?")
_ACRONYM_DOTS = re.compile(r"^(?:[A-Z]\.){2,}$")
_ABBREV = {
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "St.",
    "Gen.",
    "Sen.",
    "Rep.",
    "Gov.",
    "Lt.",
    "Col.",
    "Prof.",
    "Jr.",
    "Sr.",
}


def words(text: str) -> list[Span]:
    """Word tokens with offsets; a trailing full stop is kept only on acronyms and abbreviations."""
    out = []
    for m in _WORD.finditer(text):
        w, s, e = m.group(), m.start(), m.end()
        if w.endswith(".") and not (_ACRONYM_DOTS.match(w) or w in _ABBREV):
            w, e = w[:-1], e - 1
        w2 = w.rstrip("'’")
        e -= len(w) - len(w2)
        if w2:
            out.append(Span(w2, s, e))
    return out


def stem(word: str) -> str:
    """A light, deterministic suffix stripper (enough to match 'talks' with 'talk')."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3:
        return w
    for suf, rep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            if suf == "s" and w.endswith("ss"):
                return w
            return w[: -len(suf)] + rep
    return w


def content_tokens(text: str) -> list[str]:
    """Stemmed content words (no stop words); figures are kept as written without separators."""
    out = []
    for t in words(text):
        w = t.text
        low = w.lower()
        if low in STOPWORDS or (len(low) == 1 and not low.isdigit()):
            continue
        out.append(low.replace(",", "") if low[0].isdigit() else stem(low))
    return out


# Other languages: a set written in Greek or Arabic is summarised from its own words, with
# that language's stop words (stopwordsiso) and stemmer (Snowball) where they exist.
_SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian",
    "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian",
    "nb": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
_CJK_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACELESS = ("ja", "zh")  # written without spaces between words

# ISO 639-2 (bibliographic and terminology) codes of the languages news comes in, to ISO 639-1
_ISO3 = {
    "ara": "ar", "ben": "bn", "bul": "bg", "cat": "ca", "ces": "cs", "cze": "cs", "chi": "zh", "zho": "zh",
    "dan": "da", "deu": "de", "ger": "de", "ell": "el", "gre": "el", "eng": "en", "est": "et", "fas": "fa",
    "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu",
    "ind": "id", "ita": "it", "jpn": "ja", "kor": "ko", "lav": "lv", "lit": "lt", "msa": "ms", "may": "ms",
    "nld": "nl", "dut": "nl", "nor": "no", "nob": "nb", "nno": "nn", "pol": "pl", "por": "pt", "ron": "ro",
    "rum": "ro", "rus": "ru", "slk": "sk", "slo": "sk", "slv": "sl", "spa": "es", "srp": "sr", "swa": "sw",
    "swe": "sv", "tam": "ta", "tha": "th", "tur": "tr", "ukr": "uk", "urd": "ur", "vie": "vi", "afr": "af",
    "amh": "am", "arm": "hy", "hye": "hy", "aze": "az", "baq": "eu", "eus": "eu", "geo": "ka", "kat": "ka",
    "guj": "gu", "ice": "is", "isl": "is", "kaz": "kk", "mar": "mr", "nep": "ne", "pan": "pa", "glg": "gl",
    "sin": "si", "som": "so", "tel": "te", "uzb": "uz", "yor": "yo", "zul": "zu", "tgl": "tl", "fil": "tl",
}  # fmt: skip
_LEGACY = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}  # withdrawn ISO 639-1 codes


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Language names, in English and in the language itself ("french", "français"), to ISO 639-1."""
    from babel import Locale

    names: dict[str, str] = {}
    try:
        english = Locale("en").languages
    except Exception:  # babel without its data: names are simply not known
        return names
    for code, name in english.items():
        if len(code) == 2:
            names.setdefault(name.lower(), code)
            try:
                own = Locale.parse(code).languages.get(code)
            except Exception:  # a locale babel lacks
                own = None
            if own:
                names.setdefault(own.lower(), code)
    return names


def lang_code(tag: object) -> str | None:
    """A language tag as ISO 639-1 ("en"), from what exports and archives write: BCP 47 ("pt-BR",
    "fr_FR", "zh-Hant"), ISO 639-2 ("eng", "fre"), withdrawn codes ("iw") or a language's name in
    English or in itself ("English", "arabic", "Français"). None when it names no language (or is
    not a string: a list or an object in a file's ``lang`` is a bad optional field, not a bad line)."""
    return _lang_code(tag) if isinstance(tag, str) else None


@lru_cache(maxsize=256)
def _lang_code(tag: str) -> str | None:
    t = tag.strip().lower().replace("_", "-")
    if not t or t in ("und", "mul", "zxx", "xx"):
        return None
    primary = t.split("-")[0]
    code = primary.isascii() and primary.isalpha()
    if code and len(primary) == 2:
        return _LEGACY.get(primary, primary)
    if code and len(primary) == 3:
        return _ISO3.get(primary, primary)
    return _language_names().get(t) or _language_names().get(t.split("(")[0].strip())


@lru_cache(maxsize=64)
def stopwords_for(lang: str) -> frozenset[str]:
    """Stop words of a language (ISO 639-1); English's own list for "en", empty when unknown."""
    if lang == "en":
        return STOPWORDS
    try:
        import stopwordsiso

        return frozenset(stopwordsiso.stopwords(lang)) if stopwordsiso.has_lang(lang) else frozenset()
    except Exception:  # the package is missing or broken: no stop words, still words
        return frozenset()


@lru_cache(maxsize=64)
def _stemmer(lang: str):  # noqa: ANN202 - snowballstemmer has no types
    name = _SNOWBALL.get(lang)
    if not name:
        return None
    try:
        import snowballstemmer

        return snowballstemmer.stemmer(name)
    except Exception:
        return None


# Words in any script, combining marks included: Devanagari vowel signs are not ``\\w`` to
# Python's ``re``, which would cut every Hindi word apart.
_ANY_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’.,-][\p{L}\p{M}\p{N}]+)*")


def _any_words(text: str) -> list[str]:
    return [m.group().lower() for m in _ANY_WORD.finditer(text)]


def lang_words(text: str, lang: str) -> list[str]:
    """Lower-case, stemmed words of ``text`` in ``lang`` (characters in Chinese and Japanese)."""
    if lang == "en":
        return [stem(t.text.lower()) for t in words(text)]
    if lang in _SPACELESS:
        return _CJK_CHARS.findall(text)
    low = _any_words(text)
    st = _stemmer(lang)
    return st.stemWords(low) if st is not None else low


def tokens_for(text: str, lang: str) -> list[str]:
    """Content tokens of ``text`` in ``lang``: :func:`content_tokens` for English, else its words
    without stop words (and, in Chinese and Japanese, character pairs)."""
    if lang == "en":
        return content_tokens(text)
    if lang in _SPACELESS:
        chars = _CJK_CHARS.findall(text)
        return [a + b for a, b in zip(chars, chars[1:], strict=False)]
    stop = stopwords_for(lang)
    kept = [w for w in _any_words(text) if w not in stop and (len(w) > 1 or w.isdigit())]
    st = _stemmer(lang)
    return st.stemWords(kept) if st is not None else kept


def cased(text: str) -> bool:
    """Whether most of the letters of ``text`` have capitals (Latin, Greek, Cyrillic, Armenian),
    so capitalised words can be read as names; Arabic, Hebrew, Indic scripts, Thai and CJK have none."""
    letters = with_case = 0
    for c in text:
        if c.isalpha():
            letters += 1
            with_case += c.islower() or c.isupper()
    return with_case * 2 >= letters


def word_count(text: str, lang: str = "en") -> int:
    """Words of ``text``; in Chinese and Japanese two characters count as one word."""
    if lang in _SPACELESS:
        return max(1, (len(_CJK_CHARS.findall(text)) + 1) // 2 + len(_CJK_CHARS.sub(" ", text).split()))
    return len(text.split())


# --------------------------------------------------------------------------- entities

_CONNECT = {
    "of",
    "de",
    "del",
    "la",
    "le",
    "du",
    "van",
    "von",
    "der",
    "al",
    "bin",
    "da",
    "dos",
    "&",
    "for",
    "the",
}
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
# Capitalised words that start sentences or titles without naming anything.
_COMMON_CAPS = {w.capitalize() for w in STOPWORDS} | {
    "I", "Mr", "Mrs", "Ms", "Dr", "According", "After", "Before", "While", "Although", "Despite", "Asked",
    "Speaking", "Earlier", "Later", "Meanwhile", "However", "Yesterday", "Today", "Tomorrow", "Officials",
    "Police", "Critics", "Analysts", "Supporters", "Residents", "Some", "Many", "Most", "Several",
    "Both", "Such", "This", "That", "These", "Those", "It", "Its", "We", "Our", "They", "Their", "He",
    "She", "His", "Her", "You", "Your", "Under", "Since", "During", "Following", "Instead", "Still",
    "Now", "Here", "There", "Read", "Photo", "Watch", "Updated", "Breaking", "Update",
}  # fmt: skip


def _is_cap(w: str) -> bool:
    return w[:1].isupper()


def _is_acronym(w: str) -> bool:
    core = w.replace(".", "").replace("-", "")
    return len(core) >= 2 and core.isalnum() and sum(c.isupper() for c in core) >= 2 and core.upper() == core


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for m in re.finditer(r"(?:[.!?:;]['\"”’)]?\s+|\n\s*|[\"“(—–]\s*)", text):
        starts.add(m.end())
    return starts


def _rule_entities(text: str) -> list[Entity]:
    toks = words(text)
    starts = _sentence_starts(text)
    out: list[Entity] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if not _is_cap(t.text) or t.text.lower() in MONTHS or t.text.lower() in WEEKDAYS:
            i += 1
            continue
        run = [t]
        j = i + 1
        while j < len(toks):
            gap = text[run[-1].end : toks[j].start]
            if gap not in (" ", "\u00a0", "-"):
                break
            w = toks[j].text
            if _is_cap(w) and w.lower() not in WEEKDAYS and w.lower() not in MONTHS:
                run.append(toks[j])
                j += 1
                continue
            if (
                w.lower() in _CONNECT
                and j + 1 < len(toks)
                and _is_cap(toks[j + 1].text)
                and text[toks[j].end : toks[j + 1].start] == " "
            ):
                run.extend([toks[j], toks[j + 1]])
                j += 2
                continue
            break
        # drop capitalised common words (sentence starts, pronouns) from the front and back
        while (
            run
            and (run[0].text in _COMMON_CAPS or run[0].text.lower() in _CONNECT)
            and (run[0].start in starts or run[0].text in _COMMON_CAPS)
        ):
            run = run[1:]
        while run and (run[-1].text.lower() in _CONNECT or run[-1].text in _COMMON_CAPS):
            run = run[:-1]
        if len(run) == 1 and (run[0].text.lower() in MONTHS or run[0].text.lower() in WEEKDAYS):
            run = []
        if run:
            s, e = run[0].start, run[-1].end
            surface = text[s:e]
            if len(run) == 1 and _is_acronym(surface):
                out.append(Entity(surface, s, e, "ACRONYM"))
            elif len(surface) > 1:
                out.append(Entity(surface, s, e, "NAME"))
        i = max(j, i + 1)
    return out


@lru_cache(maxsize=1)
def _spacy_model():
    try:
        import spacy

        return spacy.load("en_core_web_sm")
    except Exception:
        return None


def spacy_available() -> bool:
    return _spacy_model() is not None


_SPACY_KEEP = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}


def entities(text: str, backend: str = "rules") -> list[Entity]:
    """Named entities: capitalised spans (multiword, with 'of'/'de' joins) and acronyms.

    ``backend="spacy"`` uses en_core_web_sm when installed and falls back to rules.
    """
    if backend in ("spacy", "auto"):
        nlp = _spacy_model()
        if nlp is not None:
            doc = nlp(text)
            return [
                Entity(e.text, e.start_char, e.end_char, e.label_)
                for e in doc.ents
                if e.label_ in _SPACY_KEEP
            ]
    return _rule_entities(text)


# --------------------------------------------------------------------------- numbers

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
    "mn": 1e6,
}
_CURRENCY_WORDS = {"dollar", "dollars", "usd", "euro", "euros", "eur", "yen", "pound", "pounds", "yuan", "rupees",
                   "won", "reais", "real", "pesos", "rand", "francs", "gbp", "jpy"}  # fmt: skip
_NUM_RE = re.compile(
    r"(?P<cur>(?:US|A|C|HK|NZ|R)?[$€£¥₹]\s?)?"
    r"(?P<num>(?<![\w.,])(?:\d{1,3}(?:[,.]\d{3})+|\d+)(?:[.,]\d+)?(?![\d]))"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|m|k)\b)?"
    r"(?:\s?(?P<pct>%|per ?cent\b))?",
    re.IGNORECASE,
)
_WORDNUM_RE = re.compile(
    r"\b(" + "|".join(_NUMBER_WORDS) + r")\b(?:[\s-](thousand|million|billion))?", re.IGNORECASE
)
_UNIT_RE = re.compile(r"[\s-]*([A-Za-z][a-z]+)")


def _readings(num: str) -> tuple[float, ...]:
    """Numeric readings of a figure as written; '120.000' and '1,5' are ambiguous across locales."""
    vals: set[float] = set()
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", num):
        vals.add(float(num.replace(",", "")))
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", num):
        vals.add(float(num.replace(".", "").replace(",", ".")))
        if num.count(".") == 1 and "," not in num:
            vals.add(float(num))
    elif re.fullmatch(r"\d+,\d+", num):
        vals.add(float(num.replace(",", ".")))
        vals.add(float(num.replace(",", "")))
    else:
        with contextlib.suppress(ValueError):
            vals.add(float(num))
    return tuple(sorted(vals))


def numbers(text: str) -> list[Quantity]:
    """Figures with their scale, currency, percent sign and the unit word that follows."""
    out: list[Quantity] = []
    # figures inside dates ("Oct. 28, 2025") are dates, not quantities
    taken: list[tuple[int, int]] = [(d.start, d.end) for d in dates(text) if d.day or d.year]
    for m in _NUM_RE.finditer(text):
        num = m.group("num")
        if not num or any(s <= m.start("num") < e for s, e in taken):
            continue
        # a time of day (10:30) or part of a date written with slashes/dashes is not a quantity
        prev = text[m.start("num") - 1 : m.start("num")]
        nxt = text[m.end("num") : m.end("num") + 1]
        if (
            prev in (":", "/")
            or nxt in (":", "/")
            or (prev == "-" and text[max(0, m.start() - 5) : m.start()].strip()[-1:].isdigit())
        ):
            continue
        scale = (m.group("scale") or "").lower()
        if scale in ("m", "k") and not m.group("cur"):
            scale = ""  # "5 m" is more likely metres than millions without a currency
        end = m.end("scale") if scale else m.end("num")
        if m.group("pct"):
            end = m.end("pct")
        mult = _SCALES.get(scale, 1.0)
        vals = tuple(v * mult for v in _readings(num))
        unit_m = _UNIT_RE.match(text, end)
        unit = unit_m.group(1).lower() if unit_m else ""
        unit = "" if unit in STOPWORDS else unit
        if m.group("pct"):
            kind = "percent"
        elif m.group("cur") or unit in _CURRENCY_WORDS:
            kind = "money"
        elif re.fullmatch(r"(19|20)\d\d", num) and not scale:
            kind = "year"
        else:
            kind = "number"
        start = m.start("cur") if m.group("cur") else m.start("num")
        out.append(Quantity(text[start:end], start, end, vals, kind, unit))
        taken.append((start, end))
    for m in _WORDNUM_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        base = _NUMBER_WORDS[m.group(1).lower()]
        mult = _SCALES.get((m.group(2) or "").lower(), 1.0)
        unit_m = _UNIT_RE.match(text, m.end())
        unit = unit_m.group(1).lower() if unit_m else ""
        unit = "" if unit in STOPWORDS else unit
        kind = "money" if unit in _CURRENCY_WORDS else "number"
        out.append(Quantity(m.group(), m.start(), m.end(), (base * mult,), kind, unit))
    out.sort(key=lambda q: q.start)
    return out


# --------------------------------------------------------------------------- dates

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_RES = [
    re.compile(  # October 27, 2025 / Oct. 27 / October 27th
        rf"\b(?P<mon>{_MONTH_ALT})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?",
        re.IGNORECASE,
    ),
    re.compile(  # 27 October 2025 / 27th of October
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_ALT})\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/](?P<monn>\d{1,2})[-/](?P<day>\d{1,2})\b"),
    re.compile(rf"\b(?P<mon>{_MONTH_ALT})\.?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE),
]


def dates(text: str) -> list[DateMention]:
    """Calendar dates, month-year mentions and weekdays, most specific match first."""
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for rx in _DATE_RES:
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            g = m.groupdict()
            mon_name = (g.get("mon") or "").lower()
            # "may" and "march" are also ordinary words: demand a capital letter
            if mon_name in ("may", "march") and not m.group("mon")[0].isupper():
                continue
            month = MONTHS.get(mon_name) if mon_name else (int(g["monn"]) if g.get("monn") else None)
            day = int(g["day"]) if g.get("day") else None
            if month is not None and not 1 <= month <= 12 or day is not None and not 1 <= day <= 31:
                continue
            wd = WEEKDAYS.get((g.get("wd") or "").lower()) if g.get("wd") else None
            if wd is not None and not m.group("wd")[0].isupper():
                continue
            year = int(g["year"]) if g.get("year") else None
            out.append(DateMention(m.group(), m.start(), m.end(), year, month, day, wd))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda d: d.start)
    return out


_YEAR = re.compile(r"(?:19|20)\d\d")
_DATELINE_LEAD = re.compile(rf"\s*(?:(?:{'|'.join(WEEKDAYS)}),?\s+)?", re.IGNORECASE)


_DATELINE_LANGS = ("fr", "es", "pt", "it", "de", "nl", "cs", "pl", "el", "ru", "uk", "ar", "he", "hi", "tr", "ro", "sv", "da", "no", "fi", "hu", "id")
_CJK_DATE = re.compile(r"^\s*((?:19|20)\d\d)\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")


@lru_cache(maxsize=1)
def _calendar_words() -> tuple[dict[str, int], frozenset[str]]:
    """Month names (number by name) and weekday words in the languages a dateline may come in: wide and
    abbreviated, as dates print them and standing alone, lower case, from the CLDR data babel ships."""
    from babel import Locale

    months: dict[str, int] = {}
    weekdays: set[str] = set()
    for code in _DATELINE_LANGS:
        try:
            loc = Locale.parse(code)
        except Exception:  # a locale babel lacks: its names are simply not known
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for n, name in loc.months.get(context, {}).get(width, {}).items():
                    key = name.lower().rstrip(".").replace("\u093c", "")
                    if len(key) >= 3:
                        months.setdefault(key, n)
                for name in loc.days.get(context, {}).get(width, {}).values():
                    weekdays.update(regex.findall(r"\w+", name.lower()))
    return months, frozenset(weekdays)


def _foreign_dateline(line: str) -> date | None:
    """A line that is only a date in another language ("samedi 8 janvier 2005", "sobota 8. ledna
    2005", "Σάββατο 8 Ιανουαρίου 2005", "السبت 8 يناير 2005", "2005年1月8日"): a day, a month name and a
    year, and besides at most three words that are weekdays or short ("de", "года")."""
    m = _CJK_DATE.match(line)
    if m:
        with contextlib.suppress(ValueError):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return None
    if len(line) > 60:
        return None
    months, weekdays = _calendar_words()
    year = day = month = None
    extra = 0
    for tok in regex.findall(r"\w+", line):
        low = tok.lower().replace("\u093c", "")
        if tok.isdigit():
            if len(tok) == 4 and tok[:2] in ("19", "20") and year is None:
                year = int(tok)
            elif len(tok) <= 2 and day is None and 1 <= int(tok) <= 31:
                day = int(tok)
            else:
                return None
        elif month is None and (low in months or low[:1] == "ב" and low[1:] in months):
            month = months.get(low) or months[low[1:]]
        else:
            extra += 1
            if extra > 3 or not (low in weekdays or len(tok) <= 4):
                return None
    if year and day and month:
        with contextlib.suppress(ValueError):
            return date(year, month, day)
    return None


def leading_date(text: str) -> date | None:
    """The day a text gives on its own opening line, as news archives print it above the story.

    "Saturday, January 8, 2005", "December 29, 2004", "8 January 2005" or "2005-01-08", alone on
    the first line or the second (after a photo caption), or followed by the story's first words
    on the same line. A full date (day, month, year) must open the line, after at most a weekday:
    a date later in a sentence is what the sentence is about, not when it was written. In other
    languages the line must be the date alone (:func:`_foreign_dateline`).
    """
    for line in text.lstrip().split("\n", 2)[:2]:
        if not _YEAR.search(line, 0, 80):  # no year, no dateline: the cheap test first (every undated item)
            continue
        # a year run into the first word ("January 18, 2005Through a telethon") when markup is stripped
        head = re.sub(r"\b((?:19|20)\d\d)(?=[A-Z])", r"\1 ", line.strip()[:80])
        lead = _DATELINE_LEAD.match(head)
        start = lead.end() if lead else 0
        for m in dates(head):
            if m.start < start:  # the weekday itself
                continue
            if m.start == start and m.year and m.month and m.day:
                with contextlib.suppress(ValueError):
                    return date(m.year, m.month, m.day)
            break
        day = _foreign_dateline(line.strip())
        if day is not None:
            return day
    return None


def resolve_date(mention: DateMention, ref: datetime | date, future: bool = False) -> date | None:
    """The calendar day a mention names, read relative to ``ref`` (usually the item's publication).

    Missing years take the reference year; a weekday is the nearest such day to ``ref``
    (news rarely reaches further than three days either way), the next one when
    ``future``. Month-only mentions resolve to None.
    """
    refd = ref.date() if isinstance(ref, datetime) else ref
    if mention.weekday is not None:
        ahead = (mention.weekday - refd.weekday()) % 7
        if future:
            return refd + timedelta(days=ahead)
        back = (refd.weekday() - mention.weekday) % 7
        return refd + timedelta(days=ahead) if ahead < back else refd - timedelta(days=back)
    if mention.month is None or mention.day is None:
        return None
    year = mention.year or refd.year
    try:
        d = date(year, mention.month, mention.day)
    except ValueError:
        return None
    if mention.year is None and (d - refd).days > 200:
        d = date(year - 1, mention.month, mention.day)
    return d


# --------------------------------------------------------------------------- keyphrases


@lru_cache(maxsize=8)
def _yake(n: int, top: int, lang: str):
    import yake

    return yake.KeywordExtractor(lan=lang, n=n, dedupLim=0.7, top=top)


def keyphrases(text: str, top: int = 10, n: int = 3, lang: str = "en") -> list[str]:
    """Key phrases of ``text`` by YAKE, best first (empty on empty input)."""
    if not text.strip():
        return []
    try:
        return [k for k, _ in _yake(n, top, lang).extract_keywords(text)]
    except Exception:
        return []


# --------------------------------------------------------------------------- quotations

_OPEN_CLOSE = {'"': '"', "“": "”", "«": "»", "„": "“"}
_QUOTE_RE = re.compile(r"[\"“«„]([^\"“”«»„\n]{8,}?)[\"”»“]")
_SPEECH = (
    r"(?:said|says|told|added|wrote|stated|declared|warned|insisted|argued|posted|noted|explained|asked)"
)
_NAME = (
    r"((?:[A-Z][\w'’.\-]*|of|de|the|van|von)(?:\s(?:[A-Z][\w'’.\-]*|of|for|de|the|van|von))*|he|she|they|I|we)"
)
_AFTER_RES = [
    re.compile(rf"^[,.!?]?[\"”»]?\s*{_SPEECH}\s+(?:the\s+)?{_NAME}"),
    re.compile(rf"^[,.!?]?[\"”»]?\s*{_NAME}\s+{_SPEECH}\b"),
    re.compile(rf"^[,.!?]?[\"”»]?\s*according to\s+{_NAME}"),
]
_BEFORE_RE = re.compile(rf"{_NAME}\s+{_SPEECH}(?:\s+(?:reporters|journalists|the \w+|\w+))?\s*[:,]?\s*$")
_REPORTED_RE = re.compile(rf"\b{_NAME}\s+{_SPEECH}\s+(?:on \w+\s+)?(?:that\s+)?(?P<clause>[a-z][^.]*)")
_PRONOUNS = {"he", "she", "they", "i", "we"}
# a body named across "of"/"for" ("Bank of Japan", "International Organization for Migration")
_BODY_NAME = re.compile(r"(?:[A-Z][\w'’.\-]*\s)+(?:of|for)\s(?:the\s)?[A-Z][\w'’.\-]*(?:\s[A-Z][\w'’.\-]*)*")


def _speaker(name: str | None, text: str, before: int) -> str | None:
    """A speaker's name; pronouns resolve to the nearest preceding multiword name."""
    if not name:
        return None
    if name.lower() not in _PRONOUNS:
        body = re.sub(r"^(?:the|The)\s+", "", name)
        if _BODY_NAME.fullmatch(body):
            return body  # "International Organization for Migration", not its last word
        ents = _rule_entities(name)
        return ents[-1].text if ents else None
    window = text[max(0, before - 600) : before]
    names = [e.text for e in _rule_entities(window) if e.label == "NAME" and " " in e.text]
    return names[-1] if names else None


def quotations(text: str) -> list[Quote]:
    """Direct quotations with their speakers, then reported speech ("X said that …")."""
    out: list[Quote] = []
    for m in _QUOTE_RE.finditer(text):
        inner = m.group(1).strip(" ,")
        if len(inner.split()) < 3:
            continue
        speaker, said_by = None, ""
        tail = text[m.end() - 1 : m.end() + 80]
        for rx in _AFTER_RES:
            mm = rx.match(tail[1:]) if tail[:1] in '"”»“' else rx.match(tail)
            if mm:
                said_by = mm.group(1)
                speaker = _speaker(said_by, text, m.start())
                break
        if speaker is None:
            head = text[max(0, m.start() - 120) : m.start()]
            mb = _BEFORE_RE.search(head)
            if mb:
                said_by = mb.group(1)
                speaker = _speaker(said_by, text, m.start())
        s = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip(" ,")))
        out.append(Quote(inner, s, s + len(inner), speaker, True, said_by.lower() in _PRONOUNS))
    quoted = [(q.start, q.end) for q in out]
    for m in _REPORTED_RE.finditer(text):
        if any(s <= m.start() < e for s, e in quoted):
            continue
        name = m.group(1)
        speaker = _speaker(name, text, m.start())
        if not speaker:
            continue
        clause = m.group("clause").strip()
        if len(clause.split()) < 4:
            continue
        out.append(
            Quote(
                clause,
                m.start("clause"),
                m.start("clause") + len(clause),
                speaker,
                False,
                name.lower() in _PRONOUNS,
            )
        )
    out.sort(key=lambda q: q.start)
    return out
