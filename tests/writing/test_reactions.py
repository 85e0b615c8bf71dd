"""Reactions quote posts in context: a short post whole, a longer one by its opening sentence.
Theme headings say what most of their section's passages are about."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from global24.models import Item
from global24.writing.evidence import build_evidence
from global24.writing.headings import heading_for, heading_supported
from global24.writing.outline import QUOTE_WORDS, plan_outline, post_quote

WHEN = datetime(2025, 10, 28, 9, 0, tzinfo=UTC)


def _post(item_id: str, text: str) -> Item:
    return Item(
        id=item_id, source_id="desk", source_name="Pool Desk", kind="post", lang="en", text=text,
        published_at=WHEN, fetched_at=WHEN,
    )  # fmt: skip


def _article() -> Item:
    text = (
        "Emperor Naruhito received President Donald Trump at the Imperial Palace in Tokyo on Monday. "
        "Prime Minister Sanae Takaichi met President Donald Trump at Akasaka Palace on Tuesday."
    )
    return Item(id="art", source_id="wire", source_name="Wire", lang="en", text=text, published_at=WHEN)


def test_a_short_post_is_quoted_whole_in_one_pair_of_quotation_marks(tokyo_items, wsettings):
    from global24.writing import write_article
    from tests.writing.conftest import story_of

    text = (
        "Pool note: the motorcade took the long way round the moat to the Imperial Palace, and crowds "
        "along Uchibori-dori were thin in the rain. The two leaders last met in May 2019, on his state visit. "
        "No official readout from the palace yet."
    )
    post = replace(next(it for it in tokyo_items if it.kind == "post"), id="short-post", text=text)
    items = [it for it in tokyo_items if it.kind == "article"] + [post]
    article = write_article(story_of(items, "trump-tokyo-visit"), items, wsettings)
    reactions = next(s for s in article.sections if s.kind == "reactions")
    para = next(
        p for p in reactions.paragraphs if any(c.item_id == "short-post" for s in p for c in s.citations)
    )
    mine = [s for s in para if s.citations[0].item_id == "short-post"]
    assert len(mine) == 3, [s.text for s in mine]  # one unit per sentence, each cited to its own span
    who = post.author or post.source_name
    assert " ".join(s.text for s in mine) == f"{who} posted: “{text}”"
    for s in mine:
        c = s.citations[0]
        assert post.text[c.start : c.end] == c.quote and c.quote in s.text
    assert article.grounding["dropped"] == 0


def test_a_long_post_is_quoted_by_its_opening_sentence_and_a_leaning_one_not_at_all():
    long = (
        "Pool note: Emperor Naruhito and President Trump met for about 30 minutes at the Imperial Palace. "
        "The two last met in May 2019, when the president came as the first state guest of the new era. "
        "No state banquet on this trip; the talks with Prime Minister Sanae Takaichi at Akasaka Palace come next."
    )
    assert len(long.split()) > QUOTE_WORDS
    leaning = "They talked for about 30 minutes. The Emperor greeted President Trump at the Imperial Palace."
    ev = build_evidence([_article(), _post("long", long), _post("leaning", leaning)])
    opening = [u.id for u in ev.units if u.item_id == "long" and u.position == 0]
    assert post_quote(ev, "long") == opening
    assert post_quote(ev, "leaning") == []  # its second sentence alone would be quoted out of context


def test_reactions_never_quote_a_later_line_of_a_post_on_its_own(tokyo_items):
    ev = build_evidence(tokyo_items)
    outline = plan_outline(ev)
    reactions = next(s for s in outline.sections if s.kind == "reactions")
    for para in reactions.paragraphs:
        for k, p in enumerate(para):
            u = ev.units[p.unit]
            if u.kind != "post":
                continue
            first = min(x.position for x in ev.units if x.item_id == u.item_id)
            if p.opens:
                assert u.position == first and p.prefix.endswith("posted: "), u.text
            else:  # inside a quotation: right after the post's previous sentence
                prev = ev.units[para[k - 1].unit]
                assert prev.item_id == u.item_id and prev.position == u.position - 1, u.text
    assert any(not p.closes for para in reactions.paragraphs for p in para), "a short post is quoted whole"


def test_a_heading_needs_most_passages_not_an_aside_in_one():
    wrap_up = [
        [
            "President Donald Trump left Tokyo on Wednesday with two signed documents.",
            "The framework on critical minerals and rare earths gives Takaichi a concrete answer.",
        ],
        [
            "The stop in Japan ends on Wednesday with a list of signed papers and a show of military partnership.",
            "On Monday he was received by Emperor Naruhito at the Imperial Palace for about half an hour.",
            "On Tuesday the two signed a framework on critical minerals and rare earths at Akasaka Palace.",
            "They met families of Japanese abducted by North Korea and visited the carrier at Yokosuka.",
        ],
    ]
    flat = [t for p in wrap_up for t in p]
    assert heading_for(flat, set(), "") != ""  # two sentences carry it: enough without passages
    assert heading_for([], set(), "", passages=wrap_up) == ""
    about = [
        ["The critical minerals framework commits both governments to coordinated investment in supply."],
        ["Critical minerals are used in everything from electric motors to weapons systems, officials said."],
        ["The Emperor greeted the president at the palace entrance with a handshake."],
    ]
    h = heading_for([], set(), "", passages=about)
    assert "Critical Minerals" in h, h
    assert heading_supported(h, about[0]) and not heading_supported(h, about[2])


def test_a_time_word_is_no_heading():
    texts = [
        "The main opposition leader, Maurice Kamto, was barred from standing this year.",
        "Another candidate was also barred from the ballot this year, officials in Yaounde said.",
    ]
    assert heading_for(texts, set(), "Politics") == "Politics"


def test_tokyo_theme_headings_are_carried_by_most_of_their_passages(tokyo_items):
    ev = build_evidence(tokyo_items)
    outline = plan_outline(ev)
    themes = [s for s in outline.sections if s.kind.startswith("theme:")]
    assert themes
    for sec in themes:
        assert sec.heading != "Other Developments"
        if sec.heading == sec.kind.split(":")[1].capitalize():
            continue  # a broad theme most of its passages carry
        passages: list[list[str]] = []
        for para in sec.paragraphs:
            for p in para:
                u = ev.units[p.unit]
                if not passages or not u.dangling:
                    passages.append([])
                passages[-1].append(u.text)
        carried = sum(heading_supported(sec.heading, run) for run in passages)
        assert carried * 2 > len(passages), (sec.heading, passages)
