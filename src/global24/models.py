"""The desk's records: plain dataclasses, no I/O.

Every stage reads and writes these; format-specific shapes (feed entries, API
payloads, database rows) are adapted into them at the edges.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

SourceKind = Literal["rss", "atom", "jsonfeed", "feed", "page", "mastodon", "bluesky", "jsonl"]
ItemKind = Literal["article", "post"]
StoryStatus = Literal["live", "cooling", "archived"]

SOURCE_KINDS: tuple[str, ...] = ("rss", "atom", "jsonfeed", "feed", "page", "mastodon", "bluesky", "jsonl")


_CLOCK_OFFSET = timedelta(0)
CLOCK_STATE = "clock_offset"  # store state: seconds the clock of the desk that filled it was moved by


def utcnow() -> datetime:
    """Timezone-aware now in UTC (all stored times are UTC), on the desk's clock.

    The desk's clock is the wall clock unless :func:`set_clock_offset` moved it:
    the demo runs the desk at the time of its corpus (late October 2025), so the
    dates its sources' texts name ("on Monday, 27 October") agree with the dates
    the items carry.
    """
    return datetime.now(UTC) + _CLOCK_OFFSET


def set_clock_offset(offset: timedelta) -> timedelta:
    """Move the desk's clock by ``offset`` from the wall clock; returns the previous offset."""
    global _CLOCK_OFFSET
    previous, _CLOCK_OFFSET = _CLOCK_OFFSET, offset
    return previous


def record_store_clock(store: Any) -> None:
    """Note the desk's clock offset in its store, for :func:`adopt_store_clock` to read later."""
    store.set_state(CLOCK_STATE, str(_CLOCK_OFFSET.total_seconds()).encode())


def adopt_store_clock(store: Any) -> bool:
    """Read a store on the clock of the desk that filled it (its ``clock_offset`` state): the
    demo's store was filled at its corpus's time, and on the wall clock its stories would look a
    year old. True when the clock moved; an unreadable value is ignored."""
    raw = store.get_state(CLOCK_STATE)
    if not raw:
        return False
    try:
        set_clock_offset(timedelta(seconds=float(raw.decode())))
    except (UnicodeDecodeError, ValueError, OverflowError):
        return False
    return True


def stable_id(*parts: str, prefix: str = "", length: int = 16) -> str:
    """Content-derived id: the same parts always give the same id."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]
    return f"{prefix}{h}"


@dataclass
class Engagement:
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    views: int = 0

    @property
    def total(self) -> int:
        return self.likes + self.reposts + self.replies

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Engagement:
        d = d or {}

        def n(*keys: str) -> int:
            """The first of ``keys`` present (the contract's name, then what X, Mastodon and Bluesky
            exports call it), as a count."""
            for key in keys:
                if d.get(key) is not None:
                    try:
                        return max(0, int(d.get(key) or 0))
                    except (TypeError, ValueError):
                        return 0
            return 0

        return cls(
            likes=n("likes", "favorite_count", "favourites_count", "like_count", "likeCount", "favorites"),
            reposts=n("reposts", "retweet_count", "reblogs_count", "repost_count", "repostCount", "shares"),
            replies=n("replies", "reply_count", "replies_count", "replyCount", "comments"),
            views=n("views", "view_count", "impression_count", "views_count"),
        )


@dataclass
class Image:
    url: str
    caption: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Image:
        return cls(
            url=str(d.get("url", "")),
            caption=d.get("caption"),
            credit=d.get("credit"),
            width=d.get("width"),
            height=d.get("height"),
        )


@dataclass
class Source:
    """A place the desk watches: a feed, a page, an account, a file."""

    id: str
    kind: str
    url: str
    name: str = ""
    weight: float = 1.0
    enabled: bool = True
    # fetch state (conditional GET, back-off, health)
    etag: str | None = None
    last_modified: str | None = None
    error_count: int = 0
    last_error: str | None = None
    last_fetch_at: datetime | None = None
    last_ok_at: datetime | None = None
    next_fetch_at: datetime | None = None
    # paged timelines (Mastodon, Bluesky): where reading older posts stopped short (a failed page, the
    # page cap), so the next round carries on from there and no post is skipped
    resume_cursor: str | None = None
    item_count: int = 0
    created_at: datetime = field(default_factory=utcnow)

    @staticmethod
    def make_id(kind: str, url: str) -> str:
        return stable_id(kind, url.strip(), prefix="src_", length=12)


@dataclass
class Item:
    """One piece of open media: an article or a post."""

    id: str
    source_id: str
    kind: str = "article"
    url: str | None = None
    title: str | None = None
    text: str = ""
    html: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime = field(default_factory=utcnow)
    lang: str | None = None
    author: str | None = None
    engagement: Engagement = field(default_factory=Engagement)
    images: list[Image] = field(default_factory=list)
    duplicate_of: str | None = None
    story_id: str | None = None
    content_hash: str | None = None
    source_name: str | None = None  # display name of the outlet/handle, denormalized for writers
    extra: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seq: int | None = None  # arrival order in the store, assigned on first insert

    @staticmethod
    def make_id(source_id: str, canonical_url: str | None = None, native_id: str | None = None) -> str:
        """Stable id: hash of the canonical URL, else of source + native id."""
        if canonical_url:
            return stable_id(canonical_url, prefix="it_")
        return stable_id(source_id, native_id or "", prefix="it_")

    @property
    def when(self) -> datetime:
        """Best-known time of the item: published, else fetched."""
        return self.published_at or self.fetched_at


@dataclass
class Story:
    id: str
    first_seen: datetime
    last_seen: datetime
    item_count: int = 0
    source_count: int = 0
    terms: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    status: str = "live"
    merged_into: str | None = None
    title: str | None = None
    first_item_id: str | None = None
    first_source_id: str | None = None
    heat: float = 0.0
    topic: str | None = None
    region: str | None = None
    updated_at: datetime = field(default_factory=utcnow)


@dataclass
class HeatSample:
    story_id: str
    at: datetime
    score: float
    components: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    explanation: str = ""


@dataclass
class Citation:
    item_id: str
    quote: str
    start: int = 0
    end: int = 0


@dataclass
class Sentence:
    text: str
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    kind: str
    paragraphs: list[list[Sentence]] = field(default_factory=list)


@dataclass
class Article:
    story_id: str
    revision: int = 1
    created_at: datetime = field(default_factory=utcnow)
    headline: str = ""
    dek: str = ""
    attribution: str = ""
    sections: list[Section] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    grounding: dict[str, Any] = field(default_factory=dict)
    writer: str = "extractive"
    change_note: str = ""
    heat: dict[str, Any] = field(default_factory=dict)
    item_ids: list[str] = field(default_factory=list)
    lang: str = "en"  # the language it is written in: its set's main language (ISO 639-1)

    def sentences(self) -> list[Sentence]:
        return [s for sec in self.sections for p in sec.paragraphs for s in p]

    def dek_citations(self) -> list[Citation]:
        """The dek's citations (kept in the grounding report, where verification put them)."""
        out = []
        for c in (self.grounding or {}).get("dek") or []:
            if isinstance(c, dict) and c.get("item_id"):
                out.append(Citation(str(c["item_id"]), str(c.get("quote") or ""), int(c.get("start") or 0),
                                    int(c.get("end") or 0)))  # fmt: skip
        return out

    def word_count(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences())


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


def to_dict(record: Any) -> dict[str, Any]:
    """A record as JSON-ready dict (datetimes as ISO-8601)."""
    return _jsonable(asdict(record))


def syndicated_originals(
    entries: list[dict], duplicate_of: Callable[[dict], str | None] | None = None
) -> dict[str, str]:
    """Listed item -> the listed original it is a syndicated copy of, following chains of copies.

    A wire story and the papers that ran it are one source: renderings give them one
    number and name the papers in the source list. ``duplicate_of`` reads an entry's
    original (default: its ``duplicate_of`` key); a copy whose original is not listed
    stays a source of its own.
    """
    read = duplicate_of or (lambda e: e.get("duplicate_of"))
    listed = {str(e["item_id"]) for e in entries if e.get("item_id")}
    parent: dict[str, str] = {}
    for e in entries:
        item_id = str(e.get("item_id") or "")
        dup = read(e) if item_id else None
        if dup and str(dup) in listed and str(dup) != item_id:
            parent[item_id] = str(dup)
    out: dict[str, str] = {}
    for item_id in parent:
        root, hops = item_id, 0
        while root in parent and hops < 10:
            root, hops = parent[root], hops + 1
        if root != item_id and root not in parent:  # a cycle has no original: leave it numbered
            out[item_id] = root
    return out


def carried_by(
    entries: list[dict], copy_of: dict[str, str], name_of: Callable[[dict], str] | None = None
) -> dict[str, list[str]]:
    """Original -> the outlets that carried a copy of it, in list order, its own outlet left out.

    ``name_of`` reads an entry's outlet name (default: its ``source`` key).
    """
    name = name_of or (lambda e: str(e.get("source") or ""))
    by_id = {str(e.get("item_id")): e for e in entries if e.get("item_id")}
    out: dict[str, list[str]] = {}
    for copy, root in copy_of.items():
        outlet = name(by_id[copy]) if copy in by_id else ""
        own = name(by_id[root]) if root in by_id else ""
        names = out.setdefault(root, [])
        if outlet and outlet != own and outlet not in names:
            names.append(outlet)
    return out


def article_to_json(article: Article) -> dict[str, Any]:
    """The Article JSON contract of ARCHITECTURE.md."""
    d = to_dict(article)
    d["heat"] = article.heat or {}
    return d


def article_from_json(d: dict[str, Any]) -> Article:
    """Inverse of :func:`article_to_json` (tolerant of missing keys)."""
    sections = [
        Section(
            heading=s.get("heading", ""),
            kind=s.get("kind", ""),
            paragraphs=[
                [
                    Sentence(
                        text=sent.get("text", ""),
                        citations=[
                            Citation(
                                item_id=c.get("item_id", ""),
                                quote=c.get("quote", ""),
                                start=int(c.get("start", 0) or 0),
                                end=int(c.get("end", 0) or 0),
                            )
                            for c in sent.get("citations", [])
                        ],
                    )
                    for sent in para
                ]
                for para in s.get("paragraphs", [])
            ],
        )
        for s in d.get("sections", [])
    ]
    created = d.get("created_at")
    return Article(
        story_id=d.get("story_id", ""),
        revision=int(d.get("revision", 1) or 1),
        created_at=datetime.fromisoformat(created) if isinstance(created, str) else utcnow(),
        headline=d.get("headline", ""),
        dek=d.get("dek", ""),
        attribution=d.get("attribution", ""),
        sections=sections,
        images=list(d.get("images", [])),
        timeline=list(d.get("timeline", [])),
        disagreements=list(d.get("disagreements", [])),
        sources=list(d.get("sources", [])),
        grounding=dict(d.get("grounding", {})),
        writer=d.get("writer", "extractive"),
        change_note=d.get("change_note", ""),
        heat=dict(d.get("heat", {})),
        item_ids=list(d.get("item_ids", [])),
        lang=str(d.get("lang") or "en"),
    )
