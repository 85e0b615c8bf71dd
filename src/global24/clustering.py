"""Stories: one pass over the stream, each item joins a live story or starts one.

How an item is placed (all in :meth:`StoryClusterer.assign`):

1. Its clock time: ``published_at`` (never more than an hour past ``fetched_at``),
   else one tick after the previous item, so arrival order is the clock.
2. Its vector: TF-IDF with sublinear tf and an IDF learned from the stream, plus
   entity, number and link features (``e:``, ``n:``, ``u:``) weighted up.
3. Candidate stories come from an inverted index over centroid terms (never
   all pairs); each is scored ``cosine × size prior × time closeness``.
   The size prior (``mass ** 0.2``) lets a big story's diffuse centroid keep
   pulling in short items that a singleton with the same words would not.
4. Items in another language than their best match (or in another script)
   are also compared by multilingual sentence vectors, only then, so the cost
   of the encoder is paid for a few items.
5. After a join, stories whose centroids now converge are merged (the smaller
   into the larger, ``merged_into`` kept) and a story whose recent items have
   drifted away from its core is split.

Centroids age (forward decay), stories cool and archive, and only stories idle
less than ``cluster_window_hours`` stay indexed, so memory is bounded by the
window, not the history. Everything is deterministic: replaying the same items
in the same order gives the same stories.
"""

from __future__ import annotations

import heapq
import json
import math
import pickle
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from global24 import crosslingual, features
from global24.models import Engagement, Item, Story, stable_id
from global24.settings import Settings
from global24.vectors import OnlineIdf, SparseVector, dot, tfidf, top_terms

SNAPSHOT_VERSION = 2

# One configuration for every stream (tuned on nothing but the reasoning in the docstring;
# the benchmark shows what it gives on two very different files).
JOIN_THRESHOLD = 0.25  # score needed to join (settings.cluster_threshold overrides when > 0)
SIZE_EXPONENT = 0.2  # size prior: score × min(mass, SIZE_CAP) ** SIZE_EXPONENT
SIZE_CAP = 1000.0
MERGE_THRESHOLD = 0.27  # centroid cosine at which two live stories become one
MERGE_EVERY_UNTIL = 16  # stories up to this mass look for merge partners after every item ...
MERGE_EVERY = 4  # ... bigger ones after every 4th
MERGE_GROWTH = 0.0  # ... raised by this × log(smaller mass): two big stories seldom converge
SPLIT_THRESHOLD = 0.08  # recent items vs the story's core below this: the story has drifted
RING = 16  # recent items remembered per story, for drift detection
FEATURE_BOOST = {"e": 1.5, "n": 1.2, "u": 2.0}  # entities, numbers, links vs plain terms
ENTITY_WEIGHT = 0.3  # weight of the named-entity coverage added to the cosine (text with case only)
ENTITY_PROBE = 24  # entities of an item that are checked against a story
ITEM_TERMS = 64  # terms kept per item vector
IDF_POWER = 1.0  # idf ** power: above 1 favours rare terms
CENTROID_TERMS = 400  # a centroid is pruned back to this many terms when it doubles
CANDIDATE_TERMS = 16  # item terms used to find candidate stories
CANDIDATES = 12  # candidates scored exactly
E5_THRESHOLD = 0.86  # multilingual-e5 cosine (item vs story mean) needed to join across languages
E5_STORIES = 48  # at most this many of the largest live stories are given sentence vectors
E5_SAMPLE = 300  # characters of an item fed to the encoder (cost grows with length)
MAX_ITEM_MAP = 250_000
NOISE_PRIOR = 0.06  # background cosine between an item and stories it does not belong to, before any is seen
NOISE_RATE = 0.005  # how fast the background estimate follows the stream
CONSOLIDATE_EVERY = 4  # items between consolidation passes
CONSOLIDATE_RATIO = 1.0  # average-link similarity needed to consolidate, in units of the background  # recent item → story entries kept for duplicate lookups
KEY_ENTITIES = 10  # names that characterise a story
CONSOLIDATE_ENTITIES = 0.1  # weighted share of key names two stories must share to be consolidated
CONSOLIDATE_HIGH = 0.1  # average-link two single items need to be consolidated


@dataclass
class Assignment:
    """Where one item went, and what else its arrival changed."""

    story_id: str
    is_new: bool
    similarity: float
    merged: list[tuple[str, str]] = field(default_factory=list)  # (from_id, into_id)
    split: list[tuple[str, str]] = field(default_factory=list)  # (item_id, new story id) moved out
    via: str = "tfidf"  # tfidf | embedding | duplicate | new


@dataclass
class _Story:
    """A story's working state (the public record is :class:`global24.models.Story`)."""

    id: str
    order: int
    vec: SparseVector = field(default_factory=dict)  # centroid sum in "scale units"
    scale: float = 1.0  # forward decay: true centroid = scale × vec
    scale_at: float = 0.0
    wsum: float = 0.0  # summed item weights in scale units (average-link denominators)
    norm2: float = 0.0
    factor: float = 1.0  # size prior / centroid norm, cached for candidate ranking
    top: list[str] = field(default_factory=list)  # heaviest centroid terms, refreshed now and then
    items: int = 0
    mass: int = 0  # independent items (duplicates excluded): the size prior
    first_seen: float = 0.0
    last_seen: float = 0.0
    touched: float = 0.0  # stream clock when the story last took an item (expiry follows arrival)
    first_item_id: str = ""
    first_source_id: str = ""
    title: str | None = None
    title_score: float = -1.0
    sources: dict[str, int] = field(default_factory=dict)
    entities: Counter[str] = field(default_factory=Counter)
    langs: dict[str, int] = field(default_factory=dict)
    core: SparseVector = field(default_factory=dict)  # sum of the first RING item vectors
    ring: list[tuple[str, SparseVector, SparseVector]] = field(default_factory=list)  # (id, v, contribution)
    merged_into: str | None = None
    indexed: bool = True
    reported_status: str | None = None


def _hours(dt: datetime) -> float:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() / 3600.0


def _datetime(hours: float) -> datetime:
    return datetime.fromtimestamp(hours * 3600.0, UTC)


def _lang(item: Item, feats: features.Features) -> str:
    lang = (item.lang or "").split("-")[0].lower()
    if lang:
        return lang
    return "xx" if feats.non_latin else ""  # "" = unknown, assumed to share the desk's language


class StoryClusterer:
    """Online story clustering; feed items in arrival order with :meth:`assign`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.idf = OnlineIdf()
        self.clock: float | None = None
        self.tick = 1.0 / max(1.0, float(settings.cluster_items_per_hour))
        self.stories_by_id: dict[str, _Story] = {}
        self.postings: dict[str, dict[str, float]] = {}
        self.item_story: dict[str, str] = {}
        self.dirty: dict[str, None] = {}
        self.count = 0
        self.created = 0
        self.last_expiry = 0.0
        self.stats: Counter[str] = Counter()
        self.noise = NOISE_PRIOR
        self.touched_ids: dict[str, None] = {}
        self.bridge = crosslingual.LanguageBridge()
        self.lang_counts: dict[str, int] = {}
        self.main_lang = "en"

    # public API ---------------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        t = float(self.settings.cluster_threshold)
        return t if t > 0 else JOIN_THRESHOLD

    def assign(self, item: Item) -> Assignment:
        """Place one item in a story (new or existing); never raises on odd input."""
        t = self._clock_for(item)
        self.count += 1
        if t - self.last_expiry > 1.0 or self.count % 4096 == 0:
            self._expire()
        if item.duplicate_of:
            target = self._live(self.item_story.get(item.duplicate_of))
            if target is not None:
                return self._add_duplicate(target, item, t)
        feats = features.extract(item.title, item.text or "")
        counts: dict[str, float] = dict(feats.terms)
        for prefix, values in (("e", feats.entities), ("n", feats.numbers), ("u", feats.links)):
            for value in values:
                counts[f"{prefix}:{value}"] = counts.get(f"{prefix}:{value}", 0) + 1
        self.idf.observe(counts)
        vec = tfidf(counts, self.idf, int(ITEM_TERMS), IDF_POWER)
        vec = self._boost(vec)
        ents = self._entity_weights(feats.entities)
        best, score = self._best(vec, t, ents)
        via = "tfidf"
        lang = _lang(item, feats)
        self._note_lang(lang)
        emb = None
        if self.settings.cluster_multilingual and self._foreign(lang):
            emb, e_best, e_score = self._across_languages(item, ents, t)
            if e_best is not None and score < self.threshold:  # a same-language match is TF-IDF's to judge
                best, score, via = e_best, max(self.threshold, score), "embedding"
        if best is not None and score >= self.threshold:
            story, is_new = best, False
        else:
            story, is_new, via = self._new_story(item), True, "new"
            score = 0.0 if best is None else score
        self._add(story, item, vec, feats, lang, t, score, emb)
        result = Assignment(story_id=story.id, is_new=is_new, similarity=round(score, 4), via=via)
        if not is_new:
            self._maybe_merge(story, t, result)
            self._maybe_split(self.stories_by_id[result.story_id], t, result, item.id)
        self.touched_ids[self.resolve(result.story_id)] = None
        if self.count % CONSOLIDATE_EVERY == 0:
            self._consolidate(t, result)
        self.stats[via] += 1
        return result

    def stories(self, changed_only: bool = True) -> list[Story]:
        """Story records changed (or whose status changed) since the last call; all with False."""
        out: list[Story] = []
        clock = self.clock or 0.0
        for s in self.stories_by_id.values():
            status = self._status(s, clock)
            if not changed_only or s.id in self.dirty or status != s.reported_status:
                out.append(self._record(s, status))
                s.reported_status = status
        self.dirty.clear()
        self._forget(clock)
        return out

    def resolve(self, story_id: str) -> str:
        """Follow ``merged_into`` links to the story that now holds the items."""
        seen = 0
        s = self.stories_by_id.get(story_id)
        while s is not None and s.merged_into and seen < 100:
            story_id, s, seen = s.merged_into, self.stories_by_id.get(s.merged_into), seen + 1
        return story_id

    def dumps(self) -> bytes:
        """A durable snapshot (pickle of plain state; the settings are not included)."""
        state = {k: v for k, v in self.__dict__.items() if k != "settings"}
        return pickle.dumps((SNAPSHOT_VERSION, state), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def loads(cls, settings: Settings, data: bytes) -> StoryClusterer:
        """Restore a snapshot made by :meth:`dumps`; raises ValueError if it is not one."""
        version, state = pickle.loads(data)
        if version != SNAPSHOT_VERSION:
            raise ValueError(f"cluster snapshot version {version} is not {SNAPSHOT_VERSION}")
        obj = cls(settings)
        obj.__dict__.update(state)
        return obj

    # time ------------------------------------------------------------------------------------
    def _clock_for(self, item: Item) -> float:
        """Item time in hours; untimed items tick the clock by one arrival."""
        if item.published_at is not None:
            t = _hours(item.published_at)
            if item.fetched_at is not None:
                t = min(t, _hours(item.fetched_at) + 1.0)  # a date in the future is not believed
        elif self.clock is None:
            t = _hours(item.fetched_at) if item.fetched_at is not None else 0.0
        else:
            t = self.clock + self.tick
        if self.clock is None or t > self.clock:
            self.clock = t
        return t

    def _closeness(self, s: _Story, t: float) -> float:
        window = float(self.settings.cluster_window_hours)
        gap = t - s.last_seen if t >= s.last_seen else max(0.0, s.first_seen - t)
        return 1.0 - 0.5 * min(1.0, gap / window)

    def _status(self, s: _Story, clock: float) -> str:
        idle = clock - s.last_seen
        if idle >= float(self.settings.story_archive_hours):
            return "archived"
        if idle >= float(self.settings.story_cooling_hours):
            return "cooling"
        return "live"

    def _expire(self) -> None:
        """Stop indexing stories idle longer than the window (they keep their record)."""
        clock = self.clock or 0.0
        self.last_expiry = clock
        horizon = clock - float(self.settings.cluster_window_hours)
        for s in list(self.stories_by_id.values()):
            if s.indexed and s.touched < horizon:
                self._unindex(s)

    def _forget(self, clock: float) -> None:
        """Drop reported archived stories from memory (their records live in the store)."""
        horizon = clock - max(
            float(self.settings.story_archive_hours), float(self.settings.cluster_window_hours)
        )
        gone = [
            sid
            for sid, s in self.stories_by_id.items()
            if s.last_seen < horizon and s.reported_status == "archived" and sid not in self.dirty
        ]
        self.bridge.forget(gone)
        for sid in gone:
            s = self.stories_by_id.pop(sid)
            if s.indexed:
                self._unindex(s)

    # scoring -------------------------------------------------------------------------------------
    @staticmethod
    def _boost(vec: SparseVector) -> SparseVector:
        if not any(t[1:2] == ":" for t in vec):
            return vec
        out = {t: w * FEATURE_BOOST.get(t[0], 1.0) if t[1:2] == ":" else w for t, w in vec.items()}
        norm = math.sqrt(sum(w * w for w in out.values()))
        return {t: w / norm for t, w in out.items()}

    def _prior(self, s: _Story) -> float:
        return min(float(max(1, s.mass)), SIZE_CAP) ** SIZE_EXPONENT

    def _refresh(self, s: _Story) -> None:
        s.factor = self._prior(s) / math.sqrt(s.norm2) if s.norm2 > 0 else 0.0

    def _entity_weights(self, entities: list[str]) -> dict[str, float]:
        """Item entities weighted by their IDF, normalised to sum to one."""
        if not entities or ENTITY_WEIGHT <= 0:
            return {}
        w = {e: self.idf.idf(f"e:{e}") for e in entities[:ENTITY_PROBE]}
        total = sum(w.values())
        return {e: x / total for e, x in w.items()} if total > 0 else {}

    def _best(
        self, vec: SparseVector, t: float, ents: dict[str, float] | None = None
    ) -> tuple[_Story | None, float]:
        """Best live story by cosine × size prior × time closeness, via the inverted index."""
        if not vec:
            return None, 0.0
        acc: dict[str, float] = {}
        postings = self.postings
        # probe with the heaviest terms some story has: a term never seen before finds nothing
        known = [kv for kv in vec.items() if kv[0] in postings]
        probe = (
            sorted(known, key=lambda kv: (-kv[1], kv[0]))[:CANDIDATE_TERMS]
            if len(known) > CANDIDATE_TERMS
            else known
        )
        for term, w in probe:
            post = self.postings.get(term)
            if post:
                for sid, cw in post.items():
                    acc[sid] = acc.get(sid, 0.0) + w * cw
        if not acc:
            return None, 0.0
        stories = self.stories_by_id
        ranked = heapq.nlargest(
            CANDIDATES, acc.items(), key=lambda kv: (kv[1] * stories[kv[0]].factor, kv[0])
        )
        best, best_score = None, 0.0
        cosines = []
        for sid, partial in ranked:
            s = stories[sid]
            exact = partial if len(known) <= CANDIDATE_TERMS else dot(vec, s.vec)
            cosines.append(exact / math.sqrt(s.norm2 or 1.0))
            score = exact * s.factor
            if ents:  # share of the item's (IDF-weighted) names this story already mentions
                known = s.entities
                score += ENTITY_WEIGHT * sum(w for e, w in ents.items() if e in known)
            score *= self._closeness(s, t)
            if score > best_score or (score == best_score and best is not None and s.order < best.order):
                best, best_score = s, score
        if len(cosines) >= 3:  # the stream's background similarity: candidates after the best one
            cosines.sort(reverse=True)
            bg = sum(cosines[1:6]) / len(cosines[1:6])
            self.noise += NOISE_RATE * (bg - self.noise)
        return best, best_score

    # consolidation ------------------------------------------------------------------------------
    def _consolidate(self, t: float, result: Assignment) -> None:
        """Merge recently touched stories with a partner whose items they resemble on average."""
        floor = CONSOLIDATE_RATIO * self.noise
        ids = sorted(self.touched_ids, key=lambda sid: self.stories_by_id[sid].order if sid in self.stories_by_id else 0)
        self.touched_ids = {}
        for sid in ids:
            s = self.stories_by_id.get(self.resolve(sid))
            if s is None or not s.indexed or s.merged_into:
                continue
            other = self._link_partner(s, t, floor) if s.entities else None
            if other is None and self.settings.cluster_multilingual and self._foreign_only(s):
                sid2, _ = self.bridge.link_partner(
                    s.id, self._bridge_pool(t, s.id), lambda a, b: self._same_event(a, b, t)
                )
                other = self.stories_by_id.get(sid2) if sid2 else None
                if other is not None:
                    self.stats["linked"] += 1
            if other is None:
                continue
            big, small = (s, other) if (s.mass, -s.order) >= (other.mass, -other.order) else (other, s)
            self._merge(small, big)
            result.merged.append((small.id, big.id))
            if self.resolve(result.story_id) == big.id:
                result.story_id = big.id
            self.stats["consolidated"] += 1

    def _link_partner(self, s: _Story, t: float, floor: float) -> _Story | None:
        top = top_terms(s.vec, 12, plain_only=False)
        acc: dict[str, float] = {}
        for term in top:
            w = s.vec.get(term, 0.0)
            for sid, cw in self.postings.get(term, {}).items():
                if sid != s.id:
                    acc[sid] = acc.get(sid, 0.0) + w * cw
        if not acc:
            return None
        stories = self.stories_by_id
        ranked = heapq.nlargest(8, acc.items(), key=lambda kv: (kv[1] / (stories[kv[0]].wsum or 1.0), kv[0]))
        best, best_margin = None, 0.0
        names = self._key_entities(s)
        for sid, _ in ranked:
            o = stories[sid]
            ratio = self._link_ratio(s, o, t, floor, names)
            if ratio >= 1.0 and ratio > best_margin:
                best, best_margin = o, ratio
        return best

    def _link_ratio(self, s: _Story, o: _Story, t: float, floor: float, names: dict[str, float]) -> float:
        """Average-link similarity of two stories over what they need to be consolidated (0 if no shared names)."""
        if self._entity_overlap(names, o) < CONSOLIDATE_ENTITIES:
            return 0.0
        avg = dot(s.vec, o.vec) / ((s.wsum or 1.0) * (o.wsum or 1.0))
        avg *= min(self._closeness(o, t), self._closeness(s, t))
        # two single items need what a join needs; the bar falls to the floor as evidence grows
        high = max(CONSOLIDATE_HIGH, floor)
        need = floor + (high - floor) / math.sqrt(max(1, s.mass) * max(1, o.mass))
        return avg / need

    def _foreign_only(self, s: _Story) -> bool:
        """A story none of whose items is in the main language (or of unknown language)."""
        return bool(s.langs) and not any(self._foreign(x) is False for x in s.langs)

    def _key_entities(self, s: _Story) -> dict[str, float]:
        """A story's most mentioned names, weighted by IDF and normalised to sum to one."""
        top = [e for e, _ in s.entities.most_common(KEY_ENTITIES)]
        w = {e: self.idf.idf(f"e:{e}") for e in top}
        total = sum(w.values())
        return {e: x / total for e, x in w.items()} if total > 0 else {}

    def _entity_overlap(self, names: dict[str, float], o: _Story) -> float:
        """Share of ``names`` (weighted) that story ``o`` mentions among its own key names."""
        theirs = {e for e, _ in o.entities.most_common(KEY_ENTITIES)}
        return sum(w for e, w in names.items() if e in theirs)

    # multilingual ---------------------------------------------------------------------------------
    def _foreign(self, lang: str) -> bool:
        """Another language than the desk's main one (the most common so far; English on a tie)."""
        return bool(lang) and lang != self.main_lang

    def _note_lang(self, lang: str) -> None:
        if not lang or lang == "xx":
            return
        n = self.lang_counts[lang] = self.lang_counts.get(lang, 0) + 1
        main = self.lang_counts.get(self.main_lang, 0)
        if n > main or (n == main and lang == "en"):
            self.main_lang = lang

    def _bridge_pool(self, t: float, exclude: str | None = None) -> list[str]:
        """Live stories told in the main language, nearest in time and largest first."""
        main = self.main_lang
        live = [
            s
            for s in self.stories_by_id.values()
            if s.indexed and s.id != exclude and s.mass >= 2 and s.langs.get(main, 0) + s.langs.get("", 0) > 0
        ]
        live.sort(key=lambda s: (-self._closeness(s, t), -s.mass, s.order))
        return [s.id for s in live[: crosslingual.POOL]]

    def _same_event(self, a: str, b: str, t: float) -> bool:
        sa, sb = self.stories_by_id.get(a), self.stories_by_id.get(b)
        if sa is None or sb is None:
            return False
        floor = CONSOLIDATE_RATIO * self.noise
        return self._link_ratio(sa, sb, t, floor, self._key_entities(sa)) >= 1.0

    def _across_languages(
        self, item: Item, ents: dict[str, float], t: float
    ) -> tuple[np.ndarray | None, _Story | None, float]:
        """The item's sentence vector and the main-language story it tells, if any."""
        encoded = self.bridge.encode([crosslingual.short_text(item.title, item.text or "")])
        if encoded is None:
            return None, None, 0.0
        self.stats["embedded"] += 1
        stories = self.stories_by_id

        def latin(sid: str) -> float:  # names in Latin script both mention (Trump, Takaichi, COP30)
            known = stories[sid].entities
            return sum(w for e, w in ents.items() if e in known)

        sid, score = self.bridge.best_story(
            encoded[0], self._bridge_pool(t), lambda a, b: self._same_event(a, b, t), latin
        )
        return encoded[0], (stories[sid] if sid else None), score

    # story updates ------------------------------------------------------------------------------
    def _new_story(self, item: Item) -> _Story:
        sid = "st_" + stable_id(item.id, prefix="", length=16)
        while sid in self.stories_by_id:  # the same item id twice: keep both, never overwrite
            sid = "st_" + stable_id(sid, item.id, prefix="", length=16)
        self.created += 1
        s = _Story(id=sid, order=self.created, first_item_id=item.id, first_source_id=item.source_id)
        self.stories_by_id[sid] = s
        return s

    def _add(
        self,
        s: _Story,
        item: Item,
        vec: SparseVector,
        feats: features.Features,
        lang: str,
        t: float,
        score: float,
        emb: np.ndarray | None,
    ) -> None:
        if s.items == 0:
            s.first_seen = s.last_seen = s.scale_at = t
        contribution = self._add_vector(s, vec, t)
        s.items += 1
        s.mass += 1
        self._refresh(s)
        if t < s.first_seen or s.items == 1:
            s.first_item_id, s.first_source_id = item.id, item.source_id
        s.first_seen, s.last_seen = min(s.first_seen, t), max(s.last_seen, t)
        s.touched = self.clock or t
        src = item.source_id or item.source_name or "?"
        s.sources[src] = s.sources.get(src, 0) + 1
        s.entities.update(feats.entities[:ENTITY_PROBE])
        s.langs[lang] = s.langs.get(lang, 0) + 1
        title = item.title or (feats.sample.split("\n", 1)[0][:120] if feats.sample else None)
        if title and (item.title and score > s.title_score or s.title is None):
            s.title, s.title_score = title, score if item.title else -1.0
        if self.settings.cluster_multilingual:
            if emb is not None and not s.langs.keys() - {lang}:  # a foreign-only story's own vector
                self.bridge.note_member(s.id, "", emb)
            elif not self._foreign(lang):
                self.bridge.note_member(s.id, crosslingual.short_text(item.title, item.text or ""), None)
        if len(s.core) == 0 or s.mass <= RING:
            for term, w in vec.items():
                s.core[term] = s.core.get(term, 0.0) + w
        s.ring.append((item.id, vec, contribution))
        if len(s.ring) > RING:
            s.ring.pop(0)
        self._remember(item.id, s.id)
        self.dirty[s.id] = None

    def _add_vector(self, s: _Story, vec: SparseVector, t: float) -> SparseVector:
        """Add ``vec`` to the aged centroid; returns what was added (in the story's scale units)."""
        half_life = float(self.settings.cluster_decay_hours)
        if t > s.scale_at and half_life > 0:
            s.scale *= 0.5 ** ((t - s.scale_at) / half_life)
            s.scale_at = t
        if s.scale < 1e-6:
            self._rebase(s)
        inv = 1.0 / s.scale
        contribution = {term: w * inv for term, w in vec.items()}
        s.wsum += inv
        self._add_sparse(s, contribution)
        return contribution

    def _add_sparse(self, s: _Story, delta: SparseVector) -> None:
        cvec, postings = s.vec, self.postings
        n2 = s.norm2
        for term, d in delta.items():
            old = cvec.get(term, 0.0)
            new = old + d
            n2 += new * new - old * old
            if new > 1e-12:
                cvec[term] = new
                if s.indexed:
                    postings.setdefault(term, {})[s.id] = new
            else:
                cvec.pop(term, None)
                if s.indexed:
                    post = postings.get(term)
                    if post is not None:
                        post.pop(s.id, None)
        s.norm2 = max(n2, 0.0)
        if len(cvec) > 2 * CENTROID_TERMS:
            keep = dict(sorted(cvec.items(), key=lambda kv: (-kv[1], kv[0]))[:CENTROID_TERMS])
            self._reindex(s, keep)
        self._refresh(s)

    def _rebase(self, s: _Story) -> None:
        factor = s.scale
        s.scale = 1.0
        s.wsum *= factor
        s.ring = [(i, v, {t: w * factor for t, w in c.items()}) for i, v, c in s.ring]
        self._reindex(s, {t: w * factor for t, w in s.vec.items()})

    def _reindex(self, s: _Story, new_vec: SparseVector) -> None:
        if s.indexed:
            self._unindex(s)
        s.vec = new_vec
        s.norm2 = sum(w * w for w in new_vec.values())
        s.indexed = True
        for term, w in new_vec.items():
            self.postings.setdefault(term, {})[s.id] = w
        self._refresh(s)

    def _unindex(self, s: _Story) -> None:
        for term in s.vec:
            post = self.postings.get(term)
            if post is not None:
                post.pop(s.id, None)
                if not post:
                    del self.postings[term]
        s.indexed = False

    def _add_duplicate(self, s: _Story, item: Item, t: float) -> Assignment:
        """A near-duplicate corroborates its original's story: counted, but not as a new source."""
        s.items += 1
        s.first_seen, s.last_seen = min(s.first_seen, t), max(s.last_seen, t)
        self._remember(item.id, s.id)
        self.dirty[s.id] = None
        self.stats["duplicate"] += 1
        return Assignment(story_id=s.id, is_new=False, similarity=1.0, via="duplicate")

    def _remember(self, item_id: str, story_id: str) -> None:
        self.item_story[item_id] = story_id
        if len(self.item_story) > MAX_ITEM_MAP:
            keep = list(self.item_story.items())[MAX_ITEM_MAP // 2 :]
            self.item_story = dict(keep)

    def _live(self, story_id: str | None) -> _Story | None:
        if story_id is None:
            return None
        s = self.stories_by_id.get(self.resolve(story_id))
        return s if s is not None and s.indexed else None

    # merge and split ----------------------------------------------------------------------------
    def _maybe_merge(self, s: _Story, t: float, result: Assignment) -> None:
        """Merge ``s`` with a live story whose centroid it now resembles (up to 3 merges a step)."""
        if s.mass > MERGE_EVERY_UNTIL and s.mass % MERGE_EVERY:
            return  # a big centroid moves slowly: checking every few items is enough
        for _ in range(3):
            if s.mass < 2 or not s.indexed:
                return
            other = self._merge_partner(s, t)
            if other is None:
                return
            big, small = (s, other) if (s.mass, -s.order) >= (other.mass, -other.order) else (other, s)
            self._merge(small, big)
            result.merged.append((small.id, big.id))
            result.story_id = big.id
            s = big

    def _merge_partner(self, s: _Story, t: float) -> _Story | None:
        if s.mass <= 8 or s.mass & (s.mass - 1) == 0 or not s.top or s.mass % 8 == 0:
            s.top = top_terms(s.vec, 10, plain_only=False)
        acc: dict[str, float] = {}
        for term in s.top:
            w = s.vec.get(term, 0.0)
            for sid, cw in self.postings.get(term, {}).items():
                if sid != s.id:
                    acc[sid] = acc.get(sid, 0.0) + w * cw
        if not acc:
            return None
        stories = self.stories_by_id
        norm = math.sqrt(s.norm2 or 1.0)
        ranked = sorted(acc.items(), key=lambda kv: (-kv[1] / math.sqrt(stories[kv[0]].norm2 or 1.0), kv[0]))
        for sid, _ in ranked[:5]:
            o = stories[sid]
            cos = dot(s.vec, o.vec) / (norm * math.sqrt(o.norm2 or 1.0))
            need = MERGE_THRESHOLD * (1.0 + MERGE_GROWTH * math.log(min(s.mass, o.mass)))
            if cos * min(self._closeness(o, t), self._closeness(s, t)) >= need:
                return o
        return None

    def _merge(self, small: _Story, big: _Story) -> None:
        ratio = small.scale / big.scale
        self._unindex(small)
        self._add_sparse(big, {term: w * ratio for term, w in small.vec.items()})
        big.wsum += small.wsum * ratio
        big.items += small.items
        big.mass += small.mass
        self._refresh(big)
        if small.first_seen < big.first_seen:
            big.first_item_id, big.first_source_id = small.first_item_id, small.first_source_id
        big.first_seen, big.last_seen = (
            min(big.first_seen, small.first_seen),
            max(big.last_seen, small.last_seen),
        )
        for src, n in small.sources.items():
            big.sources[src] = big.sources.get(src, 0) + n
        big.entities.update(small.entities)
        for lang, n in small.langs.items():
            big.langs[lang] = big.langs.get(lang, 0) + n
        self.bridge.merge(small.id, big.id)
        if big.title is None or small.title_score > big.title_score:
            big.title, big.title_score = small.title, small.title_score
        small.merged_into = big.id
        small.vec, small.norm2, small.ring, small.core = {}, 0.0, [], {}
        self.dirty[small.id] = None
        self.dirty[big.id] = None
        self.stats["merges"] += 1

    def _maybe_split(self, s: _Story, t: float, result: Assignment, item_id: str) -> None:
        """Split off the recent items of a story that drifted away from its core."""
        if s.mass < 3 * RING or s.mass % RING or len(s.ring) < RING or not s.core:
            return
        recent: SparseVector = {}
        for _, v, _ in s.ring:
            for term, w in v.items():
                recent[term] = recent.get(term, 0.0) + w
        norm_r = math.sqrt(sum(w * w for w in recent.values())) or 1.0
        norm_c = math.sqrt(sum(w * w for w in s.core.values())) or 1.0
        if dot(recent, s.core) / (norm_r * norm_c) >= SPLIT_THRESHOLD:
            return
        moved = [
            (iid, v, c)
            for iid, v, c in s.ring
            if dot(v, recent) / norm_r > dot(v, s.core) / norm_c and self.item_story.get(iid) == s.id
        ]
        if len(moved) < RING // 2:
            return
        new = _Story(id="st_" + stable_id(moved[0][0], "split", length=16), order=self.created + 1)
        self.created += 1
        new.first_item_id, new.first_seen, new.last_seen, new.scale_at = moved[0][0], t, t, t
        new.first_source_id = s.first_source_id
        self.stories_by_id[new.id] = new
        for iid, v, c in moved:
            self._add_sparse(s, {term: -w for term, w in c.items()})
            s.wsum -= math.sqrt(sum(w * w for w in c.values()))
            s.items -= 1
            s.mass -= 1
            self._refresh(s)
            self._add_vector(new, v, t)
            for term, w in v.items():
                new.core[term] = new.core.get(term, 0.0) + w
            new.items += 1
            new.mass += 1
            self._refresh(new)
            self._remember(iid, new.id)
            result.split.append((iid, new.id))
        new.title, new.langs = s.title, dict(s.langs)
        moved_ids = {iid for iid, _, _ in moved}
        s.ring = [r for r in s.ring if r[0] not in moved_ids]
        if self.item_story.get(item_id) == new.id:
            result.story_id = new.id
        self.dirty[s.id] = None
        self.dirty[new.id] = None
        self.stats["splits"] += 1

    # records ----------------------------------------------------------------------------------
    def _record(self, s: _Story, status: str) -> Story:
        terms = top_terms(s.vec, 10) if s.vec else []
        independent = len(s.sources)
        return Story(
            id=s.id,
            first_seen=_datetime(s.first_seen),
            last_seen=_datetime(s.last_seen),
            item_count=s.items,
            source_count=independent,
            terms=terms,
            entities=[e for e, _ in s.entities.most_common(10)],
            status=status,
            merged_into=s.merged_into,
            title=s.title,
            first_item_id=s.first_item_id or None,
            first_source_id=s.first_source_id or None,
            updated_at=_datetime(self.clock or s.last_seen),
        )


def assign_story(item: Item, clusterer: StoryClusterer) -> Assignment:
    """The clustering stage's verb: place ``item`` with ``clusterer`` (which holds the state)."""
    return clusterer.assign(item)


def item_from_json(row: dict[str, Any], seq: int) -> Item:
    """An Item from one line of Item JSONL (ARCHITECTURE contract); tolerant of odd values."""
    published = None
    raw = row.get("published")
    if isinstance(raw, str) and raw.strip():
        try:
            published = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
            if published.tzinfo is None:
                published = published.replace(tzinfo=UTC)
        except ValueError:
            published = None
    text = row.get("text")
    return Item(
        id=str(row.get("id")),
        source_id=str(row.get("source") or ""),
        source_name=str(row.get("source") or "") or None,
        kind=str(row.get("kind") or "article"),
        url=row.get("url") if isinstance(row.get("url"), str) else None,
        title=row.get("title") if isinstance(row.get("title"), str) else None,
        text=text if isinstance(text, str) else "",
        published_at=published,
        lang=row.get("lang") if isinstance(row.get("lang"), str) else None,
        engagement=Engagement.from_dict(
            row.get("engagement") if isinstance(row.get("engagement"), dict) else None
        ),
        duplicate_of=row.get("duplicate_of") if isinstance(row.get("duplicate_of"), str) else None,
        seq=seq,
    )


def cluster_jsonl(in_path: str | Path, out_path: str | Path, settings: Settings) -> dict[str, Any]:
    """``global24 cluster``: one pass over Item JSONL in file order; writes ``{"id", "story"}`` lines.

    Each item's story is the one it ends in after the pass (merges followed, splits
    applied), exactly what the live desk would show at the end of the stream.
    """
    clusterer = StoryClusterer(settings)
    order: list[str] = []
    story_of: dict[str, str] = {}
    errors = 0
    started = time.perf_counter()
    with open(in_path, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict) or "id" not in row:
                    raise ValueError("not an item object")
            except ValueError:
                errors += 1
                continue
            item = item_from_json(row, n)
            a = clusterer.assign(item)
            if item.id not in story_of:
                order.append(item.id)
            story_of[item.id] = a.story_id
            for iid, sid in a.split:
                story_of[iid] = sid
    elapsed = time.perf_counter() - started
    with open(out_path, "w", encoding="utf-8") as out:
        for iid in order:
            out.write(json.dumps({"id": iid, "story": clusterer.resolve(story_of[iid])}) + "\n")
    finals = {clusterer.resolve(s) for s in story_of.values()}
    return {
        "items": len(order),
        "stories": len(finals),
        "bad_lines": errors,
        "seconds": round(elapsed, 3),
        "items_per_second": round(len(order) / elapsed, 1) if elapsed > 0 else None,
        **{k: int(v) for k, v in clusterer.stats.items()},
    }


def stories_table(stories: list[Story], heat: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows for ``global24 stories``: id, heat, status, counts, title and why it is hot."""
    heat = heat or {}
    rows = []
    for s in stories:
        sample = heat.get(s.id)
        rows.append(
            {
                "id": s.id,
                "heat": round(float(getattr(sample, "score", s.heat) or 0.0)),
                "status": s.status,
                "items": s.item_count,
                "sources": s.source_count,
                "title": s.title or ", ".join(s.terms[:5]),
                "why": getattr(sample, "explanation", "") or "",
                "first_source": s.first_source_id,
                "last_seen": s.last_seen.isoformat(),
            }
        )
    return rows
