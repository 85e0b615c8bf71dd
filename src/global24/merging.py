"""Merging, consolidating and splitting stories, and linking stories across languages.

- After a join, a story whose centroid now resembles another live story's is
  merged into the larger one (``merged_into`` is kept, so links never break).
- Every few items, a **consolidation** pass looks at the stories touched
  since the last one: two stories that share key names and whose items are
  alike on average (average-link cosine) become one. Two single items need
  about what a join needs; the bar falls towards the stream's background
  similarity as the stories grow, since averages over more items are steadier.
  Text without case has no names to share, so it is never consolidated.
- A story told only in a foreign language is linked, by its multilingual
  sentence vector, to the main-language story of the same event.
- A story whose recent items drifted away from its core is split.
- A one-item story about to be merged or consolidated is one item being placed:
  if the join rule would now put that item in another story, it goes there.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING

from global24 import crosslingual
from global24.models import Item, stable_id
from global24.stories import RING, Assignment, StoryState, closeness
from global24.vectors import SparseVector, dot, top_terms

if TYPE_CHECKING:
    import numpy as np

MERGE_THRESHOLD = 0.27  # centroid cosine at which two live stories become one
MERGE_EVERY_UNTIL = 16  # stories up to this mass look for merge partners after every item ...
MERGE_EVERY = 4  # ... bigger ones after every 4th
MERGE_GROWTH = 0.0  # ... raised by this × log(smaller mass): two big stories seldom converge
SPLIT_THRESHOLD = 0.08  # recent items vs the story's core below this: the story has drifted
CONSOLIDATE_EVERY = 4  # items between consolidation passes (over the stories touched since the last)
REVIEW_EVERY = 32  # items between passes over every live story (partners grow after a story was last touched)
CONSOLIDATE_RATIO = 1.0  # the bar for large stories, in units of the stream's background similarity
KEY_ENTITIES = 20  # names that characterise a story
CONSOLIDATE_ENTITIES = 0.1  # weighted share of key names two stories must share to be consolidated
CONSOLIDATE_HIGH = 0.12  # average-link two single items need to be consolidated
NAMES_RELIEF = 0.3  # share of the bar that fully shared key names take off
CLOSENESS_POWER = 1.0  # how much time apart counts against consolidation (0: not at all)
_NONE: dict[str, float] = {}  # a term no story has any more (never written to)


class StoryMerging:
    """Merge, consolidate, split and cross-language link; mixed into the clusterer."""

    # consolidation ------------------------------------------------------------------------------
    def _consolidate(self, t: float, result: Assignment) -> None:
        """Merge recently touched stories with a partner whose items they resemble on average."""
        floor = CONSOLIDATE_RATIO * self.noise
        ids = sorted(
            self.touched_ids,
            key=lambda sid: self.stories_by_id[sid].order if sid in self.stories_by_id else 0,
        )
        self.touched_ids = {}
        for sid in ids:
            s = self.stories_by_id.get(self.resolve(sid))
            if s is None or not s.indexed or s.merged_into:
                continue
            other = self._link_partner(s, t, floor) if s.names else None
            if other is None and self.settings.cluster_multilingual and self._foreign_only(s):
                pool = self._bridge_pool(t, s.id)
                key = self._key_entities(s) if len(s.names) >= 3 else {}
                if key:  # names in Latin script the partner never mentions veto it, as for an item's join
                    pool = [
                        p
                        for p in pool
                        if self._entity_overlap(key, self.stories_by_id[p]) >= crosslingual.NAMES_VETO
                    ]
                sid2, _ = self.bridge.link_partner(s.id, pool, lambda a, b: self._same_event(a, b, t))
                other = self.stories_by_id.get(sid2) if sid2 else None
                if other is not None:
                    self.stats["linked"] += 1
            if other is None:
                continue
            if self._place_single(s, other, result) is None:
                self._merge_into_larger(s, other, result)
                self.stats["consolidated"] += 1

    def _touch_reviewable(self) -> None:
        """Queue every live story consolidation could act on (with names, or told only abroad)."""
        multilingual = self.settings.cluster_multilingual
        self.touched_ids.update(
            (sid, None)
            for sid, x in self.stories_by_id.items()
            if x.indexed and (x.names or (multilingual and self._foreign_only(x)))
        )

    def _last_look(self, s: StoryState, t: float) -> None:
        """Before a story leaves the window, merge it with a story it turns out to be part of.

        Stories that run for days often start as fragments; one that goes quiet
        would otherwise leave the window before its partner grew enough to match.
        """
        other = self._link_partner(s, t, CONSOLIDATE_RATIO * self.noise) if s.names else None
        if other is None:
            return
        big, small = _larger_first(other, s)
        home = self._home_of_single(small, big)
        if home is not None:
            big, small = _larger_first(home, small)
            self.stats["redirected"] += 1
        self._merge(small, big)
        self.pending_merges.append((small.id, big.id))
        self.stats["last_look"] += 1

    def _with_pending(self, result: Assignment) -> Assignment:
        if self.pending_merges:
            result.merged[:0] = self.pending_merges
            self.pending_merges = []
        return result

    def _shared_terms(self, s: StoryState, terms: list[str]) -> dict[str, float]:
        """Other indexed stories reached through ``terms`` of ``s``, with their partial dot product."""
        acc: dict[str, float] = {}
        get, weight, postings = acc.get, s.vec.get, self.postings
        for term in terms:
            w = weight(term, 0.0)
            for sid, cw in postings.get(term, _NONE).items():
                acc[sid] = get(sid, 0.0) + w * cw
        acc.pop(s.id, None)  # cheaper than a test per posting; the others' sums are the same
        return acc

    def _link_partner(self, s: StoryState, t: float, floor: float) -> StoryState | None:
        acc = self._shared_terms(s, top_terms(s.vec, 12, plain_only=False))
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

    def _link_ratio(
        self, s: StoryState, o: StoryState, t: float, floor: float, names: dict[str, float]
    ) -> float:
        """Average-link similarity of two stories over what they need to be consolidated (0 if no shared names)."""
        shared = self._entity_overlap(names, o)
        if shared < CONSOLIDATE_ENTITIES:
            return 0.0
        avg = dot(s.vec, o.vec) / ((s.wsum or 1.0) * (o.wsum or 1.0))
        avg *= self._pair_closeness(s, o) ** CLOSENESS_POWER
        # two single items need what a join needs; the bar falls to the floor as evidence grows
        high = max(CONSOLIDATE_HIGH, floor)
        m, n = max(1, s.mass), max(1, o.mass)
        need = floor + (high - floor) / math.sqrt(2.0 * m * n / (m + n))  # evidence: the harmonic mean
        need *= 1.0 - NAMES_RELIEF * shared  # the same names on both sides are evidence too
        return avg / need

    def _pair_closeness(self, s: StoryState, o: StoryState) -> float:
        """1 when two stories' times overlap, falling to 0.5 as the gap between them reaches the window."""
        gap = max(0.0, max(s.first_seen, o.first_seen) - min(s.last_seen, o.last_seen))
        return 1.0 - 0.5 * min(1.0, gap / float(self.settings.cluster_window_hours))

    def _foreign_only(self, s: StoryState) -> bool:
        """A story none of whose items is in the main language (or of unknown language).

        That is, every language it has is :meth:`_foreign`: asked as two lookups, since
        the review asks it of every live story.
        """
        langs = s.langs
        return bool(langs) and "" not in langs and self.main_lang not in langs

    def _key_entities(self, s: StoryState) -> dict[str, float]:
        """A story's most mentioned names, weighted by IDF and normalised to sum to one."""
        top = [e for e, _ in s.names.most_common(KEY_ENTITIES)]
        w = {e: self.idf.idf(f"w:{e}") for e in top}
        total = sum(w.values())
        return {e: x / total for e, x in w.items()} if total > 0 else {}

    def _entity_overlap(self, names: dict[str, float], o: StoryState) -> float:
        """Share of ``names`` (weighted) that story ``o`` mentions among its own key names."""
        theirs = {e for e, _ in o.names.most_common(KEY_ENTITIES)}
        return sum(w for e, w in names.items() if e in theirs)

    # multilingual ---------------------------------------------------------------------------------
    def _foreign(self, lang: str) -> bool:
        """Another language than the desk's main one (the most common so far; English on a tie)."""
        return bool(lang) and lang != self.main_lang

    def _wants_vector(self, best: StoryState | None, score: float) -> bool:
        """Whether a foreign item is worth its sentence vector (the encoder's cost, 25-100 ms).

        Only when TF-IDF found no story in its own language to join (the vector is then asked
        which story in another language it tells), or when it joins a story told only in
        foreign languages that has fewer than ``EXEMPLARS`` members: their vectors are what
        links that story to the main language's. A desk whose stream is mostly in other
        languages would otherwise encode most items (39 items/s with two in three tagged).
        """
        if best is None or score < self.threshold:
            return True
        return best.items < crosslingual.EXEMPLARS and self._foreign_only(best)

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
    ) -> tuple[np.ndarray | None, StoryState | None, float]:
        """The item's sentence vector and the main-language story it tells, if any."""
        encoded = self.bridge.encode([crosslingual.short_text(item.title, item.text or "")])
        if encoded is None:
            return None, None, 0.0
        self.stats["embedded"] += 1
        stories = self.stories_by_id

        def latin(sid: str) -> float:  # names in Latin script both mention (Trump, Takaichi, COP30)
            known = stories[sid].names
            return sum(w for e, w in ents.items() if e in known)

        pool = self._bridge_pool(t)
        if (
            len(ents) >= 3
        ):  # several Latin-script names a story never mentions veto it (another country's vote)
            pool = [sid for sid in pool if not stories[sid].names or latin(sid) >= crosslingual.NAMES_VETO]
        sid, score = self.bridge.best_story(
            encoded[0], pool, lambda a, b: self._same_event(a, b, t), latin, lambda sid: stories[sid].mass
        )
        return encoded[0], (stories[sid] if sid else None), score

    # merge and split ----------------------------------------------------------------------------
    def _maybe_merge(self, s: StoryState, t: float, result: Assignment) -> None:
        """Merge ``s`` with a live story whose centroid it now resembles (up to 3 merges a step)."""
        if s.mass > MERGE_EVERY_UNTIL and s.mass % MERGE_EVERY:
            return  # a big centroid moves slowly: checking every few items is enough
        for _ in range(3):
            if s.mass < 2 or not s.indexed:
                return
            other = self._merge_partner(s, t)
            if other is None:
                return
            if self._place_single(s, other, result) is not None:
                continue
            big, small = _larger_first(s, other)
            self._merge(small, big)
            result.merged.append((small.id, big.id))
            result.story_id = big.id
            s = big

    def _merge_partner(self, s: StoryState, t: float) -> StoryState | None:
        if s.mass <= 8 or s.mass & (s.mass - 1) == 0 or not s.top or s.mass % 8 == 0:
            s.top = top_terms(s.vec, 10, plain_only=False)
        acc = self._shared_terms(s, s.top)
        if not acc:
            return None
        stories = self.stories_by_id
        norm = math.sqrt(s.norm2 or 1.0)
        window = float(self.settings.cluster_window_hours)
        near = closeness(s, t, window)
        # the five nearest by (-partial / norm, id), as tuples rather than through a key function
        ranked = heapq.nsmallest(
            5, [(-p / math.sqrt(stories[sid].norm2 or 1.0), sid) for sid, p in acc.items()]
        )
        for _, sid in ranked:
            o = stories[sid]
            cos = dot(s.vec, o.vec) / (norm * math.sqrt(o.norm2 or 1.0))
            need = MERGE_THRESHOLD * (1.0 + MERGE_GROWTH * math.log(min(s.mass, o.mass)))
            if cos * min(closeness(o, t, window), near) >= need:
                return o
        return None

    def _home_of_single(self, small: StoryState, big: StoryState) -> StoryState | None:
        """The story a single-item story's item would now join, if that is another than ``big``.

        Merging a one-item story places one item. Merges and consolidation compare
        centroids and average links, which a lone item can meet with a story it would
        not join (a few shared words weigh a lot in one short item); the item should
        land where the join rule would put it now, as a second look would do.
        """
        if small.items != 1 or not small.ring:
            return None
        vec = small.ring[0][1]
        ents = self._entity_weights(list(small.names))
        best, score = self._best(vec, small.last_seen, ents, exclude=small.id)
        if best is None or best is big or score < self.threshold:
            return None
        return best

    def _place_single(self, a: StoryState, b: StoryState, result: Assignment) -> StoryState | None:
        """If the smaller of two stories about to merge is one item with a better home, merge it there."""
        big, small = _larger_first(a, b)
        home = self._home_of_single(small, big)
        if home is None:
            return None
        self.stats["redirected"] += 1
        return self._merge_into_larger(home, small, result)

    def _merge_into_larger(self, a: StoryState, b: StoryState, result: Assignment) -> StoryState:
        """Merge the smaller of two stories into the larger, and say so in ``result``."""
        big, small = _larger_first(a, b)
        self._merge(small, big)
        result.merged.append((small.id, big.id))
        if self.resolve(result.story_id) == big.id:
            result.story_id = big.id
        return big

    def _merge(self, small: StoryState, big: StoryState) -> None:
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
        big.touched = max(big.touched, small.touched)  # it stays open as long as either would have
        for src, n in small.sources.items():
            big.sources[src] = big.sources.get(src, 0) + n
        big.entities.update(small.entities)
        big.names.update(small.names)
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

    def _maybe_split(self, s: StoryState, t: float, result: Assignment, item_id: str) -> None:
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
        new = StoryState(id="st_" + stable_id(moved[0][0], "split", length=16), order=self.created + 1)
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


def _larger_first(a: StoryState, b: StoryState) -> tuple[StoryState, StoryState]:
    """(larger, smaller): by mass, the older story on a tie."""
    return (a, b) if (a.mass, -a.order) >= (b.mass, -b.order) else (b, a)
