"""Story state for the clusterer: the working record of a story and how items change it.

A story's centroid is the sum of its items' unit vectors under forward decay
(``scale``), kept in an inverted index (``postings``) so candidates come from
shared terms, never from all pairs. :class:`StoryIndex` is the part of
:class:`global24.clustering.StoryClusterer` that adds items to stories, keeps
that index right and turns the working state into :class:`global24.models.Story`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from global24 import crosslingual, features
from global24.genre import REPORT, genre
from global24.models import Item, Story, stable_id
from global24.vectors import SparseVector, top_terms

if TYPE_CHECKING:
    from global24.clustering import StoryClusterer

RING = 16  # recent items remembered per story, for drift detection
ENTITY_PROBE = 24  # entities of an item that are checked against a story
CENTROID_TERMS = 400  # a centroid is pruned back to this many terms when it doubles
COMMENT_TITLE = -0.5  # a comment title's rank: below any report's (a join score, >= 0), above plain text's (-1)
MAX_ITEM_MAP = 250_000  # recent item → story entries kept for duplicate lookups


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
class StoryState:
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
    names: Counter[str] = field(default_factory=Counter)  # words of entities, for matching
    langs: dict[str, int] = field(default_factory=dict)
    core: SparseVector = field(default_factory=dict)  # sum of the first RING item vectors
    ring: list[tuple[str, SparseVector, SparseVector]] = field(default_factory=list)  # (id, v, contribution)
    merged_into: str | None = None
    indexed: bool = True
    reported_status: str | None = None


def closeness(s: StoryState, t: float, window: float) -> float:
    """1 while ``t`` falls in the story's span, falling to 0.5 as it gets ``window`` hours away."""
    gap = t - s.last_seen if t >= s.last_seen else max(0.0, s.first_seen - t)
    return 1.0 - 0.5 * min(1.0, gap / window)


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


class StoryIndex:
    """Adding items to stories and keeping the inverted index; mixed into the clusterer."""

    def _new_story(self, item: Item) -> StoryState:
        sid = "st_" + stable_id(item.id, prefix="", length=16)
        while sid in self.stories_by_id:  # the same item id twice: keep both, never overwrite
            sid = "st_" + stable_id(sid, item.id, prefix="", length=16)
        self.created += 1
        s = StoryState(id=sid, order=self.created, first_item_id=item.id, first_source_id=item.source_id)
        self.stories_by_id[sid] = s
        return s

    def _add(
        self: StoryClusterer,
        s: StoryState,
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
        s.names.update(feats.names[:ENTITY_PROBE])
        s.langs[lang] = s.langs.get(lang, 0) + 1
        title = item.title or (feats.sample.split("\n", 1)[0][:120] if feats.sample else None)
        # the story is named by its most central report's title; a column's or an explainer's
        # ("Analysis: …", "Why …") only while no report has one, and any title before plain text
        if item.title and (score > s.title_score or s.title is None):  # only then can it name the story
            rank = score if genre(item) == REPORT else COMMENT_TITLE + score * 1e-3
            if rank > s.title_score or s.title is None:
                s.title, s.title_score = item.title, rank
        elif title and s.title is None:
            s.title, s.title_score = title, -1.0
        if self.settings.cluster_multilingual:
            if emb is not None:
                self.bridge.note_member(s.id, "", emb)
            elif not self._foreign(lang) and self.bridge.wants_exemplar(s.id):
                text = crosslingual.short_text(item.title, item.text or "")
                self.bridge.note_member(s.id, text, None, headline=bool(item.title))
        if len(s.core) == 0 or s.mass <= RING:
            for term, w in vec.items():
                s.core[term] = s.core.get(term, 0.0) + w
        s.ring.append((item.id, vec, contribution))
        if len(s.ring) > RING:
            s.ring.pop(0)
        self._remember(item.id, s.id)
        self.dirty[s.id] = None

    def _add_vector(self, s: StoryState, vec: SparseVector, t: float) -> SparseVector:
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

    def _add_sparse(self, s: StoryState, delta: SparseVector) -> None:
        cvec, postings, sid, indexed = s.vec, self.postings, s.id, s.indexed
        n2 = s.norm2
        for term, d in delta.items():
            old = cvec.get(term, 0.0)
            new = old + d
            n2 += new * new - old * old
            if new > 1e-12:
                cvec[term] = new
                if indexed:
                    post = postings.get(term)
                    if post is None:  # (not setdefault: that builds a throwaway dict for every term)
                        post = postings[term] = {}
                    post[sid] = new
            else:
                cvec.pop(term, None)
                if indexed:
                    post = postings.get(term)
                    if post is not None:
                        post.pop(sid, None)
        s.norm2 = max(n2, 0.0)
        if len(cvec) > 2 * CENTROID_TERMS:
            keep = dict(sorted(cvec.items(), key=lambda kv: (-kv[1], kv[0]))[:CENTROID_TERMS])
            self._reindex(s, keep)
        self._refresh(s)

    def _rebase(self, s: StoryState) -> None:
        factor = s.scale
        s.scale = 1.0
        s.wsum *= factor
        s.ring = [(i, v, {t: w * factor for t, w in c.items()}) for i, v, c in s.ring]
        self._reindex(s, {t: w * factor for t, w in s.vec.items()})

    def _reindex(self, s: StoryState, new_vec: SparseVector) -> None:
        if s.indexed:
            self._unindex(s)
        s.vec = new_vec
        s.norm2 = sum(w * w for w in new_vec.values())
        s.indexed = True
        for term, w in new_vec.items():
            self.postings.setdefault(term, {})[s.id] = w
        self._refresh(s)

    def _unindex(self, s: StoryState) -> None:
        for term in s.vec:
            post = self.postings.get(term)
            if post is not None:
                post.pop(s.id, None)
                if not post:
                    del self.postings[term]
        s.indexed = False

    def _add_duplicate(self, s: StoryState, item: Item, t: float) -> Assignment:
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

    def _live(self, story_id: str | None) -> StoryState | None:
        if story_id is None:
            return None
        s = self.stories_by_id.get(self.resolve(story_id))
        return s if s is not None and s.indexed else None

    # records ----------------------------------------------------------------------------------
    def _record(self, s: StoryState, status: str) -> Story:
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
