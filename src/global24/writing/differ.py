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
_PART = re.compile(r"\s+of\s+(?:the\s+)?(?:\d|them\b|whom\b|those\b)")
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
        return sorted({u.source for u in self.units if u.source})

    @property
    def outlets(self) -> int:
        """How many independent sources state the value (an unnamed item counts as one)."""
        return len({u.outlet for u in self.units})


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
    if q.unit in _MEASURES:
        key += f"/{q.unit}"  # "185 mph (295 km/h)" is one figure in two units
    return f"{q.kind}:{key}"


_BODIES = {
    "government", "police", "defender", "ministry", "minister", "office", "officials", "official", "authorities",
    "agency", "governor", "mayor", "hospital", "morgue", "coroner", "army", "military", "ngo", "residents",
    "activists", "monitor", "observatory", "institute", "commission", "council", "court", "union", "company",
    "spokesperson", "spokesman", "spokeswoman", "prosecutors", "ombudsman", "center", "centre", "service",
    "un", "who", "red", "forecasters", "analysts", "estimates", "organisers", "organizers",
}  # fmt: skip
_MEASURES = {
    "mph",
    "km",
    "kph",
    "miles",
    "mile",
    "inches",
    "inch",
    "cm",
    "mm",
    "millibars",
    "mb",
    "hpa",
    "metres",
    "meters",
    "feet",
    "ft",
    "kg",
    "tonnes",
    "tons",
    "degrees",
    "percent",
    "dollars",
    "euros",
    "yen",
}


_CUE = re.compile(
    r"\b(still|continues? to|maintains?|kept|disput\w*|differ\w*|discrepanc\w*|contest\w*|higher|lower|"
    r"two (?:numbers|figures|counts|tallies|totals)|own (?:count|tally|figure)|independent (?:count|tally)|"
    r"whereas|rather than|versus|vs\.?|contradict\w*|challeng\w*|no single (?:number|figure|count))\b",
    re.IGNORECASE,
)


def _bodies(u: Unit) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", u.text.lower()) if w in _BODIES}


def _unit_pair(ua: Unit, ub: Unit) -> float:
    """Evidence that two units give one quantity different values (0: none).

    Two figures in one sentence are usually two quantities ("99 of the 121 dead"),
    so a dispute needs two sentences, about the same place, within a day of each
    other, naming different bodies as the counters.
    """
    if ua.id == ub.id or not (ua.published and ub.published):
        return 0.0
    ea, eb = set(ua.entities), set(ub.entities)
    if ea and eb and not ea & eb:
        return 0.0  # different places or people: different quantities
    gap = abs((ua.published - ub.published).total_seconds()) / 3600
    if gap > 24:
        return 0.0  # figures days apart are updates, not a dispute
    ba, bb = _bodies(ua), _bodies(ub)
    if ba and bb and not ba & bb:
        return 2.0 + (0.5 if gap <= 6 else 0.0)
    return 0.0


def _pair_strength(a: Claim, b: Claim) -> float:
    """How clearly two values for one key are a live disagreement (0: they are not).

    Different bodies giving different figures at about the same time; the same
    body's figure changing over days ("64", later "121") is an update, not a dispute.
    """
    if abs(a.value - b.value) / max(a.value, b.value, 1e-9) <= 0.02:
        return 0.0
    best = max((_unit_pair(ua, ub) for ua in a.units for ub in b.units), default=0.0)
    if not best:
        return 0.0
    # reporters signal a dispute ("still counts 132", "two numbers"); without that, keep quiet
    if not any(_CUE.search(u.text) for u in a.units + b.units):
        return 0.0
    both_items = {u.item_id for u in a.units} & {u.item_id for u in b.units}
    return best + (1.0 if both_items else 0.0) + 0.25 * (a.outlets + b.outlets)


def find_disagreements(ev: Evidence, max_items: int = 3) -> list[Disagreement]:
    """Figures for one key that differ between outlets, strongest disagreements first."""
    by_key: dict[str, dict[float, Claim]] = defaultdict(dict)
    for u in ev.units:
        if u.lang != "en" or u.background or u.duplicate or u.dangling:
            continue
        for q in u.quantities:
            if q.kind == "year" or not q.values or _PART.match(u.text, q.end):
                continue  # "99 of the 121 dead": a part of a total, not a rival total
            key = _key(u, q)
            if key is None:
                continue
            v = q.values[-1] if len(q.values) > 1 and q.values[-1] >= 1000 else q.values[0]
            claim = by_key[key].setdefault(v, Claim(v, q.text))
            if u not in claim.units:
                claim.units.append(u)
    out: list[tuple[float, Disagreement]] = []
    for key, claims in by_key.items():
        vals = list(claims.values())
        best, best_pair = 0.0, None
        for i, a in enumerate(vals):
            for b in vals[i + 1 :]:
                lo, hi = sorted((a.value, b.value))
                if lo <= 0 or hi > lo * 3:
                    continue
                st = _pair_strength(a, b)
                if st > best:
                    best, best_pair = st, (a, b)
        if best_pair is None:
            continue
        strength = best + (1.0 if key.endswith(":deaths") else 0.0)
        out.append(
            (
                strength,
                Disagreement(key.split(":", 1)[1].split("/")[0], sorted(best_pair, key=lambda c: c.value)),
            )
        )
    out.sort(key=lambda t: -t[0])
    return [d for _, d in out[:max_items]]
