"""The headline, dek and lead tell what happened, from a report of it; plans overtaken are not news."""

from __future__ import annotations

from datetime import UTC, datetime

from global24 import text as tx
from global24.genre import REPORT, genre
from global24.models import Item
from global24.writing import write_article
from global24.writing.evidence import Unit, build_evidence, units_from_item
from global24.writing.headings import heading_for
from global24.writing.plans import stale
from tests.writing.conftest import corpus_story


def test_the_headline_is_a_report_not_the_explainer(wsettings):
    # the Irish election's most central title asks a question ("What kind of president will …?")
    items = corpus_story("ireland-presidential-election")
    a = write_article(None, items, wsettings)
    head = next(it for it in items if it.title == a.headline)
    assert genre(head) == REPORT
    assert "?" not in a.headline


def test_the_dek_is_the_headlines_own_opening(tokyo_article, tokyo_items):
    head = next(it for it in tokyo_items if it.title == tokyo_article.headline)
    # the wire lede under its own headline, not the welcome at the palace the day before
    assert head.text.split(" — ", 1)[-1].startswith(tokyo_article.dek)
    assert "signed" in tokyo_article.dek


def test_every_demo_dek_is_a_report_and_never_a_column(wsettings):
    for slug in ("amazon-layoffs", "fed-rate-cut-oct-2025", "sudan-el-fasher", "rio-police-raid"):
        items = corpus_story(slug)
        a = write_article(None, items, wsettings)
        source = next(it for it in items if a.dek and a.dek in it.text)
        assert genre(source) == REPORT, (slug, a.dek)


def test_a_dateline_cut_off_by_the_splitter_leaves_the_lede_first():
    it = Item(
        id="a", source_id="s", title="Apple posts record revenue",
        text="CUPERTINO, Calif. — Apple reported revenue of $102.5 billion on Thursday, up 8% from a year "
        "earlier. Services hit an all-time high.",
    )  # fmt: skip
    units = units_from_item(it, 0)
    assert units[0].text.startswith("Apple reported revenue")
    assert units[0].position == 0


def _unit(text: str, published: datetime) -> Unit:
    return Unit(
        id=0, item_id="a", source="s", text=text, start=0, end=len(text), position=0,
        published=published, dates=tx.dates(text),
    )  # fmt: skip


def test_a_forecast_told_on_a_named_day_is_not_an_overtaken_plan():
    thu = datetime(2025, 10, 30, 22, 0, tzinfo=UTC)
    fri = datetime(2025, 10, 31, 12, 0, tzinfo=UTC)
    said = _unit("Apple told investors on Thursday that it expects revenue to grow 10% to 12%.", thu)
    assert not stale(said, fri)
    # a plan for a day that has since come is overtaken; so is any plan two days on
    plan = _unit("Game 3 is scheduled for Monday at Dodger Stadium.", datetime(2025, 10, 26, 4, tzinfo=UTC))
    assert stale(plan, datetime(2025, 10, 28, 4, tzinfo=UTC))
    assert stale(said, datetime(2025, 11, 2, 12, tzinfo=UTC))


def test_a_plural_pronoun_after_a_named_subject_stands_alone():
    named = Item(
        id="p", source_id="s",
        text="Pakistan and Afghanistan have agreed to keep their ceasefire in place, Turkey said on Thursday. "
        "In Istanbul, they agreed to meet again on Nov. 6.",
    )  # fmt: skip
    ev = build_evidence([named])
    first, second = ev.units[0], ev.units[1]
    assert not first.dangling
    assert second.dangling


def test_a_superlative_is_not_a_heading():
    texts = [
        "Its cloud business showed the fastest growth in nearly three years on Thursday.",
        "Sales at the unit grew at the fastest pace since 2022, the company said.",
    ]
    assert heading_for(texts, set(), "What happened").lower() != "the fastest"
    rendezvous = [
        "The spacecraft docked with the station early on Saturday, the fastest rendezvous yet for a Chinese crew.",
        "It was the fastest rendezvous of any Chinese crewed mission so far, the agency said.",
    ]
    assert "fastest" not in heading_for(rendezvous, set(), "What happened").lower()


def test_a_schedule_whose_day_has_come_is_not_written_as_news(wsettings):
    sun = datetime(2025, 10, 26, 3, 20, tzinfo=UTC)
    plan = _unit("The series moves to Dodger Stadium for Game 3 on Monday.", sun)
    assert not stale(plan, datetime(2025, 10, 26, 20, tzinfo=UTC))  # Monday still ahead
    assert stale(plan, datetime(2025, 10, 28, 4, tzinfo=UTC))
    # the World Series ran past that Monday: neither a section nor the timeline repeats the schedule
    a = write_article(None, corpus_story("world-series-2025"), wsettings)
    said = [s.text for sec in a.sections for p in sec.paragraphs for s in p]
    assert said and not any("moves to Dodger Stadium" in t for t in said)
    assert not any("moves to Dodger Stadium" in e["text"] for e in a.timeline)


def test_a_timeline_day_is_told_by_a_report_before_a_column(wsettings):
    # on 29 October Melissa crossed Cuba (a report); an explainer looked back on the whole storm that day
    items = corpus_story("hurricane-melissa")
    a = write_article(None, items, wsettings)
    by_id = {it.id: it for it in items}
    days = {e["date"]: e for e in a.timeline}
    assert "2025-10-29" in days
    assert genre(by_id[days["2025-10-29"]["item_id"]]) == REPORT


def test_a_report_of_preparations_is_overtaken_once_the_news_has_moved_on(wsettings):
    mon = datetime(2025, 10, 27, 22, 30, tzinfo=UTC)
    early = _unit("Amazon is preparing to eliminate as many as 30,000 corporate jobs, a news report said.", mon)
    assert not stale(early, datetime(2025, 10, 28, 12, tzinfo=UTC))
    assert stale(early, datetime(2025, 10, 31, 20, tzinfo=UTC))
    # the article tells the announcement (14,000) and leaves the early report to the timeline
    a = write_article(None, corpus_story("amazon-layoffs"), wsettings)
    said = [s.text for sec in a.sections if sec.kind != "timeline" for p in sec.paragraphs for s in p]
    assert not any("30,000" in t for t in said)
    assert "14,000" in a.dek
    assert any("30,000" in e["text"] for e in a.timeline)


def test_a_section_does_not_give_the_same_figures_twice_in_two_outlets_words(wsettings):
    # Alphabet's capital spending range ($91 billion to $93 billion) was in one section twice
    a = write_article(None, corpus_story("alphabet-meta-earnings"), wsettings)
    for sec in a.sections:
        if sec.kind in ("timeline", "reactions", "differ"):
            continue
        said = [s.text for p in sec.paragraphs for s in p]
        assert sum("$91 billion" in t and "$93 billion" in t for t in said) <= 1, sec.heading
    body = " ".join(s.text for sec in a.sections for p in sec.paragraphs for s in p)
    assert "$91 billion" in body  # said once, in the fuller wording


def test_a_filing_date_before_a_title_is_not_part_of_the_headline():
    from global24.writing.headline import clean_title

    assert clean_title("2005/01/08 Tsunami aid donations in 2005 deductible for 2004") == (
        "Tsunami aid donations in 2005 deductible for 2004"
    )
    assert clean_title("2025-10-28: Fed cuts rates by a quarter point") == "Fed cuts rates by a quarter point"
    assert clean_title("2024 election results are in") == "2024 election results are in"  # a year is a word


def test_a_photo_caption_opening_the_headline_item_is_not_the_dek(wsettings):
    from global24.writing.outline import _caption

    def item(n: int, day: int, text: str, title: str | None = None) -> Item:
        when = datetime(2009, 7, day, 9, tzinfo=UTC)
        return Item(id=f"m{n}", source_id=f"s{n}", title=title, text=text, published_at=when, fetched_at=when)

    items = [
        item(1, 7, "Tuesday, July 7, 2009\nAmbulances at Russell Square, London after the July 7, 2005 bombings.\n"
                   "A permanent memorial to the 52 victims of the July 7, 2005 London bombings was unveiled in Hyde "
                   "Park on Tuesday by Prince Charles.\nThe memorial has 52 steel columns, one for each victim.",
             title="Memorial to the victims of the July 7 London bombings unveiled in Hyde Park"),
        item(2, 7, "Prince Charles unveiled a memorial in Hyde Park on Tuesday to the 52 people killed in the "
                   "London bombings of July 7, 2005. Families of the victims laid roses at the columns."),
        item(3, 6, "Families of the 52 people killed in the London bombings will gather in Hyde Park on Tuesday, "
                   "when a memorial of 52 steel columns is unveiled."),
    ]  # fmt: skip
    article = write_article(None, items, wsettings)
    assert article.headline.startswith("Memorial to the victims")
    assert article.dek.startswith("A permanent memorial"), article.dek
    units = {u.text: u for u in build_evidence(items).units}
    assert _caption(units["Ambulances at Russell Square, London after the July 7, 2005 bombings."])
    assert not _caption(units["Families of the victims laid roses at the columns."])
