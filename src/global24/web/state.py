"""What every view needs: the store, the settings, the renderer and the page cache.

One :class:`Site` lives on ``app.state.site``; the static export builds its own
so it renders pages exactly as the server does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from global24.models import Source
from global24.settings import Settings
from global24.store.base import Store
from global24.web.cache import PageCache
from global24.web.render import Renderer


@dataclass
class Site:
    store: Store
    settings: Settings
    renderer: Renderer
    cache: PageCache
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @classmethod
    def build(cls, store: Store, settings: Settings, clock: Callable[[], datetime] | None = None) -> Site:
        cache = PageCache(ttl=float(settings.web_cache_seconds), version=_version_probe(store))
        return cls(store, settings, Renderer(settings), cache, clock or (lambda: datetime.now(UTC)))

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
