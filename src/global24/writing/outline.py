"""The outline: which sections an article gets and which evidence goes in each.

Sections exist only when evidence supports them: the lead, key statements (with
speakers), background (archive items and history in the story's own items),
thematic sections headed by their own key phrases, reactions, where sources
differ, a dated timeline and what to watch. No unit is used twice, and near
repeats of what is already chosen are skipped (MMR).

The lead tells what happened: opening news sentences of different items, those
other items echo first, no quotations or plans. Inside a section sentences run
in event order, one item's in source order; a sentence that leans on the one
before it ("Afterwards …") appears only right after that sentence.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import datetime

import numpy as np

from global24 import text as tx
from global24.writing.differ import find_disagreements
from global24.writing.evidence import CAPTION_WORDS, VERB_CUE, Evidence, Unit, informative, mmr
from global24.writing.headings import _TITLE_WORDS, heading_for, heading_supported, verbish_words
from global24.writing.labels import join_names, label
from global24.writing.planned import Outline, Planned, PlannedSection
from global24.writing.plans import (
    FORWARD,
    PAST,
    historical,
    latest_report,
    looks_ahead,
    names_day_ahead,
    stale,
)
from global24.writing.polish import follow_on, prune_restatements
from global24.writing.timeline import build_timeline, unit_day

THEMES: dict[str, set[str]] = {
    "security": {"military", "defense", "defence", "troops", "missile", "army", "navy", "weapon", "nuclear",
                 "attack", "raid", "forces", "war", "soldier", "police", "security", "gang", "armed", "gunfire",
                 "operation", "shot", "killed", "deterrence", "coast", "guard", "drone", "border", "sailor", "sailors",
                 "carrier", "naval", "fleet", "warship", "base", "aircraft", "marine", "marines"},
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
                "children", "rights", "people", "abducted", "abductee", "abductees", "relatives", "kidnapped"},
    "technology": {"technology", "ai", "chip", "semiconductor", "data", "software", "digital", "satellite",
                   "robot", "cyber", "launch", "rocket"},
    "climate": {"climate", "emission", "carbon", "storm", "hurricane", "flood", "rain", "rainfall", "wind",
                "temperature", "weather", "warming", "drought"},
    "health": {"health", "patient", "vaccine", "disease", "virus", "outbreak", "doctor", "medical"},
}  # fmt: skip
_THEME_STEMS = {k: {tx.stem(w) for w in v} | v for k, v in THEMES.items()}
HEADLINE_LEDE_WORDS = 50  # the headline's own opening sentence is the dek up to this length
_REACTION = re.compile(
    r"\b(welcomed|criticis(?:ed|m)|criticiz(?:ed|m)|condemn(?:ed|ation)|praised|slammed|hailed|protested|"
    r"denounced|applauded|reacted|responded|outrage|outraged|celebrated|blasted|decried|reaction)\b",
    re.IGNORECASE,
)


_ORG_WORDS = {
    "center",
    "centre",
    "agency",
    "office",
    "ministry",
    "house",
    "department",
    "police",
    "party",
    "council",
    "court",
    "government",
    "service",
    "bank",
    "fund",
    "union",
    "committee",
    "commission",
    "association",
    "organization",
    "organisation",
    "institute",
    "university",
    "army",
    "navy",
    "forces",
}


def short_name(speaker: str) -> str:
    """A person's surname ("Takaichi"); an organisation keeps its whole name ("White House")."""
    name = _TITLE_WORDS.sub("", speaker).strip() or speaker
    toks = name.split()
    if len(toks) == 1 or any(t.lower() in _ORG_WORDS for t in toks) or name.isupper():
        return name
    return toks[-1]


def _event_time(u: Unit) -> float:
    """When what the unit reports happened: the day it names, else when it was published."""
    pub = u.published.timestamp() if u.published else 0.0
    day = unit_day(u)
    if day is None or u.published is None or day == u.published.date():
        return pub
    # a report written after the day it names goes after that day's own reports
    return datetime(day.year, day.month, day.day, 23, 59, tzinfo=u.published.tzinfo).timestamp()


def _reading_order(ev: Evidence, ids: list[int]) -> list[int]:
    """Chronological by event time across items; one item's sentences together, in source order."""
    first: dict[str, tuple[float, float]] = {}
    for i in ids:
        u = ev.units[i]
        k = (_event_time(u), u.published.timestamp() if u.published else 0.0)
        first[u.item_id] = min(first.get(u.item_id, k), k)
    return sorted(ids, key=lambda i: (first[ev.units[i].item_id], ev.units[i].item_id, ev.units[i].position))


_TAGS_AND_LINKS = re.compile(r"(?:[#@]\w[\w.-]*|https?://\S+)")


def _says_something(text: str) -> bool:
    """A post line worth quoting: at least four words once hashtags, handles and links are gone."""
    return len(re.findall(r"\w+", _TAGS_AND_LINKS.sub(" ", text))) >= 4


QUOTE_WORDS = 45  # a post this short is quoted whole; a longer one by its opening sentence


def post_quote(ev: Evidence, item_id: str, latest: datetime | None = None) -> list[int]:
    """The units a post is quoted by: all of it when it is short, else its opening sentence.

    The quotation opens on the post's first sentence, which must stand on its own (no
    leaning opening, no line of hashtags, no plan overtaken since). A short post runs on
    through its consecutive sentences and stops before a gap (a fragment left out of the
    evidence), a line that says nothing or a stale plan, so nothing inside the quotation
    marks is skipped. Empty when the post has nothing to quote."""
    units = sorted((u for u in ev.units if u.item_id == item_id and u.lang == ev.lang), key=lambda u: u.position)
    if not units:
        return []
    first = units[0]
    if first.dangling or first.score <= 0 or not _says_something(first.text) or stale(first, latest):
        return []
    run = [first.id]
    if sum(u.words for u in units) > QUOTE_WORDS:
        return run
    for prev, u in zip(units, units[1:], strict=False):
        if u.position != prev.position + 1 or not _says_something(u.text) or stale(u, latest):
            break
        run.append(u.id)
    return run


def _quoted_post(ev: Evidence, run: list[int]) -> list[Planned]:
    """A post's units inside one pair of quotation marks, after "X posted: "."""
    u = ev.units[run[0]]
    who = ev.items[u.item_id].author or u.source
    return [
        Planned(
            i, prefix=label(ev.lang, "posted", who=who) if k == 0 and who else "", quoted=True, opens=k == 0, closes=k == len(run) - 1
        )
        for k, i in enumerate(run)
    ]


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


def _theme_terms(u: Unit, theme: str) -> set[str]:
    return {t for t in u.tokens if t in _THEME_STEMS.get(theme, ())}


def _theme_of(u: Unit) -> str | None:
    """The theme whose key terms the sentence carries most; none on a tie or no term."""
    counts = sorted(((len(_theme_terms(u, k)), k) for k in _THEME_STEMS), reverse=True)
    (n1, best), (n2, _) = counts[0], counts[1]
    return best if n1 and n1 > n2 else None


NEIGHBOUR_WEIGHT = 0.3  # how much the sentences around a passage in its item say what it is about
COMMON_WEIGHT = 0.7  # share of the story's common direction taken out before comparing passages
CLUSTER_SIM = 0.10  # mean cosine the passages of one theme keep to each other
FIT_SIM = 0.08  # a passage less similar than this to the rest of its theme is left out
PASSAGE_SENTENCES = 3  # a sentence and at most two that lean on it ("He said …")


def _passages(ev: Evidence, heads: list[int], blocked: set[int], latest: datetime | None) -> list[list[int]]:
    """Each head sentence with the sentences that follow and lean on it in its own item."""
    at = {(u.item_id, u.position): u for u in ev.units}
    groups = {ev.units[i].group for i in blocked}
    out = []
    for h in heads:
        u = ev.units[h]
        run = [h]
        while len(run) < PASSAGE_SENTENCES:
            f = at.get((u.item_id, ev.units[run[-1]].position + 1))
            if (
                f is None
                or not f.dangling
                or f.id in blocked
                or f.group in groups
                or f.score <= 0
                or not informative(f)
                or stale(f, latest)
            ):
                break
            run.append(f.id)
        out.append(run)
    return out


def _contextual(ev: Evidence, passages: list[list[int]]) -> np.ndarray:
    """Passage vectors for grouping by topic: the sum of its sentences' TF-IDF rows and a share
    of the sentences around it, less what every sentence of the story shares (its main
    actors), L2-normalised."""
    at = {(u.item_id, u.position): u.id for u in ev.units}
    rows = []
    for run in passages:
        v = ev.vectors[run].astype(np.float64).sum(axis=0)
        first, last = ev.units[run[0]], ev.units[run[-1]]
        for key in ((first.item_id, first.position - 1), (last.item_id, last.position + 1)):
            j = at.get(key)
            if j is not None:
                v = v + NEIGHBOUR_WEIGHT * ev.vectors[j]
        rows.append(v)
    x = np.array(rows)
    main = [u.id for u in ev.units if not u.background and u.lang == ev.lang]
    c = ev.vectors[main].mean(axis=0).astype(np.float64)
    c /= float(np.linalg.norm(c)) or 1.0
    x -= COMMON_WEIGHT * np.outer(x @ c, c)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


def _clusters(sim: np.ndarray) -> list[list[int]]:
    """Average-linkage groups of rows whose mean pairwise cosine stays at or above CLUSTER_SIM.

    Each step merges the two groups with the highest mean cross similarity (the last such pair in
    row order on a tie). The sums of similarities between groups are kept and updated on a merge,
    so a step costs one pass over a groups-by-groups matrix, not a sub-matrix per pair: a story of
    80 long articles has hundreds of passages.
    """
    n = len(sim)
    groups = [[k] for k in range(n)]
    if n < 2:
        return groups
    sums = np.array(sim, dtype=float, copy=True)
    sizes = np.ones(n)
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    while len(groups) > 1:
        means = sums / np.outer(sizes, sizes)
        means[~upper[: len(groups), : len(groups)]] = -np.inf
        flat = means.ravel()
        top = flat.max()
        if top < CLUSTER_SIM:
            break
        k = int(np.flatnonzero(flat == top)[-1])  # the last pair in row order, as a pairwise scan finds it
        a, b = divmod(k, len(groups))
        groups[a] = groups[a] + groups.pop(b)
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sums = np.delete(np.delete(sums, b, axis=0), b, axis=1)
        sizes[a] += sizes[b]
        sizes = np.delete(sizes, b)
    return groups


def _fitting(sim: np.ndarray, rows: list[int]) -> list[int]:
    """Drop, one at a time, the row least similar to the others while it is below FIT_SIM."""
    rows = list(rows)
    while len(rows) > 2:
        fit = [float(np.mean([sim[r, o] for o in rows if o != r])) for r in rows]
        k = int(np.argmin(fit))
        if fit[k] >= FIT_SIM:
            break
        rows.pop(k)
    return rows


def _label(ev: Evidence, ids: list[int]) -> str:
    """The broad theme most of the section's sentences carry, else "general"."""
    votes = Counter(_theme_of(ev.units[i]) for i in ids)
    th, n = max(((k, v) for k, v in votes.items() if k), key=lambda kv: kv[1], default=(None, 0))
    return th if th and n * 2 > len(ids) else "general"


def _passage_paragraphs(ev: Evidence, runs: list[list[int]], size: int = 3) -> list[list[Planned]]:
    """Paragraphs of whole passages in reading order: a leaning sentence never opens one."""
    heads = _reading_order(ev, [r[0] for r in runs])
    by_head = {r[0]: r for r in runs}
    paras: list[list[Planned]] = []
    for h in heads:
        run = by_head[h]
        if not paras or len(paras[-1]) + len(run) > size + 1 or len(paras[-1]) >= size:
            paras.append([])
        paras[-1].extend(Planned(i) for i in run)
    return paras


def theme_sections(
    ev: Evidence,
    pool: list[int],
    used: list[int],
    headings: set[str],
    verbs: set[str],
    per_section: int,
    budget: float,
    latest: datetime | None = None,
) -> list[PlannedSection]:
    """Thematic sections: passages grouped by what they are about (their words and their
    neighbours'), each group headed by its own key phrase. A passage that fits no group is
    left out rather than put in a catch-all; a generic opening ("Few leaders …") is no head."""
    if ev.vectors is None:
        return []
    used_groups = {ev.units[i].group for i in used}
    best: dict[int, int] = {}
    for i in pool:  # one copy of a sentence several items carry: the best placed
        u = ev.units[i]
        if u.score <= 0 or u.group in used_groups or u.generic:
            continue
        j = best.get(u.group)
        if j is None or (u.duplicate, -u.score) < (ev.units[j].duplicate, -ev.units[j].score):
            best[u.group] = i
    heads = sorted(best.values())
    runs = _passages(ev, heads, set(used), latest)
    if len(runs) < 2:
        return []
    sim = _contextual(ev, runs) @ _contextual(ev, runs).T
    clusters = [[k for k in g] for g in _clusters(sim)]
    clusters.sort(key=lambda g: -sum(ev.units[runs[k][0]].score for k in g))
    taken = list(used)
    groups: list[list[int]] = []
    for ks in clusters:
        if budget <= 0:
            break
        order = mmr(ev, [runs[k][0] for k in ks], per_section, avoid=taken)
        row = {runs[k][0]: k for k in ks}
        chosen, n = [], 0
        for h in order:
            run = runs[row[h]]
            if n + len(run) <= per_section + 1 and not set(run) & set(taken):
                chosen.append(row[h])
                n += len(run)
        chosen = _fitting(sim, chosen)
        ids = [i for k in chosen for i in runs[k]]
        if len(chosen) < 2 or (len(ids) < 3 and len({ev.units[i].item_id for i in ids}) < 2):
            continue
        taken.extend(ids)
        budget -= sum(ev.units[i].words for i in ids)
        groups.append(chosen)
    # a passage left over joins the theme it is closest to, when it is close enough and there is room
    for k, run in enumerate(runs):
        if (
            not groups
            or budget <= 0
            or set(run) & set(taken)
            or any(ev.units[i].group in used_groups for i in run)
        ):
            continue
        fits = [(float(np.mean(sim[k, g])), n) for n, g in enumerate(groups)]
        fit, n = max(fits)
        size = sum(len(runs[j]) for j in groups[n])
        if fit >= FIT_SIM * 1.5 and size + len(run) <= per_section + 1:
            groups[n].append(k)
            taken.extend(run)
            used_groups |= {ev.units[i].group for i in run}
            budget -= sum(ev.units[i].words for i in run)
    # a heading must say what most of the section's passages are about; a section nothing
    # honest heads is not written, and its passages join a section whose heading they carry
    names = set(headings)
    headed: list[tuple[list[int], str, str, bool]] = []  # (passages, theme, heading, heading is a phrase)
    freed: list[int] = []
    for chosen in groups:
        chosen = list(chosen)
        while True:
            h, th, phrase = _theme_heading(ev, [runs[k] for k in chosen], names, verbs)
            ids = [i for k in chosen for i in runs[k]]
            if h or len(chosen) <= 2:
                break
            # the passage that fits the rest least goes first; what remains may say one thing
            fit = [float(np.mean([sim[k, o] for o in chosen if o != k])) for k in chosen]
            freed.append(chosen.pop(int(np.argmin(fit))))
        if not h or h in names or (len(ids) < 3 and len({ev.units[i].item_id for i in ids}) < 2):
            freed.extend(chosen)
            continue
        if phrase:  # the passages the heading does not speak for go, when the rest still makes a section
            keep = [k for k in chosen if heading_supported(h, [ev.units[i].text for i in runs[k]])]
            kept_ids = [i for k in keep for i in runs[k]]
            if len(keep) >= 2 and (len(kept_ids) >= 3 or len({ev.units[i].item_id for i in kept_ids}) >= 2):
                freed.extend(k for k in chosen if k not in keep)
                chosen = keep
        names.add(h)
        headed.append((chosen, th, h, phrase))
    for k in freed:
        run = runs[k]
        texts = [ev.units[i].text for i in run]
        for chosen, th, h, phrase in headed:
            # a passage carries a phrase heading by its words; a broad theme, only close to the section
            carried = heading_supported(h, texts) if phrase else _label_carried(ev, [run], th)
            carried = carried and (phrase or float(np.mean(sim[k, chosen])) >= FIT_SIM / 2)
            if carried and sum(len(runs[j]) for j in chosen) + len(run) <= per_section + 1:
                chosen.append(k)
                break
    out: list[PlannedSection] = []
    for chosen, th, h, _ in headed:
        out.append(PlannedSection(f"theme:{th}", h, _passage_paragraphs(ev, [runs[k] for k in chosen])))
    return out


def _theme_heading(
    ev: Evidence, picked: list[list[int]], names: set[str], verbs: set[str]
) -> tuple[str, str, bool]:
    """(heading, broad theme, whether the heading is a phrase of the section's own) or ("", theme, False):
    a key phrase most passages are about, else the broad theme most of them carry ("Economy")."""
    th = _label(ev, [i for r in picked for i in r])
    texts = [[ev.units[i].text for i in r] for r in _reading_order_runs(ev, picked)]
    h = heading_for([], names, "", verbs, passages=texts, lang=ev.lang)
    if h and h not in names:
        return h, th, True
    if th != "general" and _label_carried(ev, picked, th) and label(ev.lang, th) not in names:
        return label(ev.lang, th), th, False
    return "", th, False


def _reading_order_runs(ev: Evidence, runs: list[list[int]]) -> list[list[int]]:
    by_head = {r[0]: r for r in runs}
    return [by_head[h] for h in _reading_order(ev, list(by_head))]


def _label_carried(ev: Evidence, runs: list[list[int]], theme: str) -> bool:
    """Most passages are about the broad theme: their opening sentence or most of their sentences carry it."""
    hits = sum(_theme_of(ev.units[r[0]]) == theme or _label(ev, r) == theme for r in runs)
    return hits * 2 > len(runs)


def _lower_first(ev: Evidence, text: str) -> str:
    """Lower-case a sentence's first word after an attribution, unless it is a name."""
    first = text.split(" ", 1)[0]
    if first.isupper() or not first[:1].isupper():
        return text
    low = first.lower()
    common = low in tx.STOPWORDS or low in tx.stopwords_for(ev.lang) or any(
        f" {low} " in f" {u.text.lower()} " and f" {first} " not in f" {u.text} " for u in ev.units[:200]
    )
    return low + text[len(first) :] if common else text


def _caption(u: Unit) -> bool:
    """A photo caption or a list line the page kept as text ("Ambulances at Russell Square, London
    after the July 7, 2005 bombings."): short, English, and without a verb to tell anything."""
    return u.lang == "en" and u.words <= CAPTION_WORDS and not VERB_CUE.search(u.text)


def _names_within(name: str, other: str) -> bool:
    """``name`` is said by ``other`` ("China" by "China's Commerce Ministry"), word for word."""
    return re.search(rf"(?<![\w'’]){re.escape(name)}(?:['’]s)?(?![\w'’])", other) is not None


def _mostly_quoted(u: Unit) -> bool:
    """Someone's own words make up half the sentence or more: a quotation, not a report that
    quotes a phrase ('an internet website "run by associates of Mahmoud Ahmadinejad" states …')."""
    q = u.quote
    return q is not None and q.direct and (q.end - q.start) * 2 >= len(u.text)


def lead_plan(
    ev: Evidence, pool: list[int], words: int, headline_item: str | None = None
) -> tuple[int | None, list[int]]:
    """(dek, lead units): the headline's own opening sentence where it is short and stands
    alone (else the most central short opening sentence), then one opening sentence per
    other item, most central and least redundant first, within ``words``, put in the order
    the events happened."""
    # a news sentence names the story's actors (names in three or more items), or one and a day or figure
    per_item: dict[str, set[str]] = defaultdict(set)
    for u in ev.units:
        if not u.background:
            per_item[u.item_id].update(u.entities)
    counts = Counter(e for names in per_item.values() for e in names)
    key = {e for e, n in counts.items() if n >= min(3, len(per_item))}

    def newsy(u: Unit) -> bool:
        """Names the actors, reports rather than quotes, and tells what happened (not what is to come)."""
        n = len(set(u.entities) & key)
        ahead = FORWARD.search(u.text)
        if u.quote is not None or (ahead and not PAST.search(u.text[: ahead.start()])):
            return False  # a plan reported before anything happened ("will meet"), or a quotation
        day = unit_day(u)
        if day is not None and u.published is not None and day > u.published.date():
            return False
        return n >= 2 or (n == 1 and bool(u.dates or u.quantities))

    def plain(u: Unit) -> bool:
        """A statement that stands on its own and says something: a name, figure or date; no question,
        no claim about no one in particular, no leaning opening."""
        return informative(u) and not (u.text.rstrip().endswith("?") or u.generic or u.dangling)

    ledes = [i for i in pool if ev.units[i].position <= 2 and not ev.units[i].duplicate]
    ledes = [i for i in ledes if newsy(ev.units[i])] or [i for i in ledes if plain(ev.units[i])] or ledes
    if len(ledes) < 3:  # few openings tell the news: any plain sentence, syndicated copies still aside
        ledes = [i for i in pool if plain(ev.units[i]) and not ev.units[i].duplicate] or list(pool)

    # a fact many items report in their opening lines comes first: score x echo across items
    def echo(i: int) -> float:
        others = {ev.units[j].item_id for j in ledes if ev.units[j].item_id != ev.units[i].item_id}
        near = {
            ev.units[j].item_id for j in ledes if ev.units[j].item_id in others and ev.similarity(i, j) >= 0.3
        }
        return ev.units[i].score * (1 + math.log1p(len(near)))

    # the dek: the most central short opening sentence that stands on its own
    short = [i for i in ledes if ev.units[i].words <= 40 and plain(ev.units[i])] or [
        i for i in ledes if ev.units[i].words <= 40
    ]
    # from a report of what happened while there is one: a feature's or a column's opening
    # ("Data centres have always used a lot of electricity.") does not say what the story is
    kinds = {i: ev.genre_rank(ev.units[i].item_id) for i in short}
    first = min(kinds.values(), default=0)
    dek = max((i for i in short if kinds[i] == first), key=lambda i: (ev.units[i].score, -i), default=None)
    # the headline's own report, told in its first sentence, says it best (as a wire lede
    # under its headline): headline and dek then tell one development, the latest chosen
    # (a wire lede reports speech, "Amazon said on Tuesday it would cut …", and may run long)
    opening = min(
        (u for u in ev.units if u.item_id == headline_item and not _caption(u)), key=lambda u: u.position, default=None
    )
    if (
        opening is not None
        and opening.position <= 2
        and opening.id in set(pool)
        and opening.words <= HEADLINE_LEDE_WORDS
        and plain(opening)
        and not _mostly_quoted(opening)
        and ev.genre_rank(opening.item_id) <= first
    ):
        dek = opening.id
    avoid = [dek] if dek is not None else []
    chosen: list[int] = []
    items = {ev.units[dek].item_id} if dek is not None else set()
    total = 0
    # what most items report (concept coverage, as in the summary lead), not said by the dek
    pool = [
        i for i in ledes
        if i != dek and not any(ev.similarity(i, a) >= 0.45 or ev.units[i].group == ev.units[a].group for a in avoid)
    ]  # fmt: skip

    # what happened is told from reports while there are some; columns and features have the sections
    reports = [i for i in pool if ev.genre_rank(ev.units[i].item_id) == 0]
    if len(reports) >= 2:
        pool = reports
    ranked = sorted(pool, key=lambda i: (-echo(i), i))
    for i in ranked:
        if any(ev.similarity(i, c) >= 0.45 for c in chosen):
            continue
        u = ev.units[i]
        if u.item_id in items or total + u.words > words or len(chosen) >= 5:
            continue
        chosen.append(i)
        items.add(u.item_id)
        total += u.words
    if len(chosen) < 2:  # a set of one or two items: what happened goes on in their next sentences
        for i in sorted(pool, key=lambda i: (ev.units[i].position, i)):
            u = ev.units[i]
            if len(chosen) >= 3 or i in chosen or total + u.words > words:
                continue
            if looks_ahead(u.text) or names_day_ahead(u):  # what is to come is what to watch
                continue
            if any(ev.similarity(i, c) >= 0.45 for c in chosen):
                continue
            chosen.append(i)
            total += u.words
    return dek, _reading_order(ev, chosen)


def plan_outline(
    ev: Evidence,
    max_words: int = 1400,
    per_section: int = 6,
    headline: str = "",
    lead_words: int = 150,
    headline_item: str | None = None,
) -> Outline:
    """Choose the sections and their evidence for one story."""
    latest = latest_report(ev)
    own = [u for u in ev.units if u.lang == ev.lang and u.score > 0]
    main = [u for u in own if not u.background]
    # a set without titles is headlined by its best sentence: that one is said already
    said = [u.id for u in ev.units if headline and u.text == headline]
    articles = [
        u.id
        for u in main
        if u.kind != "post" and not u.dangling and not u.caption and not stale(u, latest) and informative(u)
        and u.id not in said
    ]
    used: list[int] = list(said)
    sections: list[PlannedSection] = []
    headings: set[str] = {headline} if headline else set()
    verbs = verbish_words([u.text for u in own])
    words = 0

    def take(ids: list[int]) -> None:
        nonlocal words
        used.extend(ids)
        words += sum(ev.units[i].words for i in ids)

    # the dek is the headline's own opening sentence (else the best short report opening); the
    # lead section then tells what happened from the other items' openings, in the order it happened
    dek, lead = lead_plan(ev, articles, lead_words, headline_item)
    if dek is not None:
        used.append(dek)
    if lead:
        take(lead)
        h = (  # elsewhere the phrases found are weaker than the plain label ("Enedis", "Βαθμών της κλίμακας")
            heading_for([ev.units[i].text for i in lead], headings, label(ev.lang, "lead"), verbs)
            if ev.lang == "en"
            else label(ev.lang, "lead")
        )
        headings.add(h)
        sections.append(PlannedSection("lead", h, _paragraphs(ev, [Planned(i) for i in lead], 2)))

    quotes = [u for u in main if u.quote and u.quote.speaker and u.kind != "post" and u.id not in used]
    named = [
        u.id
        for u in quotes
        if u.quote.speaker.split()[-1] in u.text and not u.quote.pronoun and not u.dangling
    ]
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for i in mmr(ev, named, per_section * 2, lam=0.8, avoid=used):
        by_speaker[short_name(ev.units[i].quote.speaker)].append(i)
    picked: list[int] = []
    for rnd in range(3):  # one statement per speaker first, then seconds
        for ids in by_speaker.values():
            if rnd < len(ids) and len(picked) < per_section:
                picked.append(ids[rnd])
    if len(picked) >= 2:
        take(picked)
        speakers = list(dict.fromkeys(short_name(ev.units[i].quote.speaker) for i in picked))
        # "China's Commerce Ministry" already names China: one heading name, not two
        speakers = [s for s in speakers if not any(o != s and _names_within(s, o) for o in speakers)] or speakers
        who = (
            join_names(ev.lang, speakers)
            if len(speakers) <= 2
            else label(ev.lang, "and_others", a=speakers[0], b=speakers[1])
        )
        h = label(ev.lang, "said", who=who)
        headings.add(h)
        sections.append(PlannedSection("statements", h, _paragraphs(ev, [Planned(i) for i in picked], 2)))

    # archive items count only where they name what this story is about
    story_names = Counter(e for u in main for e in set(u.entities))
    key_names = {e for e, n in story_names.items() if n >= 2}
    bg = [u.id for u in own if u.background and len(set(u.entities) & key_names) >= 2 and informative(u)]
    year = latest.year if latest else None
    hist = [i for i in articles if historical(ev.units[i], year) and i not in used]
    back = mmr(ev, bg, 4, avoid=used) + mmr(ev, hist, 3, avoid=used)
    back = list(dict.fromkeys(back))
    if back:
        take(back)
        topic = heading_for([ev.units[i].text for i in back], headings, "", verbs) if ev.lang == "en" else ""
        h = label(ev.lang, "background_on", topic=topic) if len(topic.split()) >= 2 else label(ev.lang, "background")
        headings.add(h)
        sections.append(
            PlannedSection("background", h, _paragraphs(ev, [Planned(i) for i in _reading_order(ev, back)]))
        )

    reserved = {u.id for u in main if looks_ahead(u.text) or names_day_ahead(u) or u.kind == "post"}
    # what to watch: plans not yet overtaken, those naming a day still ahead ("hears arguments on
    # Nov. 5") first
    # (not a quotation whose speaker the sentence does not name: "There will be more earthquakes…")
    watchable = [i for i in articles if not (_mostly_quoted(ev.units[i]) and ev.units[i].quote.speaker is None)]
    ahead = [i for i in watchable if names_day_ahead(ev.units[i])]
    fresh_forward = [i for i in watchable if looks_ahead(ev.units[i].text) and i not in ahead]
    pool = [i for i in articles if i not in used and i not in reserved]
    for sec in theme_sections(ev, pool, used, headings, verbs, per_section, max_words * 0.8 - words, latest):
        take(sec.units())
        headings.add(sec.heading)
        sections.append(sec)

    # a post is quoted whole when short, else by its opening sentence: never a later line on its own
    quotes_of: dict[int, list[int]] = {}
    for item_id in dict.fromkeys(u.item_id for u in main if u.kind == "post"):
        run = post_quote(ev, item_id, latest)
        if run and run[0] in said:  # a set without titles opens on this post: the rest of it is quoted
            run = run[1:]
        if run:
            quotes_of[run[0]] = run
    # a story told only in posts (a desk that follows Mastodon or Bluesky accounts) is told by them:
    # its posts are what happened, more of them, in the order they were posted
    posts_only = bool(main) and all(u.kind == "post" for u in main)
    reacts = mmr(ev, list(quotes_of), 8 if posts_only else 4, lam=0.6, avoid=used)
    reacts += mmr(ev, [i for i in articles if _REACTION.search(ev.units[i].text)], 3, avoid=used + reacts)
    if reacts:
        blocks: list[list[Planned]] = []
        for i in _reading_order(ev, reacts):
            if i in quotes_of:
                take(quotes_of[i])
                blocks.append(_quoted_post(ev, quotes_of[i]))
            else:
                take([i])
                blocks.append([Planned(i)])
        paras: list[list[Planned]] = []
        for b in blocks:  # a quotation never spans paragraphs; two short ones may share one
            if not paras or len(paras[-1]) + len(b) > 4 or len(paras[-1]) >= 2 and len(b) > 1:
                paras.append([])
            paras[-1].extend(b)
        h = label(ev.lang, "lead" if posts_only else "reactions")
        headings.add(h)
        sections.append(PlannedSection("lead" if posts_only else "reactions", h, paras))

    disagreements = find_disagreements(ev)
    if disagreements:
        paras = []
        for d in disagreements:
            para: list[Planned] = []
            a, b = d.claims[0], d.claims[1]
            # a sentence that gives both figures says it best; then each side in its own words
            both = [u for u in a.units if u in b.units]
            if both:
                para.append(Planned(max(both, key=lambda u: u.score).id))
            for claim in d.claims:
                seen_sources: set[str] = set()
                seen_groups: set[int] = set()
                for u in sorted(claim.units, key=lambda u: -u.score):
                    if (
                        u in both
                        or u.outlet in seen_sources
                        or u.group in seen_groups
                        or len(seen_sources) >= 2
                    ):
                        continue
                    seen_sources.add(u.outlet)
                    seen_groups.add(u.group)
                    according = label(ev.lang, "according", source=u.source) if u.source else ""
                    para.append(Planned(u.id, prefix=according))
            paras.append(para)
        sections.append(PlannedSection("differ", label(ev.lang, "differ"), paras))

    timeline = build_timeline(ev, avoid=set(), used=set(used), posts=posts_only)
    if len(timeline) >= 2:
        sections.append(PlannedSection("timeline", label(ev.lang, "timeline"), [[Planned(e.unit.id)] for e in timeline]))
    else:
        timeline = []

    seen = used + [e.unit.id for e in timeline]  # not the timeline again
    watch = mmr(ev, ahead, 4, avoid=seen)
    watch += mmr(ev, fresh_forward, 4 - len(watch), avoid=seen + watch) if len(watch) < 4 else []
    if watch:
        take(watch)
        sections.append(
            PlannedSection(
                "watch", label(ev.lang, "watch"), _paragraphs(ev, [Planned(i) for i in _reading_order(ev, watch)])
            )
        )
    prune_restatements(ev, sections)
    follow_on(ev, sections, set(used) | ({dek} if dek is not None else set()), latest, max_words - words)
    return Outline(sections, dek, timeline, disagreements)
