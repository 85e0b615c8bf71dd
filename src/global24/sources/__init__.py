"""Sources: fetch what the desk watches and turn it into Items.

``collect(source, fetcher)`` is the one call the pipeline makes per source: it
picks the adapter for ``source.kind`` from :data:`COLLECTORS`, which builds the
URL(s), fetches through the guarded :class:`~global24.sources.fetcher.Fetcher`
and parses. It never raises: failures come back in ``CollectResult.error`` and
:func:`~global24.sources.fetcher.apply_fetch_outcome` records them on the Source.
"""

from __future__ import annotations

from global24.models import Source
from global24.settings import Settings
from global24.sources.base import (
    Collector,
    CollectResult,
    Fetches,
    FetchResult,
    KnownUrls,
    PageResult,
    ParseResult,
)
from global24.sources.base import error_text as _error_text
from global24.sources.bluesky import collect_bluesky, parse_bluesky_feed
from global24.sources.feeds import collect_feed, parse_feed, parse_feed_to_jsonl
from global24.sources.fetcher import Fetcher, apply_fetch_outcome, next_fetch_time
from global24.sources.jsonl import collect_jsonl, import_jsonl, item_to_json, read_jsonl
from global24.sources.mastodon import collect_mastodon, parse_mastodon_statuses
from global24.sources.opml import parse_opml, read_opml, write_opml
from global24.sources.pages import collect_page, extract_page, extract_to_json

# Source.kind -> adapter. Feed kinds share one adapter: the payload says which format it is.
COLLECTORS: dict[str, Collector] = {
    "rss": collect_feed,
    "atom": collect_feed,
    "jsonfeed": collect_feed,
    "feed": collect_feed,
    "page": collect_page,
    "mastodon": collect_mastodon,
    "bluesky": collect_bluesky,
    "jsonl": collect_jsonl,
}


async def collect(
    source: Source, fetcher: Fetches, *, settings: Settings | None = None, known_urls: KnownUrls = None
) -> CollectResult:
    """Fetch and parse one source once; errors are returned, never raised."""
    settings = settings or getattr(fetcher, "settings", None) or Settings()
    adapter = COLLECTORS.get(source.kind)
    if adapter is None:
        result = CollectResult(source_id=source.id, error=f"unknown source kind {source.kind!r}")
    else:
        try:
            result = await adapter(source, fetcher, settings=settings, known_urls=known_urls)
        except Exception as exc:  # an adapter bug must cost one source one round, not the desk
            result = CollectResult(source_id=source.id, error=f"collector failed: {_error_text(exc)}")
    result.settings = settings
    return result


__all__ = [
    "COLLECTORS",
    "CollectResult",
    "Collector",
    "FetchResult",
    "Fetcher",
    "PageResult",
    "ParseResult",
    "apply_fetch_outcome",
    "collect",
    "extract_page",
    "extract_to_json",
    "import_jsonl",
    "item_to_json",
    "next_fetch_time",
    "parse_bluesky_feed",
    "parse_feed",
    "parse_feed_to_jsonl",
    "parse_mastodon_statuses",
    "parse_opml",
    "read_jsonl",
    "read_opml",
    "write_opml",
]
