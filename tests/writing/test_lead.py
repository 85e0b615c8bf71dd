"""The lead prefers what independent items report, within its word budget."""

from __future__ import annotations

from global24.models import Item
from global24.writing.evidence import build_evidence
from global24.writing.lead import concepts, lead_units


def _it(i: str, text: str, dup: str | None = None) -> Item:
    return Item(id=i, source_id=i, source_name=f"Outlet {i}", text=text, lang="en", duplicate_of=dup)


ITEMS = [
    _it(
        "a", "The central bank raised interest rates by half a point on Thursday. A local bakery won a prize."
    ),
    _it("b", "Officials said the central bank raised interest rates to curb inflation. Markets were calm."),
    _it("c", "Analysts noted the central bank raised interest rates for a third time this year."),
    _it("d", "A celebrated violinist gave an unexpected concert at the harbour market last night."),
]


def test_concepts_skip_stopword_pairs():
    assert ("of", "the") not in concepts("The head of the central bank spoke.")
    assert ("central", "bank") in concepts("The head of the central bank spoke.")


def test_lead_starts_with_what_several_items_report():
    ev = build_evidence(ITEMS)
    lead = lead_units(ev, 40)
    assert "central bank raised interest rates" in ev.units[lead[0]].text
    assert sum(ev.units[i].words for i in lead) <= 40
    assert not any("violinist" in ev.units[i].text for i in lead[:2])


def test_syndicated_copies_do_not_add_weight():
    copies = [
        _it(f"w{k}", "A celebrated violinist gave an unexpected concert at the harbour market.", dup="d")
        for k in range(5)
    ]
    ev = build_evidence(ITEMS + copies)
    assert "central bank" in ev.units[lead_units(ev, 20)[0]].text


def test_a_report_quoting_a_phrase_is_not_a_quotation():
    from global24.writing.outline import _mostly_quoted

    report = (
        'The Australian has reported that a website "run by associates of the president" says the 15 sailors '
        "could face charges of espionage."
    )
    quotation = '"We had decided to release the lady in the group," said the council\'s secretary, Ali Larijani.'
    ev = build_evidence([Item(id="a", source_id="s", text=report), Item(id="b", source_id="t", text=quotation)])
    by_item = {u.item_id: u for u in ev.units}
    assert by_item["a"].quote is not None and not _mostly_quoted(by_item["a"])
    assert _mostly_quoted(by_item["b"])
