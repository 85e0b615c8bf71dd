"""Story clustering: real sample items, the demo corpus, bad input, snapshots, merges and splits."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from global24.clustering import StoryClusterer, assign_story, cluster_jsonl, item_from_json, stories_table
from global24.models import Item
from global24.settings import load_settings

DATA = Path(__file__).parent / "data" / "clustering"
T0 = datetime(2025, 10, 27, 8, 0, tzinfo=UTC)


@pytest.fixture
def settings():
    return load_settings(env={})


@pytest.fixture
def tfidf_only():
    return load_settings(env={}, cluster_multilingual=False)


def sample_items() -> list[Item]:
    lines = (DATA / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return [item_from_json(json.loads(line), n) for n, line in enumerate(lines)]


def post(n: int, text: str, source: str = "src", hours: float = 0.0, **kw) -> Item:
    when = T0 + timedelta(hours=hours)
    return Item(
        id=f"p{n}", source_id=source, kind="post", text=text, published_at=when, fetched_at=when, **kw
    )


def test_sample_items_form_their_stories(settings) -> None:
    c = StoryClusterer(settings)
    got = {it.id: assign_story(it, c) for it in sample_items()}
    final = {k: c.resolve(v.story_id) for k, v in got.items()}
    storm = {final[k] for k in ("a1", "a2", "a3", "a4", "a5")}
    bank = {final[k] for k in ("b1", "b2", "b3")}
    rugby = {final[k] for k in ("c1", "c2")}
    assert len(storm) == len(bank) == len(rugby) == 1
    assert len(storm | bank | rugby) == 3
    assert got["a5"].via == "embedding"  # the Spanish item joins across languages
    # c3 is dated the day after the final and arrives late, after items of 2 November: expiry
    # follows arrival (a backlog fetched at once stays joinable), so it still joins the final
    assert final["c3"] in rugby and not got["c3"].is_new
    assert final["bad1"] not in storm | bank | rugby  # empty text: kept, alone
    records = {s.id: s for s in c.stories(changed_only=False)}
    storm_story = records[storm.pop()]
    # who broke it: the earliest item by time of those in the story (a post from Brest at 03:10)
    assert storm_story.first_item_id == "a3" and storm_story.first_source_id == "@stormwatcher"
    assert storm_story.item_count == 5 and storm_story.source_count == 4  # wire-one posted twice
    assert "storm ciaran" in storm_story.entities
    assert storm_story.title and "Ciaran" in storm_story.title
    assert "bank of england" in records[bank.pop()].entities


def test_cluster_jsonl_writes_one_line_per_item(tmp_path, tfidf_only) -> None:
    out = tmp_path / "assignments.jsonl"
    src = tmp_path / "in.jsonl"
    src.write_text((DATA / "items.jsonl").read_text(encoding="utf-8") + "not json\n\n", encoding="utf-8")
    stats = cluster_jsonl(src, out, tfidf_only)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [it.id for it in sample_items()]
    assert all(r["story"].startswith("st_") for r in rows)
    assert stats["items"] == 12 and stats["bad_lines"] == 1
    assert len({r["story"] for r in rows}) == stats["stories"] <= 8
    again = tmp_path / "again.jsonl"
    cluster_jsonl(src, again, tfidf_only)
    assert again.read_text() == out.read_text()  # deterministic


def test_snapshot_resumes_exactly_where_it_stopped(tfidf_only) -> None:
    items = sample_items()
    whole = StoryClusterer(tfidf_only)
    expected = [whole.assign(it).story_id for it in items]
    first = StoryClusterer(tfidf_only)
    got = [first.assign(it).story_id for it in items[:6]]
    blob = first.dumps()
    resumed = StoryClusterer.loads(tfidf_only, blob)
    got += [resumed.assign(it).story_id for it in items[6:]]
    assert got == expected
    with pytest.raises(ValueError):
        StoryClusterer.loads(tfidf_only, __import__("pickle").dumps((99, {})))


def test_duplicates_corroborate_but_are_not_sources(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only)
    a = c.assign(post(1, "Volcano erupts near Reykjavik, flights grounded at Keflavik airport", "wire"))
    b = c.assign(
        post(
            2, "Volcano erupts near Reykjavik; flights grounded at Keflavik", "paper", 0.1, duplicate_of="p1"
        )
    )
    assert b.story_id == a.story_id and b.via == "duplicate"
    (rec,) = c.stories()
    assert rec.item_count == 2 and rec.source_count == 1


def test_burst_of_identical_posts_is_one_story_and_nothing_is_lost(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only)
    text = (
        "BREAKING: explosion reported at the Port of Antwerp container terminal, emergency services on site"
    )
    ids = {c.assign(post(i, text, f"bot{i % 7}", i / 10_000)).story_id for i in range(10_000)}
    assert len(ids) == 1
    (rec,) = c.stories()
    assert rec.item_count == 10_000 and rec.source_count == 7
    other = c.assign(post(20_000, "Parliament passes the budget after an all-night session", "wire", 1.1))
    assert other.is_new


def test_bad_input_empty_huge_odd_script_and_odd_times(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only)
    base = c.assign(post(1, "Ferry capsizes off Lesbos; coast guard rescues 40 passengers", "wire", 0))
    huge = "Ferry capsizes off Lesbos, coast guard rescues 40 passengers. " + ("lorem ipsum dolor " * 300_000)
    assert len(huge) > 5_000_000
    results = [
        c.assign(post(2, "", "a", 0.1)),
        c.assign(Item(id="p3", source_id="b", text="", title=None)),
        c.assign(post(4, huge, "c", 0.2)),
        c.assign(post(5, "🔥🔥🔥 ⚠️ ‼️", "d", 0.3)),
        c.assign(post(6, "สถานการณ์น้ำท่วมในกรุงเทพฯ รุนแรงขึ้น ประชาชนอพยพ", "e", 0.4, lang="th")),
        c.assign(
            Item(
                id="p7",
                source_id="f",
                text="Ferry capsized off Lesbos, 40 rescued by coast guard",
                published_at=T0 + timedelta(days=5000),  # far future, fetched now
                fetched_at=T0 + timedelta(hours=0.5),
            )
        ),
        c.assign(
            post(8, "Ferry capsizes off Lesbos as coast guard rescues 40", "g", -(24 * 365 * 55))
        ),  # 1970
    ]
    assert all(r.story_id.startswith("st_") for r in results)
    assert results[2].story_id == base.story_id  # the 5 MB text is read by its lead
    assert results[5].story_id == base.story_id  # a future date is not believed past fetched_at + 1 h
    assert c.clock is not None and c.clock < (T0 + timedelta(hours=2)).timestamp() / 3600
    records = c.stories(changed_only=False)
    assert sum(r.item_count for r in records if not r.merged_into) == 8  # nothing lost
    assert all(r.last_seen <= T0 + timedelta(hours=2) for r in records)


def test_untimed_items_use_arrival_order_as_clock(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only.replace(cluster_items_per_hour=10.0, story_cooling_hours=1.0))
    first = c.assign(Item(id="u0", source_id="s", text="solar eclipse visible across northern spain"))
    for i in range(1, 30):
        c.assign(Item(id=f"u{i}", source_id="s", text=f"unrelated market note number{i} shares bonds{i}"))
    rec = {s.id: s for s in c.stories(changed_only=False)}[first.story_id]
    assert rec.status == "cooling"  # 29 arrivals at 10/hour = 2.9 h of stream clock
    assert (rec.last_seen - rec.first_seen) == timedelta(0)


def test_stories_cool_archive_and_report_status_changes(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only)
    a = c.assign(post(1, "Wildfire forces evacuations in the hills above Marseille", "x", 0))
    assert [s.status for s in c.stories()] == ["live"]
    c.assign(post(2, "Chess champion retains title after rapid tiebreak in Astana", "y", 30))
    changed = {s.id: s.status for s in c.stories()}
    assert changed[a.story_id] == "cooling"
    c.assign(post(3, "New species of frog described in the Andes cloud forest", "z", 200))
    changed = {s.id: s.status for s in c.stories()}
    assert changed[a.story_id] == "archived"
    # an archived story takes no more items: the same words start a new story
    again = c.assign(post(4, "Wildfire forces evacuations in the hills above Marseille", "x", 201))
    assert again.story_id != a.story_id and again.is_new
    c.stories()
    c.assign(post(5, "Markets close higher", "m", 600))
    c.stories()
    assert a.story_id not in c.stories_by_id  # reported, archived and past the window: forgotten


def test_converging_stories_merge_and_keep_history(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only)
    s1 = c.assign(
        post(1, "quake magnitude strikes eastern turkey buildings collapse malatya", "a", 0)
    ).story_id
    s2 = c.assign(post(2, "rescuers search rubble hatay antakya survivors", "b", 0.1)).story_id
    assert s1 != s2
    texts = [
        "quake turkey malatya buildings collapse rescuers search rubble",
        "rescuers search rubble malatya quake survivors turkey",
        "hatay antakya quake rubble rescuers survivors turkey buildings",
        "turkey quake survivors rubble hatay malatya rescuers collapse",
    ]
    merges = []
    for i, text in enumerate(texts):
        merges += c.assign(post(10 + i, text, f"s{i}", 0.2 + i / 10)).merged
    assert merges, "the two stories converged but were not merged"
    from_id, into_id = merges[0]
    assert {from_id, into_id} == {s1, s2}
    assert c.resolve(from_id) == into_id
    records = {s.id: s for s in c.stories(changed_only=False)}
    assert records[from_id].merged_into == into_id
    assert records[into_id].item_count == 6


def test_drifting_story_splits(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only)
    a_words = ["senate", "budget", "vote", "deficit", "spending", "bill", "appropriations", "committee"]
    b_words = ["hurricane", "landfall", "florida", "evacuation", "flooding", "storm", "surge", "shelters"]
    split = []
    n = 0

    def filler(k: int) -> None:  # unrelated news around it keeps the IDF honest
        nonlocal n
        n += 1
        c.assign(
            post(n, f"topic{k % 97} item{k} word{k % 13} other{k % 31} thing{k % 7}", f"f{k % 9}", n / 100)
        )

    # 48 items of A, then items drifting from A to B one word at a time, then pure B
    for step in range(len(a_words) + 1):
        words = a_words[step:] + b_words[:step]
        for r in range(48 if step == 0 else 12):
            filler(n)
            filler(n)
            n += 1
            rot = r % len(words)
            a = c.assign(post(n, " ".join(words[rot:] + words[:rot]), f"s{r % 5}", n / 100))
            split += a.split
    assert split, "a story that drifted from one topic to another was not split"
    new_ids = {sid for _, sid in split}
    moved = {iid for iid, _ in split}
    assert all(c.resolve(c.item_story[i]) in {c.resolve(x) for x in new_ids} for i in moved)


def demo_items() -> tuple[list[Item], dict[str, str]] | None:
    try:
        from global24.demo.corpus import load_corpus
    except ImportError:
        return None
    corpus = load_corpus()
    if len(corpus.stories) < 5 or not any(s.slug == "trump-tokyo-visit" for s in corpus.stories):
        return None
    items = [
        Item(
            id=it.key,
            source_id=it.outlet,
            kind=it.kind,
            title=it.title,
            text=it.text,
            published_at=it.published,
            fetched_at=it.published + timedelta(minutes=5),
            lang=it.lang,
            duplicate_of=it.syndicates,
        )
        for it in corpus.items
    ]
    return items, {it.key: it.story for it in corpus.items}


def _cluster_demo(settings):
    loaded = demo_items()
    if loaded is None:
        pytest.skip("demo corpus absent or too small")
    items, gold = loaded
    c = StoryClusterer(settings)
    got = {it.id: c.assign(it).story_id for it in items}
    final = {k: c.resolve(v) for k, v in got.items()}
    by_story: dict[str, Counter] = defaultdict(Counter)
    for k, sid in final.items():
        by_story[sid][gold[k]] += 1
    return items, gold, final, by_story, c


def _bcubed(final: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    pred_size, gold_size = Counter(final.values()), Counter(gold.values())
    pair = Counter((final[k], gold[k]) for k in final)
    p = sum(pair[(final[k], gold[k])] / pred_size[final[k]] for k in final) / len(final)
    r = sum(pair[(final[k], gold[k])] / gold_size[gold[k]] for k in final) / len(final)
    return p, r


@pytest.mark.slow
def test_demo_corpus_stories(settings) -> None:
    """What the desk achieves on the demo corpus today (bench/cluster_demo.py measures it in full)."""
    items, gold, final, by_story, c = _cluster_demo(settings)
    p, r = _bcubed(final, gold)
    assert p >= 0.9, f"unrelated stories joined: B-cubed precision {p:.3f}"
    assert 2 * p * r / (p + r) >= 0.78, f"B-cubed F1 {2 * p * r / (p + r):.3f} (P {p:.3f}, R {r:.3f})"
    tokyo = [it for it in items if gold[it.id] == "trump-tokyo-visit"]
    main_story, size = Counter(final[it.id] for it in tokyo).most_common(1)[0]
    assert size >= 0.7 * len(tokyo)
    assert by_story[main_story]["trump-tokyo-visit"] >= 0.9 * sum(by_story[main_story].values())
    # the visit's story is told in four languages
    assert {it.lang for it in tokyo if final[it.id] == main_story} >= {"en", "ja", "es", "fr"}
    # the other two stops of the trip are stories of their own
    for other in ("trump-xi-busan", "apec-gyeongju"):
        theirs = Counter(final[it.id] for it in items if gold[it.id] == other).most_common(1)[0][0]
        assert theirs != main_story
    # a post that started alone, just below the bar for the visit (which had not yet named Air
    # Force One), was later consolidated with a Korea story it resembles on average (the Xi
    # meeting ahead): merging a one-item story places its item where it would now join
    flight_in = next(it for it in tokyo if (it.text or "").startswith("Air Force One is on the ground"))
    assert final[flight_in.id] == main_story
    # Japanese items (25) all but never land in a story about something else
    ja = [it for it in items if it.lang == "ja"]
    strays = [it.id for it in ja if by_story[final[it.id]].most_common(1)[0][0] != gold[it.id]]
    assert len(strays) <= 1, strays
    assert c.stats["embedding"] > 0 and c.bridge.encoded < 3 * len(items)
    rows = {r["id"]: r for r in stories_table(c.stories(changed_only=False))}
    assert rows[main_story]["items"] == sum(by_story[main_story].values())


def _title_case(title: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in title.split(" "))


def test_headlines_in_title_case_cluster_like_sentence_case(tfidf_only) -> None:
    """A Title Case headline ("Trump Meets Emperor Naruhito In Tokyo") capitalises verbs too: it must not
    turn them into names that pull unrelated stories together."""
    from global24.features import extract, title_cased

    f = extract("Trump Meets Emperor Naruhito In Tokyo On Eve Of Talks", "Donald Trump met Emperor Naruhito.")
    assert title_cased("Trump Meets Emperor Naruhito In Tokyo On Eve Of Talks")
    assert "meets" not in f.names and "talks" not in f.names and "naruhito" in f.names
    assert not title_cased("Trump meets Emperor Naruhito in Tokyo on eve of talks with Takaichi")
    loaded = demo_items()
    if loaded is None:
        pytest.skip("demo corpus absent or too small")
    items, gold = loaded
    scores = []
    for cased in (False, True):
        c = StoryClusterer(tfidf_only)
        final = {}
        for it in items:
            if cased and it.title and it.lang in (None, "", "en"):
                it = Item(**{**it.__dict__, "title": _title_case(it.title)})
            final[it.id] = c.assign(it).story_id
        p, r = _bcubed({k: c.resolve(v) for k, v in final.items()}, gold)
        scores.append(2 * p * r / (p + r))
    assert scores[1] >= scores[0] - 0.02, f"B-cubed F1 {scores[0]:.3f} with sentence case, {scores[1]:.3f} title case"


@pytest.mark.slow
@pytest.mark.xfail(
    reason="target not reached yet: 35 of 36 Tokyo items are one story, with every Japanese item; a post on "
    "the flight out (Haneda to Busan, the Xi meeting ahead) joins the Korea story, which its text is about",
    strict=True,
)
def test_demo_tokyo_visit_is_one_story(settings) -> None:
    items, gold, final, by_story, _ = _cluster_demo(settings)
    tokyo_stories = Counter(final[it.id] for it in items if gold[it.id] == "trump-tokyo-visit")
    assert len(tokyo_stories) == 1, f"Tokyo visit split: {tokyo_stories}"


def test_backlog_fetched_at_once_stays_joinable(tfidf_only) -> None:
    """A first fetch delivers days of backlog newest first: expiry follows arrival, not item dates."""
    c = StoryClusterer(tfidf_only)
    texts = [
        "Dockers strike at the Port of Rotterdam enters day {n}, container ships queue offshore",
        "Rotterdam port strike day {n}: dockers hold out, ships queue at anchor offshore",
    ]
    hours = [150, 120, 96, 72, 48, 24, 0]  # six days, more than cluster_window_hours apart
    got = {c.assign(post(i, texts[i % 2].format(n=7 - i), f"s{i}", h)).story_id for i, h in enumerate(hours)}
    assert len({c.resolve(s) for s in got}) == 1


def test_fragments_sharing_names_are_consolidated(tfidf_only) -> None:
    # a join threshold no item reaches: every item starts a story, only consolidation can unite them
    c = StoryClusterer(tfidf_only.replace(cluster_threshold=0.95))
    texts = [
        "Storm Ciaran batters Brittany: Brest airport shut as gusts pass 200 km/h",
        "In Brittany, Storm Ciaran cuts power to 1.2 million homes; Brest airport shut",
        "Storm Ciaran: gusts of 200 km/h in Brest, power cut across Brittany",
        "Chess: Magnus Carlsen wins the rapid title in Samarkand after a tiebreak",
    ]
    ids = [c.assign(post(i, t, f"s{i}", i * 0.5)).story_id for i, t in enumerate(texts)]
    assert c.stats["consolidated"] >= 1
    storm = {c.resolve(s) for s in ids[:3]}
    assert len(storm) == 1 and c.resolve(ids[3]) not in storm
    records = {s.id: s for s in c.stories(changed_only=False)}
    assert sum(1 for r in records.values() if r.merged_into in storm) == 2  # history kept


def test_text_without_case_is_never_consolidated(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only)
    for i in range(64):
        c.assign(
            Item(id=f"g{i}", source_id="g", text=f"storm ciaran brest brittany power gusts winds {i % 5}")
        )
    assert c.stats["consolidated"] == 0


def test_names_match_by_their_words_and_cjk_rarity_is_among_cjk_documents() -> None:
    from global24.features import extract
    from global24.vectors import OnlineIdf

    a = extract("Prime Minister Sanae Takaichi hosts Trump", "")
    b = extract(None, "Talks with Takaichi ran long, aides said.")
    assert "takaichi" in set(a.names) & set(b.names)
    idf = OnlineIdf()
    for n in range(98):
        idf.observe({f"word{n}", "news"})
    idf.observe(extract(None, "首相が会談した").terms)
    idf.observe(extract(None, "首相が辞任した").terms)
    # "首相" is in both Japanese documents: common among them, however rare Japanese is here
    assert idf.idf("首相") == pytest.approx(0.405, abs=0.01)
    assert idf.idf("news") < idf.idf("word3")


def test_japanese_terms_follow_the_script_not_every_character_pair() -> None:
    from global24.features import tokens

    terms = tokens("関税引き下げとレアアース規制停止で合意")
    assert "レアアース" in terms and "規制" in terms and "合意" in terms  # katakana word whole, kanji pairs
    assert not {"とレ", "止で", "で合", "き下"} & set(terms)  # no pair joins a word to a particle
    assert tokens("한국 대통령") == ["한국", "대통", "통령"]  # Hangul as before


def test_two_japanese_reports_of_one_meeting_join_despite_different_grammar(tfidf_only) -> None:
    texts = [
        "天皇陛下、トランプ大統領と皇居で会見 約30分、2019年以来の再会",
        "高市首相とトランプ大統領が初の首脳会談、レアアース供給で枠組みに署名した",
        "日経平均株価が最高値を更新、半導体関連株に買いが集まった",
        "米中首脳会談、釜山で約1時間40分。フェンタニル関連の対中関税を10%に下げると表明",
        "米中首脳、釜山で会談 関税引き下げとレアアース規制停止で合意",
    ]
    c = StoryClusterer(tfidf_only)
    got = [c.assign(post(n, t, hours=n * 0.5, lang="ja")).story_id for n, t in enumerate(texts)]
    assert got[4] == got[3]  # the Busan meeting, told twice
    assert len(set(got[:4])) == 4  # the palace, the summit and the stock market stay apart


STORM = [
    "Storm Ciaran batters Brittany: Brest airport shut as gusts pass 200 km/h",
    "In Brittany, Storm Ciaran cuts power to 1.2 million homes; Brest airport shut",
    "Storm Ciaran: gusts of 200 km/h in Brest, power cut across Brittany",
]


def test_review_consolidates_every_live_story_at_the_end_of_a_batch(tfidf_only, monkeypatch) -> None:
    import global24.clustering as clustering_module

    monkeypatch.setattr(clustering_module, "CONSOLIDATE_EVERY", 10**9)  # no pass while assigning
    c = StoryClusterer(tfidf_only.replace(cluster_threshold=0.95))
    ids = [c.assign(post(i, t, f"s{i}", i * 0.5)).story_id for i, t in enumerate(STORM)]
    assert len({c.resolve(s) for s in ids}) == 3
    merges = c.review()
    assert len(merges) == 2 and len({c.resolve(s) for s in ids}) == 1
    assert all(c.resolve(a) == c.resolve(b) for a, b in merges)


def test_a_story_leaving_the_window_joins_the_live_story_it_belongs_to(tfidf_only, monkeypatch) -> None:
    import global24.clustering as clustering_module

    monkeypatch.setattr(clustering_module, "CONSOLIDATE_EVERY", 10**9)
    c = StoryClusterer(tfidf_only.replace(cluster_threshold=0.95, cluster_window_hours=10.0))
    first = c.assign(post(0, STORM[0], "s0", 0)).story_id
    live = c.assign(post(1, STORM[1], "s1", 6)).story_id  # still open when the first leaves
    assert first != live
    later = c.assign(post(2, "Chess: Magnus Carlsen wins the rapid title in Samarkand", "s2", 11))
    assert c.resolve(first) == c.resolve(live)  # merged before it left the window
    assert later.merged and {c.resolve(x) for pair in later.merged for x in pair} == {c.resolve(live)}


def _early_report_stream(clusterer: StoryClusterer) -> dict[str, str]:
    """An early report (few of the story's words among its own) lands before the story forms, then
    the story grows over a stream of unrelated items; returns each item's final story."""
    import random

    rnd = random.Random(7)
    vocab = [f"w{i}x" for i in range(3000)]
    early = "rotterdam dockers strike " + " ".join(f"e{k}q" for k in range(12))
    ids = {"early": clusterer.assign(Item(id="early", source_id="a", text=early)).story_id}
    texts = [
        "rotterdam port strike dockers wages union talks stall ships anchored offshore day {n}",
        "dockers at rotterdam port stay on strike over wages union says talks stall day {n}",
    ]
    n = 0
    for i in range(300):
        if i % 10 == 5 and n < 12:
            item = Item(id=f"s{n}", source_id=f"o{n}", text=texts[n % 2].format(n=n))
            ids[item.id] = clusterer.assign(item).story_id
            n += 1
        else:
            clusterer.assign(Item(id=f"f{i}", source_id="f", text=" ".join(rnd.sample(vocab, 12))))
    clusterer.review()
    return {k: clusterer.resolve(v) for k, v in ids.items()}


def test_an_item_that_came_before_its_story_joins_it_on_a_second_look(tfidf_only, monkeypatch) -> None:
    import global24.clustering as clustering

    c = StoryClusterer(tfidf_only)
    final = _early_report_stream(c)
    assert len(set(final.values())) == 1 and c.stats["second_look"] == 1
    # without the second look the early report stays a story of its own: the look is what joined it
    monkeypatch.setattr(clustering, "SECOND_LOOKS", (10**9,))
    c = StoryClusterer(tfidf_only)
    final = _early_report_stream(c)
    assert final["early"] != final["s0"] and len({final[f"s{n}"] for n in range(12)}) == 1
    assert c.stats["second_look"] == 0


def test_a_merged_story_stays_open_as_long_as_its_newest_part(tfidf_only) -> None:
    c = StoryClusterer(tfidf_only)
    old = c.stories_by_id[c.assign(post(1, "Storm Ciaran batters Brittany, Brest airport shut", "a", 0)).story_id]
    new = c.stories_by_id[c.assign(post(2, "Chess: Carlsen wins the rapid title in Samarkand", "b", 60)).story_id]
    c._merge(new, old)  # as a consolidation or a second look would
    c.assign(post(3, "Lunar eclipse visible across Asia on Sunday night", "c", 100))  # the clock moves on
    assert old.indexed  # idle 40 h since its newest item, not 100 h since its own last join
    c.assign(post(4, "Tide tables for the Solent this weekend", "d", 140))
    assert not old.indexed  # and closes once that part is idle past the window too


def test_a_near_tie_across_languages_goes_to_the_far_larger_story() -> None:
    """The encoder cannot separate two stories within MARGIN: the far larger one takes the item."""
    np = pytest.importorskip("numpy")
    from global24 import crosslingual

    def story_vector(cos: float, axis: int) -> np.ndarray:
        v = np.zeros(8, dtype=np.float32)
        v[0], v[axis] = cos, (1.0 - cos * cos) ** 0.5
        return v

    item = story_vector(1.0, 1)
    bridge = crosslingual.LanguageBridge()
    cosines = {"small": 0.844, "big": 0.834, "other": 0.80, "close": 0.825}
    for axis, (sid, cos) in enumerate(cosines.items(), start=2):
        bridge.stories[sid] = crosslingual.StoryVector(
            main=story_vector(cos, axis), encoded=crosslingual.EXEMPLARS
        )
    apart = lambda a, b: False  # noqa: E731  (four different events)
    no_names = lambda sid: 0.0  # noqa: E731
    mass = {"small": 3, "big": 30, "other": 10, "close": 10}.__getitem__
    pool = ["small", "big", "other"]
    assert bridge.best_story(item, pool, apart, no_names) == (None, pytest.approx(0.844, abs=1e-3))
    assert bridge.best_story(item, pool, apart, no_names, mass)[0] == "big"
    # not far larger: still a tie nobody wins
    not_far = {"small": 10, "big": 30, "other": 1}.__getitem__
    assert bridge.best_story(item, pool, apart, no_names, not_far)[0] is None
    # the larger one must clear the margin over every other event too
    assert bridge.best_story(item, [*pool, "close"], apart, no_names, mass)[0] is None


def test_fast_dot_and_top_terms_give_what_the_plain_definitions_give() -> None:
    """dot skips unshared terms and top_terms sorts only the heaviest: same floats, same order."""
    import random

    from global24.vectors import dot, top_terms

    rng = random.Random(7)
    for _ in range(2000):
        vocab = [
            rng.choice(["", "", "e:", "n:"]) + f"t{rng.randint(0, 60)}" for _ in range(rng.randint(1, 50))
        ]
        a = {t: rng.choice([0.5, 0.25, rng.random(), rng.random() * 1e-9]) for t in vocab}  # with ties
        b = {t: rng.random() for t in rng.sample(vocab, len(vocab) // 2)}
        b.update({f"x{i}": rng.random() for i in range(rng.randint(1, 30))})
        for x, y in ((a, b), (b, a)):
            small, large = (y, x) if len(x) > len(y) else (x, y)
            plain = sum(w * large.get(t, 0.0) for t, w in small.items())  # every product, in order
            assert repr(dot(x, y)) == repr(plain)
        for n in (1, 3, 10, 100):
            for plain_only in (True, False):
                ranked = sorted(a.items(), key=lambda kv: (-kv[1], kv[0]))
                want = [t for t, _ in ranked if not (plain_only and t[1:2] == ":")][:n]
                assert top_terms(a, n, plain_only) == want


def test_hindi_words_stay_whole_for_clustering():
    # Python's \w leaves out Devanagari's vowel signs; cut at them, "प्रधानमंत्री" became five pieces
    # ("प", "रध", "नम", …) that every Hindi text shares, and unrelated stories looked alike
    from global24.features import tokens

    assert tokens("प्रधानमंत्री नरेंद्र मोदी ने दिल्ली में बैठक की") == [
        "प्रधानमंत्री", "नरेंद्र", "मोदी", "ने", "दिल्ली", "में", "बैठक", "की",
    ]  # fmt: skip
    assert tokens("Trump’s visit to Tokyo, café") == ["trump", "visit", "tokyo", "café"]


def test_a_story_is_named_by_a_report_not_by_the_column_about_it():
    text = (
        "Ontario pulled its Reagan advertisement from U.S. television on Monday after President Donald Trump "
        "ended trade talks with Canada and threatened a further 10% tariff on Canadian goods."
    )
    at = datetime(2025, 10, 27, 12, tzinfo=UTC)
    report = Item(id="r", source_id="wire", title="Ontario pulls Reagan ad as Canada waits on Trump", text=text,
                  published_at=at)  # fmt: skip
    column = Item(id="c", source_id="review", title="Analysis: Why a Reagan speech hit a nerve in Washington",
                  text=text + " The words were Reagan's own.", published_at=at + timedelta(hours=2))  # fmt: skip
    for order in ([report, column], [column, report]):
        c = StoryClusterer(load_settings(env={}))
        sids = {c.assign(it).story_id for it in order}
        assert len(sids) == 1
        (story,) = c.stories(changed_only=False)
        assert story.title == report.title


def test_cluster_reader_dates_an_undated_item_as_the_importer_does():
    from global24.sources.jsonl import item_from_json as import_item

    row = {"id": "a", "text": "Friday, March 23, 2007\nFifteen British Royal Navy personnel were captured."}
    assert item_from_json(row, 0).published_at == import_item(row)[0].published_at == datetime(2007, 3, 23, 12, tzinfo=UTC)


def test_cluster_reader_reads_times_as_the_importer_does():
    from global24.sources.jsonl import item_from_json as import_item

    when = datetime(2025, 10, 28, 10, 0, tzinfo=UTC)
    for value in ("2025-10-28T10:00:00Z", "Tue, 28 Oct 2025 10:00:00 GMT", 1761645600, 1761645600000, "1761645600"):
        row = {"id": "a", "text": "x", "published": value}
        assert item_from_json(row, 0).published_at == import_item(row)[0].published_at == when, value
    for junk in (2025, True, "soon", float("nan")):
        assert item_from_json({"id": "a", "text": "x", "published": junk}, 0).published_at is None, junk


def test_one_item_dated_in_the_future_does_not_expire_every_story(tmp_path, tfidf_only) -> None:
    """A wrong year on one line ("2031") would move the stream's clock past every story's window, and
    every item after it would start a story of its own; it is read as undated, as the importer reads it."""
    from global24.sources.jsonl import item_from_json as import_item

    rows = [json.loads(line) for line in (DATA / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cluster_jsonl(src, out, tfidf_only)
    clean = [json.loads(line)["story"] for line in out.read_text().splitlines()]
    rows[1]["published"] = "2031-06-01T00:00:00Z"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cluster_jsonl(src, out, tfidf_only)
    dirty = [json.loads(line)["story"] for line in out.read_text().splitlines()]
    assert len(set(dirty)) == len(set(clean)) and dirty[2:] == clean[2:]
    item, problems = import_item(rows[1])
    assert item.published_at is None and problems == ["'published' 2031-06-01T00:00:00+00:00 is in the future, ignored"]
