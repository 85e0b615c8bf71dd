"""Where sources differ: the same quantity reported with different values by different outlets.

A figure is keyed by what it counts: a concept from a small lexicon (deaths,
injured, arrests, …) found in the words around it, else the noun right after it.
Two outlets that give the same key different values (not just rounding), from
independent items, make a disagreement; each side keeps the units that carry it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from global24 import text as tx
from global24.writing.evidence import Evidence, Unit

CONCEPTS: dict[str, set[str]] = {
    "deaths": {
        "dead",
        "deaths",
        "death",
        "killed",
        "died",
        "fatalities",
        "toll",
        "lives",
        "bodies",
        "mortos",
        "muertos",
    },
    "injured": {"injured", "wounded", "hurt", "injuries", "hospitalised", "hospitalized"},
    "arrests": {"arrested", "arrests", "detained", "detentions", "custody"},
    "missing": {"missing", "unaccounted"},
    "displaced": {"displaced", "evacuated", "homeless", "evacuees", "refugees"},
    "troops": {"troops", "soldiers", "officers", "agents", "personnel", "police"},
    "votes": {"votes", "voters", "turnout", "seats", "ballots"},
    "investment": {"investment", "invest", "investments", "pledge", "pledged", "package", "fund"},
    "tariff": {"tariff", "tariffs", "duty", "duties"},
    "speed": {"mph", "km/h", "kph", "winds", "gusts"},
}
_GENERIC_UNITS = {
    "people",
    "persons",
    "percent",
    "times",
    "years",
    "days",
    "hours",
    "minutes",
    "of",
    "more",
    "than",
}


@dataclass
class Claim:
    """One side of a disagreement: a value and the units that state it."""

    value: float
    text: str  # the figure as first written
    units: list[Unit] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({u.source for u in self.units})


@dataclass
class Disagreement:
    key: str
    claims: list[Claim]


def _key(u: Unit, q: tx.Quantity) -> str | None:
    """What the figure counts, from the words around it."""
    window = u.text[max(0, q.start - 60) : q.end + 50].lower()
    words = set(re.findall(r"[a-z/]+", window))
    hits = [k for k, vocab in CONCEPTS.items() if words & vocab]
    if len(hits) == 1:
        key = hits[0]
    elif hits:
        # nearest concept word to the figure wins
        after = u.text[q.end : q.end + 40].lower()
        key = next((k for k in hits if set(re.findall(r"[a-z/]+", after)) & CONCEPTS[k]), hits[0])
    elif q.unit and q.unit not in _GENERIC_UNITS and q.unit not in tx.STOPWORDS:
        key = tx.stem(q.unit)
    else:
        return None
    return f"{q.kind}:{key}"


def find_disagreements(ev: Evidence, max_items: int = 3) -> list[Disagreement]:
    """Figures for one key that differ between outlets, strongest disagreements first."""
    by_key: dict[str, dict[float, Claim]] = defaultdict(dict)
    for u in ev.units:
        if u.lang != "en" or u.background or u.duplicate:
            continue
        for q in u.quantities:
            if q.kind == "year" or not q.values:
                continue
            key = _key(u, q)
            if key is None:
                continue
            v = q.values[-1] if len(q.values) > 1 and q.values[-1] >= 1000 else q.values[0]
            claims = by_key[key]
            claim = claims.setdefault(v, Claim(v, q.text))
            if u not in claim.units:
                claim.units.append(u)
    out: list[tuple[float, Disagreement]] = []
    for key, claims in by_key.items():
        vals = sorted(claims)
        if len(vals) < 2:
            continue
        kept: list[Claim] = []
        for v in vals:
            c = claims[v]
            # same order of magnitude as the most reported value, and from its own outlets
            anchor = max(claims.values(), key=lambda c: len(c.sources)).value
            if anchor and not (anchor / 3 <= v <= anchor * 3):
                continue
            kept.append(c)
        if len(kept) < 2:
            continue
        # the two best-supported values whose outlets do not overlap
        kept.sort(key=lambda c: (-len(c.sources), c.value))
        a = kept[0]
        b = next(
            (
                c
                for c in kept[1:]
                if not set(c.sources) & set(a.sources)
                and abs(c.value - a.value) / max(a.value, c.value) > 0.02
            ),
            None,
        )
        if b is None:
            continue
        strength = len(a.sources) + len(b.sources) + (2 if key.endswith(":deaths") else 0)
        out.append((strength, Disagreement(key.split(":", 1)[1], sorted([a, b], key=lambda c: c.value))))
    out.sort(key=lambda t: -t[0])
    return [d for _, d in out[:max_items]]
