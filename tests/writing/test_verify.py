"""The verifier: exact spans, figures, dates, names, lexical support and allowed attribution."""

from __future__ import annotations

from datetime import UTC, datetime

from global24.models import Article, Citation, Item, Section, Sentence
from global24.writing.verify import check_sentence, enforce, verify_article

TEXT = (
    "TOKYO (Meridian Wire) — President Donald Trump and Prime Minister Sanae Takaichi signed a framework on "
    "Tuesday to secure supplies of critical minerals and rare earths. Japan pledged $550 billion of investment "
    "in the United States under the July deal, with a 15 percent tariff on most Japanese goods."
)
ITEM = Item(
    id="it1",
    source_id="mw",
    source_name="Meridian Wire",
    author="Jane Roe",
    text=TEXT,
    published_at=datetime(2025, 10, 28, 3, tzinfo=UTC),
)
ITEMS = {ITEM.id: ITEM}


def cite(fragment: str, item: Item = ITEM) -> Citation:
    start = item.text.index(fragment)
    return Citation(item.id, fragment, start, start + len(fragment))


FIRST = TEXT[TEXT.index("President") : TEXT.index("earths.") + len("earths.")]
SECOND = TEXT[TEXT.index("Japan pledged") :]


def test_an_exact_span_passes():
    r = check_sentence(Sentence(FIRST, [cite(FIRST)]), ITEMS)
    assert r.ok and r.support == 1.0


def test_uncited_fails():
    r = check_sentence(Sentence(FIRST, []), ITEMS)
    assert not r.ok and r.check == "cited"


def test_wrong_offsets_or_unknown_item_fail():
    c = cite(FIRST)
    bad = Citation(c.item_id, c.quote, c.start + 1, c.end + 1)
    assert check_sentence(Sentence(FIRST, [bad]), ITEMS).check == "quote"
    assert check_sentence(Sentence(FIRST, [Citation("nope", FIRST, 0, 5)]), ITEMS).check == "quote"


def test_invented_figure_fails_and_a_restated_one_passes():
    r = check_sentence(
        Sentence("Japan pledged $650 billion of investment in the United States.", [cite(SECOND)]), ITEMS
    )
    assert not r.ok and r.check == "number" and "650" in r.reason
    ok = check_sentence(
        Sentence("Japan pledged $550 billion of investment in the United States.", [cite(SECOND)]), ITEMS
    )
    assert ok.ok


def test_invented_date_fails():
    r = check_sentence(
        Sentence("Trump and Takaichi signed a framework on critical minerals on Friday.", [cite(FIRST)]),
        ITEMS,
    )
    assert not r.ok and r.check == "date"


def test_invented_name_fails_but_a_shortened_name_passes():
    r = check_sentence(
        Sentence(
            "Trump and Shinzo Abe signed a framework on critical minerals and rare earths.", [cite(FIRST)]
        ),
        ITEMS,
    )
    assert not r.ok and r.check == "entity" and "Shinzo Abe" in r.reason
    ok = check_sentence(
        Sentence(
            "President Trump and Takaichi signed a framework on critical minerals and rare earths.",
            [cite(FIRST)],
        ),
        ITEMS,
    )
    assert ok.ok, ok.reason


def test_unsupported_claim_fails_support():
    r = check_sentence(
        Sentence(
            "The agreement collapsed amid angry protests and fierce criticism everywhere.", [cite(FIRST)]
        ),
        ITEMS,
    )
    assert not r.ok and r.check == "support"


def test_attribution_may_name_only_a_cited_outlet_or_author():
    body = SECOND[0].lower() + SECOND[1:]
    assert check_sentence(Sentence(f"According to Meridian Wire, {body}", [cite(SECOND)]), ITEMS).ok
    assert check_sentence(Sentence(f"Jane Roe posted: “{SECOND}”", [cite(SECOND)]), ITEMS).ok
    r = check_sentence(Sentence(f"According to Harbor Ledger, {body}", [cite(SECOND)]), ITEMS)
    assert not r.ok and r.check == "entity"


def test_enforce_drops_and_counts():
    good = Sentence(FIRST, [cite(FIRST)])
    bad = Sentence("Japan pledged $9 trillion to the United States.", [cite(SECOND)])
    sections, report = enforce([Section("A", "lead", [[good, bad]]), Section("B", "theme", [[bad]])], ITEMS)
    assert [s.heading for s in sections] == ["A"]
    assert report["sentences"] == 3 and report["verified"] == 1 and report["dropped"] == 2
    assert {r["check"] for r in report["reasons"]} == {"number"}
    art = Article(story_id="s", sections=sections)
    assert verify_article(art, [ITEM])["unsupported"] == 0
