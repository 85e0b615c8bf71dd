"""Days named in a sentence: a day still ahead is a plan (what to watch), not an event."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from global24 import text as tx
from global24.writing.evidence import Unit
from global24.writing.timeline import day_ahead, unit_day


def _unit(text: str, published: datetime) -> Unit:
    return Unit(
        id=0, item_id="a", source="s", text=text, start=0, end=len(text), position=0,
        published=published, dates=tx.dates(text),
    )  # fmt: skip


MON, TUE, WED, THU, FRI = (datetime(2025, 10, d, 12, tzinfo=UTC) for d in (27, 28, 29, 30, 31))


@pytest.mark.parametrize(
    ("text", "published", "ahead"),
    [
        ("The series returns to Toronto for Game 6 on Friday.", THU, date(2025, 10, 31)),
        ("Landfall on Jamaica was expected on Tuesday.", MON, date(2025, 10, 28)),
        ("Officials are negotiating a declaration to be issued when the summit closes on Saturday.", FRI,
         date(2025, 11, 1)),
        ("The Supreme Court hears arguments on Nov. 5 over the tariffs.", TUE, date(2025, 11, 5)),
        # told in the past: the last such day, not the coming one
        ("The one exception, the September consumer price index published on Friday, showed 3.0%.", TUE, None),
        ("European governments condemned the killings in El Fasher, the city taken by the RSF on Sunday.", FRI,
         None),
        ("In the memo, released on Tuesday, he wrote that climate change will have serious consequences.", WED,
         None),
        ("Two federal judges ruled on Friday that the benefits must be paid.", FRI, None),
    ],
)  # fmt: skip
def test_a_day_ahead_is_a_plan_and_a_day_told_in_the_past_is_not(text, published, ahead):
    assert day_ahead(_unit(text, published)) == ahead


def test_the_side_clause_of_a_plan_does_not_make_it_past():
    u = _unit("Apple reports results for its fiscal fourth quarter, which ended in late September, on Thursday.", TUE)
    assert day_ahead(u) == date(2025, 10, 30) == unit_day(u)


def test_a_weekday_told_in_the_past_but_ahead_by_the_calendar_gets_no_day():
    # written on Friday about "Sunday" in the past tense: last Sunday or a misprint, no way to tell;
    # the nearest-day rule would date it two days after it was written
    u = _unit("European governments condemned the killings in El Fasher, the city taken by the RSF on Sunday.", FRI)
    assert unit_day(u) is None
    # an infinitive after the past verb looks ahead again
    plan = _unit("Managers were reportedly told to prepare for notifications to begin on Tuesday.", MON)
    assert day_ahead(plan) == date(2025, 10, 28)


def test_a_date_that_names_something_is_not_when_it_happened():
    won = _unit("The council declared Biya the winner of the Oct. 12 presidential election on Monday.", TUE)
    assert unit_day(won) == date(2025, 10, 27)
    assert unit_day(_unit("Biggest test of the Oct. 10 ceasefire so far.", TUE)) is None
    assert unit_day(_unit("The vote was held on Oct. 12 under heavy security.", TUE)) == date(2025, 10, 12)
    # a name may run on in capitals: the tsunami's day is not the day Oxfam published its figures
    oxfam = _unit("More women than men died in the December 26 Indian Ocean Tsunami, Oxfam figures show.", MON)
    assert unit_day(oxfam) is None


def test_the_edge_of_a_span_is_not_the_day_of_the_event():
    shut = _unit("Schools in Dar es Salaam are closed since Monday, the government said.", FRI)
    assert unit_day(shut) is None


def test_a_quoted_will_and_the_noun_will_do_not_move_a_day_ahead():
    # written on Thursday 5 April 2007: "Wednesday" is the day before, not the one after
    thu = datetime(2007, 4, 5, 12, tzinfo=UTC)
    quoted = _unit(
        "After the announcement on Wednesday, Blair told reporters that \"we will resolve this through dialogue.\"", thu
    )
    assert unit_day(quoted) == date(2007, 4, 4)
    noun = _unit("After the announcement on Wednesday, Blair said Britain bore Iran no ill will.", thu)
    assert unit_day(noun) == date(2007, 4, 4)
    # the sentence's own "will" still looks ahead
    assert unit_day(_unit("The crew will fly home on Wednesday.", thu)) == date(2007, 4, 11)


def test_a_plan_is_not_put_on_the_timeline_by_its_publication_day():
    from global24.models import Item
    from global24.writing.evidence import build_evidence
    from global24.writing.timeline import build_timeline

    texts = [
        (MON, "Finance ministers of the bloc met in Brussels and agreed the outline of a joint budget."),
        (TUE, "The joint budget is due to be signed by European Union finance ministers in the coming days."),
        (WED, "Lawmakers of the bloc approved the joint budget in a late vote, with 312 members in favour."),
    ]
    items = [Item(id=f"i{k}", source_id=f"s{k}", text=t, published_at=at) for k, (at, t) in enumerate(texts)]
    entries = build_timeline(build_evidence(items), avoid=set())
    said = [e.unit.text for e in entries]
    assert any("approved" in t for t in said) and any("agreed" in t for t in said)
    assert not any("due to be signed" in t for t in said)


def test_a_day_is_told_by_what_happened_not_by_what_was_due():
    from global24.models import Item
    from global24.writing.evidence import build_evidence
    from global24.writing.timeline import build_timeline

    texts = [
        (MON, "The President of France arrived in Tokyo on Monday for a three-day visit to Japan."),
        (TUE, "The President of France was due to visit Tokyo again on Tuesday for talks with the Prime Minister "
              "of Japan on the visit, Japan and France."),
        (TUE, "Two defence ministers signed a pact at a naval base on Tuesday, officials said."),
        (WED, "The President of France left Tokyo for Seoul on Wednesday after signing the defence pact."),
        (THU, "The President of France met the President of South Korea in Seoul on Thursday."),
    ]  # fmt: skip
    items = [Item(id=f"i{k}", source_id=f"s{k}", text=t, published_at=at) for k, (at, t) in enumerate(texts)]
    entries = build_timeline(build_evidence(items), avoid=set())
    tuesday = [e.unit.text for e in entries if e.day == date(2025, 10, 28)]
    assert tuesday and all("signed a pact" in t for t in tuesday), tuesday
