"""The whole writer on the demo corpus: the Tokyo visit and the Rio raid, checked as a reader would."""

from __future__ import annotations

import re
from datetime import timedelta

from global24.models import Article, article_from_json, article_to_json
from global24.text import dates, entities, numbers
from global24.writing import should_rewrite, summarize, verify_article, write_article
from global24.writing.verify import split_attribution
from tests.writing.conftest import story_of


def _all_sentences(article: Article):
    return [(sec, s) for sec in article.sections for p in sec.paragraphs for s in p]


def test_tokyo_article_has_the_seed_pages_shape(tokyo_article):
    a = tokyo_article
    assert a.headline and len(a.headline.split()) >= 5
    assert a.dek and a.dek != a.headline
    assert a.heat["score"] == 95.0
    assert re.fullmatch(
        r"Independent analysis based on open media from [^,]+, [^,]+ and \d+ others", a.attribution
    )
    assert len(a.images) >= 2
    for img in a.images:
        assert img["caption"] and img["credit"] and img["item_id"] and img["source"]
    headed = [s for s in a.sections if s.heading.strip()]
    assert len(headed) >= 6
    assert len({s.heading for s in a.sections}) == len(a.sections)
    assert a.word_count() >= 700
    assert len(a.timeline) >= 3
    days = [e["date"] for e in a.timeline]
    assert days == sorted(days)
    assert {"lead", "timeline"} <= {s.kind for s in a.sections}
    assert a.writer == "extractive"


def test_tokyo_reads_like_an_article(tokyo_article, tokyo_items):
    a = tokyo_article
    # the headline is a source title from the visit's later half, not its opening day
    titled = [it for it in tokyo_items if it.title and a.headline in it.title]
    first_day = min(it.published_at for it in tokyo_items if it.kind == "article").date()
    assert titled and max(it.published_at for it in titled).date() > first_day + timedelta(days=1)
    assert a.sections[0].kind == "lead"
    dangling = re.compile(r"^(?:He|She|It|This|They|Afterwards|The second|The speech came|Among those)\b")
    for sec in a.sections:
        for para in sec.paragraphs:
            assert not dangling.match(para[0].text), (sec.heading, para[0].text)
    for sec in a.sections:
        assert sec.heading.split()[0].lower() not in {"sister", "brother", "warm", "mr.", "ms."}, sec.heading


def test_tokyo_every_sentence_cited_and_verified(tokyo_article, tokyo_items):
    a = tokyo_article
    items = {it.id: it for it in tokyo_items}
    for _, s in _all_sentences(a):
        assert s.citations
        for c in s.citations:
            assert items[c.item_id].text[c.start : c.end] == c.quote
    report = verify_article(a, tokyo_items)
    assert report["sentences"] == len(_all_sentences(a)) > 30
    assert report["unsupported"] == 0, report["reasons"]
    assert a.grounding["verified"] == a.grounding["sentences"] - a.grounding["dropped"]


def test_tokyo_nothing_absent_from_sources(tokyo_article, tokyo_items):
    """Independent of the verifier: every figure, date and name is in a cited item."""
    items = {it.id: it for it in tokyo_items}
    for _, s in _all_sentences(tokyo_article):
        names = {it.source_name for c in s.citations for it in [items[c.item_id]]}
        _, claim = split_attribution(s.text, {n.lower() for n in names if n})
        cited = " ".join(items[c.item_id].text for c in s.citations)
        for q in numbers(claim):
            assert q.text.replace(",", "") in cited.replace(",", ""), (q.text, s.text)
        for d in dates(claim):
            assert d.text in cited, (d.text, s.text)
        for e in entities(claim):
            assert e.text.removesuffix("'s") in cited, (e.text, s.text)


def test_tokyo_cites_syndicated_copies_and_many_sources(tokyo_article, tokyo_items):
    by_id = {it.id: it for it in tokyo_items}
    multi = [s for _, s in _all_sentences(tokyo_article) if len(s.citations) > 1]
    assert multi, "wire copy carried by several outlets should be cited to all of them"
    assert any(any(by_id[c.item_id].duplicate_of for c in s.citations) for s in multi)
    assert len(tokyo_article.sources) >= 10
    assert all(s["text"] for s in tokyo_article.sources)


def test_tokyo_datelines_and_hashtags_are_gone(tokyo_article):
    for _, s in _all_sentences(tokyo_article):
        assert not re.match(r"^[A-Z]{3,}[A-Z ,]*\s*(\([^)]*\))?\s*[—–-]", s.text), s.text
        assert not re.search(r"#\w+\W*$", s.text), s.text


def test_tokyo_statements_section_names_speakers(tokyo_article):
    sec = next(s for s in tokyo_article.sections if s.kind == "statements")
    assert sec.heading.startswith("What ") and sec.heading.endswith(" said")
    assert any("Trump" in s.text for p in sec.paragraphs for s in p)


def test_rio_where_sources_differ_cites_both_figures(rio_article, rio_items):
    a = rio_article
    sec = next(s for s in a.sections if s.kind == "differ")
    assert sec.heading == "Where sources differ"
    text = " ".join(s.text for p in sec.paragraphs for s in p)
    assert "121" in text and "132" in text
    d = a.disagreements[0]
    assert d["about"] == "deaths"
    assert sorted(c["value"] for c in d["claims"]) == [121.0, 132.0]
    items = {it.id: it for it in rio_items}
    for claim in d["claims"]:
        assert claim["citations"] and claim["sources"]
        for c in claim["citations"]:
            assert items[c["item_id"]].text[c["start"] : c["end"]] == c["quote"]
            assert claim["figure"] in c["quote"]
    assert (
        set(d["claims"][0]["sources"]) != set(d["claims"][1]["sources"]) or len(d["claims"][0]["sources"]) > 1
    )
    assert verify_article(a, rio_items)["unsupported"] == 0


def test_article_json_round_trip(tokyo_article):
    back = article_from_json(article_to_json(tokyo_article))
    assert back.headline == tokyo_article.headline
    assert [s.heading for s in back.sections] == [s.heading for s in tokyo_article.sections]
    assert back.sentences()[0].citations[0].start == tokyo_article.sentences()[0].citations[0].start


def test_extractive_writer_is_deterministic(rio_items, wsettings, rio_article):
    again = write_article(story_of(rio_items, "rio-police-raid"), rio_items, wsettings)
    assert article_to_json(again)["sections"] == article_to_json(rio_article)["sections"]
    assert again.headline == rio_article.headline


def test_living_article_revisions(rio_items, wsettings):
    story = story_of(rio_items, "rio-police-raid")
    first_items = rio_items[:9]
    ok, why = should_rewrite(None, story, first_items, story.last_seen, wsettings)
    assert ok and "no article" in why
    first = write_article(story, first_items, wsettings)
    assert first.revision == 1 and first.change_note.startswith("First revision")
    now = first.created_at + timedelta(minutes=1)
    ok, why = should_rewrite(first, story, rio_items, now, wsettings)
    assert not ok and "debounce" in why
    ok, why = should_rewrite(first, story, rio_items[:10], now + timedelta(hours=1), wsettings)
    assert not ok and "new items" in why
    ok, why = should_rewrite(first, story, rio_items, now + timedelta(hours=1), wsettings)
    assert ok
    second = write_article(story, rio_items, wsettings, previous=first)
    assert second.revision == 2
    assert "+6 items" in second.change_note
    assert "source" in second.change_note or "section" in second.change_note


def test_summarize_is_the_lead_within_the_word_limit(tokyo_items, wsettings):
    for n in (30, 60, 100):
        s = summarize(tokyo_items, n, wsettings)
        assert 0 < len(s.split()) <= n
    text = " ".join(it.text for it in tokyo_items)
    for sent in summarize(tokyo_items, 100, wsettings).split(". "):
        assert sent.rstrip(".") in text


def test_empty_and_tiny_input_do_not_crash(wsettings):
    from global24.models import Item

    a = write_article(None, [], wsettings)
    assert a.sections == [] and a.grounding["sentences"] == 0
    one = [Item(id="x", source_id="s", text="Officials said the bridge will reopen on Friday after repairs.")]
    a = write_article(None, one, wsettings)
    assert verify_article(a, one)["unsupported"] == 0
    assert summarize([], 50, wsettings) == ""


def test_articles_on_real_wikinews_topics_verify(wsettings):
    import json

    from tests.test_text import MDS

    path = next((p for p in MDS if p.exists()), None)
    if path is None:
        import pytest

        pytest.skip("MultiLing 2011 sample not present")
    from global24.models import Item

    for line in path.read_text().splitlines():
        topic = json.loads(line)
        items = [
            Item(
                id=d["id"],
                source_id=d["id"],
                source_name=f"WikiNews {d['id'][:5]}",
                title=d["title"],
                text=d["text"],
                lang="en",
            )
            for d in topic["items"]
        ]
        a = write_article(None, items, wsettings)
        assert len(a.sections) >= 4 and a.word_count() >= 500
        assert verify_article(a, items)["unsupported"] == 0
        assert not any(
            re.match(r"^(Saturday|Sunday|Monday|Tuesday|Wednesday|Thursday|Friday),", s.text)
            for s in a.sentences()
        )


def test_background_items_from_the_archive_are_cited(tokyo_items, rio_items, wsettings):
    from tests.writing.conftest import corpus_story

    # the trip's earlier stop: an archive story sharing the story's names
    archive = [it for it in corpus_story("asean-kuala-lumpur") if it.lang == "en" and it.kind == "article"]
    a = write_article(story_of(tokyo_items, "trump-tokyo-visit"), tokyo_items, wsettings, background=archive)
    sec = next(s for s in a.sections if s.kind == "background")
    cited = {c.item_id for p in sec.paragraphs for s in p for c in s.citations}
    assert cited & {it.id for it in archive}
    assert verify_article(a, tokyo_items + archive)["unsupported"] == 0
    assert {it.id for it in archive} & {s["item_id"] for s in a.sources}
    # an unrelated archive is not dragged in
    b = write_article(story_of(rio_items, "rio-police-raid"), rio_items, wsettings, background=archive)
    assert not {c.item_id for s in b.sentences() for c in s.citations} & {it.id for it in archive}


def test_dangling_sentences_only_follow_their_own_predecessor(tokyo_article, tokyo_items):
    from global24.writing.evidence import build_evidence

    ev = build_evidence(tokyo_items)
    where = {(u.item_id, u.text): u.position for u in ev.units}
    dangling = {(u.item_id, u.text) for u in ev.units if u.dangling}
    followed = 0
    for sec in tokyo_article.sections:
        if sec.kind in ("timeline", "differ", "reactions", "statements"):
            continue
        for para in sec.paragraphs:
            for k, s in enumerate(para):
                key = (s.citations[0].item_id, s.text)
                if key not in dangling:
                    continue
                assert k > 0, s.text
                prev = (para[k - 1].citations[0].item_id, para[k - 1].text)
                assert prev[0] == key[0] and where.get(prev) == where[key] - 1, s.text
                followed += 1
    assert followed >= 1


def test_the_first_change_note_counts_outlets_not_items(wsettings):
    from global24.models import Item
    from global24.writing import write_article

    texts = [
        "The Springfield city council approved a $2.1 billion budget on Tuesday after a long debate.",
        "Mayor Jane Smith said the Springfield budget cuts 40 jobs at the city library service.",
        "Springfield council member Tom Reyes said he would appeal the library cuts in court in January.",
        "The Springfield budget raises property taxes by 3% for the first time since 2019, officials said.",
    ]
    items = [Item(id=f"w{i}", source_id="s_w", source_name="Wire", text=t) for i, t in enumerate(texts)]
    items.append(Item(id="o", source_id="s_o", source_name="Other",
                      text="Springfield's council passed the $2.1 billion budget by 7 votes to 2 on Tuesday."))
    article = write_article(None, items, wsettings)
    assert len(article.sources) > 2 and article.change_note == "First revision, from 2 sources."
