"""Dedup: exact duplicates by content hash, near-duplicates (syndicated copies) by MinHash LSH.

A duplicate is never thrown away: it keeps its own record (and so its
source's credit) and points at the first copy seen through ``duplicate_of``.
Clustering counts it as corroboration, heat as one source, the writer cites
every outlet that carried it.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from global24.models import Item
from global24.normalize import content_hash, words_utf8
from global24.settings import Settings

NUM_PERM = 64
SHINGLE = 3
MIN_WORDS = 25  # shorter texts (posts) are matched on exact content only
MAX_WORDS = 1500


# numpy scalars made once: building one costs as much as an operation on a text's few hundred shingles
_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xC2B2AE3D))
_SHIFT29, _SHIFT16, _SHIFT13 = np.uint64(29), np.uint32(16), np.uint32(13)
_FMIX1, _FMIX2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)


def shingle_hashes(words: list[bytes]) -> np.ndarray:
    """32-bit hashes of the word 3-grams (words UTF-8 encoded): CRC-32 per word, combined per 3-gram
    and mixed in numpy.

    Hashing each joined 3-gram with SHA-1 (datasketch's default) was a third of ingest time;
    this is deterministic across processes and about eight times cheaper.
    """
    words = words[:MAX_WORDS]
    if len(words) < SHINGLE:
        return np.zeros(0, dtype=np.uint32)
    w = np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))
    h = w[:-2] * _MIX[0]  # w0*M0 + w1*M1 + w2*M2, wrapping modulo 2**64: order-sensitive
    h += w[1:-1] * _MIX[1]
    h += w[2:] * _MIX[2]
    h >>= _SHIFT29
    h = h.astype(np.uint32)
    h ^= h >> _SHIFT16  # MurmurHash3's 32-bit finalizer: every input bit reaches every output bit
    h *= _FMIX1
    h ^= h >> _SHIFT13
    h *= _FMIX2
    h ^= h >> _SHIFT16
    return h


class Sketch:
    """A text's MinHash signature: what datasketch's MinHashLSH reads of a MinHash, and Jaccard.

    Built straight from the shingle hashes with datasketch's own affine32 permutations; a full
    MinHash object validates its permutations on every construction, a tenth of dedup's time.
    """

    __slots__ = ("hashvalues",)
    scheme = "affine32"
    seed = 1

    def __init__(self, hashvalues: np.ndarray) -> None:
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)

    def jaccard(self, other: Sketch) -> float:
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self.hashvalues)


@dataclass
class _Entry:
    root: str  # id of the first copy of this text
    when: datetime


class Deduplicator:
    """Remembers recent items and tells, for a new one, which earlier item it copies."""

    def __init__(
        self,
        threshold: float = 0.6,
        window: timedelta = timedelta(hours=96),
        find_by_hash: Callable[[str], Item | None] | None = None,
        max_entries: int = 400_000,
    ) -> None:
        self.threshold = threshold
        self.window = window
        self.find_by_hash = find_by_hash
        self.max_entries = max_entries
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._hashes: dict[str, str] = {}  # content hash -> root id
        self._minhashes: dict[str, Sketch] = {}
        proto = MinHash(num_perm=NUM_PERM, seed=Sketch.seed, scheme=Sketch.scheme)
        self._perms = proto.permutations  # shared: building them per item is costly

    @classmethod
    def from_settings(cls, settings: Settings, find_by_hash: Callable[[str], Item | None] | None = None) -> Deduplicator:
        """The index the desk's settings describe (``dedup_threshold``, ``dedup_window_hours``)."""
        return cls(
            threshold=settings.dedup_threshold,
            window=timedelta(hours=settings.dedup_window_hours),
            find_by_hash=find_by_hash,
        )

    def _minhash(self, words: list[bytes]) -> Sketch:
        # datasketch's affine32 permutations (h -> a*h + b mod 2**32) applied to all shingles at once
        hv = shingle_hashes(words)
        if not len(hv):
            return Sketch(np.full(NUM_PERM, 0xFFFFFFFF, np.uint32))
        a, b = self._perms
        values = np.multiply.outer(hv, a)  # one row per shingle, one column per permutation
        values += b
        return Sketch(values.min(axis=0))

    def __len__(self) -> int:
        return len(self._entries)

    def _root(self, item_id: str) -> str:
        e = self._entries.get(item_id)
        return e.root if e else item_id

    def check(self, item: Item) -> Item:
        """The item with content_hash and duplicate_of set (it is remembered for later items)."""
        h = item.content_hash or content_hash(item.title, item.text)
        dup: str | None = None
        if h in self._hashes and self._hashes[h] != item.id:
            dup = self._hashes[h]
        elif h not in self._hashes and self.find_by_hash is not None:
            earlier = self.find_by_hash(h)
            if earlier is not None and earlier.id != item.id:
                dup = earlier.duplicate_of or earlier.id
        mh = None
        words = words_utf8((item.text or "").lower())
        if len(words) >= MIN_WORDS:
            mh = self._minhash(words)
            if dup is None:
                dup = self._best_match(item.id, mh)
        if dup is not None:
            dup = self._root(dup)
        self._remember(item.id, h, mh, dup, item.when)
        return replace(item, content_hash=h, duplicate_of=dup)

    def _best_match(self, item_id: str, mh: Sketch) -> str | None:
        best, best_j = None, self.threshold
        for cand in self._lsh.query(mh):
            if cand == item_id or cand not in self._minhashes:
                continue
            j = mh.jaccard(self._minhashes[cand])
            if j >= best_j:
                best, best_j = cand, j
        return best

    def _remember(self, item_id: str, h: str, mh: Sketch | None, dup: str | None, when: datetime) -> None:
        if item_id in self._entries:
            return
        self._entries[item_id] = _Entry(root=dup or item_id, when=when)
        self._hashes.setdefault(h, dup or item_id)
        if mh is not None:
            self._minhashes[item_id] = mh
            self._lsh.insert(item_id, mh)
        while len(self._entries) > self.max_entries:
            self._forget(next(iter(self._entries)))

    def forget(self, item_ids: Iterable[str]) -> None:
        """Forget checked items that were never stored (their batch failed to store), so a
        later copy does not point at an item no one can open; it becomes the original."""
        gone = set(item_ids)
        for item_id in gone:
            self._forget(item_id)
        if gone:
            self._hashes = {h: r for h, r in self._hashes.items() if r not in gone}

    def _forget(self, item_id: str) -> None:
        self._entries.pop(item_id, None)
        if self._minhashes.pop(item_id, None) is not None:
            self._lsh.remove(item_id)

    def expire(self, now: datetime) -> int:
        """Forget items older than the window (their hashes stay findable through the store)."""
        cutoff = now - self.window
        old = [k for k, e in self._entries.items() if e.when < cutoff]
        for k in old:
            self._forget(k)
        if old:
            live_roots = {e.root for e in self._entries.values()}
            self._hashes = {h: r for h, r in self._hashes.items() if r in live_roots}
        return len(old)

    def warm(self, items: Iterable[Item]) -> None:
        """Re-learn recent items (in arrival order) after a restart."""
        for it in items:
            if it.id in self._entries:
                continue
            h = it.content_hash or content_hash(it.title, it.text)
            mh = None
            words = words_utf8((it.text or "").lower())
            if len(words) >= MIN_WORDS:
                mh = self._minhash(words)
            self._remember(it.id, h, mh, it.duplicate_of, it.when)
