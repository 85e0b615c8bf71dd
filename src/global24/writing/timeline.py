"""A dated timeline from the evidence: sentences that name a day, placed on that day.

Dates written in a sentence ("on Oct. 28", "on Monday") are resolved against the
item's publication time. When the text names too few days, the items' own
publication times fill in ("reported" entries), which is metadata, not a claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from global24 import text as tx
from global24.writing.evidence import Evidence, Unit, informative

# "will" as a verb, not the noun ("no ill will", "the will of the people")
WILL = r"(?<!ill )(?<!good )(?<!free )(?<!the )(?<!political )(?<!own )will(?!\s+of\b)"
_FUTURE = re.compile(
    rf"\b({WILL}|is expected to|are expected to|plans? to|is set to|are set to|is due to|scheduled|upcoming|next)\b",
    re.IGNORECASE,
)


_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»|„[^“”]*[“”]')


def _own_words(text: str) -> str:
    """The sentence with what it quotes blanked out (same length): a speaker's "will" in quotation
    marks is not the tense the sentence tells its own day in."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def _stands_alone(u: Unit) -> bool:
    return informative(u) and not (u.text.rstrip().endswith("?") or u.dangling or u.generic)


@dataclass
class Entry:
    day: date
    unit: Unit
    basis: str  # "text" (the sentence names the day) or "published" (the item's date)


def unit_day(u: Unit) -> date | None:
    """The first calendar day the unit names, resolved against its publication time."""
    found = _first_day(u)
    return found[1] if found else None


def _first_day(u: Unit) -> tuple[tx.DateMention, date] | None:
    if u.published is None:
        return None
    future = bool(_FUTURE.search(_own_words(u.text)))
    mentions = u.dates
    for k, d in enumerate(mentions):
        if d.day is None and d.weekday is None:
            continue
        if _ATTRIBUTIVE_BEFORE.search(u.text[: d.start]) and _ATTRIBUTIVE_AFTER.match(u.text[d.end :]):
            continue  # "since the Oct. 10 ceasefire", "the Oct. 12 election": a name for something, not when
        if _SPAN_EDGE.search(u.text[: d.start]):
            continue  # "had fled since Sunday", "by Monday": the edge of a span, not the day of the event
        after = mentions[k + 1] if k + 1 < len(mentions) else None
        if d.weekday is not None and after is not None and after.day is not None and after.start - d.end <= 3:
            continue  # "Monday, 27 October": the date says which Monday
        resolved = tx.resolve_date(d, u.published, future=future)
        if (
            resolved is not None
            and d.day is None
            and not future
            and resolved > u.published.date()
            and _told_as_past(u.text, d.start)
        ):
            # told in the past, yet the nearest such day is still ahead ("the city taken by the RSF
            # on Sunday", written on Friday): which week it was cannot be told, so no day is given
            continue
        if resolved is not None:
            return d, resolved
    return None


# a schedule rather than a claim about the future ("is due to be sworn in", not "projects … will double")
_SCHEDULED = re.compile(r"\b(?:is|are|was|were) (?:due|set|scheduled|expected) to\b|\bscheduled\b|\bin the coming days\b")
_ATTRIBUTIVE_BEFORE = re.compile(r"\b(?:the|its|their|his|her)\s+$", re.IGNORECASE)
_SPAN_EDGE = re.compile(r"\b(?:since|until|till|before|by)\s+(?:late\s+|early\s+)?$", re.IGNORECASE)
_ATTRIBUTIVE_AFTER = re.compile(r"\s+[A-Za-z][a-z\-]+")  # "the Oct. 12 election", "the December 26 Indian Ocean tsunami"
# the verb just before a weekday tells a past day ("the index published on Friday", "the city
# taken by the RSF on Sunday") from one to come ("the series moves to Toronto on Friday")
_PARTICIPLES = {
    "said", "told", "held", "made", "met", "left", "won", "lost", "fell", "rose", "struck", "hit", "began",
    "came", "gave", "kept", "sent", "spoke", "went", "took", "taken", "given", "seen", "begun", "written",
    "shot", "fled", "sold", "bought", "beat", "ran", "broke", "broken", "brought", "caught", "chose", "chosen",
    "drew", "drawn", "found", "led", "paid", "put", "shut", "stood", "wrote",
}  # fmt: skip
_AUX = {"is", "are", "be", "been", "being", "am", "will", "to", "'s", "'re"}
_PLANNED = {"expected", "scheduled", "due", "set", "planned", "slated", "poised"}


def _told_as_past(text: str, start: int) -> bool:
    clause = re.split(r"[,;:—–(]", text[:start])[-1]
    words = re.findall(r"[A-Za-z'’]+", clause)[-8:]
    past = False
    for k, w in enumerate(words):
        low = w.lower()
        if low in _PLANNED:
            return False  # "was expected on Tuesday": the day still looked ahead to
        if low in ("to", "will"):
            past = False  # "told to prepare for notifications to begin on Tuesday": the day is the plan's
        elif ((low.endswith("ed") and len(low) > 4) or low in _PARTICIPLES) and not (
            k and words[k - 1].lower() in _AUX
        ):
            past = True
    return past


def day_ahead(u: Unit) -> date | None:
    """The day a sentence looks ahead to: one later than the day it was written on (a weekday
    told in the past is not read as a day ahead)."""
    return _ahead(u, _first_day(u))


def _ahead(u: Unit, found: tuple[tx.DateMention, date] | None) -> date | None:
    if found is None or u.published is None:
        return None
    mention, day = found
    if day <= u.published.date():
        return None
    if mention.day is None and (day - u.published.date()).days > 3:
        return None  # a weekday the "next such day" rule pushed a week out ("on Tuesday", said on Wednesday)
    return day


def build_timeline(
    ev: Evidence,
    avoid: set[int],
    max_entries: int = 8,
    used: set[int] | frozenset[int] = frozenset(),
    posts: bool = False,
) -> list[Entry]:
    """Up to ``max_entries`` dated entries, one or two per day, in date order.

    ``used``: units the article already says elsewhere; a day's entry is another
    sentence when the day has one, so the timeline does not read the lead again.
    ``posts``: a story told only in posts may also fall back on when its posts were posted.
    """
    by_day: dict[date, list[Entry]] = {}
    for u in ev.units:
        if u.background or u.duplicate or u.lang != ev.lang or u.id in avoid or not informative(u):
            continue
        found = _first_day(u)
        d = found[1] if found else None
        # a sentence looking ahead from a past date is about something else ("will host … after
        # parliament elected her on 21 October"): its date belongs to a side clause
        if d is not None and u.published and d < u.published.date() and _FUTURE.search(_own_words(u.text)):
            continue
        # and one looking ahead to a later day than it was written on is a plan, not yet an event
        # ("The series moves to Dodger Stadium for Game 3 on Monday", written on Sunday)
        if _ahead(u, found) is not None:
            continue
        if d is not None:
            by_day.setdefault(d, []).append(Entry(d, u, "text"))
    if len(by_day) < 3:
        # fall back on when the items were published: each item's best unit on its day
        best: dict[str, Unit] = {}
        for u in ev.units:
            if u.background or u.duplicate or u.published is None or u.id in avoid or (u.kind == "post" and not posts):
                continue
            if u.id in used:  # the lead's own sentences again, only under a date, would add nothing
                continue
            if u.lang == ev.lang and not _stands_alone(u):
                continue  # a question, a truism or a sentence leaning on the one before is no entry
            if u.lang == ev.lang and (_SCHEDULED.search(u.text) or day_ahead(u) is not None):
                continue  # "Biya is due to be sworn in …", "runs from Nov. 10": a plan, not that day's news
            if u.lang == ev.lang and (u.item_id not in best or u.score > best[u.item_id].score):
                best[u.item_id] = u
            elif u.lang != ev.lang and u.item_id not in best:
                best[u.item_id] = u  # its first sentence, kept as written
        for u in best.values():
            d = u.published.date()
            if all(e.unit.group != u.group for e in by_day.get(d, [])):
                by_day.setdefault(d, []).append(Entry(d, u, "published"))
    entries: list[Entry] = []
    used_groups: set[int] = set()
    per_day = 1 if len(by_day) >= 4 else 2
    for d in sorted(by_day):
        # a day's entry is what a report said happened, before a column's reading of it
        ranked = sorted(
            by_day[d],
            key=lambda e: (
                e.basis != "text",
                ev.genre_rank(e.unit.item_id),
                bool(_SCHEDULED.search(e.unit.text)),  # what happened that day before what was due
                e.unit.id in used,
                -e.unit.score,
            ),
        )
        n = 0
        for e in ranked:
            if e.unit.group in used_groups or n >= per_day or e.unit.dangling:
                continue
            entries.append(e)
            used_groups.add(e.unit.group)
            n += 1
    if len(entries) > max_entries:
        keep = sorted(entries, key=lambda e: (e.basis != "text", -e.unit.score))[:max_entries]
        entries = [e for e in entries if e in keep]
    return entries
