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
4. Items in another language than the desk's main one are also compared by
   multilingual sentence vectors (:mod:`global24.crosslingual`), only then, so
   the cost of the encoder is paid for a few items.
5. After a join, stories whose centroids now converge are merged (the smaller
   into the larger, ``merged_into`` kept), every few items recently touched
   stories are consolidated or linked across languages, and a story whose
   recent items have drifted away from its core is split
   (:mod:`global24.merging`; story state in :mod:`global24.stories`).

Centroids age (forward decay), stories cool and archive, and only stories idle
less than ``cluster_window_hours`` (counted on the stream clock since a story
last took an item, so a backlog fetched at once stays joinable) stay indexed, so memory is bounded by the
window, not the history. Everything is deterministic: replaying the same items
in the same order gives the same stories.
"""

from __future__ import annotations

import heapq
import json
import math
import pickle
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any

from global24 import crosslingual, features
from global24.merging import CONSOLIDATE_EVERY, REVIEW_EVERY, StoryMerging
from global24.models import Engagement, Item, Story
from global24.normalize import not_yet
from global24.settings import Settings
from global24.sources.base import parse_datetime
from global24.sources.jsonl import contract_row, dateline_published, outlet_name, plain_text
from global24.stories import ENTITY_PROBE, Assignment, StoryIndex, StoryState, _hours, _lang, closeness
from global24.text import lang_code
from global24.vectors import OnlineIdf, SparseVector, dot, heaviest_first, tfidf

SNAPSHOT_VERSION = 2

# One configuration for every stream (tuned on nothing but the reasoning in the docstring;
# the benchmark shows what it gives on two very different files).
JOIN_THRESHOLD = 0.25  # score needed to join (settings.cluster_threshold overrides when > 0)
SIZE_EXPONENT = 0.2  # size prior: score × min(mass, SIZE_CAP) ** SIZE_EXPONENT
SIZE_CAP = 1000.0
FEATURE_BOOST = {"e": 1.5, "n": 1.2, "u": 2.0}  # entities, numbers, links vs plain terms
ENTITY_CENTRE = 0.0  # coverage below this counts against a join (names that disagree)
ENTITY_WEIGHT = 0.3  # weight of the named-entity coverage added to the cosine (text with case only)
ITEM_TERMS = 64  # terms kept per item vector
IDF_POWER = 1.0  # idf ** power: above 1 favours rare terms
CANDIDATE_TERMS = 16  # item terms used to find candidate stories
CANDIDATES = 12  # candidates scored exactly
NOISE_PRIOR = 0.06  # background cosine between an item and stories it does not belong to, before any is seen
NOISE_RATE = 0.005  # how fast the background estimate follows the stream
# An item that starts a story often only arrived before the story it belongs to had formed
# (the first report of an event, or a side item whose neighbours came later). Such a
# single-item story gets a second look when the stream has moved on by each of these many
# items: if it would now join a story, it is merged into it. Bounded: at most three looks.
SECOND_LOOKS = (128, 1024, 8192)


class StoryClusterer(StoryIndex, StoryMerging):
    """Online story clustering; feed items in arrival order with :meth:`assign`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.idf = OnlineIdf()
        self.clock: float | None = None
        self.tick = 1.0 / max(1.0, float(settings.cluster_items_per_hour))
        self.stories_by_id: dict[str, StoryState] = {}
        self.postings: dict[str, dict[str, float]] = {}
        self.item_story: dict[str, str] = {}
        self.dirty: dict[str, None] = {}
        self.count = 0
        self.created = 0
        self.last_expiry = 0.0
        self.stats: Counter[str] = Counter()
        self.noise = NOISE_PRIOR
        self.touched_ids: dict[str, None] = {}
        self.pending_merges: list[tuple[str, str]] = []  # made outside assign, reported with the next
        self.bridge = crosslingual.LanguageBridge()
        self.lang_counts: dict[str, int] = {}
        self.main_lang = "en"
        self.second_looks: deque[tuple[int, int, str]] = deque()  # (due count, look number, story id)

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
                return self._with_pending(self._add_duplicate(target, item, t))
        feats = features.extract(item.title, item.text or "")
        counts: dict[str, float] = dict(feats.terms)
        for prefix, values in (("e", feats.entities), ("n", feats.numbers), ("u", feats.links)):
            for value in values:
                counts[f"{prefix}:{value}"] = counts.get(f"{prefix}:{value}", 0) + 1
        self.idf.observe([*counts, *(f"w:{w}" for w in feats.names)])
        vec = tfidf(counts, self.idf, int(ITEM_TERMS), IDF_POWER)
        vec = self._boost(vec)
        ents = self._entity_weights(feats.names)
        best, score = self._best(vec, t, ents)
        via = "tfidf"
        lang = _lang(item, feats)
        self._note_lang(lang)
        emb = None
        if self.settings.cluster_multilingual and self._foreign(lang) and self._wants_vector(best, score):
            emb, e_best, e_score = self._across_languages(item, ents, t)
            if e_best is not None and score < self.threshold:  # a same-language match is TF-IDF's to judge
                best, score, via = e_best, max(self.threshold, score), "embedding"
        if best is not None and score >= self.threshold:
            story, is_new = best, False
        else:
            story, is_new, via = self._new_story(item), True, "new"
            self.second_looks.append((self.count + SECOND_LOOKS[0], 0, story.id))
            score = 0.0 if best is None else score
        self._add(story, item, vec, feats, lang, t, score, emb)
        result = self._with_pending(
            Assignment(story_id=story.id, is_new=is_new, similarity=round(score, 4), via=via)
        )
        if not is_new:
            self._maybe_merge(story, t, result)
            self._maybe_split(self.stories_by_id[result.story_id], t, result, item.id)
        self.touched_ids[self.resolve(result.story_id)] = None
        self._second_looks(result)
        if self.count % CONSOLIDATE_EVERY == 0:
            if self.count % REVIEW_EVERY == 0:  # now and then every live story, not just the touched ones
                self._touch_reviewable()
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

    def review(self) -> list[tuple[str, str]]:
        """Consolidate over every live story now (end of a batch); returns the merges (from, into).

        ``assign`` does this every ``REVIEW_EVERY`` items; a batch that ends between
        two reviews calls it so the last items' stories get the same chance.
        """
        result = Assignment(story_id="", is_new=False, similarity=0.0)
        self._touch_reviewable()
        self._consolidate(self.clock or 0.0, result)
        return result.merged

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

    def _second_looks(self, result: Assignment) -> None:
        """Merge single-item stories that are due a second look into the story they would now join."""
        queue = self.second_looks
        while queue and queue[0][0] <= self.count:
            _, look, sid = queue.popleft()
            s = self.stories_by_id.get(sid)
            if s is None or s.merged_into or not s.indexed or s.items != 1 or not s.ring:
                continue  # gone, or no longer alone (joined, or syndicated copies corroborate it)
            vec = s.ring[0][1]
            best, score = self._best(vec, s.last_seen, self._entity_weights(list(s.names)), exclude=sid)
            if best is not None and score >= self.threshold:  # what a join needs, no more
                self._merge_into_larger(best, s, result)
                self.stats["second_look"] += 1
            elif look + 1 < len(SECOND_LOOKS):
                queue.append((self.count + SECOND_LOOKS[look + 1] - SECOND_LOOKS[look], look + 1, sid))

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

    def _closeness(self, s: StoryState, t: float) -> float:
        return closeness(s, t, float(self.settings.cluster_window_hours))

    def _status(self, s: StoryState, clock: float) -> str:
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
        leaving = [s for s in self.stories_by_id.values() if s.indexed and s.touched < horizon]
        for s in leaving:
            if s.indexed and not s.merged_into:
                self._last_look(s, clock)
        for s in leaving:
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

    def _prior(self, s: StoryState) -> float:
        return min(float(max(1, s.mass)), SIZE_CAP) ** SIZE_EXPONENT

    def _refresh(self, s: StoryState) -> None:
        s.factor = self._prior(s) / math.sqrt(s.norm2) if s.norm2 > 0 else 0.0

    def _entity_weights(self, names: list[str]) -> dict[str, float]:
        """The words of an item's names weighted by their IDF, normalised to sum to one."""
        if not names or ENTITY_WEIGHT <= 0:
            return {}
        w = {e: self.idf.idf(f"w:{e}") for e in names[:ENTITY_PROBE]}
        total = sum(w.values())
        return {e: x / total for e, x in w.items()} if total > 0 else {}

    def _best(
        self,
        vec: SparseVector,
        t: float,
        ents: dict[str, float] | None = None,
        exclude: str | None = None,
    ) -> tuple[StoryState | None, float]:
        """Best live story by cosine × size prior × time closeness, via the inverted index.

        ``exclude``: a story not to consider (a second look at a story's own item); such a
        look does not feed the background-similarity estimate, which follows arrivals.
        """
        if not vec:
            return None, 0.0
        acc: dict[str, float] = {}
        get = acc.get
        postings = self.postings
        # probe with the heaviest terms some story has: a term never seen before finds nothing
        known = [kv for kv in vec.items() if kv[0] in postings]
        probe_all = len(known) <= CANDIDATE_TERMS  # then the probe's sums are the exact dot products
        probe = known if probe_all else sorted(known, key=heaviest_first)[:CANDIDATE_TERMS]
        for term, w in probe:
            for sid, cw in postings[term].items():
                acc[sid] = get(sid, 0.0) + w * cw
        if exclude is not None:
            acc.pop(exclude, None)
        if not acc:
            return None, 0.0
        stories = self.stories_by_id
        # ranked by (partial × factor, id) as tuples, cheaper than a key function; ids are
        # unique, so the third element (the partial, carried along) never takes part
        ranked = heapq.nlargest(CANDIDATES, [(p * stories[sid].factor, sid, p) for sid, p in acc.items()])
        window = float(self.settings.cluster_window_hours)
        best, best_score = None, 0.0
        cosines = []
        for _, sid, partial in ranked:
            s = stories[sid]
            exact = partial if probe_all else dot(vec, s.vec)
            cosines.append(exact / math.sqrt(s.norm2 or 1.0))
            score = exact * s.factor
            if ents and s.names:  # share of the item's (IDF-weighted) names this story mentions, centred
                names = s.names
                coverage = sum(w for e, w in ents.items() if e in names)
                score += ENTITY_WEIGHT * (coverage - ENTITY_CENTRE)
            score *= closeness(s, t, window)
            if score > best_score or (score == best_score and best is not None and s.order < best.order):
                best, best_score = s, score
        # the stream's background similarity (candidates after the best one), from arrivals only
        if len(cosines) >= 3 and exclude is None:
            cosines.sort(reverse=True)
            bg = sum(cosines[1:6]) / len(cosines[1:6])
            self.noise += NOISE_RATE * (bg - self.noise)
        return best, best_score


def assign_story(item: Item, clusterer: StoryClusterer) -> Assignment:
    """The clustering stage's verb: place ``item`` with ``clusterer`` (which holds the state)."""
    return clusterer.assign(item)


def item_from_json(row: dict[str, Any], seq: int) -> Item:
    """An Item from one line of Item JSONL (ARCHITECTURE contract); tolerant of odd values."""
    row = contract_row(row)
    # read as the importer reads it (ISO, RFC 2822, Unix time), so the batch sees what the desk sees
    published = parse_datetime(row.get("published"))
    if published is not None and not_yet(published):
        published = None  # a date in the future is not believed (it would expire every story)
    text = plain_text(row["text"]) if isinstance(row.get("text"), str) else ""
    if published is None:
        published = dateline_published(text)
    outlet = outlet_name(row.get("source"))
    return Item(
        id=str(row.get("id")),
        source_id=outlet or "",
        source_name=outlet,
        kind=str(row.get("kind") or "article"),
        url=row.get("url") if isinstance(row.get("url"), str) else None,
        title=row.get("title") if isinstance(row.get("title"), str) else None,
        text=text,
        published_at=published,
        lang=lang_code(row.get("lang")),
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
    clusterer.review()  # the last items get the consolidation pass the earlier ones had
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
