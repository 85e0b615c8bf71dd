"""Thematic sections: passages grouped by topic, no catch-all dumping, no context-free openings."""

from __future__ import annotations

from global24.writing.evidence import _is_generic, build_evidence
from global24.writing.outline import plan_outline


def test_generic_openings_are_recognised():
    assert _is_generic(
        "Few new leaders face a visit from the president of the United States in their first week."
    )
    assert not _is_generic(
        "Few details of the framework were released by the White House on Tuesday.".lower()
    )
    assert not _is_generic("President Donald Trump left Tokyo on Wednesday with two signed documents.")


def test_theme_sections_open_on_their_own_and_keep_distinct_headings(tokyo_items):
    ev = build_evidence(tokyo_items)
    outline = plan_outline(ev)
    themes = [s for s in outline.sections if s.kind.startswith("theme:")]
    assert len(themes) >= 2
    assert len({s.heading for s in outline.sections}) == len(outline.sections)
    for sec in themes:
        for para in sec.paragraphs:
            first = ev.units[para[0].unit]
            assert not first.dangling and not first.generic, (sec.heading, first.text)
    texts = [ev.units[i].text for s in themes for i in s.units()]
    assert not any(t.startswith("Few new leaders") for t in texts)


def test_reactions_quote_posts_that_say_something(tokyo_items, wsettings):
    # a post line of nothing but hashtags (the demo's Tide Watch posts end on one) is no reaction
    from dataclasses import replace

    from global24.writing import write_article
    from tests.writing.conftest import story_of

    # a post from the visit itself (the first one previews it: "Tokyo from Monday", a plan long overtaken)
    post = next(it for it in tokyo_items if it.kind == "post" and "Emperor" in it.text)
    tagged = replace(post, id="tags-only", text="#Trump #Japan #Tokyo")
    items = [it for it in tokyo_items if it.kind == "article"] + [post, tagged]
    article = write_article(story_of(items, "trump-tokyo-visit"), items, wsettings)
    quoted = [x.text for s in article.sections if s.kind == "reactions" for p in s.paragraphs for x in p]
    assert quoted, "the real post is quoted"
    assert not any("#Trump #Japan #Tokyo" in t for t in quoted), quoted


def test_a_place_named_only_after_the_of_of_an_institution_does_not_head_a_section():
    from global24.writing.headings import heading_for

    passage = [
        "The quake was centred in the Indian Ocean and opened the longest rupture of the seabed ever observed.",
        "It measured nearly 800 miles, about the distance from northern California to southern Canada.",
        "Waves spread across the Bay of Bengal within two hours, said a professor at the University of California.",
    ]
    assert heading_for([], set(), "", passages=[passage]) != "California"
    # named on its own in both, it may
    alone = [*passage[:2], passage[2].replace("at the University of California", "in California")]
    assert heading_for([], set(), "", passages=[alone]) == "California"
