"""Joining stories across languages with multilingual sentence vectors, paid for only where needed.

TF-IDF cannot see that a Japanese or French item tells the story an English
one does: they share few or no terms. Multilingual-e5 can, but costs about
25-100 ms of CPU per text on one core, so this module spends it sparingly:

- only items in another language than the desk's main one are encoded, and
  only a short text each (title and the start of the first sentence);
- a story gets a vector from up to :data:`EXEMPLARS` short texts of its
  main-language items, computed once, when a foreign item first needs it, and
  kept (foreign members' vectors are kept apart: see :class:`StoryVector`);
- a foreign item is compared with at most :data:`POOL` live stories, the
  nearest in time and largest first.

Two decisions use the vectors: an item joining a story in another language
(:meth:`LanguageBridge.best_story`), and, at consolidation, a story told only
in a foreign language linking to the main-language story of the same event
(:meth:`LanguageBridge.link_partner`), where the mean of several members is
steadier than one item. Cosines of e5 sit in a narrow band (unrelated news
≈ 0.78-0.84, the same event across languages ≈ 0.83-0.93), so a match needs
both a floor and a margin over the best story about another event. When the
best two are within that margin, an item joins the far larger one (the size
prior TF-IDF scoring uses too), provided it clears the floor and the margin over
every other event; otherwise it waits alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from global24.vectors import get_embedder

ITEM_JOIN = 0.83  # e5 cosine (item vs story vector) to join a story in another language ...
LINK_JOIN = 0.85  # e5 cosine (story vs story vector) to link a foreign-only story to another ...
MARGIN = 0.015  # ... when it beats the best story that is not the same event by this much
SIZE_TIE = 4.0  # of two near-tied stories (within MARGIN) an item joins the one this many times larger
LATIN_BONUS = 0.1  # × the share of the item's names (IDF-weighted) the story mentions, added to the cosine
NAMES_VETO = 0.1  # a Latin-script item or foreign-only story sharing less of its names (weighted) cannot join
EXEMPLARS = 3  # main-language members whose short texts make a story's vector ...
CANDIDATES = 6  # ... chosen among its first main-language members, headlines first
POOL = 48  # live stories compared with one foreign item
SHORT_CHARS = 80  # the first sentence is cut here (encoder cost grows with length)

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


def short_text(title: str | None, text: str) -> str:
    """What the encoder sees of an item: its title and the start of its first sentence."""
    first = _SENTENCE_END.split((text or "")[: SHORT_CHARS * 4].strip(), maxsplit=1)[0][:SHORT_CHARS].strip()
    if title and title.strip():
        return f"{title.strip()[: SHORT_CHARS * 2]}. {first}" if first else title.strip()[: SHORT_CHARS * 2]
    return first


def _plus(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if b is None:
        return a
    return b.astype(np.float32).copy() if a is None else a + b


def _unit(v: np.ndarray | None) -> np.ndarray | None:
    n = float(np.linalg.norm(v)) if v is not None else 0.0
    return v / n if n > 0 else None


@dataclass
class StoryVector:
    """A story's sentence vectors, kept apart by language side.

    ``main`` sums the encoded exemplars (main-language members); ``foreign``
    sums the vectors of its foreign members. Comparisons are always across
    languages: an encoder rates two texts in one language as closer than the
    same pair across languages, so a story that had absorbed Japanese vectors
    would draw every later Japanese item, whatever it is about.
    """

    main: np.ndarray | None = None
    foreign: np.ndarray | None = None
    exemplars: list[tuple[int, str]] = field(default_factory=list)  # (rank, text) not yet encoded
    encoded: int = 0  # exemplars already in ``main``


class LanguageBridge:
    """Sentence vectors for foreign items and the stories they may belong to (picklable state)."""

    def __init__(self, embedder_name: str = "e5") -> None:
        self.embedder_name = embedder_name
        self.stories: dict[str, StoryVector] = {}
        self.encoded = 0  # texts encoded so far (the cost)

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)

    # story bookkeeping ------------------------------------------------------------------
    def note_member(self, story_id: str, text: str, vec: np.ndarray | None, headline: bool = False) -> None:
        """Remember a new member: a main-language exemplar text, or a foreign item's vector.

        Of the first :data:`CANDIDATES` main-language members, those with a headline
        are preferred as exemplars: a headline says what the story is, a post often not.
        """
        sv = self.stories.setdefault(story_id, StoryVector())
        if vec is not None:
            sv.foreign = _plus(sv.foreign, vec)
        elif text and sv.encoded < EXEMPLARS and len(sv.exemplars) < CANDIDATES:
            sv.exemplars.append((0 if headline else 1, text))

    def wants_exemplar(self, story_id: str) -> bool:
        """Whether :meth:`note_member` would keep a main-language text for this story.

        Once a story has its exemplars (most stories, after a few items), the caller
        can skip making the short text, and the call.
        """
        sv = self.stories.get(story_id)
        return sv is None or (sv.encoded < EXEMPLARS and len(sv.exemplars) < CANDIDATES)

    def merge(self, small_id: str, big_id: str) -> None:
        small = self.stories.pop(small_id, None)
        if small is None:
            return
        big = self.stories.setdefault(big_id, StoryVector())
        big.main, big.foreign = _plus(big.main, small.main), _plus(big.foreign, small.foreign)
        big.encoded += small.encoded
        room = CANDIDATES - len(big.exemplars) if big.encoded < EXEMPLARS else 0
        big.exemplars.extend(small.exemplars[: max(0, room)])

    def forget(self, story_ids: Iterable[str]) -> None:
        for sid in story_ids:
            self.stories.pop(sid, None)

    def vector_of(self, story_id: str, side: str = "main") -> np.ndarray | None:
        """The unit vector of a story's main-language exemplars (or of its foreign members)."""
        sv = self.stories.get(story_id)
        if sv is None:
            return None
        return _unit(sv.main if side == "main" else sv.foreign)

    # encoding ---------------------------------------------------------------------------
    def available(self) -> bool:
        return get_embedder(self.embedder_name) is not None

    def encode(self, texts: list[str]) -> np.ndarray | None:
        embedder = get_embedder(self.embedder_name)
        if embedder is None or not texts:
            return None
        self.encoded += len(texts)
        return embedder.embed(texts)

    def _complete(self, story_ids: list[str]) -> None:
        """Encode pending exemplars of these stories in one batch."""
        todo = []
        for sid in story_ids:
            sv = self.stories.get(sid)
            if sv is not None and sv.exemplars:
                ranked = sorted(range(len(sv.exemplars)), key=lambda k: (sv.exemplars[k][0], k))
                todo += [(sid, sv.exemplars[k][1]) for k in ranked[: max(0, EXEMPLARS - sv.encoded)]]
        if not todo:
            return
        vecs = self.encode([t for _, t in todo])
        if vecs is None:
            return
        for (sid, _), v in zip(todo, vecs, strict=True):
            sv = self.stories[sid]
            sv.main = _plus(sv.main, v)
            sv.encoded += 1
        for sid in story_ids:
            if sid in self.stories:
                self.stories[sid].exemplars = []

    # decisions --------------------------------------------------------------------------
    def best_story(
        self,
        vec: np.ndarray,
        pool: list[str],
        same_event: Callable[[str, str], bool],
        latin: Callable[[str], float],
        size: Callable[[str], float] | None = None,
    ) -> tuple[str | None, float]:
        """The story in ``pool`` this item vector belongs to, or None; with the e5 cosine.

        ``size`` (a story's independent items) breaks a near tie between two stories
        about different events in favour of a far larger one (:data:`SIZE_TIE`).
        """
        return self._pick(vec, pool, ITEM_JOIN, same_event, latin, size)

    def link_partner(
        self,
        story_id: str,
        pool: list[str],
        same_event: Callable[[str, str], bool],
    ) -> tuple[str | None, float]:
        """A story in ``pool`` that a foreign-only story tells in another language, or None."""
        vec = self.vector_of(story_id, "foreign")
        if vec is None:
            return None, 0.0
        return self._pick(vec, [p for p in pool if p != story_id], LINK_JOIN, same_event, None)

    def _pick(
        self,
        vec: np.ndarray,
        pool: list[str],
        need: float,
        same_event: Callable[[str, str], bool],
        latin: Callable[[str], float] | None,
        size: Callable[[str], float] | None = None,
    ) -> tuple[str | None, float]:
        self._complete(pool)
        scored = []
        for sid in pool:
            sv = self.vector_of(sid)
            if sv is None:
                continue
            score = float(np.dot(vec, sv)) + (LATIN_BONUS * latin(sid) if latin is not None else 0.0)
            scored.append((score, sid))
        if not scored:
            return None, 0.0
        scored.sort(key=lambda x: (-x[0], x[1]))
        best_score, best = scored[0]
        if best_score < need:
            return None, best_score
        # the runner-up that is another event (fragments of the same story do not count against it)
        rival = next(((s, sid) for s, sid in scored[1:] if not same_event(best, sid)), None)
        if rival is not None and best_score - rival[0] < MARGIN:
            return self._near_tie(scored, (best_score, best), rival, need, same_event, size)
        return best, best_score

    @staticmethod
    def _near_tie(
        scored: list[tuple[float, str]],
        first: tuple[float, str],
        second: tuple[float, str],
        need: float,
        same_event: Callable[[str, str], bool],
        size: Callable[[str], float] | None,
    ) -> tuple[str | None, float]:
        """Two stories about different events score within the margin: the far larger one, or None.

        The encoder cannot tell them apart, so the story's size decides, as the size
        prior does for TF-IDF: an item is likelier to belong to a story many items
        already tell. The larger one must still clear the floor and beat every
        other event by the margin.
        """
        if size is None:
            return None, first[0]
        (big_score, big), (_, small) = sorted((first, second), key=lambda x: (-size(x[1]), x[1]))
        if big_score < need or size(big) < SIZE_TIE * max(1.0, size(small)):
            return None, first[0]
        third = next((s for s, sid in scored if sid not in (big, small) and not same_event(big, sid)), None)
        if third is not None and big_score - third < MARGIN:
            return None, first[0]
        return big, big_score
