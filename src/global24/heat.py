"""Heat: how hot a story is, 🔥 0–100, with the components and a sentence saying why.

A raw score mixes six components, each 0..1 (raw values are kept beside them):

- ``velocity``: independent sources active in the last 6 hours, per hour;
- ``burst``: the story's last 3 hours against its own previous day, discounted
  when the whole desk is busier than its baseline (a backlog is not news);
- ``sources``: distinct independent outlets and handles, weighted by
  ``settings.source_weights``; syndicated copies (``duplicate_of``) do not count;
- ``engagement``: log-scaled likes + reposts + replies, each source's best item
  only, so one account posting fifty times adds nothing;
- ``breadth``: languages and kinds of source (articles and posts);
- ``recency``: a half-life (``heat_half_life_hours``) since the latest item; it
  multiplies the rest, so heat always decays while nothing new arrives.

The 0–100 score is a percentile of the raw score among the stories of the last
``heat_window_days`` (:class:`HeatBaseline`), so 95 means "hotter than 95% of
recent stories" on a quiet day and on a busy one.
"""

from __future__ import annotations

import bisect
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from global24.models import HeatSample, Item, Story
from global24.settings import Settings

WEIGHTS = {"velocity": 0.25, "burst": 0.1, "sources": 0.3, "engagement": 0.2, "breadth": 0.15}
RECENT_HOURS = 6.0  # velocity window
BURST_HOURS = 3.0  # burst: this window against the day before it
VELOCITY_SCALE = 1.0  # sources per hour at which velocity reaches 63%
SOURCES_SCALE = 4.0  # independent sources at which the component reaches 63%
ENGAGEMENT_FULL = 5.0  # log10 of engagements that counts as the maximum (100k)
DUPLICATE_WEIGHT = 0.25  # a syndicated copy corroborates a little (all copies of one item: at most 1)
MIN_HISTORY = 50  # below this many recent stories, the percentile is blended with an absolute curve
MAX_HISTORY = 50_000


def _h(dt: datetime) -> float:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() / 3600.0


@dataclass
class HeatBaseline:
    """Desk-wide state for heat: items/hour baseline and recent raw scores (one per story)."""

    rate: float = 0.0  # desk items per hour, smoothed
    rate_at: float | None = None  # hours since epoch of the last update
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)  # story id → (at hours, raw)
    current_rate: float = 0.0  # desk items/hour over the last few hours (set each round)

    def history(self, now: datetime, window_days: float) -> list[float]:
        """Raw scores of the stories scored within the window, sorted."""
        horizon = _h(now) - window_days * 24.0
        return sorted(raw for at, raw in self.scores.values() if at >= horizon)

    def record(self, story_id: str, raw: float, now: datetime, window_days: float) -> None:
        """Keep the story's latest raw score; forget stories older than the window."""
        self.scores[story_id] = (_h(now), raw)
        if len(self.scores) > MAX_HISTORY:
            horizon = _h(now) - window_days * 24.0
            kept = sorted(
                ((k, v) for k, v in self.scores.items() if v[0] >= horizon), key=lambda kv: kv[1][0]
            )
            self.scores = dict(kept[-MAX_HISTORY // 2 :] if len(kept) > MAX_HISTORY else kept)

    def observe_rate(self, items_per_hour: float, now: datetime, half_life_hours: float = 24.0) -> None:
        """Blend the desk's current items/hour into the baseline (exponential smoothing in time)."""
        at = _h(now)
        if self.rate_at is None or self.rate <= 0:
            self.rate, self.rate_at = items_per_hour, at
            return
        elapsed = max(0.0, at - self.rate_at)
        keep = 0.5 ** (elapsed / half_life_hours) if elapsed else 0.9
        self.rate = keep * self.rate + (1 - keep) * items_per_hour
        self.rate_at = max(self.rate_at, at)

    def dumps(self) -> bytes:
        scores = {k: list(v) for k, v in self.scores.items()}
        state = {
            "rate": self.rate,
            "rate_at": self.rate_at,
            "current_rate": self.current_rate,
            "scores": scores,
        }
        return json.dumps(state).encode("utf-8")

    @classmethod
    def loads(cls, data: bytes | str) -> HeatBaseline:
        """Inverse of :meth:`dumps`; an unreadable blob gives an empty baseline."""
        try:
            d = json.loads(data)
            return cls(
                rate=float(d.get("rate") or 0.0),
                rate_at=d.get("rate_at"),
                current_rate=float(d.get("current_rate") or 0.0),
                scores={str(k): (float(v[0]), float(v[1])) for k, v in (d.get("scores") or {}).items()},
            )
        except (ValueError, TypeError, AttributeError, IndexError):
            return cls()


def calibrate(raw: float, history: list[float]) -> float:
    """0–100: the share of recent raw scores below ``raw`` (ties count half).

    With little history the percentile means little, so it is blended with a
    fixed curve (raw 0.5 ↦ 50) until :data:`MIN_HISTORY` stories have been seen.
    """
    absolute = 100.0 * raw / (raw + 0.5) if raw > 0 else 0.0
    if not history:
        return round(absolute, 1)
    ordered = (
        history if all(history[i] <= history[i + 1] for i in range(len(history) - 1)) else sorted(history)
    )
    below = bisect.bisect_left(ordered, raw)
    equal = bisect.bisect_right(ordered, raw) - below
    pct = 100.0 * (below + 0.5 * equal) / len(ordered)
    w = min(1.0, len(ordered) / MIN_HISTORY)
    return round(w * pct + (1 - w) * absolute, 1)


def _weight(item: Item, weights: dict[str, Any]) -> float:
    for key in (item.source_id, item.source_name):
        if key and key in weights:
            try:
                return max(0.0, float(weights[key]))
            except (TypeError, ValueError):
                return 1.0
    return 1.0


def _ago(hours: float) -> str:
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} d"


def _count(n: float) -> str:
    return f"{n / 1000:.0f}k" if n >= 10_000 else f"{n / 1000:.1f}k" if n >= 1000 else f"{n:.0f}"


def components(
    story: Story, items: list[Item], now: datetime, settings: Settings, baseline: HeatBaseline | None
):
    """Raw values, 0..1 components, flags and the facts the explanation needs."""
    t_now = _h(now)
    weights = dict(settings.source_weights or {})
    times = {it.id: min(_h(it.when), t_now) for it in items}  # a future date counts as now
    independent = [it for it in items if not it.duplicate_of]
    copies = [it for it in items if it.duplicate_of]

    def src(it: Item) -> str:
        return it.source_id or it.source_name or "?"

    source_w: dict[str, float] = {}
    for it in independent:
        source_w.setdefault(src(it), _weight(it, weights))
    n_sources = len(source_w)
    sources_raw = sum(source_w.values())

    def active(lo: float, hi: float) -> float:
        """Weighted distinct sources with an item in [lo, hi) hours; all copies of one
        original together count at most as one more source."""
        seen: dict[str, float] = {}
        copies_of: dict[str, float] = {}
        for it in items:
            if lo <= times[it.id] < hi:
                w = _weight(it, weights)
                if it.duplicate_of:
                    copies_of[it.duplicate_of] = copies_of.get(it.duplicate_of, 0.0) + DUPLICATE_WEIGHT * w
                else:
                    seen[src(it)] = max(seen.get(src(it), 0.0), w)
        return sum(seen.values()) + sum(min(1.0, c) for c in copies_of.values())

    velocity_raw = active(t_now - RECENT_HOURS, t_now + 1e-9) / RECENT_HOURS
    recent_rate = active(t_now - BURST_HOURS, t_now + 1e-9) / BURST_HOURS
    past_rate = active(t_now - BURST_HOURS - 24.0, t_now - BURST_HOURS) / 24.0
    desk_factor = 1.0
    if baseline is not None and baseline.rate > 0 and baseline.current_rate > 0:
        desk_factor = max(1.0, baseline.current_rate / baseline.rate)
    burst_raw = (recent_rate + 0.1) / (past_rate + 0.1) / desk_factor

    best: dict[str, int] = {}
    for it in independent:
        e = it.engagement
        total = (e.likes + 2 * e.reposts + e.replies) if e is not None else 0
        best[src(it)] = max(best.get(src(it), 0), int(total))
    engagement_raw = float(sum(best.values()))

    langs = {(it.lang or "").split("-")[0].lower() for it in items if it.lang}
    kinds = {it.kind for it in items if it.kind}
    breadth_raw = max(0, len(langs) - 1) + max(0, len(kinds) - 1)
    last = max(times.values(), default=t_now)
    hours_since = max(0.0, t_now - last)
    half_life = max(1e-3, float(settings.heat_half_life_hours))
    recency = 0.5 ** (hours_since / half_life)

    comp = {
        "velocity": 1.0 - math.exp(-velocity_raw / VELOCITY_SCALE),
        "burst": min(1.0, max(0.0, math.log2(max(burst_raw, 1e-9)) / 3.0)),
        "sources": 1.0 - math.exp(-sources_raw / SOURCES_SCALE),
        "engagement": min(1.0, math.log10(1.0 + engagement_raw) / ENGAGEMENT_FULL),
        "breadth": 1.0 - math.exp(-breadth_raw / 2.0),
        "recency": recency,
    }
    raw_values = {
        "velocity_raw": round(velocity_raw, 4),
        "burst_raw": round(burst_raw, 4),
        "sources_raw": round(sources_raw, 4),
        "independent_sources": float(n_sources),
        "duplicates": float(len(copies)),
        "engagement_raw": engagement_raw,
        "languages": float(len(langs)),
        "kinds": float(len(kinds)),
        "hours_since_last": round(hours_since, 3),
    }
    flags: list[str] = []
    if n_sources <= 1:
        flags.append("single-source")
    per_source = Counter(src(it) for it in independent)
    if per_source and len(independent) >= 5 and per_source.most_common(1)[0][1] * 2 > len(independent):
        flags.append("one-source-dominates")
    if copies and len(copies) >= len(independent):
        flags.append("mostly-syndicated")
    if any(_h(it.when) > t_now + 1.0 for it in items):
        flags.append("future-dated-items")
    buckets = Counter(math.floor(times[it.id]) for it in independent) or Counter(
        math.floor(v) for v in times.values()
    )
    peak = max(buckets.items(), key=lambda kv: (kv[1], kv[0]))[0] if buckets else math.floor(t_now)
    first = min(times.values(), default=t_now)
    facts = {
        "sources": n_sources,
        "span": max(0.0, last - first),
        "langs": len(langs),
        "engagement": engagement_raw,
        "peak_ago": max(0.0, t_now - (peak + 0.5)),
        "since": hours_since,
    }
    return comp, raw_values, flags, facts


def raw_score(comp: dict[str, float]) -> float:
    """Weighted sum of the components, times recency."""
    return comp["recency"] * sum(w * comp[k] for k, w in WEIGHTS.items())


def explain(score: float, facts: dict[str, Any], flags: list[str]) -> str:
    """One line a reader understands: '🔥 87: 9 independent sources in 6 h, 3 languages, …'."""
    n = facts["sources"]
    parts = [
        f"{n} independent source{'s' if n != 1 else ''}" + (f" in {_ago(facts['span'])}" if n > 1 else "")
    ]
    if facts["langs"] > 1:
        parts.append(f"{facts['langs']} languages")
    if facts["engagement"] >= 1:
        parts.append(f"{_count(facts['engagement'])} engagements")
    tail = f"peaked {_ago(facts['peak_ago'])} ago" if facts["peak_ago"] >= 1 else "peaking now"
    if facts["since"] >= 1:
        tail += f", quiet for {_ago(facts['since'])}"
    note = " (single source)" if "single-source" in flags else ""
    return f"🔥 {score:.0f}: {', '.join(parts)}; {tail}{note}"


def _sample(
    story: Story, items: list[Item], now: datetime, settings: Settings, baseline: HeatBaseline | None
):
    comp, raw_values, flags, facts = components(story, items, now, settings, baseline)
    raw = raw_score(comp)
    return comp, raw_values, flags, facts, raw


def score_story(
    story: Story, items: list[Item], now: datetime, settings: Settings, baseline: HeatBaseline | None = None
) -> HeatSample:
    """Score one story at ``now`` against the baseline's recent raw scores (not recorded)."""
    comp, raw_values, flags, facts, raw = _sample(story, items, now, settings, baseline)
    history = baseline.history(now, settings.heat_window_days) if baseline else []
    score = calibrate(raw, history)
    return HeatSample(
        story_id=story.id,
        at=now,
        score=score,
        components={**{k: round(v, 4) for k, v in comp.items()}, "raw": round(raw, 5), **raw_values},
        flags=flags,
        explanation=explain(score, facts, flags),
    )


def score_stories(
    stories_with_items: Iterable[tuple[Story, list[Item]]],
    now: datetime,
    settings: Settings,
    baseline: HeatBaseline | None = None,
) -> list[HeatSample]:
    """Score a round of stories: update the desk baseline, record raw scores, then calibrate."""
    pairs = list(stories_with_items)
    baseline = baseline if baseline is not None else HeatBaseline()
    t_now = _h(now)
    last_day = sum(1 for _, items in pairs for it in items if t_now - 24.0 <= _h(it.when) <= t_now + 1.0)
    last_3h = sum(
        1 for _, items in pairs for it in items if t_now - BURST_HOURS <= _h(it.when) <= t_now + 1.0
    )
    baseline.observe_rate(last_day / 24.0, now)
    baseline.current_rate = last_3h / BURST_HOURS
    scored = [(story, _sample(story, items, now, settings, baseline)) for story, items in pairs]
    for story, (*_, raw) in scored:
        baseline.record(story.id, raw, now, settings.heat_window_days)
    history = baseline.history(now, settings.heat_window_days)
    out = []
    for story, (comp, raw_values, flags, facts, raw) in scored:
        score = calibrate(raw, history)
        story.heat = score
        out.append(
            HeatSample(
                story_id=story.id,
                at=now,
                score=score,
                components={**{k: round(v, 4) for k, v in comp.items()}, "raw": round(raw, 5), **raw_values},
                flags=flags,
                explanation=explain(score, facts, flags),
            )
        )
    return out
