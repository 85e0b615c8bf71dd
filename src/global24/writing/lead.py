"""The lead: the few sentences that cover what most sources report.

Concept coverage in the manner of Gillick and Favre (2009): a concept is a word
bigram (stemmed, not two stop words) and weighs the number of independent items
that contain it; bigrams reported by fewer than ``min_df`` items are ignored.
Sentences are taken greedily by new concept weight per word until the word
budget is spent, so the lead says what independent sources agree on, once.
"""

from __future__ import annotations

from collections import Counter

from global24 import text as tx
from global24.writing.evidence import Evidence, Unit
from global24.writing.plans import latest_report, stale

CENTRALITY = 0.15  # share of the evidence score in a sentence's value


def concepts(text: str, lang: str = "en") -> set[tuple[str, str]]:
    """Stemmed word bigrams of ``text``, leaving out pairs of stop words (character pairs
    in Chinese and Japanese)."""
    w = tx.lang_words(text, lang)
    stop = tx.stopwords_for(lang)
    return {(a, b) for a, b in zip(w, w[1:], strict=False) if not (a in stop and b in stop)}


def default_pool(ev: Evidence, words: int = 0) -> list[int]:
    """Sentences a lead may use: in the set's language, from its own articles, not fragments.

    When those hold fewer than ``words`` words (short sentences: Czech, Hebrew and Arabic say
    in six words what English says in eight), shorter ones of four words or more may fill it.
    """
    latest = latest_report(ev)
    # a plan later reports overtook ("Other events are planned around London for later in the day",
    # written a year before the set's newest article) is not news any more
    ok = [u for u in ev.units if u.lang == ev.lang and not u.background and u.score > 0 and not stale(u, latest)]
    ok = [u for u in ok if not u.caption]  # a photo caption or list line is not a report
    pool = [u.id for u in ok if u.kind != "post" and u.words >= 8 and not u.dangling]
    if pool and sum(ev.units[i].words for i in pool) < words:
        pool += [u.id for u in ok if u.kind != "post" and 4 <= u.words < 8 and not u.dangling]
    return pool or [u.id for u in ok]


def lead_units(
    ev: Evidence, words: int, pool: list[int] | None = None, centrality: float = CENTRALITY
) -> list[int]:
    """Units of a lead of at most ``words`` words, most informative first.

    ``centrality`` blends in the evidence score (closeness to the story's centre,
    position, independence), which keeps short asides from crowding out the news.
    """
    cand: list[Unit] = [ev.units[i] for i in (default_pool(ev, words) if pool is None else pool)]
    if not cand:
        return []
    con = {u.id: concepts(u.text, u.lang) for u in cand}
    # concept weights come from every sentence a lead could draw on, including those
    # kept out of it for reading reasons (a connective opening), so they stay stable
    per_item: dict[str, set] = {}
    base = [u for u in ev.units if u.lang == ev.lang and not u.background and u.score > 0 and u.kind != "post"]
    for u in base or cand:
        if not u.duplicate:  # a syndicated copy is not an independent report
            per_item.setdefault(u.item_id, set()).update(con.get(u.id) or concepts(u.text, u.lang))
    df: Counter = Counter()
    for s in per_item.values():
        df.update(s)
    min_df = 3 if len(per_item) >= 6 else 2
    weight = {c: n for c, n in df.items() if n >= min_df}
    chosen: list[int] = []
    covered: set = set()
    groups: set[int] = set()
    total = 0
    top = max(u.score for u in cand) or 1.0
    while True:
        best, best_val = None, 0.0
        for u in cand:
            if u.id in chosen or u.group in groups or total + u.words > words:
                continue
            gain = sum(weight.get(c, 0) for c in con[u.id] - covered)
            val = gain / u.words * (1 - centrality + centrality * u.score / top) + 1e-6 * u.score
            if val > best_val:
                best, best_val = u, val
        if best is None:
            break
        chosen.append(best.id)
        covered |= con[best.id]
        groups.add(best.group)
        total += best.words
    return chosen
