"""What every view needs: the store, the settings, the renderer and the page cache.

One :class:`Site` lives on ``app.state.site``; the static export builds its own
so it renders pages exactly as the server does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from global24.models import Article, Source, utcnow
from global24.settings import Settings
from global24.store.base import Store
from global24.web.cache import PageCache
from global24.web.render import Renderer


class ArticleMemo:
    """The store, with parsed article revisions remembered.

    A revision never changes once written, so it is parsed once and kept (LRU).
    Asking for the latest revision costs one small query (the revision list)
    instead of reading and parsing the whole article JSON again; everything
    else is passed straight to the store. Returned articles are shared: read only.
    """

    def __init__(self, store: Store, size: int = 2000) -> None:
        self._store = store
        self._size = size
        self._memo: OrderedDict[tuple[str, int], Article] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def get_article(self, story_id: str, revision: int | None = None) -> Article | None:
        if revision is None:
            revs = self._store.list_revisions(story_id)
            if not revs:
                return None
            revision = max(int(r["revision"]) for r in revs)
        key = (story_id, int(revision))
        with self._lock:
            hit = self._memo.get(key)
            if hit is not None:
                self._memo.move_to_end(key)
        if hit is None:
            hit = self._store.get_article(story_id, revision)
            if hit is None:
                return None
            with self._lock:
                self._memo[key] = hit
                while len(self._memo) > self._size:
                    self._memo.popitem(last=False)
        return hit  # shared: views only read it; writers get the raw store (``raw``)

    @property
    def raw(self) -> Store:
        """The store itself, for code that may change the records it reads."""
        return self._store


@dataclass
class Site:
    store: Store
    settings: Settings
    renderer: Renderer
    cache: PageCache
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def build(cls, store: Store, settings: Settings, clock: Callable[[], datetime] | None = None) -> Site:
        cache = PageCache(ttl=float(settings.web_cache_seconds), version=_version_probe(store))
        return cls(ArticleMemo(store), settings, Renderer(settings), cache, clock or utcnow)

    def now(self) -> datetime:
        return self.clock()

    def sources_by_id(self) -> dict[str, Source]:
        """All sources keyed by id (a handful of rows; read per render, never cached across writes)."""
        return {s.id: s for s in self.store.list_sources()}


def _version_probe(store: Store) -> Callable[[], object] | None:
    """A cheap 'has anything changed' probe when the backend offers one (else the cache uses its TTL)."""
    for name in ("data_version", "version"):
        fn = getattr(store, name, None)
        if callable(fn):
            return fn
    return None
