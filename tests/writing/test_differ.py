"""Where sources differ: disputes between bodies, not updates over time or other places."""

from __future__ import annotations

from datetime import UTC, datetime

from global24.models import Item
from global24.writing.differ import find_disagreements
from global24.writing.evidence import build_evidence


def _item(i: str, source: str, when: str, text: str) -> Item:
    return Item(
        id=i,
        source_id=source,
        source_name=source,
        text=text,
        lang="en",
        published_at=datetime.fromisoformat(when).replace(tzinfo=UTC),
    )


TUESDAY = _item(
    "a",
    "Wire One",
    "2025-10-28T18:00:00",
    "At least 64 people were killed in the raid on Tuesday, the state government said.",
)
THURSDAY = _item(
    "b",
    "Daily Two",
    "2025-10-30T09:00:00",
    "The state government said on Thursday that 121 people were killed in the raid.",
)
DEFENDER = _item(
    "c",
    "Post Three",
    "2025-10-30T12:00:00",
    "The public defender's office still counts 132 dead after the raid, a higher figure.",
)


def test_a_rising_toll_from_one_body_is_an_update():
    assert find_disagreements(build_evidence([TUESDAY, THURSDAY])) == []


def test_two_bodies_counting_differently_the_same_day_disagree():
    ds = find_disagreements(build_evidence([TUESDAY, THURSDAY, DEFENDER]))
    assert len(ds) == 1
    d = ds[0]
    assert d.key == "deaths"
    assert [c.value for c in d.claims] == [121.0, 132.0]
    assert d.claims[0].sources == ["Daily Two"] and d.claims[1].sources == ["Post Three"]


def test_figures_for_different_places_do_not_disagree():
    jam = _item(
        "j",
        "Ledger",
        "2025-10-29T10:00:00",
        "Jamaica's information minister said at least 19 deaths had been confirmed, a figure still rising.",
    )
    hai = _item(
        "h",
        "Atlas",
        "2025-10-29T12:00:00",
        "The mayor of Petit-Goâve in Haiti said 25 people died when a river burst its banks.",
    )
    assert find_disagreements(build_evidence([jam, hai])) == []


def test_two_figures_in_one_sentence_are_two_quantities():
    one = _item(
        "x",
        "Notes",
        "2025-10-31T15:00:00",
        "The civil police secretary says 99 of the 121 dead have been identified, while the count continues.",
    )
    assert find_disagreements(build_evidence([one])) == []


def test_unit_conversions_are_not_disputes():
    a = _item(
        "m",
        "Wire",
        "2025-10-28T12:00:00",
        "Melissa made landfall with winds of about 185 mph (295 km/h), forecasters at the centre said.",
    )
    b = _item(
        "n",
        "Review",
        "2025-10-28T13:00:00",
        "The government still reported winds of 185 mph at landfall, officials said.",
    )
    assert find_disagreements(build_evidence([a, b])) == []
