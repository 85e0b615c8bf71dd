"""Grounding checks for every written sentence, whichever writer wrote it.

A sentence passes when (1) it cites at least one item, (2) every citation's quote
is the exact span ``item.text[start:end]``, (3) every figure, date and named
entity in it appears in a cited item, and (4) its content words are supported by
the cited spans (share at least ``write_min_support``). Attribution added by the
writer ("According to Meridian Wire, …", "@handle posted: …") may only name a
cited item's outlet or author and is left out of the other checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from global24 import text as tx
from global24.models import Article, Item, Section, Sentence
from global24.writing.labels import prefix_patterns

_ATTRIB_HEAD = re.compile(r"^(?:According to|As reported by)\s+(?P<name>[^,]{1,80}),\s+")
_ATTRIB_POST = re.compile(r"^(?P<name>[^:]{1,80}?)\s+(?:posted|wrote|reported)(?::\s*|\s+that\s+)")
_LOCAL_PREFIXES = prefix_patterns()  # the same prefixes in the other languages the writer knows
_QUOTES = "\"“”‘’'«»"
# Honorifics and role words that may precede a name without being part of it in a source.
_TITLES = {
    "president", "prime", "minister", "emperor", "empress", "king", "queen", "secretary", "chancellor",
    "governor", "mayor", "senator", "gen", "general", "mr", "mrs", "ms", "dr", "sir", "lady", "pope",
    "the", "former", "chief", "foreign", "defense", "defence", "state", "first",
}  # fmt: skip


@dataclass
class Check:
    ok: bool
    reason: str = ""
    check: str = ""
    support: float = 0.0


def _norm(s: str) -> str:
    s = s.replace("’", "'").replace("–", "-").replace("—", "-").lower()
    return re.sub(r"\s+", " ", s)


def split_attribution(text: str, names: set[str]) -> tuple[str, str]:
    """(attribution prefix, claim) when the sentence opens with an allowed attribution."""
    for rx in (_ATTRIB_HEAD, _ATTRIB_POST, *_LOCAL_PREFIXES):
        m = rx.match(text)
        if m and _norm(m.group("name")).lstrip("@") in names:
            return text[: m.end()], text[m.end() :].strip().strip(_QUOTES).strip()
    return "", text


def _entity_found(ent: str, hay: str, hay_words: set[str]) -> bool:
    e = _norm(ent)
    if e.endswith("'s"):
        e = e[:-2]
    if e in hay:
        return True
    toks = [t for t in re.findall(r"[\w.&-]+", e) if t not in _TITLES and len(t) > 1]
    toks = [t.rstrip(".") if not re.fullmatch(r"(?:\w\.){2,}", t) else t for t in toks]
    return bool(toks) and all(t in hay_words or t.rstrip(".") in hay_words for t in toks)


def _values(quantities: list[tx.Quantity]) -> set[float]:
    return {round(v, 6) for q in quantities for v in q.values}


def _date_found(d: tx.DateMention, src_dates: list[tx.DateMention], published: list[datetime]) -> bool:
    for s in src_dates:
        if d.weekday is not None:
            if s.weekday == d.weekday:
                return True
            continue
        if d.month != s.month:
            continue
        if d.day is not None and s.day != d.day:
            continue
        if d.year is not None and s.year is not None and s.year != d.year:
            continue
        if d.year is not None and s.year is None and d.year not in {p.year for p in published}:
            continue
        return True
    # a year on its own ("in 2005") needs the year in the source
    return False


# A source's figures and dates, read once per source text: an article checks dozens of sentences
# against the same few items, and reading a long item's figures costs milliseconds each time.
@lru_cache(maxsize=256)
def _source_numbers(text: str) -> tuple[tx.Quantity, ...]:
    return tuple(tx.numbers(text))


@lru_cache(maxsize=256)
def _source_dates(text: str) -> tuple[tx.DateMention, ...]:
    return tuple(tx.dates(text))


def check_sentence(sentence: Sentence, items: dict[str, Item], min_support: float = 0.6) -> Check:
    """Run the four grounding checks on one sentence."""
    if not sentence.citations:
        return Check(False, "no citation", "cited")
    cited: list[Item] = []
    spans: list[str] = []
    for c in sentence.citations:
        it = items.get(c.item_id)
        if it is None:
            return Check(False, f"cites unknown item {c.item_id}", "quote")
        if it.text[c.start : c.end] != c.quote or not c.quote:
            return Check(False, f"quote is not the exact span [{c.start}:{c.end}] of {c.item_id}", "quote")
        cited.append(it)
        spans.append(c.quote)
    names = {_norm(n).lstrip("@") for it in cited for n in (it.source_name, it.author) if n}
    _, claim = split_attribution(sentence.text, names)
    hay_text = "\n".join((it.title or "") + "\n" + it.text for it in cited)
    hay = _norm(hay_text)
    hay_words = set(re.findall(r"[\w.&-]+", hay)) | {w.rstrip(".") for w in re.findall(r"[\w.&-]+", hay)}

    src_q = [q for it in cited for q in _source_numbers((it.title or "") + "\n" + it.text)]
    src_vals = _values(src_q)
    raw = {q.text.lower().replace(",", "") for q in src_q}
    for q in tx.numbers(claim):
        if q.kind == "year" and str(int(q.values[0])) in hay:
            continue
        if not (_values([q]) & src_vals) and q.text.lower().replace(",", "") not in raw:
            return Check(False, f"figure '{q.text}' is not in the cited sources", "number")
    src_dates = [d for it in cited for d in _source_dates((it.title or "") + "\n" + it.text)]
    published = [it.published_at for it in cited if it.published_at]
    for d in tx.dates(claim):
        if not _date_found(d, src_dates, published):
            return Check(False, f"date '{d.text}' is not in the cited sources", "date")
    for e in tx.entities(claim):
        if not _entity_found(e.text, hay, hay_words):
            return Check(False, f"name '{e.text}' is not in the cited sources", "entity")

    words = tx.content_tokens(claim)
    if not words:
        return Check(False, "no content words", "support")
    span_words = set(tx.content_tokens(" ".join(spans)))
    support = sum(w in span_words for w in words) / len(words)
    if support < min_support:
        return Check(False, f"only {support:.0%} of its words are in the cited spans", "support", support)
    return Check(True, support=support)


def _as_map(items: dict[str, Item] | list[Item]) -> dict[str, Item]:
    return items if isinstance(items, dict) else {it.id: it for it in items}


def verify_article(article: Article, items: dict[str, Item] | list[Item], min_support: float = 0.6) -> dict:
    """Grounding report of an article against its items (nothing is changed)."""
    imap = _as_map(items)
    report = {"sentences": 0, "cited": 0, "verified": 0, "dropped": 0, "unsupported": 0, "reasons": []}
    for sec in article.sections:
        for para in sec.paragraphs:
            for s in para:
                report["sentences"] += 1
                report["cited"] += bool(s.citations)
                res = check_sentence(s, imap, min_support)
                if res.ok:
                    report["verified"] += 1
                else:
                    report["unsupported"] += 1
                    report["reasons"].append(
                        {"section": sec.heading, "text": s.text, "check": res.check, "reason": res.reason}
                    )
    n = report["sentences"] or 1
    report["uncited"] = report["sentences"] - report["cited"]
    report["cited_share"] = report["cited"] / n
    report["verified_share"] = report["verified"] / n
    return report


def enforce(
    sections: list[Section], items: dict[str, Item], min_support: float = 0.6
) -> tuple[list[Section], dict]:
    """Drop every sentence that fails a check (and sections left empty); return the report."""
    report = {"sentences": 0, "cited": 0, "verified": 0, "dropped": 0, "reasons": []}
    kept_sections: list[Section] = []
    for sec in sections:
        paras = []
        for para in sec.paragraphs:
            kept = []
            for s in para:
                report["sentences"] += 1
                report["cited"] += bool(s.citations)
                res = check_sentence(s, items, min_support)
                if res.ok:
                    report["verified"] += 1
                    kept.append(s)
                else:
                    report["dropped"] += 1
                    report["reasons"].append(
                        {"section": sec.heading, "text": s.text, "check": res.check, "reason": res.reason}
                    )
            if kept:
                paras.append(kept)
        if paras:
            kept_sections.append(Section(sec.heading, sec.kind, paras))
    return kept_sections, report
