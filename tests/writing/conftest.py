"""Fixtures for the writing tests: demo-corpus stories as Items, and their articles (written once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from global24.models import Article, Item, Story
from global24.settings import Settings, load_settings
from global24.writing.corpus_items import CORPUS_DIR, story_items

DATA = Path(__file__).resolve().parents[1] / "data" / "writing"


def corpus_story(slug: str) -> list[Item]:
    path = CORPUS_DIR / "stories" / f"{slug}.json"
    if not path.exists():
        pytest.skip(f"demo corpus story {slug} not present")
    return story_items(path)


def story_of(items: list[Item], slug: str) -> Story:
    times = [it.published_at for it in items if it.published_at]
    return Story(
        id=f"st_{slug}",
        first_seen=min(times),
        last_seen=max(times),
        item_count=len(items),
        source_count=len({it.source_id for it in items}),
        heat=90.0,
    )


@pytest.fixture(scope="session")
def wsettings() -> Settings:
    return load_settings(env={})


@pytest.fixture(scope="session")
def tokyo_items() -> list[Item]:
    return corpus_story("trump-tokyo-visit")


@pytest.fixture(scope="session")
def rio_items() -> list[Item]:
    return corpus_story("rio-police-raid")


@pytest.fixture(scope="session")
def tokyo_article(tokyo_items, wsettings) -> Article:
    from global24.models import HeatSample
    from global24.writing import write_article

    story = story_of(tokyo_items, "trump-tokyo-visit")
    heat = HeatSample(story.id, story.last_seen, 95.0, {"velocity": 0.8}, explanation="test heat")
    return write_article(story, tokyo_items, wsettings, heat=heat)


@pytest.fixture(scope="session")
def rio_article(rio_items, wsettings) -> Article:
    from global24.writing import write_article

    return write_article(story_of(rio_items, "rio-police-raid"), rio_items, wsettings)
