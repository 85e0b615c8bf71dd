"""The outline: sections only with evidence, headings from the section's own phrases, stale plans left out."""

from __future__ import annotations

from datetime import UTC, datetime

from global24.models import Item
from global24.writing.evidence import build_evidence
from global24.writing.outline import heading_for, plan_outline, short_name
from global24.writing.plans import stale


def test_thematic_headings_come_from_their_sections(tokyo_items):
    ev = build_evidence(tokyo_items)
    outline = plan_outline(ev)
    themes = [s for s in outline.sections if s.kind.startswith("theme:")]
    assert len(themes) >= 2
    own = 0
    for sec in themes:
        label = "Other Developments" if sec.kind == "theme:general" else sec.kind.split(":")[1].capitalize()
        if sec.heading == label:
            continue  # no phrase carried by two of its sentences: the plain label
        own += 1
        text = " ".join(ev.units[i].text for i in sec.units()).lower()
        words = [w for w in sec.heading.lower().replace(" and ", " ").split() if len(w) > 3]
        assert words and all(w in text for w in words), sec.heading
    assert own >= 1
    assert len({s.heading for s in outline.sections}) == len(outline.sections)


def test_every_section_has_evidence_and_no_unit_repeats_outside_the_timeline(tokyo_items):
    ev = build_evidence(tokyo_items)
    outline = plan_outline(ev)
    seen: set[int] = set()
    for sec in outline.sections:
        assert sec.units(), sec.heading
        if sec.kind in ("timeline", "differ"):
            continue
        assert not seen & set(sec.units()), sec.heading
        seen |= set(sec.units())
    assert outline.dek is not None and outline.dek not in seen


def test_heading_skips_clauses_and_name_fragments():
    texts = [
        "Prime Minister Sanae Takaichi said the critical minerals framework secures rare earths supplies.",
        "The critical minerals framework was signed at Akasaka Palace, officials said.",
    ]
    h = heading_for(texts, set(), "Fallback")
    assert "Minister Sanae" not in h.replace("Prime Minister Sanae Takaichi", "")
    assert "Said" not in h and h != "Fallback"


def test_a_team_and_its_verb_are_no_heading():
    # "Toronto Blue Jays Beat" headed the World Series article: "beat" is a past tense
    texts = [
        "Vladimir Guerrero Jr. homered as the Toronto Blue Jays beat the Los Angeles Dodgers 6-2 in Game 4.",
        "Trey Yesavage struck out 12 and the Toronto Blue Jays beat the Los Angeles Dodgers 6-1 in Game 5.",
    ]
    assert not heading_for(texts, set(), "Fallback").lower().endswith("beat")


def test_a_heading_does_not_cross_into_a_clause_nor_end_on_an_initial():
    # "Rodents China" headed the Shenzhou lead; "The Carrier USS Gerald R" a Venezuela background
    mice = [
        "Among the passengers are four mice, the first rodents China has sent to its station.",
        "The rodents China launched will be studied for how weightlessness affects mammals.",
    ]
    assert heading_for(mice, set(), "Fallback") != "Rodents China"
    ford = [
        "The Pentagon ordered the carrier USS Gerald R. Ford to the Caribbean on Friday.",
        "The carrier USS Gerald R. Ford is the largest warship in the world.",
    ]
    assert not heading_for(ford, set(), "Fallback").endswith(" R")
    # a name joined by "of the" is still one name
    dail = [
        "A former mayor of Galway, Connolly served as the deputy speaker of the Dáil from 2020.",
        "As deputy speaker of the Dáil she chaired its debates for five years.",
    ]
    assert heading_for(dail, set(), "Fallback").endswith("of the Dáil")


def test_heading_is_a_phrase_several_sentences_carry_not_an_aside_or_a_relative():
    texts = [
        "Among those present was Takuya Yokota, whose sister Megumi was taken at the age of 13.",
        "The families of the abductees met the president for 30 minutes.",
        "The families of the abductees asked him to raise the issue with Kim Jong Un.",
        "He left with warm words for the prime minister.",
    ]
    h = heading_for(texts, set(), "Society")
    assert h == "The Families of the Abductees" or h == "The Families", h
    assert heading_for(texts[:1] + texts[3:], set(), "Society") == "Society"


def test_heading_leaves_out_people_titles_and_adjectives():
    texts = [
        "Mr. Trump spoke to Japanese sailors at Yokosuka on Tuesday.",
        "Japanese reports said Mr. Trump praised the prime minister at Yokosuka.",
    ]
    h = heading_for(texts, set(), "Security")
    assert h == "At Yokosuka", h


def test_short_names():
    assert short_name("Prime Minister Sanae Takaichi") == "Takaichi"
    assert short_name("Mr. Trump") == "Trump"
    assert short_name("White House") == "White House"
    assert short_name("US National Hurricane Center") == "US National Hurricane Center"


def test_plans_overtaken_by_later_reports_are_stale():
    ev = build_evidence(
        [
            Item(
                id="a",
                source_id="a",
                lang="en",
                published_at=datetime(2025, 10, 27, 9, tzinfo=UTC),
                text="Talks with the prime minister are planned for Tuesday at Akasaka Palace in Tokyo.",
            ),
            Item(
                id="b",
                source_id="b",
                lang="en",
                published_at=datetime(2025, 10, 29, 9, tzinfo=UTC),
                text="The president is due to meet President Lee Jae-myung in Gyeongju on Thursday.",
            ),
        ]
    )
    latest = datetime(2025, 10, 29, 9, tzinfo=UTC)
    by_item = {u.item_id: u for u in ev.units}
    assert stale(by_item["a"], latest)
    assert not stale(by_item["b"], latest)


def _dated(n: int, day: int, text: str) -> Item:
    """An item of its own source, published at 09:00 on ``day`` October 2025."""
    when = datetime(2025, 10, day, 9, 0, tzinfo=UTC)
    return Item(id=f"t{n}", source_id=f"s{n}", text=text, published_at=when, fetched_at=when)


def test_timeline_fallback_skips_questions_and_sentences_that_say_nothing():
    from global24.writing.timeline import build_timeline

    items = [
        _dated(1, 27, "Why is everyone suddenly talking about data centres and electricity? It is complicated."),
        _dated(2, 28, "The International Energy Agency projects that data-centre demand for power will double by 2030."),
        _dated(3, 29, "Utilities in Virginia and Texas filed plans for 40 gigawatts of new generation for data centres."),
        _dated(4, 30, "Ireland's statistics office said data centres used 22% of the country's metered electricity."),
    ]
    entries = build_timeline(build_evidence(items), avoid=set())
    texts = [e.unit.text for e in entries]
    assert len(texts) == 3 and not any(t.endswith("?") for t in texts), texts


def test_a_visit_announced_as_due_is_stale_once_it_happened():
    reported = datetime(2025, 10, 27, 9, 0, tzinfo=UTC)
    latest = datetime(2025, 10, 29, 9, 0, tzinfo=UTC)
    ev = build_evidence(
        [
            Item(
                id="d1",
                source_id="s",
                text="On Tuesday he is due at Akasaka Palace, the State Guest House, for talks with Ms. Takaichi.",
                published_at=reported,
                fetched_at=reported,
            )
        ]
    )
    assert stale(ev.units[0], latest)


def test_a_weekday_with_its_date_is_read_by_the_date():
    from global24.writing.timeline import unit_day

    # "Monday, 27 October" is 27 October, not the Monday after publication: in a preview from the
    # day before, and in the same text carried a month later (then the plan is long overtaken)
    text = "He is due in Tokyo on Monday, 27 October, when he is expected to call on the Emperor."
    cases = [
        (datetime(2025, 10, 26, 1, tzinfo=UTC), datetime(2025, 10, 26, 12, tzinfo=UTC), False),
        (datetime(2025, 11, 24, 5, tzinfo=UTC), datetime(2025, 11, 25, 9, tzinfo=UTC), True),
    ]
    for published, latest, overtaken in cases:
        ev = build_evidence([Item(id="p", source_id="s", text=text, published_at=published, fetched_at=published)])
        assert unit_day(ev.units[0]) == datetime(2025, 10, 27).date()
        assert stale(ev.units[0], latest) is overtaken


def test_a_plan_for_a_later_day_is_watched_not_put_on_the_timeline(tokyo_items):
    from global24.writing.timeline import build_timeline

    items = [
        _dated(1, 27, "The emperor received the president at the palace on Monday for about 30 minutes."),
        _dated(2, 28, "Trump and Takaichi signed a minerals framework at Akasaka Palace on Tuesday afternoon."),
        _dated(3, 29, "The president is due to meet President Lee in Gyeongju on Thursday for trade talks."),
        _dated(4, 29, "The president left Tokyo on Wednesday morning for Busan after three days in Japan."),
    ]
    texts = [e.unit.text for e in build_timeline(build_evidence(items), avoid=set())]
    assert len(texts) == 3 and not any("is due to meet" in t for t in texts), texts
    # the demo's Tokyo visit: what to watch never repeats a timeline entry
    outline = plan_outline(build_evidence(tokyo_items))
    timeline = {u for s in outline.sections if s.kind == "timeline" for u in s.units()}
    watch = {u for s in outline.sections if s.kind == "watch" for u in s.units()}
    assert timeline and not timeline & watch


def test_what_to_watch_is_said_in_the_sentences_own_words_not_in_an_aside():
    from global24.writing.plans import looks_ahead

    assert looks_ahead("Biya is due to be sworn in before parliament in the coming days.")
    assert looks_ahead("Federal and state authorities have said they will coordinate more closely.")
    assert not looks_ahead("The spacecraft is carrying four mice, which scientists will use to study bone loss.")
    assert not looks_ahead("The crisis in Myanmar, which plans to hold elections in December, remained unresolved.")
    # an aside closed by a comma leaves the main clause to look ahead
    assert looks_ahead("The Fed, which cut rates on Wednesday, will meet again in December.")


def test_a_company_referred_to_is_not_a_topic():
    # Amazon's background once read "Background: The Company"
    texts = [
        "The company's previous largest cuts came in 2022 and 2023, when it eliminated about 27,000 roles "
        "after a hiring surge during the pandemic.",
        "Seattle, where Amazon built its headquarters campus, holds the company's largest concentration of "
        "office workers, and many of them had been through earlier rounds of cuts in 2022 and 2023.",
    ]
    used = {"Amazon to cut about 14,000 corporate jobs", "The Cuts"}
    assert heading_for(texts, used, "").lower() not in ("the company", "company")


def test_a_broad_theme_heading_in_another_language_is_not_taken_for_a_phrase():
    # the restatement pass keeps a section's heading true; a broad theme is true by construction,
    # in whatever language its label is written ("Économie", not only "Economy")
    from global24.writing.labels import label
    from global24.writing.planned import Planned, PlannedSection
    from global24.writing.polish import _heading_holds

    text = "Le fonds de 125 milliards de dollars doit payer les pays qui protègent leurs forêts tropicales."
    ev = build_evidence([Item(id="fr", source_id="s", lang="fr", text=text)])
    sec = PlannedSection("theme:economy", label("fr", "economy"), [[Planned(0)]])
    assert _heading_holds(ev, sec, sec.paragraphs)


def test_a_quotation_that_names_no_speaker_is_not_what_to_watch():
    items = [
        _dated(1, 28, "The earthquake off Sumatra lasted about ten minutes, seismologists at Penn State said on "
                      "Tuesday. Charles Ammon, a geoscientist, described the rupture. \"There will be more "
                      "earthquakes of magnitude 9, and with 2 billion people on coasts there will be more losses.\""),
        _dated(2, 27, "Relief agencies in Aceh said on Monday that the death toll from the earthquake had passed "
                      "100,000. The United Nations will hold a donors' conference in Geneva on Thursday."),
        _dated(3, 26, "Donors pledged $2 billion for Aceh and Sri Lanka on Sunday, the United Nations said. "
                      "Seismologists at Penn State said the earthquake ruptured 800 miles of seabed."),
    ]  # fmt: skip
    ev = build_evidence(items)
    outline = plan_outline(ev)
    watch = [ev.units[p.unit].text for s in outline.sections if s.kind == "watch" for para in s.paragraphs for p in para]
    assert any("donors' conference" in t for t in watch)
    assert not any(t.startswith('"There will be') for t in watch)


def test_a_story_told_only_in_posts_is_told_by_its_posts(wsettings):
    """A desk that follows only social accounts: the posts are what happened, quoted with their
    handles in the order they were posted (not four of them under "Reactions"), and the headline,
    a sentence of one of them, loses its full stop."""
    from global24.writing import write_article
    from tests.writing.conftest import corpus_story

    posts = [it for it in corpus_story("hurricane-melissa") if it.kind == "post"]
    assert len(posts) >= 6
    article = write_article(None, posts, wsettings)
    assert not article.headline.endswith(".")
    # the sentence made headline is said: not again in the body, full stop or not
    assert not any(article.headline in s.text for sec in article.sections for para in sec.paragraphs for s in para)
    lead = article.sections[0]
    assert lead.kind == "lead" and lead.heading == "What Happened"
    assert all(s.kind != "reactions" for s in article.sections)
    quoted = [s for para in lead.paragraphs for s in para if s.text.startswith(("Storm Track", "Market Pulse"))]
    assert len(quoted) >= 6  # one opening per post quoted, each with who posted it
    cited_order = [s.citations[0].item_id for s in quoted]
    when = {it.id: it.published_at for it in posts}
    assert [when[i] for i in cited_order] == sorted(when[i] for i in cited_order)


def test_a_single_report_still_says_what_happened(wsettings):
    from global24.writing import write_article

    text = (
        "The city council approved a $2.1 billion budget on Tuesday after a long debate. Mayor Jane Smith said "
        "the cuts were needed to close a deficit of $300 million. Opponents on the council said they would "
        "challenge the library closures in court next month."
    )
    item = _dated(1, 28, text)
    item.title = "Council approves $2.1 billion budget after long debate"
    article = write_article(None, [item], wsettings)
    assert article.dek.startswith("The city council approved")
    lead = next(s for s in article.sections if s.kind == "lead")
    assert [s.text for para in lead.paragraphs for s in para] == [
        "Mayor Jane Smith said the cuts were needed to close a deficit of $300 million."
    ]


def test_a_speaker_another_speaker_names_is_not_listed_twice():
    from global24.writing.outline import _names_within

    assert _names_within("China", "China's Commerce Ministry")
    assert not _names_within("Ford", "Fordham University") and not _names_within("Pakistan", "Turkey")
    from tests.writing.conftest import corpus_story

    items = corpus_story("trump-xi-busan")
    ev = build_evidence(items)
    heads = [s.heading for s in plan_outline(ev).sections if s.kind == "statements"]
    assert heads and not any("Ministry, China " in h or h.endswith("Ministry and China said") for h in heads)
