"""Section headings an editor would write, made from the section's own words.

A heading is the section's dominant key phrase: a noun phrase or a name that
several of its sentences carry (not a one-off aside), said outside quotation
marks, not a clause, not a person's relative, not already in the headline or an
earlier heading. It is title-cased ("The Minerals Framework", "At Yokosuka");
when no phrase qualifies the section keeps its plain label.
"""

from __future__ import annotations

import re
from collections import Counter

import regex

from global24 import text as tx

_SMALL = {
    "of", "and", "the", "in", "on", "for", "to", "a", "an", "at", "by", "with",
    "de", "da", "do", "dos", "das", "del", "van", "von", "der",
}  # fmt: skip


def _title(phrase: str) -> str:
    small = _SMALL
    out = []
    for i, w in enumerate(phrase.split()):
        if w.isupper() or any(c.isupper() for c in w[1:]):
            out.append(w)
        elif i and w.lower() in small:
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


_VERBISH = {
    "said", "says", "told", "met", "added", "received", "resolve", "spoke", "delivered", "signed", "called",
    "made", "took", "gave", "left", "came", "asked", "wants", "want", "make", "take", "give", "meet", "speak",
    "announced", "according", "including", "held", "say", "tell", "put", "set", "went", "go", "turns",
    "ran", "brought", "face", "faces", "began", "begun", "became", "become", "gone", "got", "kept", "led",
    "lost", "meant", "paid", "sent", "shot", "sought", "spent", "stood", "struck", "thought", "won", "wrote",
    "seen", "saw", "known", "knew", "grown", "drawn", "fell", "fallen", "rose", "risen", "hit", "cut", "let",
    "found", "given", "felt", "heard", "built", "bought", "caught", "fought", "remains", "remain", "looks",
    "seems", "appears", "ends", "begins", "continues", "plans", "hopes", "expects", "needs", "includes",
    "comes", "goes", "runs", "leaves", "takes", "makes", "gives", "gets", "is", "was", "are", "were",
    "stands", "holds", "counts", "puts", "sets", "rises", "falls", "keeps", "seeks", "calls", "tells", "asks",
    "leads", "opens", "closes", "moves", "lasts", "follows", "marks", "adds", "brings", "sees", "shows",
    "means", "ranks", "helps", "tries", "works", "wins", "billion", "million", "thousand",
    "beat", "beats", "broke", "chose", "drove", "fled", "grew", "drew", "threw", "sank", "slid", "sold",
    "stole", "swept", "wore",
    "trillion", "percent", "per", "cent",
}  # fmt: skip
_TITLE_WORDS = re.compile(
    r"^(?:(?:President|Prime Minister|Minister|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Emperor|King|Queen)\s+)+"
)


_VERB_CUE = re.compile(
    r"\b(?:to|will|would|could|can|must|should|may|might|did|does|do|he|she|they|we|it|i)\s+([a-z]+)\b"
)
_NOUN_CUE = re.compile(r"\b(?:the|a|an|its|their|his|her|this|that|our|of)\s+([a-z]+)\b")


def verbish_words(texts: list[str]) -> set[str]:
    """Lower-case words the story itself uses more as verbs than as nouns."""
    verb: Counter[str] = Counter()
    noun: Counter[str] = Counter()
    for t in texts:
        verb.update(_VERB_CUE.findall(t))
        noun.update(_NOUN_CUE.findall(t))
    return {w for w, n in verb.items() if n > noun[w]} | _VERBISH


def _good_phrase(p: str, names: set[str], verbs: set[str] = frozenset(), lang: str = "en") -> bool:
    toks = p.split()
    if not toks or toks[0].lower() in tx.STOPWORDS or toks[-1].lower() in tx.STOPWORDS:
        return False
    low = [t.lower() for t in toks]
    if lang != "en":  # no small word of the language at either end ("privés d'électricité en")
        stop = tx.stopwords_for(lang)
        if low[0] in stop or low[-1] in stop or low[-1].endswith(("'", "’")):
            return False
        if sum(t in stop for t in low) > 1:  # "foyers ont été privés": a clause, not a topic
            return False
    inner = low[1:-1]
    if any(
        t in tx.STOPWORDS and t not in ("of", "and") and not (t == "the" and k and inner[k - 1] == "of")
        for k, t in enumerate(inner)
    ):
        return False
    if any(t in _VERBISH or t in verbs or t in tx.MONTHS or t in tx.WEEKDAYS for t in low):
        return False
    if any(t.endswith(("ed", "ly")) and not t[:1].isupper() or t.endswith(("'", "’")) for t in toks):
        return False
    if len(toks) > 1 and low[-1].endswith("ing"):
        return False  # "iPhone sales rising": a clause, not a topic
    # "Japan ends", "Trump says": a name followed by a lower-case -s word is a clause
    if any(
        a[:1].isupper() and b[:1].islower() and b.endswith("s") and not b.endswith("ss")
        for a, b in zip(toks, toks[1:], strict=False)
    ):
        return False
    # a common word then a name ("rodents China has sent", "alongside OpenAI") crosses a clause,
    # and a name ending on an initial ("USS Gerald R") was cut short
    if lang == "en" and any(
        a[:1].islower() and b[:1].isupper() and a not in _NAME_LINKS for a, b in zip(toks, toks[1:], strict=False)
    ):
        return False
    if len(toks[-1].rstrip(".")) == 1 and toks[-1][:1].isupper():
        return False
    caps = " ".join(t for t in toks if t[:1].isupper())
    # a capitalised part must be a whole name, not a fragment ("Minister Sanae")
    return not caps or caps in names


_KIN = {
    "sister", "brother", "mother", "father", "daughter", "son", "wife", "husband", "niece", "nephew",
    "uncle", "aunt", "cousin", "grandson", "granddaughter", "grandmother", "grandfather", "widow",
    "sisters", "brothers", "daughters", "sons", "parents", "parent", "fiancee", "fiancée", "sibling",
}  # fmt: skip
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")
_PERSON_CUE = re.compile(
    r"\b(?:Mr|Ms|Mrs|Dr|President|Minister|Governor|Senator|Chancellor|Emperor|King|Queen|Pope|Judge|"
    r"Chairman|Chair|Ambassador)\.?\s+(?:[A-Z][\w'’\-]+\s+)?([A-Z][\w'’\-]+)"
)
_PLACE_CUE = re.compile(r"\b(at|in)\s+$", re.IGNORECASE)


_ROLES = {
    "president", "prime", "minister", "ministers", "leader", "leaders", "official", "officials", "governor",
    "emperor", "king", "queen", "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.", "spokesperson",
    "spokesman", "spokeswoman", "chief", "head", "secretary", "new", "former", "first", "vice", "deputy",
    "people", "reporters", "government", "country", "countries", "two", "state",
    "company", "companies", "firm", "group", "agency",
}  # fmt: skip


_NOT_HEAD = {
    "close", "near", "high", "low", "higher", "lower", "more", "less", "good", "bad", "better", "worse",
    "new", "old", "big", "small", "large", "long", "short", "late", "early", "much", "many", "further",
    "ahead", "away", "back", "down", "up", "out", "off", "over", "again", "still", "too", "very", "well",
}  # fmt: skip
_NAME_LINKS = {"of", "the", "and", "de", "du", "des", "la", "le", "von", "van", "al", "el", "bin", "da", "do", "dos"}
_EST_NOUNS = {
    "interest", "forest", "protest", "request", "contest", "conquest", "harvest", "arrest", "quest", "guest",
    "test", "rest", "unrest", "west", "chest", "digest", "inquest", "manifest", "nest", "crest", "pest",
}  # fmt: skip
_TIME_WORDS = {
    "year", "years", "week", "weeks", "month", "months", "day", "days", "time", "times", "today", "tonight",
    "yesterday", "tomorrow", "hour", "hours", "minute", "minutes", "weekend", "morning", "evening", "night",
}  # fmt: skip
_EVALUATIVE = {
    "good", "bad", "great", "warm", "strong", "weak", "big", "small", "huge", "real", "true", "best",
    "worst", "nice", "fine", "terrible", "wonderful", "beautiful", "amazing", "tough", "hard", "easy",
    "happy", "sad", "grand", "high", "low", "long", "short", "new", "old", "whole", "full", "clear", "right",
}  # fmt: skip
_SAID = re.compile(r"\b([A-Z][\w'’\-]+)\s+(?:said|says|told|added|argued|warned|noted|stressed)\b")


def _modifier(word: str, texts: list[str]) -> bool:
    """Mostly written before a lower-case word ("Japanese reports"): used as an adjective."""
    after = [t[m.end() : m.end() + 2] for t in texts for m in _occurrences(word, t)]
    lower = sum(a[:1] == " " and (a[1:2].islower() or a[1:2].isdigit()) for a in after)
    return lower * 2 > len(after)


def _noun(word: str, texts: list[str]) -> bool:
    """Written after an article or possessive at least once ("the investment"): a thing, not an act."""
    cue = re.compile(
        rf"\b(?:the|a|an|its|their|his|her|this|that|of|in)\s+{re.escape(word)}\b", re.IGNORECASE
    )
    return word.lower() not in _VERBISH and any(cue.search(t) for t in texts)


def _occurrences(phrase: str, text: str) -> list[re.Match]:
    return list(re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text, re.IGNORECASE))


def _unquoted(phrase: str, texts: list[str]) -> bool:
    """At least one use of the phrase lies outside quotation marks."""
    for t in texts:
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(t)]
        for m in _occurrences(phrase, t):
            if not any(a <= m.start() < b for a, b in quoted):
                return True
    return False


def _persons(text: str) -> set[str]:
    """Surnames the text treats as people (Mr. Trump, Ms. Takaichi, a named speaker)."""
    out = set(_PERSON_CUE.findall(text)) | set(_SAID.findall(text)) - {"The", "It", "Officials"}
    for q in tx.quotations(text):
        if q.speaker and not q.pronoun:
            out.add(_TITLE_WORDS.sub("", q.speaker).split()[-1])
    return out


_ANY_WORD = regex.compile(r"\p{L}[\p{L}\p{M}\p{N}'’\-]*")


def _candidates(texts: list[str], names: set[str], verbs: set[str], lang: str = "en") -> list[str]:
    """YAKE phrases and every 2-4 word run of the words outside quotations, and the names."""
    text = " ".join(texts)
    cands = [p for p in tx.keyphrases(text, top=25, lang=lang) if _good_phrase(p, names, verbs, lang)]
    # English words start with A-Z; elsewhere any letter does ("électricité" lost its "é" to the former)
    for t in texts:
        body = _QUOTED.sub(" | ", t)
        toks = re.findall(r"[A-Za-z][\w'’\-]*", body) if lang == "en" else _ANY_WORD.findall(body)
        for n in (4, 3, 2, 1):
            for k in range(len(toks) - n + 1):
                p = " ".join(toks[k : k + n])
                if p in t and _good_phrase(p, names, verbs, lang):
                    cands.append(p)
    cands.extend(n for n in names if " " in n or len(n) > 3)
    return list(dict.fromkeys(cands))


def _carried(phrase: str, passage: list[str]) -> bool:
    """The passage is about the phrase: its opening sentence says it, or half its sentences do."""
    hits = [bool(_occurrences(phrase, t)) for t in passage]
    return bool(hits) and (hits[0] or sum(hits) * 2 >= len(hits))


def heading_supported(heading: str, passage: list[str]) -> bool:
    """The passage carries every phrase of a heading made by ``heading_for`` ("The X and Y", "At X")."""
    body = re.sub(r"^(?:The|At|In)\s+", "", heading)
    parts = [p for p in re.split(r"\s+and\s+", body) if p] if " and " in body else [body]
    return bool(parts) and all(_carried(p, passage) for p in parts)


def heading_for(
    texts: list[str],
    used: set[str],
    fallback: str,
    verbs: set[str] = frozenset(),
    prefix_ok: bool = True,
    passages: list[list[str]] | None = None,
    lang: str = "en",
) -> str:
    """The section's heading: its dominant key phrase, title-cased (in sentence case outside
    English; the ``fallback`` in scripts without capitals), or ``fallback``.

    A phrase must be carried by at least two of the section's sentences (one when
    the section has a single sentence); topics ("critical minerals") come before
    names of places and bodies. Words already in
    the headline or earlier headings count against a phrase. People's names and
    bare titles are not topics. Given the section's ``passages`` (runs of sentences
    of one item), a phrase must also be what most of them are about (in a passage's
    opening sentence or half its sentences), not an aside one or two passages make.
    """
    if passages:
        texts = [t for p in passages for t in p]
    if not texts:
        return fallback
    text = " ".join(texts)
    if lang != "en" and not tx.cased(text):
        return fallback  # no capitals to tell a name or a topic from a clause (Arabic, Hebrew, Hindi)
    names: set[str] = set()
    for e in tx.entities(text):
        names.add(e.text)
        names.add(_TITLE_WORDS.sub("", e.text))
    persons = _persons(text)
    stale = {t.lower() for h in used for t in h.split()}
    need = min(2, len(texts))
    # names with an "of" ("University of California", "Bank of England"): what follows the "of" is
    # not what the name is about
    spans = [[(e.start, e.end) for e in tx.entities(t) if " of " in e.text] for t in texts]

    def says(p: str, k: int) -> bool:
        """Sentence ``k`` names ``p`` other than after the "of" of a longer name ("California" in
        "the University of California" is not about California)."""
        t = texts[k]
        return any(
            not any(a < m.start() and m.end() <= b and " of " in t[a : m.start() + 1] for a, b in spans[k])
            for m in _occurrences(p, t)
        )

    scored: list[tuple[tuple, str]] = []
    for p in _candidates(texts, names, verbs, lang):
        toks = p.split()
        low = [t.lower() for t in toks]
        if set(low) & _KIN:
            continue
        cover = sum(says(p, k) for k in range(len(texts)))
        if cover < need or not _unquoted(p, texts):
            continue
        if passages and sum(_carried(p, run) for run in passages) * 2 <= len(passages):
            continue  # most passages are about something else: the phrase would mislabel them
        if (
            len(toks) == 1
            and p[:1].islower()
            and not (cover >= 2 and cover * 2 > len(texts) and _noun(p, texts))
        ):
            continue  # a lone common word heads a section only when most of it is about that thing
        if low[0].endswith("est") and low[0] not in _EST_NOUNS and len(low[0]) > 4:
            continue  # "the fastest (rendezvous)": a superlative is a claim, not a topic
        fresh = sum(t not in stale for t in low) / len(low)
        if fresh < 0.5:
            continue
        if any(t in persons for t in toks) or set(low) <= _ROLES:
            continue  # people are the story's actors, not a section's topic; titles alone say nothing
        if low[-1] in _NOT_HEAD or low[-1] in _TIME_WORDS or (len(toks) == 2 and low[0] in _EVALUATIVE):
            continue  # "inflation close", "good place", "warm words", "this year": not a topic
        if any(t.endswith(("'s", "’s")) for t in low):
            continue
        if len(toks) == 1 and p[:1].isupper() and _modifier(p, texts):
            continue  # "Japanese" in "Japanese sailors": an adjective, not a topic
        # topics ("critical minerals") first, then a word most sentences are about, then names
        kind = 1 if not any(t[:1].islower() for t in toks) else (0.5 if len(toks) == 1 else 0)
        scored.append(((kind, -cover, -len(toks), len(p)), p))
    if not scored:
        return fallback
    scored.sort()
    first = scored[0][1]
    if lang != "en":  # other languages do not title-case headings, nor take "the", "at" or "and" from us
        return first[:1].upper() + first[1:]
    second = next(
        (
            p
            for key, p in scored[1:6]
            if key[0] == 0 == scored[0][0][0]
            and not {t.lower() for t in p.split()} & {t.lower() for t in first.split()}
            and not re.search(re.escape(p), first, re.IGNORECASE)
            and len(p.split()) >= 2
            and len(p.split()) + len(first.split()) <= 5
        ),
        None,
    )
    if second:
        return _title(f"{first} and {second}")
    if prefix_ok:
        return _title(_article(first, texts))
    return _title(first)


def _article(phrase: str, texts: list[str]) -> str:
    """ "the minerals framework" when the texts say so; "at Yokosuka" for a place named so."""
    before: Counter[str] = Counter()
    for t in texts:
        for m in _occurrences(phrase, t):
            w = re.findall(r"([A-Za-z]+)\s+$", t[: m.start()])
            before[w[0].lower() if w else ""] += 1
    total = sum(before.values()) or 1
    word, n = before.most_common(1)[0] if before else ("", 0)
    if word == "the" and n * 2 >= total and phrase[:1].islower():
        return f"the {phrase}"
    if word in ("at", "in") and n * 2 >= total and phrase[:1].isupper() and " " not in phrase:
        return f"{word} {phrase}"
    return phrase
