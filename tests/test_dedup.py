from datetime import UTC, datetime, timedelta

from global24.dedup import Deduplicator
from global24.models import Item
from global24.normalize import normalize_item

WIRE = (
    "Japanese Prime Minister Sanae Takaichi and U.S. President Donald Trump signed a framework on critical "
    "minerals and rare earths at Akasaka Palace in Tokyo on Tuesday, pledging to secure supply chains. "
    "The two leaders also signed a document on carrying out the trade agreement reached in July, officials "
    "said, and Trump praised the new prime minister as he began the Japan leg of his Asia tour."
)


def _it(i, text, title="Trump and Takaichi sign minerals pact", when=None):
    return normalize_item(
        Item(
            id=f"i{i}",
            source_id=f"s{i}",
            title=title,
            text=text,
            published_at=when or datetime(2025, 10, 28, 3, i, tzinfo=UTC),
        )
    )


def test_syndicated_copy_is_a_near_duplicate_of_the_wire():
    d = Deduplicator()
    wire = d.check(_it(1, "TOKYO (Meridian Wire) - " + WIRE))
    copy = d.check(
        _it(2, "TOKYO — " + WIRE.replace("Tuesday", "Tuesday morning"), title="Minerals deal signed")
    )
    other = d.check(
        _it(
            3,
            "Hurricane Melissa made landfall in Jamaica as a category 5 storm with winds of "
            "185 mph, the strongest to hit the island in records going back to the 1850s, "
            "forecasters said, as residents sheltered from flooding and landslides.",
        )
    )
    assert wire.duplicate_of is None
    assert copy.duplicate_of == "i1"
    assert other.duplicate_of is None


def test_exact_duplicates_point_to_the_first_copy_even_for_short_posts():
    d = Deduplicator()
    first = d.check(_it(1, "Breaking: Air Force One has landed in Tokyo.", title=None))
    out = [d.check(_it(i, "Breaking: Air Force One has landed in Tokyo.", title=None)) for i in range(2, 50)]
    assert first.duplicate_of is None
    assert {o.duplicate_of for o in out} == {"i1"}


def test_rechecking_the_same_item_is_not_a_duplicate_of_itself():
    d = Deduplicator()
    a = d.check(_it(1, WIRE))
    b = d.check(_it(1, WIRE))
    assert a.duplicate_of is None and b.duplicate_of is None


def test_store_lookup_finds_old_exact_copies_and_expiry_forgets():
    seen = {}
    d = Deduplicator(find_by_hash=seen.get, window=timedelta(hours=1))
    a = d.check(_it(1, WIRE))
    seen[a.content_hash] = a
    assert d.expire(datetime(2025, 10, 29, tzinfo=UTC)) == 1 and len(d) == 0
    b = d.check(_it(2, WIRE))
    assert b.duplicate_of == "i1"
