"""Last passes over an outline's planned sections, once every section is chosen.

Sections are chosen one at a time, each from what the others left. Two things only show once
they all stand: a sentence that leans on the one before it in its item ("Among those present
was …") can come back where that sentence is written, and two outlets' wordings of the same
figures can end up side by side in one section.
"""

from __future__ import annotations

from datetime import datetime

from global24.writing.evidence import Evidence, informative, restates
from global24.writing.headings import heading_supported
from global24.writing.labels import LABELS, label
from global24.writing.planned import Planned, PlannedSection
from global24.writing.plans import stale


def prune_restatements(ev: Evidence, sections: list[PlannedSection]) -> None:
    """In a section of three sentences or more, one outlet's figures said again by another go,
    one at a time, while two sentences remain and the section's heading still holds."""
    for sec in sections:
        if sec.kind not in ("lead", "background") and not sec.kind.startswith("theme:"):
            continue
        ids = sec.units()
        pos = {(ev.units[i].item_id, ev.units[i].position): i for i in ids}
        for a in sorted(ids, key=lambda i: (ev.units[i].words, ev.units[i].score)):
            kept = sec.units()
            if a not in kept or not any(b != a and restates(ev.units[a], ev.units[b]) for b in kept):
                continue
            drop = {a}  # and what leans on it ("The larger questions moved west …") goes with it
            nxt = pos.get((ev.units[a].item_id, ev.units[a].position + 1))
            while nxt is not None and ev.units[nxt].dangling:
                drop.add(nxt)
                nxt = pos.get((ev.units[nxt].item_id, ev.units[nxt].position + 1))
            paras = [[p for p in para if p.unit not in drop] for para in sec.paragraphs]
            paras = [para for para in paras if para]
            if sum(len(para) for para in paras) >= 2 and _heading_holds(ev, sec, paras):
                sec.paragraphs = paras


def _heading_holds(ev: Evidence, sec: PlannedSection, paras: list) -> bool:
    """A theme's own heading must still be what most of its passages are about."""
    theme = sec.kind.split(":", 1)[1] if sec.kind.startswith("theme:") else ""
    if not theme or (theme in LABELS["en"] and sec.heading == label(ev.lang, theme)):
        return True  # a broad theme ("Economy", "Économie") was already found to be what most carry
    passages: list[list[str]] = []
    for para in paras:
        for p in para:
            u = ev.units[p.unit]
            if not passages or not u.dangling:
                passages.append([])
            passages[-1].append(u.text)
    return sum(heading_supported(sec.heading, run) for run in passages) * 2 > len(passages)


def follow_on(
    ev: Evidence, sections: list[PlannedSection], used: set[int], latest: datetime | None, budget: int
) -> None:
    """Bring back a dangling sentence ("Among those present was …") right after the
    sentence it follows in its own item, where that sentence is already written: one
    per paragraph, never a follower's follower, within ``budget`` words."""
    nxt = {(u.item_id, u.position): u for u in ev.units}
    groups = {ev.units[i].group for i in used}
    for sec in sections:
        if sec.kind not in ("lead", "background") and not sec.kind.startswith("theme:"):
            continue
        for para in sec.paragraphs:
            for k, planned in enumerate(para):
                u = ev.units[planned.unit]
                f = nxt.get((u.item_id, u.position + 1))
                if (
                    f is not None
                    and f.words <= budget
                    and f.dangling
                    and f.id not in used
                    and f.group not in groups
                    and f.score > 0
                    and informative(f)
                    and not stale(f, latest)
                    and not (k + 1 < len(para) and para[k + 1].unit == f.id)
                ):
                    para.insert(k + 1, Planned(f.id))
                    used.add(f.id)
                    groups.add(f.group)
                    budget -= f.words
                    break
