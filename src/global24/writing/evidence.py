"""The evidence pack: every usable sentence of a story's items, tied to its exact span.

Each unit knows its item, source, offsets, entities, figures, dates and quotation,
and carries a score built from centrality (closeness to the story's centroid),
position in its item and source independence (how many outlets carry the same
sentence). Syndicated copies and near-identical sentences from other outlets are
grouped, so a claim is written once and cited to everyone who carries it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from global24 import text as tx
from global24.genre import REPORT, genre
from global24.genre import rank as genre_rank
from global24.models import Item
from global24.normalize import NORMALIZE_FAILED, detect_language
from global24.sources.base import host_of

# A dateline such as "TOKYO (Meridian Wire) — " or "RIO DE JANEIRO, Oct 28 (Wire) - ".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'\-]+(?:[ ,/][A-Z][A-Za-z.'\-]*){0,4}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\([^)]{1,40}\))?\s*[—–-]{1,2}\s+)"
)
_BOILERPLATE = re.compile(
    r"^(?:by\s+[A-Z][\w.'\- ]{2,40}$|read more|subscribe|sign up|click here|all rights reserved|copyright|©|"
    r"\(?reporting by|editing by|writing by|additional reporting|this (?:story|article) (?:has been|was) updated|"
    r"follow us|share this|photo:|image:|related:|advertisement)",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(r"^[\w ,./\-]{0,40}\d{4}\.?$")
# Mixed-case datelines need a real dash: "Meadow Lake, Saskatchewan – The council …"
_PLACE_DASH = re.compile(
    r"^[A-Z][\w.'\-]*(?:,?\s+[A-Z][\w.'\-]*){0,4}\s*(?:\([^)]{1,40}\))?\s+[—–]\s+(?=[A-Z])"
)
# A date glued before the first sentence: "Tuesday, January 18, 2005Through a telethon …"
_DATE_PREFIX = re.compile(
    r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}\s*(?=[A-Z])"
)
# what is left of a dateline the sentence splitter cut off ("CUPERTINO, Calif." | "— Apple reported …")
_DATELINE_STUB = re.compile(r"^[A-Z][A-Z.'\- ]{2,30}(?:,\s*[A-Z][a-z]{1,6}\.)?$")
_LEAD_DASH = re.compile(r"^[—–-]{1,2}\s+(?=\S)")
_BULLET = re.compile(r"^(?:[*•·▪-]\s+)+")
# an image file's name left in the text where a wiki template drew a picture ("Cquote1.svg  On the occasion…")
_FILE_NAME = re.compile(r"^(?:[\w\-.]+\.(?:svg|png|jpe?g|gif|webp)\b\s*)+", re.IGNORECASE)
_HASHTAGS = re.compile(r"(?:\s+#\w+)+\s*$")
_DANGLING = re.compile(
    r"^(?:He|She|They|It|Its|His|Her|Their|This|That|These|Those|But|And|Also|Then|So|Yet|Still|Instead|"
    r"There|Here|Such|Both|The two|Neither|Either|Afterwards?|Meanwhile|However|Moreover|Furthermore|"
    r"Nevertheless|Nonetheless|Besides|Likewise|Similarly|Otherwise|Thereafter|(?:Later|Earlier)(?=,)|Even so|"
    r"In addition|In turn|As a result(?=,)|By contrast|For (?:his|her|their|its) part|Among (?:those|them)|"
    r"Another|Others|The (?:other|latter|former|same|second|third|fourth|next|remaining)|"
    r"The (?:first|last|one|rest)(?=,|\s+(?:was|is|were|are|of these|of them)\b)|"
    r"The (?:larger|bigger|broader|harder|deeper|wider|real) (?:questions?|issues?|problems?|tests?|work|picture)|"
    r"The (?:speech|signing|meeting|remarks|announcement|comments?|move|decision|visit|trip|call|event|"
    r"session|talks|statement|ceremony|incident|attack|operation|raid|deal|agreement|document|vote|"
    r"episode|exchange|gesture)(?:\s+(?:at|in|on|with|from)(?:\s+the)?(?:\s+[A-Z][\w'’\-]+)+)?\s+(?:came|followed|was|were|had|has|lasted|ended|capped|marked|took|"
    r"began|drew|left|also|itself|itself|is|are))\b"
)
_PRONOUN = {"he", "she", "they", "him", "her", "it", "its", "his", "their", "them"}


_THAT_SUBJECT = re.compile(r"^[^,]{0,40},\s+(?:that|this|these|those)\s+(?!\w+['’]s\b)[a-z]+\b")
# "The United States has since stepped in": since what, the sentence before says
_SINCE_THEN = re.compile(r"\b(?:has|have|had)\s+since\s+(?:been\s+)?[a-z]+(?:ed|en)\b")


def _is_dangling(text: str) -> bool:
    """Opens with a pronoun or connective, or its subject is a pronoun ("On Tuesday he met …",
    "By wind speed and pressure, that ties …")."""
    if _DANGLING.match(text) or _THAT_SUBJECT.match(text) or _SINCE_THEN.search(text):
        return True
    for k, w in enumerate(re.findall(r"[\w'’]+", text)[:6]):
        if w.lower() in _PRONOUN:
            return True
        if k == 0 and (w.lower() in tx.STOPWORDS or w.lower().endswith(("ed", "ing"))):
            continue  # "Asked whether he would …": an opening clause, not a name
        if (
            w[:1].isupper()
            and w.lower() not in tx.WEEKDAYS
            and w.lower() not in tx.MONTHS
            and w not in ("On", "In", "At", "By", "Late", "Early", "Earlier", "Later", "After", "Before")
        ):
            return False  # a name comes first: the sentence stands on its own
    return False


def _orphan_pronoun(text: str) -> bool:
    """Speaks of "her" or "they" without naming anyone: needs the sentences around it. A plural
    one is named by a subject that opens the sentence ("Pakistan and Afghanistan … their")."""
    words = re.findall(r"[\w'’]+", text)
    found = {w.lower() for w in words} & (_PRONOUN - {"it", "its", "them"})
    if not found:
        return False
    if found <= {"they", "their"} and words and words[0][:1].isupper() and words[0].lower() not in tx.STOPWORDS:
        return False
    return not any(e.label == "NAME" and " " in e.text for e in tx.entities(text))


_GENERIC = re.compile(
    r"^(?:Few|Many|Most|Some|Several|No|Every|All|Not (?:every|all|many)|Nobody|No one|Everyone)\s+[a-z]"
)


def _is_generic(text: str) -> bool:
    """Opens with a quantifier and a common noun: a general claim that sets up the next sentence."""
    return bool(_GENERIC.match(text))


_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")

# A finite verb, in the forms a short English sentence usually has one (auxiliaries, irregular pasts, -ed/-en)
VERB_CUE = re.compile(
    r"\b(?:[Ii]s|[Aa]re|[Ww]as|[Ww]ere|be|been|[Hh]as|[Hh]ave|[Hh]ad|will|would|can|could|may|might|must|"
    r"shall|should|does|did|says?|said|told|spent|brought|bought|sold|paid|led|found|saw|put|set|ran|grew|"
    r"drew|threw|flew|fought|sought|caught|stood|built|sent|felt|heard|meant|won|beat|broke|chose|drove|fell|"
    r"got|gave|held|hurt|kept|knew|laid|let|lost|made|met|quit|rode|rose|shook|shot|shut|sank|sat|spoke|"
    r"spread|stole|struck|swore|took|tore|wrote|became|began|came|went|cut|hit|cost|fled|forecast|withdrew|"
    r"left)\b|\b[a-z]{2,}(?:ed|en)\b"
)
CAPTION_WORDS = 20


def _caption_line(text: str, span: tx.Span, lang: str) -> bool:
    """A short English line of its own without a verb to tell anything: a photo caption or a list line
    the page kept as text ("Ambulances at Russell Square, London after the July 7, 2005 bombings.",
    "Mohammed Sidique Khan, 30, born in Pakistan, from Dewsbury."). Only a whole line: inside a
    paragraph, a short sentence without a past-tense verb is usually prose in the present tense."""
    if lang != "en" or len(span.text.split()) > CAPTION_WORDS or VERB_CUE.search(span.text):
        return False
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    return text[start : len(text) if end < 0 else end].strip() == span.text.strip()


FREQ_WEIGHT = 0.7  # share of word-frequency centrality (the rest: TF-IDF centroid)
POSITION_WEIGHT = 0.8  # how much a sentence's place in its item matters


@dataclass
class Unit:
    """One evidence sentence: an exact span of one item's text."""

    id: int
    item_id: str
    source: str
    text: str
    start: int
    end: int
    position: int
    kind: str = "article"
    lang: str = "en"
    published: datetime | None = None
    background: bool = False
    duplicate: bool = False  # the item is a syndicated copy of another item
    tokens: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    quantities: list[tx.Quantity] = field(default_factory=list)
    dates: list[tx.DateMention] = field(default_factory=list)
    quote: tx.Quote | None = None
    score: float = 0.0
    group: int = -1  # id of the same-claim group (units saying the same thing)
    dangling: bool = False  # opens with a pronoun or connective: needs the sentence before it
    generic: bool = False  # a claim about no one in particular ("Few new leaders face …")
    caption: bool = False  # a photo caption or list line kept as a line of its own: not prose

    @property
    def words(self) -> int:
        return tx.word_count(self.text, self.lang)

    @property
    def outlet(self) -> str:
        """Who stands behind the sentence, for counting independent sources: the source's name, or
        the item itself when no name is known (unnamed items are not all one outlet)."""
        return self.source or f"item:{self.item_id}"


@dataclass
class Evidence:
    """Everything the outline and the writers draw on, for one story."""

    items: dict[str, Item]
    units: list[Unit]
    groups: dict[int, list[int]]
    vectors: np.ndarray | None = None  # L2-normalised TF-IDF rows, aligned with units
    keyphrases: list[str] = field(default_factory=list)
    lang: str = "en"  # the set's main language: the one its lead and sections are written from
    item_langs: dict[str, str] = field(default_factory=dict)  # each item's language, detected once
    genres: dict[str, str] = field(default_factory=dict)  # report or comment (global24.genre)

    def unit(self, uid: int) -> Unit:
        return self.units[uid]

    def lang_of(self, item: Item) -> str:
        return self.item_langs.get(item.id) or item_lang(item)

    def genre_rank(self, item_id: str) -> int:
        """0 for a report, 1 for comment (global24.genre): reports tell what happened first."""
        return genre_rank(self.genres.get(item_id, REPORT))

    def same_claim(self, uid: int) -> list[Unit]:
        """The unit and every other unit (other items) that says the same thing."""
        g = self.units[uid].group
        return [self.units[i] for i in self.groups.get(g, [uid])]

    def similarity(self, a: int, b: int) -> float:
        if self.vectors is None:
            return 0.0
        return float(self.vectors[a] @ self.vectors[b])

    def source_count(self, uid: int) -> int:
        return len({u.outlet for u in self.same_claim(uid)})


def item_lang(item: Item) -> str:
    """The item's language. Without a tag it is detected; mostly-ASCII text counts as English
    unless it is long enough for the identifier to tell another language apart."""
    declared = tx.lang_code(item.lang)
    if declared:
        return declared
    text = item.text[:2000]
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    if sum(c.isascii() for c in letters) / len(letters) > 0.9:
        words = text.lower().split()
        guess = detect_language(text) if len(words) >= 12 else None
        if guess and guess != "en":  # believed when that language's own small words bear it out
            stop = tx.stopwords_for(guess)
            if stop and sum(w.strip(".,;:!?\"'()") in stop for w in words) >= 0.15 * len(words):
                return guess
        return "en"
    return detect_language(text) or "und"


def main_language(units: list[Unit]) -> str:
    """The language most of the set's own words are in; English while it holds half as many."""
    words: Counter[str] = Counter()
    for u in units:
        if not u.background:
            words[u.lang] += u.words
    if not words:
        return "en"
    top, n = words.most_common(1)[0]
    return "en" if words.get("en", 0) >= 0.5 * n else top


def source_name(item: Item) -> str:
    """Who published the item: its outlet, else its author, else its link's site; "" when nothing says.

    An unnamed item is never put under a made-up name: the article cites it by title alone, and
    each unnamed item counts as a source of its own (:attr:`Unit.outlet`).
    """
    if item.source_name or item.author or item.source_id:
        return item.source_name or item.author or item.source_id
    return host_of(item.url).removeprefix("www.") if item.url else ""


_CJK_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def _split(item: Item, lang: str) -> list[tx.Span]:
    if lang not in ("ja", "zh"):  # Korean ends its sentences with ". " as English does
        return tx.sentences(item.text, lang)
    out = []
    for m in _CJK_SENT.finditer(item.text):
        piece = m.group().strip()
        if piece:
            s = item.text.find(piece, m.start())
            out.append(tx.Span(piece, s, s + len(piece)))
    return out


def compress(span: tx.Span, first: bool) -> tx.Span | None:
    """Drop datelines and boilerplate; the result is still an exact sub-span (or None)."""
    text, start = span.text, span.start
    if first:
        for rx in (_DATE_PREFIX, _DATELINE, _PLACE_DASH, _LEAD_DASH):
            m = rx.match(text)
            if m and len(text) - m.end() > 20:
                text, start = text[m.end() :], start + m.end()
    for rx in (_BULLET, _FILE_NAME):
        m = rx.match(text)
        if m:
            text, start = text[m.end() :], start + m.end()
    m = _HASHTAGS.search(text)
    if m and m.start() > 10:
        text = text[: m.start()]
    if _BOILERPLATE.match(text) or _DATE_ONLY.match(text):
        return None
    return tx.Span(text, start, start + len(text))


def _caption_text(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def units_from_item(
    item: Item, start_id: int, background: bool = False, entity_backend: str = "rules", lang: str | None = None
) -> list[Unit]:
    """Evidence units of one item (offsets into ``item.text``); ``lang`` when already known."""
    lang = lang or item_lang(item)
    out: list[Unit] = []
    spans = _split(item, lang)
    quotes = tx.quotations(item.text) if lang == "en" else []
    captions = {_caption_text(im.caption) for im in item.images if im.caption}
    stubs = 0  # a dateline the splitter cut off on its own ("CUPERTINO, Calif."): the lede is still first
    # a line without a full stop is a heading or caption in punctuated prose; in an item with no full stop
    # anywhere (a headline given as the text, a transcript, a preprocessed set) it is all there is
    punctuated = any(_TERMINAL.search(sp.text) for sp in spans)
    for pos, sp in enumerate(spans):
        if not out and pos == stubs and _DATELINE_STUB.match(sp.text.strip()):
            stubs += 1
            continue
        c = compress(sp, first=not out and pos <= 2)
        if c is None:
            continue
        min_words = 3 if item.kind == "post" or lang != "en" else 6
        if lang == "en" and len(c.text.split()) < min_words:
            continue
        if lang == "en" and item.kind != "post" and punctuated and not _TERMINAL.search(c.text):
            continue  # headings and captions inside the body are not sentences
        if captions and _caption_text(c.text) in captions:
            continue  # a figure caption the page extractor kept in the body: not prose
        q = next((q for q in quotes if c.start <= q.start < c.end), None)
        out.append(
            Unit(
                id=start_id + len(out),
                item_id=item.id,
                source=source_name(item),
                text=c.text,
                start=c.start,
                end=c.end,
                position=pos - stubs,
                kind=item.kind or "article",
                lang=lang,
                published=item.published_at,
                background=background,
                duplicate=bool(item.duplicate_of),
                tokens=tx.content_tokens(c.text) if lang == "en" else [],
                entities=[e.text for e in tx.entities(c.text, entity_backend)] if lang == "en" else [],
                quantities=tx.numbers(c.text) if lang == "en" else [],
                dates=tx.dates(c.text) if lang == "en" else [],
                quote=q,
                dangling=_is_dangling(c.text) or _orphan_pronoun(c.text) if lang == "en" else False,
                generic=lang == "en" and _is_generic(c.text),
                caption=punctuated and _caption_line(item.text, c, lang),  # a headline-only item is all lines
            )
        )
    return out


_AUX_END = re.compile(r"\b(?:does|did|do|is|was|were|are|has|had|have|will|would|can|could)\.[\"”’]?$")


INFORMATIVE_TOKENS = 6  # distinct content words that make a sentence informative in a script without capitals


def informative(u: Unit) -> bool:
    """Worth a place in a body section: long enough, with a name, figure or date, not a fragment.

    Names are found by their capitals; Arabic, Hebrew, Devanagari, Thai or Chinese have none,
    so a sentence there without a figure would never count and a set in those scripts got an
    article with no sections. There, enough distinct content words stand in for the name.
    """
    if u.words < 9 or _AUX_END.search(u.text):
        return False
    if u.entities or u.quantities or u.dates:
        return True
    return not tx.cased(u.text) and len(set(u.tokens)) >= INFORMATIVE_TOKENS


def _figures(u: Unit) -> frozenset[float]:
    return frozenset(v for q in u.quantities for v in q.values[:1])


def _key_figures(u: Unit) -> frozenset[float]:
    """The figures a sentence is about: sums, shares and counts past a dozen, not years or scores."""
    return frozenset(
        q.values[0]
        for q in u.quantities
        if q.values and q.kind != "year" and (q.kind in ("money", "percent") or q.values[0] > 12)
    )


def restates(u: Unit, v: Unit) -> bool:
    """``u`` is another outlet's wording of figures ``v`` gives too (two or more, none new), and
    ``v`` says them at least as fully, in as many words ("capital spending of $91 billion to $93
    billion", twice)."""
    mine, theirs = _key_figures(u), _key_figures(v)
    if len(mine) < 2 or u.item_id == v.item_id or not mine <= theirs:
        return False
    return mine < theirs or (v.words, v.score, -v.id) > (u.words, u.score, -u.id)


def _group(units: list[Unit], threshold: float = 0.6) -> dict[int, list[int]]:
    """Group units of different items that say the same (token Jaccard, same figures)."""
    parent = list(range(len(units)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sets = [frozenset(u.tokens) for u in units]
    index: dict[str, list[int]] = defaultdict(list)
    for u, s in zip(units, sets, strict=True):
        for t in s:
            index[t].append(u.id)
    for u in units:
        if len(sets[u.id]) < 3:
            continue
        overlap: dict[int, int] = defaultdict(int)
        for t in sets[u.id]:
            posting = index[t]
            if len(posting) > 200:  # very common token: not discriminative
                continue
            for j in posting:
                if j > u.id:
                    overlap[j] += 1
        for j, inter in overlap.items():
            v = units[j]
            if v.item_id == u.item_id or v.lang != u.lang:
                continue
            union = len(sets[u.id]) + len(sets[j]) - inter
            if union and inter / union >= threshold and _figures(u) == _figures(v):
                parent[find(j)] = find(u.id)
    groups: dict[int, list[int]] = defaultdict(list)
    for u in units:
        groups[find(u.id)].append(u.id)
    for g, members in groups.items():
        for m in members:
            units[m].group = g
    return dict(groups)


def _vectors(units: list[Unit]) -> np.ndarray | None:
    docs = [" ".join(u.tokens) for u in units]
    if not any(docs):
        return None
    vec = TfidfVectorizer(tokenizer=str.split, lowercase=False, token_pattern=None, sublinear_tf=True)
    try:
        m = vec.fit_transform(docs)
    except ValueError:
        return None
    return m.toarray().astype(np.float32)


def _score(ev: Evidence) -> None:
    """Centrality x position x independence, written into ``unit.score``.

    Centrality blends how widely a unit's words recur across the story (mean
    sentence frequency of its content words, as in SumBasic) with TF-IDF
    closeness to the story's centroid; news puts what matters first, so early
    sentences of an item weigh more.
    """
    if ev.vectors is None:
        return
    main = [u for u in ev.units if not u.background and not u.duplicate and u.lang == ev.lang]
    if not main:
        return
    centroid = ev.vectors[[u.id for u in main]].mean(axis=0)
    centroid = centroid / (float(np.linalg.norm(centroid)) or 1.0)
    df: Counter[str] = Counter(t for u in main for t in set(u.tokens))
    freq = {u.id: sum(df[t] for t in set(u.tokens)) / max(1, len(set(u.tokens))) for u in ev.units}
    cent = {u.id: float(ev.vectors[u.id] @ centroid) for u in ev.units}
    times = [u.published.timestamp() for u in main if u.published]
    t0, t1 = (min(times), max(times)) if times else (0.0, 0.0)
    fmax = max(freq.values()) or 1.0
    cmax = max(cent.values()) or 1.0
    for u in ev.units:
        if u.lang != ev.lang or not u.tokens:
            continue
        central = FREQ_WEIGHT * freq[u.id] / fmax + (1 - FREQ_WEIGHT) * max(cent[u.id], 0.0) / cmax
        pos = 1.0 / math.sqrt(1 + u.position)
        indep = len({x.outlet for x in ev.same_claim(u.id) if not x.duplicate or x is u})
        length = 1.0 if 8 <= u.words <= 45 else (0.6 if u.words < 8 else 0.8)
        # a living story's later items carry its current state; weigh them a little more
        recency = 1.0
        if u.published and t1 > t0 and not u.background:
            recency = 0.85 + 0.15 * (u.published.timestamp() - t0) / (t1 - t0)
        u.score = (
            recency
            * central
            * (1 - POSITION_WEIGHT + POSITION_WEIGHT * pos)
            * (1 + 0.3 * math.log(max(indep, 1)))
            * length
        )


def build_evidence(
    items: list[Item], background: list[Item] = (), max_items: int = 80, entity_backend: str = "rules"
) -> Evidence:
    """The evidence pack of a story: units, same-claim groups, vectors and scores."""
    seen: set[str] = set()
    chosen: list[tuple[Item, bool]] = []
    for it in items:
        # an item the desk could not normalize is left out; one with a note (a time it could not
        # believe, so ignored) still says what it says
        if it.id in seen or (it.error or "").startswith(NORMALIZE_FAILED):
            continue
        if not (it.text or "").strip():
            if not (it.title or "").strip():
                continue
            it = replace(it, text=it.title)  # a headline-only entry says what its title says
        seen.add(it.id)
        chosen.append((it, False))
    if len(chosen) > max_items:  # a long-running story: its newest items say where it stands
        # (copies go first: a burst of one post repeated must not push the reports out)
        keep = {id(it) for it, _ in sorted(chosen, key=lambda c: (not c[0].duplicate_of, c[0].when))[-max_items:]}
        chosen = [c for c in chosen if id(c[0]) in keep]
    for it in background:
        if it.id in seen or not (it.text or "").strip():
            continue
        seen.add(it.id)
        chosen.append((it, True))
    langs = {it.id: item_lang(it) for it, _ in chosen}
    units: list[Unit] = []
    for it, bg in chosen:
        units.extend(units_from_item(it, len(units), bg, entity_backend, langs[it.id]))
    ev = Evidence(
        items={it.id: it for it, _ in chosen},
        units=units,
        groups={},
        lang=main_language(units),
        item_langs=langs,
        genres={it.id: genre(it) for it, _ in chosen},
    )
    if ev.lang != "en":  # a set in another language is read in its own words, names and figures
        for u in units:
            if u.lang == ev.lang:
                u.tokens = tx.tokens_for(u.text, u.lang)
                u.entities = [e.text for e in tx.entities(u.text, "rules")]
                u.quantities = tx.numbers(u.text)
    ev.groups = _group(units)
    ev.vectors = _vectors(units)
    _score(ev)
    main_text = "\n".join(u.text for u in units if not u.background and u.lang == ev.lang)
    ev.keyphrases = tx.keyphrases(main_text[:20000], top=20, lang=ev.lang)
    return ev


def mmr(
    ev: Evidence,
    candidates: list[int],
    k: int,
    lam: float = 0.7,
    avoid: list[int] = (),
    max_sim: float = 0.55,
) -> list[int]:
    """Maximal marginal relevance: high score, low similarity to what is already chosen."""
    pool = [c for c in candidates if ev.units[c].score > 0]
    if not pool:
        return []
    top = max(ev.units[c].score for c in pool) or 1.0
    chosen: list[int] = []
    taken = list(avoid)
    taken_groups = {ev.units[a].group for a in avoid}
    while pool and len(chosen) < k:
        best, best_val = None, -1e9
        for c in pool:
            if ev.units[c].group in taken_groups:
                continue
            red = max((ev.similarity(c, t) for t in taken), default=0.0)
            if red >= max_sim:
                continue
            val = lam * ev.units[c].score / top - (1 - lam) * red
            if val > best_val:
                best, best_val = c, val
        if best is None:
            break
        chosen.append(best)
        taken.append(best)
        taken_groups.add(ev.units[best].group)
        pool.remove(best)
    return chosen
