"""What every demo renderer shares: the corpus, the base URL, the clock, stable URLs and ids.

URLs and ids derive from item keys and *real* (unshifted) times, so they stay
the same across server restarts; only the served timestamps move with the shift.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from global24.demo.corpus import Corpus, CorpusItem, Outlet

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()


def iso(dt: datetime) -> str:
    """ISO-8601 in UTC with a Z, to the second (feeds) or millisecond when asked."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(dt: datetime) -> str:
    """ISO-8601 with milliseconds, the shape Mastodon and Bluesky use."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def tid(dt: datetime, key: str) -> str:
    """A Bluesky record key (TID): 13 base32-sortable chars from microseconds + a clock id."""
    micros = int(dt.timestamp() * 1_000_000)
    value = (micros << 10) | (_digest("clock", key)[0] & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


@dataclass
class Site:
    """The served site: corpus + base URL + clock."""

    corpus: Corpus
    base_url: str
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def visible(self, outlet: str | None = None) -> list[CorpusItem]:
        """Items whose served time has come, newest first."""
        return list(reversed(self.corpus.visible(self.now(), outlet)))

    def is_visible(self, item: CorpusItem) -> bool:
        return self.corpus.served_at(item) <= self.now()

    def when(self, item: CorpusItem) -> datetime:
        return self.corpus.served_at(item)

    def outlet(self, item: CorpusItem) -> Outlet:
        return self.corpus.outlets[item.outlet]

    # --- URLs -------------------------------------------------------------
    def image_url(self, file: str) -> str:
        return f"{self.base_url}/images/{file}"

    def page_url(self, item: CorpusItem) -> str:
        return f"{self.base_url}/news/{item.outlet}/{item.key}.html"

    def index_url(self, outlet: Outlet) -> str:
        return f"{self.base_url}/news/{outlet.id}/"

    def item_url(self, item: CorpusItem) -> str:
        """The item's own, stable URL (what the desk should treat as canonical)."""
        outlet = self.outlet(item)
        if outlet.channel == "mastodon":
            return self.status_url(item)
        if outlet.channel == "bluesky":
            return self.bsky_web_url(item)
        return self.page_url(item)

    def feed_url(self, outlet: Outlet) -> str:
        return {
            "rss": f"{self.base_url}/rss/{outlet.id}.xml",
            "atom": f"{self.base_url}/atom/{outlet.id}.xml",
            "jsonfeed": f"{self.base_url}/feeds/{outlet.id}.json",
            "jsonl": f"{self.base_url}/exports/{outlet.id}.jsonl",
            "page": self.index_url(outlet),
            "mastodon": f"{self.base_url}/@{outlet.handle}",
            "bluesky": f"at://{outlet.handle}",
        }[outlet.channel]

    # --- Mastodon ---------------------------------------------------------
    @property
    def instance_host(self) -> str:
        return self.base_url.split("://", 1)[-1]

    def account_id(self, outlet: Outlet) -> str:
        return str(int.from_bytes(_digest("account", outlet.id)[:6], "big"))

    def status_id(self, item: CorpusItem) -> str:
        ms = int(item.published.timestamp() * 1000)
        return str((ms << 16) | int.from_bytes(_digest("status", item.key)[:2], "big"))

    def status_url(self, item: CorpusItem) -> str:
        return f"{self.base_url}/@{self.outlet(item).handle}/{self.status_id(item)}"

    def status_uri(self, item: CorpusItem) -> str:
        return f"{self.base_url}/users/{self.outlet(item).handle}/statuses/{self.status_id(item)}"

    # --- Bluesky ----------------------------------------------------------
    def did(self, outlet: Outlet) -> str:
        return "did:plc:" + base64.b32encode(_digest("did", outlet.id)).decode().lower()[:24]

    def rkey(self, item: CorpusItem) -> str:
        return tid(item.published, item.key)

    def at_uri(self, item: CorpusItem) -> str:
        return f"at://{self.did(self.outlet(item))}/app.bsky.feed.post/{self.rkey(item)}"

    def cid(self, item: CorpusItem) -> str:
        return (
            "bafyrei"
            + base64.b32encode(_digest("cid", item.key, item.text)).decode().lower().rstrip("=")[:52]
        )

    def bsky_web_url(self, item: CorpusItem) -> str:
        return f"{self.base_url}/profile/{self.outlet(item).handle}/post/{self.rkey(item)}"
