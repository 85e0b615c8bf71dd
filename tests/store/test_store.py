"""The Store contract, run against a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from global24.models import Article, Citation, HeatSample, Item, Section, Sentence, Source, Story, utcnow
from global24.store import open_store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    else:
        s = open_store(request.getfixturevalue("postgres_url"))
    yield s
    s.close()


def _item(i: int, **kw) -> Item:
    base = dict(id=f"it{i}", source_id="src1", title=f"Title {i}", text=f"Body number {i} about rare earths")
    base.update(kw)
    return Item(**base)


def test_migrations_are_recorded_and_idempotent(store):
    assert store.migrate() == []  # already applied by open_store


def test_upsert_items_is_idempotent_and_keeps_arrival_order(store):
    store.upsert_source(Source(id="src1", kind="rss", url="http://x/feed", name="X"))
    r1 = store.upsert_items([_item(i) for i in range(5)])
    r2 = store.upsert_items([_item(i) for i in range(5)])
    assert (r1.inserted, r2.inserted, r2.unchanged) == (5, 0, 5)
    seqs = [it.seq for it in store.items_after(0)]
    assert seqs == sorted(seqs) and len(seqs) == 5
    r3 = store.upsert_items([_item(2, text="Body changed")])
    assert r3.updated == 1
    assert store.get_item("it2").text == "Body changed"
    assert store.get_item("it2").seq == seqs[2]
    assert store.get_source("src1").item_count == 5
    assert store.existing_ids(["it1", "it4", "nope"]) == {"it1", "it4"}


def test_update_keeps_story_and_duplicate_links(store):
    store.upsert_items([_item(1)])
    store.set_item_story([("it1", "st1")])
    store.set_duplicate("it1", "it0")
    store.upsert_items([_item(1, title="New title")])
    it = store.get_item("it1")
    assert (it.story_id, it.duplicate_of, it.title) == ("st1", "it0", "New title")


def test_full_text_search(store):
    store.upsert_items(
        [
            _item(1, title="Takaichi hosts Trump", text="Talks at Akasaka Palace on critical minerals"),
            _item(2, title="Hurricane Melissa", text="Jamaica braces for a category 5 storm"),
        ]
    )
    assert [i.id for i in store.search_items("akasaka")] == ["it1"]
    assert [i.id for i in store.search_items("Jamaica storm")] == ["it2"]
    assert store.search_items('"; DROP TABLE items; --') == []
    assert store.count_items() == 2


def test_sources_due_and_removal(store):
    now = utcnow()
    store.upsert_source(Source(id="a", kind="rss", url="http://a", next_fetch_at=now - timedelta(minutes=1)))
    store.upsert_source(Source(id="b", kind="rss", url="http://b", next_fetch_at=now + timedelta(hours=1)))
    store.upsert_source(Source(id="c", kind="rss", url="http://c", enabled=False))
    assert [s.id for s in store.due_sources(now)] == ["a"]
    assert store.remove_source("a") and not store.remove_source("a")


def test_stories_heat_merge_and_articles(store):
    now = utcnow()
    store.upsert_stories(
        [
            Story(id="s1", first_seen=now, last_seen=now, title="One"),
            Story(id="s2", first_seen=now, last_seen=now, title="Two"),
        ]
    )
    store.upsert_items([_item(1, story_id="s2")])
    store.add_heat_samples([HeatSample("s1", now, 80.0, {"velocity": 0.5}), HeatSample("s2", now, 20.0)])
    assert [s.id for s in store.list_stories()] == ["s1", "s2"]
    assert store.latest_heat("s1").components == {"velocity": 0.5}
    store.merge_story("s2", "s1")
    assert store.get_story("s2").id == "s1"  # links to a merged story never break
    assert store.get_story("s2", follow_merges=False).merged_into == "s1"
    assert store.get_item("it1").story_id == "s1"
    art = Article(
        story_id="s1",
        headline="H",
        sections=[Section("Lead", "lead", [[Sentence("A b.", [Citation("it1", "Body", 0, 4)])]])],
    )
    assert store.add_article(art) == 1
    art.change_note = "second"
    assert store.add_article(art) == 2
    assert store.get_article("s1").change_note == "second"
    assert store.get_article("s1", 1).sections[0].paragraphs[0][0].citations[0].quote == "Body"
    assert [r["revision"] for r in store.list_revisions("s1")] == [2, 1]


def test_state_and_deliveries(store):
    assert store.get_state("k") is None
    store.set_state("k", b"\x00\x01")
    store.set_state("k", b"\x02")
    assert store.get_state("k") == b"\x02"
    store.log_delivery(
        {"event": "story.hot", "url": "http://h", "status": 200, "ok": True, "payload": {"a": 1}}
    )
    assert store.list_deliveries()[0]["payload"] == {"a": 1}


def test_a_store_made_before_resume_cursors_gains_the_column(store):
    from sqlalchemy import text

    with store.engine.begin() as conn:  # as a database from before migration 3 was
        conn.execute(text("ALTER TABLE sources DROP COLUMN resume_cursor"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 3"))
    assert store.migrate() == ["0003 sources remember where paging stopped short"]
    store.upsert_source(Source(id="src_p", kind="mastodon", url="https://h.example/tags/x", resume_cursor="42"))
    assert store.get_source("src_p").resume_cursor == "42"
    assert store.migrate() == []
