"""The outline: which sections an article gets and which evidence goes in each.

Sections exist only when evidence supports them: the lead, key statements (with
speakers), background (archive items and history in the story's own items),
thematic sections headed by their own key phrases, reactions, where sources
differ, a dated timeline and what to watch. No unit is used twice, and near
repeats of what is already chosen are skipped (MMR).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from global24 import text as tx
from global24.writing.differ import Disagreement, find_disagreements
from global24.writing.evidence import Evidence, Unit, mmr
from global24.writing.timeline import Entry, build_timeline

THEMES: dict[str, set[str]] = {
    "security": {"military", "defense", "defence", "troops", "missile", "army", "navy", "weapon", "nuclear",
                 "attack", "raid", "forces", "war", "soldier", "police", "security", "gang", "armed", "gunfire",
                 "operation", "shot", "killed", "deterrence", "coast", "guard", "drone", "border"},
    "economy": {"trade", "tariff", "investment", "invest", "billion", "million", "economy", "economic", "market",
                "deal", "mineral", "rare", "earth", "shipbuild", "job", "industry", "compani", "company", "stock",
                "yen", "dollar", "budget", "tax", "price", "export", "import", "supply", "chain", "bank", "growth",
                "inflation", "currency", "energy", "oil", "gas"},
    "diplomacy": {"summit", "alliance", "talk", "treaty", "bilateral", "agreement", "ambassador", "diplomatic",
                  "foreign", "relation", "visit", "ally", "allies", "partnership", "cooperation", "leader",
                  "state", "emperor", "banquet", "ceremony", "palace", "welcome", "host"},
    "politics": {"election", "party", "parliament", "vote", "lawmaker", "government", "coalition",
                 "opposition", "campaign", "minister", "cabinet", "policy", "governor", "congress", "senate",
                 "court", "judge", "law", "ruling"},
    "society": {"resident", "famili", "family", "community", "protest", "crowd", "public", "citizen", "victim",
                "hospital", "school", "human", "right", "neighbourhood", "neighborhood", "favela", "mother",
                "children", "rights", "people"},
    "technology": {"technology", "ai", "chip", "semiconductor", "data", "software", "digital", "satellite",
                   "robot", "cyber", "launch", "rocket"},
    "climate": {"climate", "emission", "carbon", "storm", "hurricane", "flood", "rain", "rainfall", "wind",
                "temperature", "weather", "warming", "drought"},
    "health": {"health", "patient", "vaccine", "disease", "virus", "outbreak", "doctor", "medical"},
}  # fmt: skip
_THEME_STEMS = {k: {tx.stem(w) for w in v} | v for k, v in THEMES.items()}
_HISTORY = re.compile(
    r"\b(since (?:19|20)\d\d|in (?:19|20)\d\d|decades?|years ago|last (?:year|time)|previous(?:ly)?|"
    r"history|historic|former|first time|earlier this year|in the past)\b",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"\b(will|is expected to|are expected to|plans? to|planned|is set to|are set to|is due to|are due to|"
    r"scheduled|next (?:week|month|year)|upcoming|later this|in the coming|aims? to|intends? to|is to|are to)\b",
    re.IGNORECASE,
)
_REACTION = re.compile(
    r"\b(welcom\w*|criticis\w*|criticiz\w*|condemn\w*|prais\w*|slamm?\w*|hail\w*|protest\w*|denounc\w*|"
    r"applaud\w*|react\w*|respond\w*|outrage\w*|celebrat\w*|blast\w*|decr(?:y|ied))\b",
    re.IGNORECASE,
)


@dataclass
class Planned:
    """A sentence to be written: an evidence unit plus an optional attribution prefix."""

    unit: int
    prefix: str = ""
    quoted: bool = False  # wrap the unit's text in quotation marks (posts)


@dataclass
class PlannedSection:
    kind: str
    heading: str
    paragraphs: list[list[Planned]] = field(default_factory=list)

    def units(self) -> list[int]:
        return [p.unit for para in self.paragraphs for p in para]


@dataclass
class Outline:
    sections: list[PlannedSection]
    dek: int | None
    timeline: list[Entry]
    disagreements: list[Disagreement]


def _title(phrase: str) -> str:
    small = {"of", "and", "the", "in", "on", "for", "to", "a", "an", "at", "by", "with"}
    out = []
    for i, w in enumerate(phrase.split()):
        if w.isupper() or any(c.isupper() for c in w[1:]):
            out.append(w)
        elif i and w.lower() in small:
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


def _good_phrase(p: str) -> bool:
    toks = p.split()
    if not toks or toks[0].lower() in tx.STOPWORDS or toks[-1].lower() in tx.STOPWORDS:
        return False
    if any(t.lower() in {"said", "says", "told", "met", "added"} for t in toks):
        return False
    return not any(t.lower().endswith("ed") and not t[:1].isupper() for t in toks[1:])


def heading_for(texts: list[str], used: set[str], fallback: str) -> str:
    """A heading made of the section's own key phrases (not a fixed label)."""
    phrases = [p for p in tx.keyphrases(" ".join(texts), top=15) if _good_phrase(p)]
    used_tokens = {t for h in used for t in h.lower().split()}
    fresh = [p for p in phrases if len(p.split()) >= 2 and not set(p.lower().split()) <= used_tokens]
    pick = fresh or phrases
    if not pick:
        return fallback
    first = pick[0]
    second = next(
        (
            p
            for p in pick[1:]
            if not set(p.lower().split()) & set(first.lower().split())
            and len(p.split()) + len(first.split()) <= 6
        ),
        None,
    )
    return _title(f"{first} and {second}" if second else first)


def _reading_order(ev: Evidence, ids: list[int]) -> list[int]:
    def key(i: int):
        u = ev.units[i]
        return (u.published.timestamp() if u.published else 0.0, u.item_id, u.position)

    return sorted(ids, key=key)


def _paragraphs(ev: Evidence, planned: list[Planned], size: int = 3) -> list[list[Planned]]:
    paras: list[list[Planned]] = []
    for p in planned:
        if (
            not paras
            or len(paras[-1]) >= size
            or (len(paras[-1]) >= 2 and ev.units[paras[-1][-1].unit].item_id != ev.units[p.unit].item_id)
        ):
            paras.append([])
        paras[-1].append(p)
    return paras


def _theme_of(u: Unit) -> str | None:
    counts = {k: sum(t in stems for t in u.tokens) for k, stems in _THEME_STEMS.items()}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None


def _lower_first(ev: Evidence, text: str) -> str:
    """Lower-case a sentence's first word after an attribution, unless it is a name."""
    first = text.split(" ", 1)[0]
    if first.isupper() or not first[:1].isupper():
        return text
    low = first.lower()
    common = low in tx.STOPWORDS or any(
        f" {low} " in f" {u.text.lower()} " and f" {first} " not in f" {u.text} " for u in ev.units[:200]
    )
    return low + text[len(first) :] if common else text


def attribution_prefix(ev: Evidence, uid: int) -> tuple[str, str]:
    """("According to X, ", text with first word lowered) for the unit."""
    u = ev.units[uid]
    return f"According to {u.source}, ", _lower_first(ev, u.text)


def plan_outline(ev: Evidence, max_words: int = 1400, per_section: int = 6) -> Outline:
    """Choose the sections and their evidence for one story."""
    en = [u for u in ev.units if u.lang == "en" and u.score > 0]
    main = [u for u in en if not u.background]
    articles = [u.id for u in main if u.kind != "post"]
    used: list[int] = []
    sections: list[PlannedSection] = []
    headings: set[str] = set()
    words = 0

    def take(ids: list[int]) -> None:
        nonlocal words
        used.extend(ids)
        words += sum(ev.units[i].words for i in ids)

    # dek: the best short sentence; the lead continues from it
    short = [i for i in articles if 8 <= ev.units[i].words <= 40]
    dek_pick = mmr(ev, short or articles, 1)
    dek = dek_pick[0] if dek_pick else None
    if dek is not None:
        used.append(dek)

    lead = mmr(ev, articles, 4, avoid=used)
    if lead:
        take(lead)
        h = heading_for([ev.units[i].text for i in lead], headings, "What happened")
        headings.add(h)
        sections.append(PlannedSection("lead", h, _paragraphs(ev, [Planned(i) for i in lead], 2)))

    quotes = [u for u in main if u.quote and u.quote.speaker and u.kind != "post" and u.id not in used]
    named = [u.id for u in quotes if u.quote.speaker.split()[-1] in u.text]
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for i in mmr(ev, named, per_section * 2, lam=0.8, avoid=used):
        by_speaker[ev.units[i].quote.speaker.split()[-1]].append(i)
    picked: list[int] = []
    for rnd in range(3):  # one statement per speaker first, then seconds
        for ids in by_speaker.values():
            if rnd < len(ids) and len(picked) < per_section:
                picked.append(ids[rnd])
    if len(picked) >= 2:
        take(picked)
        speakers = list(dict.fromkeys(ev.units[i].quote.speaker.split()[-1] for i in picked))
        who = " and ".join(speakers[:2]) if len(speakers) <= 2 else f"{speakers[0]}, {speakers[1]} and others"
        h = f"What {who} said"
        headings.add(h)
        sections.append(PlannedSection("statements", h, _paragraphs(ev, [Planned(i) for i in picked], 2)))

    bg = [u.id for u in en if u.background]
    hist = [u.id for u in main if u.kind != "post" and _HISTORY.search(u.text) and u.id not in used]
    back = mmr(ev, bg, 4, avoid=used) + mmr(ev, hist, 3, avoid=used)
    back = list(dict.fromkeys(back))
    if back:
        take(back)
        h = "Background: " + heading_for([ev.units[i].text for i in back], headings, "Context")
        headings.add(h)
        sections.append(
            PlannedSection("background", h, _paragraphs(ev, [Planned(i) for i in _reading_order(ev, back)]))
        )

    reserved = {u.id for u in main if _FORWARD.search(u.text)} | {u.id for u in main if u.kind == "post"}
    themes: dict[str, list[int]] = defaultdict(list)
    for i in articles:
        if i in used or i in reserved:
            continue
        th = _theme_of(ev.units[i])
        themes[th or "general"].append(i)
    theme_sections: list[tuple[float, PlannedSection]] = []
    for th, ids in sorted(themes.items(), key=lambda kv: -sum(ev.units[i].score for i in kv[1])):
        if words >= max_words * 0.8:
            break
        pick = mmr(ev, ids, per_section, avoid=used)
        if len(pick) < 2:
            continue
        take(pick)
        h = heading_for([ev.units[i].text for i in pick], headings, th.capitalize())
        headings.add(h)
        sec = PlannedSection(
            f"theme:{th}", h, _paragraphs(ev, [Planned(i) for i in _reading_order(ev, pick)])
        )
        theme_sections.append((sum(ev.units[i].score for i in pick), sec))
    sections.extend(s for _, s in theme_sections)

    posts = [u.id for u in main if u.kind == "post"]
    reacts = mmr(ev, posts, 4, lam=0.6, avoid=used)
    reacts += mmr(ev, [i for i in articles if _REACTION.search(ev.units[i].text)], 3, avoid=used + reacts)
    if reacts:
        take(reacts)
        planned = []
        for i in _reading_order(ev, reacts):
            u = ev.units[i]
            if u.kind == "post":
                who = ev.items[u.item_id].author or u.source
                planned.append(Planned(i, prefix=f"{who} posted: ", quoted=True))
            else:
                planned.append(Planned(i))
        h = "Reactions"
        headings.add(h)
        sections.append(PlannedSection("reactions", h, _paragraphs(ev, planned, 2)))

    disagreements = find_disagreements(ev)
    if disagreements:
        paras = []
        for d in disagreements:
            para = []
            for claim in d.claims:
                seen_sources: set[str] = set()
                for u in sorted(claim.units, key=lambda u: -u.score):
                    if u.source in seen_sources or len(seen_sources) >= 2:
                        continue
                    seen_sources.add(u.source)
                    para.append(Planned(u.id, prefix=f"According to {u.source}, "))
            paras.append(para)
        sections.append(PlannedSection("differ", "Where sources differ", paras))

    timeline = build_timeline(ev, avoid=set())
    if len(timeline) >= 2:
        sections.append(PlannedSection("timeline", "Timeline", [[Planned(e.unit.id)] for e in timeline]))
    else:
        timeline = []

    fwd = [i for i in reserved if ev.units[i].kind != "post"]
    watch = mmr(ev, fwd, 4, avoid=used)
    if watch:
        take(watch)
        sections.append(
            PlannedSection(
                "watch", "What to watch", _paragraphs(ev, [Planned(i) for i in _reading_order(ev, watch)])
            )
        )
    return Outline(sections, dek, timeline, disagreements)
