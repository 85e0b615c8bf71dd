"""Rendered-response cache keyed on the request and the store's state, with ETags.

The desk writes to the store while the site is read, so a cached page is
valid only while the store has not changed: when the backend offers a cheap
version probe the cache follows it (checked at most every ``probe_every``
seconds); otherwise entries live ``ttl`` seconds. Either way a page is never
older than ``max_age`` (relative times like "5 minutes ago" drift). While one
request rebuilds an outdated page, concurrent ones get the previous version.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedBody:
    body: bytes
    media_type: str
    etag: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


def etag_for(body: bytes) -> str:
    """A strong ETag derived from the bytes served."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of an If-None-Match header against our ETag."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


class PageCache:
    """A small thread-safe LRU of rendered bodies."""

    def __init__(
        self,
        ttl: float = 2.0,
        version: Callable[[], object] | None = None,
        max_age: float = 60.0,
        probe_every: float = 0.5,
        max_entries: int = 512,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.version_fn = version
        self.max_age = max_age
        self.probe_every = probe_every
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, object, CachedBody]] = OrderedDict()
        self._lock = threading.Lock()
        self._build_locks: dict[str, threading.Lock] = {}
        self._version: object = None
        self._version_at = -1e9
        self.hits = 0
        self.misses = 0
        self.stale_hits = 0

    def version(self) -> object:
        """The store's version, probed at most every ``probe_every`` seconds (None without a probe)."""
        if self.version_fn is None:
            return None
        now = self.clock()
        if now - self._version_at >= self.probe_every:
            try:
                self._version = self.version_fn()
            except Exception:  # a failing probe must not take the site down: fall back to TTL
                self._version = None
            self._version_at = now
        return self._version

    def _fresh(self, created: float, version: object, now: float) -> bool:
        age = now - created
        if version is None:
            return age < self.ttl
        return age < self.max_age and version == self.version()

    def get(self, key: str) -> CachedBody | None:
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            created, version, body = entry
        if self.ttl <= 0 or not self._fresh(created, version, now):
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        self.hits += 1
        return body

    def put(self, key: str, body: CachedBody, version: object) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._entries[key] = (self.clock(), version, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def stale(self, key: str) -> CachedBody | None:
        """The cached body even if outdated (never older than ``max_age``), or None."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or self.clock() - entry[0] >= self.max_age:
            return None
        return entry[2]

    def get_or_build(self, key: str, build: Callable[[], CachedBody]) -> CachedBody:
        """The cached body, else build it once: while one request rebuilds an outdated page,
        the others get the previous version (stale-while-revalidate) instead of waiting."""
        hit = self.get(key)
        if hit is not None:
            return hit
        with self._lock:
            lock = self._build_locks.setdefault(key, threading.Lock())
        if not lock.acquire(blocking=False):
            old = self.stale(key)
            if old is not None:
                self.stale_hits += 1
                return old
            lock.acquire()
        try:
            hit = self.get(key)
            if hit is not None:
                return hit
            self.misses += 1
            version = self.version()
            body = build()
            if body.status == 200:
                self.put(key, body, version)
            return body
        finally:
            lock.release()
            with self._lock:
                if self._build_locks.get(key) is lock:
                    del self._build_locks[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
