"""What is to come: plans, plans overtaken by later reports, and what to watch.

News runs ahead of itself. A report says talks "are planned for Tuesday", a series "moves to
Dodger Stadium for Game 3 on Monday", a company "is preparing to" cut jobs. Once later reports
exist, such a sentence is no longer news: written as it stands it would tell the reader of a day
that has passed. The outline asks here which sentences look ahead (to a day, or undated), which of
them the story has overtaken, and which speak of the past (background).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from global24.writing.evidence import Evidence, Unit
from global24.writing.timeline import WILL, day_ahead

HISTORY = re.compile(
    r"\b(since (?:19|20)\d\d|decades?|years ago|last (?:year|time)|previous(?:ly)?|"
    r"history|historic|the late|earlier this year|in the past)\b",
    re.IGNORECASE,
)
FORWARD = re.compile(
    rf"\b({WILL}|expects?|(?:is|are|was|were) expected to|plans? to|planned|(?:is|are|was|were) set to|"
    r"(?:is|are|was|were) due (?:to|at|in|on|for|back)|"
    r"scheduled|next (?:week|month|year)|upcoming|later this|in the coming|aims? to|intends? to|is to|are to|"
    r"(?:is|are|was|were) (?:preparing|poised|getting ready) to)\b",
    re.IGNORECASE,
)
PAST = re.compile(
    r"\b(?:[a-z]{3,}ed|said|was|were|met|left|cut|held|took|made|won|lost|fell|rose|struck|hit|began|came|"
    r"gave|kept|sent|shot|spoke|told|went|killed)\b"
)


def latest_report(ev: Evidence) -> datetime | None:
    """When the story's newest item was published: the "now" that overtakes plans."""
    times = [u.published for u in ev.units if u.published and not u.background]
    return max(times) if times else None


def stale(u: Unit, latest: datetime | None) -> bool:
    """A forward-looking sentence overtaken by later reports ("talks are planned for Tuesday")."""
    if latest is None or u.published is None:
        return False
    day = day_ahead(u)
    if day is not None:
        # a day still ahead when it was written ("Game 4 is on Tuesday night"): a plan, and
        # overtaken once the latest report is from that day or later
        return day <= latest.date()
    if not FORWARD.search(u.text):
        return False
    # undated, or the day named is the one it was said on ("told investors on Thursday that it
    # expects …"): overtaken once a day of later reporting has gone by
    return latest - u.published > timedelta(hours=24)


_ASIDE = re.compile(r",\s+(?:which|who|whose|where)\b[^,]*$")


def looks_ahead(text: str) -> bool:
    """Says what is to come in its own words, not in an aside about something else ("four mice,
    which scientists will use …", "Myanmar, which … plans to hold elections")."""
    return any(not _ASIDE.search(text[: m.start()]) for m in FORWARD.finditer(text))


def names_day_ahead(u: Unit) -> bool:
    """Looks ahead to a day later than the one it was written on: a plan or a date to come."""
    return day_ahead(u) is not None


def historical(u: Unit, year: int | None) -> bool:
    """Speaks of the past ("since 1993", "decades", a year before the story's): background."""
    if HISTORY.search(u.text):
        return True
    if year is None:
        return False
    years = [d.year for d in u.dates if d.year] + [int(q.values[0]) for q in u.quantities if q.kind == "year"]
    return any(y < year for y in years)
