"""The evidence pack: exact spans, light compression, same-claim groups, scores, languages."""

from __future__ import annotations

from global24.models import Item
from global24.text import Span
from global24.writing.evidence import build_evidence, compress, mmr


def test_units_are_exact_spans_of_their_items(tokyo_items):
    ev = build_evidence(tokyo_items)
    items = {it.id: it for it in tokyo_items}
    assert len(ev.units) > 200
    for u in ev.units:
        assert items[u.item_id].text[u.start : u.end] == u.text


def test_datelines_bylines_and_date_lines_are_dropped():
    assert compress(
        Span("TOKYO (Meridian Wire) — President Donald Trump met the Emperor.", 0, 63), True
    ).text == ("President Donald Trump met the Emperor.")
    c = compress(
        Span("Meadow Lake, Saskatchewan – The municipal council said it donated $10,000.", 100, 175), True
    )
    assert c.text.startswith("The municipal council") and c.start == 100 + len("Meadow Lake, Saskatchewan – ")
    c = compress(
        Span("Tuesday, January 18, 2005Through a telethon, Romanians have raised 15 billion lei.", 0, 83),
        True,
    )
    assert c.text.startswith("Through a telethon")
    assert compress(Span("By Jane Doe", 0, 11), True) is None
    assert compress(Span("Thursday, January 27, 2005", 0, 26), True) is None
    c = compress(Span("Called the two countries allies at the strongest level. #Trump #Japan", 0, 70), False)
    assert c.text.endswith("level.")
    # an image file's name a wiki template left before a quotation
    text = "Cquote1.svg \tOn the occasion of the birth anniversary, Iran pardoned the 15 sailors."
    c = compress(Span(text, 40, 40 + len(text)), False)
    assert c.text.startswith("On the occasion") and c.start == 40 + text.index("On")
    # a dateline is only a dateline at the top of an item
    assert compress(
        Span("TOKYO (Wire) — Later text that is long enough here.", 0, 51), False
    ).text.startswith("TOKYO")


def test_syndicated_copies_share_a_group_and_do_not_double_count(tokyo_items):
    ev = build_evidence(tokyo_items)
    dup = next(u for u in ev.units if u.duplicate and u.words > 12)
    group = ev.same_claim(dup.id)
    assert len({u.item_id for u in group}) >= 2
    assert any(not u.duplicate for u in group)
    assert ev.source_count(dup.id) >= 2


def test_non_english_items_are_split_but_not_scored(tokyo_items):
    ev = build_evidence(tokyo_items)
    ja = [u for u in ev.units if u.lang == "ja"]
    assert ja and all(u.score == 0 for u in ja)
    assert all("。" not in u.text[:-1] for u in ja)


def test_mmr_avoids_repeats(tokyo_items):
    ev = build_evidence(tokyo_items)
    picked = mmr(ev, [u.id for u in ev.units], 10)
    assert len(picked) == 10
    assert len({ev.units[i].group for i in picked}) == 10
    for a in picked:
        for b in picked:
            if a != b:
                assert ev.similarity(a, b) < 0.55


def test_background_items_are_marked(rio_items, tokyo_items):
    ev = build_evidence(rio_items, background=tokyo_items[:3])
    assert any(u.background for u in ev.units)
    assert not any(u.background for u in ev.units if u.item_id.startswith("demo-rio"))


def test_bad_items_are_skipped():
    ev = build_evidence(
        [Item(id="a", source_id="s", text=""), Item(id="b", source_id="s", text="x", error="boom")]
    )
    assert ev.units == [] and ev.vectors is None
    # an item normalize failed on is left out; one whose only problem was an unbelievable time is not
    text = "The city council approved a $2.1 billion budget on Tuesday after a long debate."
    raw = Item(id="c", source_id="s", text=text, error="normalize failed: ValueError: boom")
    noted = Item(id="d", source_id="t", text=text, error="implausible published time 1970-01-01T00:00:00+00:00 ignored")
    assert {u.item_id for u in build_evidence([raw, noted]).units} == {"d"}


def test_a_long_story_keeps_its_newest_items(tokyo_items):
    ev = build_evidence(tokyo_items, max_items=5)
    newest = sorted(tokyo_items, key=lambda it: it.when)[-5:]
    assert set(ev.items) == {it.id for it in newest}


def test_openings_that_lean_on_an_earlier_sentence_are_dangling():
    from global24.writing.evidence import _is_dangling

    assert _is_dangling("Afterwards the president described the Emperor to reporters as a great man.")
    assert _is_dangling("The speech came on the same day he and Ms. Takaichi signed agreements.")
    assert _is_dangling("The signing at Akasaka Palace followed the first meeting between the two leaders.")
    assert _is_dangling("Among those present was Takuya Yokota, who leads the association of families.")
    assert _is_dangling("Asked whether he would raise the issue, he said it would be discussed.")
    assert not _is_dangling("Leaving the palace, Mr. Trump pointed back toward the Emperor.")
    assert not _is_dangling("Earlier this week the British government rejected calls for an inquiry.")
    assert not _is_dangling("The Emperor greeted the president at the palace entrance.")
    # a demonstrative as the subject after an opening phrase points back too
    assert _is_dangling("By wind speed and pressure, that ties the 1935 Labor Day hurricane for the record.")
    assert not _is_dangling("On Tuesday, that country's president signed the decree.")
    assert not _is_dangling("In Tokyo, that evening's banquet was cancelled for the first time.")
    assert _is_dangling("The United States has since stepped in, with a $20 billion currency swap.")
    assert not _is_dangling("The company has operated in Jamaica since 2019 and employs 400 people.")


def test_a_burst_of_copies_does_not_push_the_reports_out(tokyo_items):
    from datetime import timedelta

    reports = sorted(tokyo_items, key=lambda it: it.when)[-5:]
    late = max(it.when for it in reports) + timedelta(hours=1)
    burst = [
        Item(id=f"spam{i}", source_id=f"h{i}", kind="post", text="Buy now! Limited offer on summit souvenirs today.",
             published_at=late, duplicate_of="spam0" if i else None)
        for i in range(40)
    ]  # fmt: skip
    ev = build_evidence(reports + burst, max_items=10)
    assert {it.id for it in reports} | {"spam0"} <= set(ev.items)


def test_lines_without_a_full_stop_are_headings_only_among_punctuated_prose():
    """In punctuated prose a line without a full stop is a heading or caption and is passed over; an item
    with no full stop anywhere (a transcript, a lower-cased export) is read line by line instead of not at all."""
    prose = Item(
        id="p",
        source_id="s",
        text="Markets in the spotlight\nThe central bank cut its main rate by a quarter point on Wednesday.",
    )
    bare = Item(
        id="b",
        source_id="t",
        text="the central bank cut its main rate by a quarter point on wednesday\nmarkets rallied across the region after the decision",
    )
    ev = build_evidence([prose, bare])
    by_item = {}
    for u in ev.units:
        by_item.setdefault(u.item_id, []).append(u.text)
    assert by_item["p"] == ["The central bank cut its main rate by a quarter point on Wednesday."]
    assert by_item["b"] == [
        "the central bank cut its main rate by a quarter point on wednesday",
        "markets rallied across the region after the decision",
    ]


def test_a_headline_only_item_says_what_its_title_says():
    items = [
        Item(id="h", source_id="s", title="Fed cuts rates by a quarter point and ends balance sheet runoff", text=""),
        Item(id="x", source_id="s", title="", text="   "),
    ]
    ev = build_evidence(items)
    assert list(ev.items) == ["h"] and ev.items["h"].text == items[0].title
    assert [u.text for u in ev.units] == [items[0].title]
    assert items[0].text == ""  # the caller's item is left as it was


def test_a_caption_kept_as_a_line_of_its_own_is_marked_and_kept_out_of_the_lead():
    from global24.writing.lead import lead_units

    memorial = Item(
        id="m",
        source_id="s",
        text="Ambulances at Russell Square, London after the July 7, 2005 London bombings.\n"
        "A permanent memorial to the 52 victims of the July 7, 2005 London bombings was unveiled in Hyde Park "
        "on Tuesday, four years after the attacks on three Underground trains and a bus.",
    )
    others = [
        Item(id="a", source_id="t", text="Survivors of the July 7, 2005 London bombings attended the unveiling "
             "of the memorial in Hyde Park on Tuesday with the families of the 52 victims."),
        Item(id="b", source_id="u", text="The memorial in Hyde Park has 52 steel columns, one for each victim "
             "of the July 7, 2005 London bombings, which also injured about 700 people."),
    ]  # fmt: skip
    ev = build_evidence([memorial, *others])
    flagged = [u.text for u in ev.units if u.caption]
    assert flagged == ["Ambulances at Russell Square, London after the July 7, 2005 London bombings."]
    assert not any(ev.units[i].caption for i in lead_units(ev, 200))
    # the same words inside a paragraph, or with a verb, are prose
    inline = Item(id="i", source_id="s", text="Ambulances at Russell Square after the bombings. Then calm returned.")
    verb = Item(id="v", source_id="s", text="Ambulances waited at Russell Square after the bombings.")
    assert not any(u.caption for u in build_evidence([inline, verb]).units)
