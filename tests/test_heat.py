"""Heat: properties that must hold whatever the weights (hypothesis), calibration, explanation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from global24.heat import HeatBaseline, calibrate, raw_score, score_stories, score_story
from global24.heat import components as heat_components
from global24.models import Engagement, Item, Story
from global24.settings import load_settings

NOW = datetime(2025, 10, 28, 12, 0, tzinfo=UTC)
SETTINGS = load_settings(env={})


def item(n: int, source: str, hours_ago: float, **kw) -> Item:
    return Item(
        id=f"it{n}-{source}",
        source_id=source,
        text=f"item {n}",
        published_at=NOW - timedelta(hours=hours_ago),
        fetched_at=NOW,
        **kw,
    )


def story(items: list[Item]) -> Story:
    first = min((it.when for it in items), default=NOW)
    return Story(id="st_x", first_seen=first, last_seen=max((it.when for it in items), default=NOW))


def raw(items: list[Item], now: datetime = NOW, settings=SETTINGS) -> float:
    comp, *_ = heat_components(story(items), items, now, settings, None)
    return raw_score(comp)


def spread(n_sources: int, hours: float = 5.0) -> list[Item]:
    return [item(i, f"src{i}", hours * i / max(1, n_sources)) for i in range(n_sources)]


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=5))
@hsettings(max_examples=60, deadline=None)
def test_more_independent_sources_means_more_heat(n: int, extra: int) -> None:
    base = spread(n)
    more = base + [item(100 + i, f"extra{i}", 1.0) for i in range(extra)]
    same_source_more = base + [item(100 + i, "src0", 1.0) for i in range(extra)]
    assert raw(more) > raw(base)
    assert raw(more) > raw(same_source_more)


@given(st.integers(min_value=1, max_value=20), st.floats(min_value=0.1, max_value=200.0))
@hsettings(max_examples=60, deadline=None)
def test_heat_decays_with_time(n: int, later: float) -> None:
    items = spread(n)
    assert raw(items, NOW + timedelta(hours=later)) < raw(items, NOW)


@given(st.integers(min_value=1, max_value=15), st.integers(min_value=1, max_value=60))
@hsettings(max_examples=50, deadline=None)
def test_duplicates_cannot_inflate_sources(n: int, copies: int) -> None:
    base = spread(n)
    with_copies = base + [
        item(500 + i, f"syndicator{i}", 0.5, duplicate_of=base[0].id) for i in range(copies)
    ]
    c_base, *_ = heat_components(story(base), base, NOW, SETTINGS, None)
    c_dup, *_ = heat_components(story(with_copies), with_copies, NOW, SETTINGS, None)
    assert c_dup["sources"] == c_base["sources"]
    # copies corroborate a little (velocity) but never count like independent outlets
    independent = base + [item(900 + i, f"indep{i}", 0.5) for i in range(min(copies, 4))]
    assert raw(with_copies) < raw(independent)


@given(st.integers(min_value=2, max_value=50), st.integers(min_value=0, max_value=5000))
@hsettings(max_examples=50, deadline=None)
def test_one_noisy_handle_cannot_inflate(posts: int, likes: int) -> None:
    base = spread(4)
    once = base + [item(700, "noisy", 0.2, engagement=Engagement(likes=likes))]
    flood = base + [
        item(700 + i, "noisy", 0.2 * i / posts, engagement=Engagement(likes=likes)) for i in range(posts)
    ]
    assert raw(flood) <= raw(once) + 1e-9


def test_single_viral_post_is_hot_but_flagged() -> None:
    viral = [item(1, "bigaccount", 0.5, kind="post", engagement=Engagement(likes=90_000, reposts=20_000))]
    # the desk's recent history: mostly one-item stories, a few small multi-source ones
    baseline = HeatBaseline()
    for k in range(200):
        items = spread(1 + (k % 10 == 0) * 3, hours=3.0)
        comp, *_ = heat_components(story(items), items, NOW - timedelta(hours=k % 48), SETTINGS, None)
        baseline.record(f"st_{k}", raw_score(comp), NOW - timedelta(hours=k % 48), SETTINGS.heat_window_days)
    sample = score_story(story(viral), viral, NOW, SETTINGS, baseline)
    assert sample.score >= 80
    assert "single-source" in sample.flags
    assert "single source" in sample.explanation
    assert sample.components["engagement"] > 0.9


def test_calibration_is_a_percentile() -> None:
    history = [i / 100 for i in range(100)]
    assert calibrate(0.955, history) == pytest.approx(96.0, abs=0.6)
    assert calibrate(-1.0, history) == 0.0
    assert calibrate(5.0, history) == 100.0
    # monotone in raw
    scores = [calibrate(r / 50, history) for r in range(60)]
    assert scores == sorted(scores)
    # little history: blended with a fixed curve, still 0..100 and monotone
    few = [0.2, 0.4]
    assert 0 <= calibrate(0.3, few) <= calibrate(0.9, few) <= 100


def test_top_five_percent_scores_95_on_quiet_and_busy_days() -> None:
    quiet = [i / 120 for i in range(60)]  # 60 stories, raw scores in [0, 0.5)
    busy = [i / 2000 for i in range(2000)]  # 2000 stories, raw scores in [0, 1)
    # the story just inside each day's top 5% scores ~95 on both days, whatever its raw value
    assert calibrate(quiet[57], sorted(quiet)) == pytest.approx(95.0, abs=1.0)
    assert calibrate(busy[1900], busy) == pytest.approx(95.0, abs=1.0)
    assert calibrate(0.45, sorted(quiet)) > calibrate(0.45, busy)


def test_score_stories_records_baseline_and_explains() -> None:
    items_a = [
        item(i, f"outlet{i}", i * 0.6, lang=lang, engagement=Engagement(likes=1500))
        for i, lang in enumerate(["en", "en", "ja", "es", "en", "fr", "en", "en", "en"])
    ]
    items_b = [item(50, "lonely", 30.0)]
    baseline = HeatBaseline()
    samples = score_stories(
        [(story(items_a), items_a), (Story("st_b", NOW, NOW), items_b)], NOW, SETTINGS, baseline
    )
    a, b = samples
    assert a.score > b.score
    assert a.explanation.startswith(f"🔥 {a.score:.0f}: 9 independent sources in ")
    assert "4 languages" in a.explanation and "engagements" in a.explanation
    for k in ("velocity", "burst", "sources", "engagement", "recency", "breadth"):
        assert 0.0 <= a.components[k] <= 1.0
    assert a.components["independent_sources"] == 9
    assert baseline.rate > 0 and len(baseline.scores) == 2
    restored = HeatBaseline.loads(baseline.dumps())
    assert restored.scores == baseline.scores and restored.rate == baseline.rate
    assert HeatBaseline.loads(b"not json").scores == {}


def test_source_weights_by_id_or_name() -> None:
    items = [item(1, "a", 1.0), item(2, "b", 1.0, source_name="Big Wire")]
    heavy = SETTINGS.replace(source_weights={"Big Wire": 3.0, "a": 2.0})
    c_plain, *_ = heat_components(story(items), items, NOW, SETTINGS, None)
    c_heavy, raw_values, *_ = heat_components(story(items), items, NOW, heavy, None)
    assert c_heavy["sources"] > c_plain["sources"]
    assert raw_values["sources_raw"] == 5.0


def test_future_and_ancient_timestamps_do_not_break_heat() -> None:
    items = [item(1, "a", -500.0), item(2, "b", 24 * 365 * 55)]  # far future, 1970
    sample = score_story(story(items), items, NOW, SETTINGS, HeatBaseline())
    assert 0.0 <= sample.score <= 100.0
    assert "future-dated-items" in sample.flags
    assert sample.components["recency"] == 1.0  # the future item counts as "now", not later
    empty = score_story(Story("st_e", NOW, NOW), [], NOW, SETTINGS, None)
    assert empty.score >= 0.0
