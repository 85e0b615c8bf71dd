"""The bundled demo corpus: outlets, story files and images, loaded and checked.

The corpus is written for the project (see ``corpus/README.md``). Loading never
raises on a bad story file or item: the problem is recorded on the corpus and
the item is skipped, so one broken file cannot take the demo down. Times are
real (late October 2025). ``global24 demo`` runs the desk on a clock set to the
corpus's time and serves them unshifted; the server can also shift them all by
one offset so the newest item lands a little after the server starts on the wall
clock (:meth:`Corpus.served_at`), which is what the tests use.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEMO_DIR = Path(__file__).resolve().parent
CORPUS_DIR = DEMO_DIR / "corpus"
IMAGES_DIR = DEMO_DIR / "images"

#: How far after server start the newest item of the corpus is placed.
DEFAULT_LEAD = timedelta(minutes=20)

CHANNELS: tuple[str, ...] = ("rss", "atom", "jsonfeed", "page", "mastodon", "bluesky", "jsonl")
SOCIAL_CHANNELS: frozenset[str] = frozenset({"mastodon", "bluesky"})
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,80}$")
_TAG_RE = re.compile(r"(?<![\w/&])#(\w{2,60})", re.UNICODE)


@dataclass(frozen=True)
class Outlet:
    """An invented outlet or social handle and the channel it is served through."""

    id: str
    name: str
    channel: str
    lang: str = "en"
    region: str = "world"
    handle: str | None = None
    display: str | None = None
    kind: str | None = None
    note: str | None = None

    @property
    def display_name(self) -> str:
        return self.display or self.name


@dataclass(frozen=True)
class CorpusImage:
    file: str
    caption: str = ""
    credit: str = ""


@dataclass
class CorpusItem:
    """One article or post of the corpus, with its real (unshifted) time."""

    key: str
    story: str
    outlet: str
    published: datetime
    text: str
    kind: str = "article"
    title: str | None = None
    author: str | None = None
    lang: str = "en"
    engagement: dict[str, int] = field(default_factory=dict)
    images: list[CorpusImage] = field(default_factory=list)
    syndicates: str | None = None
    tags: list[str] = field(default_factory=list)
    topic: str | None = None
    region: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]

    @property
    def summary(self) -> str:
        """First paragraph, used as feed description and meta description."""
        paras = self.paragraphs
        return paras[0] if paras else ""


@dataclass
class CorpusStory:
    slug: str
    topic: str | None
    region: str | None
    keys: list[str] = field(default_factory=list)


@dataclass
class Corpus:
    """Everything the demo server serves, plus the problems found while loading."""

    outlets: dict[str, Outlet]
    stories: list[CorpusStory]
    items: list[CorpusItem]  # sorted by real published time, oldest first
    problems: list[str]
    anchor: datetime
    shift: timedelta

    def served_at(self, item: CorpusItem) -> datetime:
        """The item's time as served: real time + the corpus shift."""
        return item.published + self.shift

    def visible(self, now: datetime, outlet: str | None = None) -> list[CorpusItem]:
        """Items whose served time has come, oldest first (optionally of one outlet)."""
        return [
            it for it in self.items if self.served_at(it) <= now and (outlet is None or it.outlet == outlet)
        ]

    def item(self, key: str) -> CorpusItem | None:
        return self._by_key().get(key)

    def _by_key(self) -> dict[str, CorpusItem]:
        cache = self.__dict__.get("_key_cache")
        if cache is None or len(cache) != len(self.items):
            cache = {it.key: it for it in self.items}
            self.__dict__["_key_cache"] = cache
        return cache


@dataclass
class CorpusReport:
    """Counts that describe the corpus, and the problems that make it invalid."""

    items: int
    articles: int
    posts: int
    stories: int
    outlets: int  # distinct outlets/handles that have at least one item
    handles: int  # of which social handles (Mastodon, Bluesky)
    days: int  # calendar days (UTC) spanned, first to last item inclusive
    first: datetime | None
    last: datetime | None
    channels: dict[str, int]
    languages: dict[str, int]
    images: int  # image references
    syndicated: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["first"] = self.first.isoformat() if self.first else None
        d["last"] = self.last.isoformat() if self.last else None
        return d


def parse_time(value: Any) -> datetime:
    """An ISO-8601 time with an explicit offset, as aware UTC. Raises ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"time must be an ISO-8601 string, got {value!r}")
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return dt.astimezone(UTC)


def load_outlets(path: Path) -> tuple[dict[str, Outlet], list[str]]:
    """Read outlets.json; bad rows are reported and skipped."""
    problems: list[str] = []
    outlets: dict[str, Outlet] = {}
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, [f"{path.name}: cannot read: {exc}"]
    for n, row in enumerate(rows if isinstance(rows, list) else []):
        try:
            o = Outlet(
                id=str(row["id"]),
                name=str(row["name"]),
                channel=str(row["channel"]),
                lang=str(row.get("lang", "en")),
                region=str(row.get("region", "world")),
                handle=row.get("handle"),
                display=row.get("display"),
                kind=row.get("kind"),
                note=row.get("note"),
            )
        except (KeyError, TypeError) as exc:
            problems.append(f"{path.name}[{n}]: missing field {exc}")
            continue
        if o.id in outlets:
            problems.append(f"{path.name}[{n}]: duplicate outlet id {o.id!r}")
            continue
        if o.channel not in CHANNELS:
            problems.append(f"{path.name}[{n}]: unknown channel {o.channel!r}")
            continue
        if o.channel in SOCIAL_CHANNELS and not o.handle:
            problems.append(f"{path.name}[{n}]: {o.id} is {o.channel} but has no handle")
            continue
        outlets[o.id] = o
    return outlets, problems


def _hashtags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for m in _TAG_RE.finditer(text):
        seen.setdefault(m.group(1), None)
    return list(seen)


def _item(
    raw: dict[str, Any], story: CorpusStory, outlets: dict[str, Outlet], images_dir: Path
) -> CorpusItem:
    """Build one item from its JSON object; raises ValueError with a readable message."""
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"bad key {key!r} (lowercase letters, digits, . _ -)")
    outlet = outlets.get(str(raw.get("outlet")))
    if outlet is None:
        raise ValueError(f"unknown outlet {raw.get('outlet')!r}")
    published = parse_time(raw.get("published"))
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty text")
    images: list[CorpusImage] = []
    for img in raw.get("images") or []:
        file = str(img.get("file", ""))
        if not file or "/" in file or not (images_dir / file).is_file():
            raise ValueError(f"image {file!r} not found in {images_dir.name}/")
        images.append(
            CorpusImage(file=file, caption=str(img.get("caption", "")), credit=str(img.get("credit", "")))
        )
    if outlet.channel in SOCIAL_CHANNELS:
        kind = "post"
    elif outlet.channel == "jsonl":
        kind = str(raw.get("kind") or ("article" if raw.get("title") else "post"))
    else:
        kind = "article"
    if kind == "article" and not raw.get("title"):
        raise ValueError("article without a title")
    engagement = {k: int(v) for k, v in (raw.get("engagement") or {}).items()}
    tags = [str(t).lstrip("#") for t in raw.get("tags") or []] or _hashtags(text)
    return CorpusItem(
        key=key,
        story=story.slug,
        outlet=outlet.id,
        published=published,
        text=text.strip(),
        kind=kind,
        title=raw.get("title"),
        author=raw.get("author"),
        lang=str(raw.get("lang") or outlet.lang),
        engagement=engagement,
        images=images,
        syndicates=raw.get("syndicates"),
        tags=tags,
        topic=story.topic,
        region=story.region,
    )


def load_corpus(
    root: Path | None = None,
    *,
    start: datetime | None = None,
    lead: timedelta = DEFAULT_LEAD,
    images_dir: Path | None = None,
) -> Corpus:
    """Load outlets and every ``stories/*.json`` under ``root``; compute the time shift.

    ``shift = anchor - max(published)`` with ``anchor = start + lead`` (start
    defaults to now), so the newest items only become visible while the demo
    runs. Bad files and items are recorded in ``Corpus.problems`` and skipped.
    """
    root = root or CORPUS_DIR
    images_dir = images_dir or IMAGES_DIR
    outlets, problems = load_outlets(root / "outlets.json")
    stories: list[CorpusStory] = []
    items: list[CorpusItem] = []
    keys: set[str] = set()
    for path in sorted((root / "stories").glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            slug = str(doc["slug"])
            raw_items = doc["items"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path.name}: cannot read story file: {exc}")
            continue
        if slug != path.stem:
            problems.append(f"{path.name}: slug {slug!r} does not match the file name")
        story = CorpusStory(slug=slug, topic=doc.get("topic"), region=doc.get("region"))
        for n, raw in enumerate(raw_items if isinstance(raw_items, list) else []):
            try:
                item = _item(raw if isinstance(raw, dict) else {}, story, outlets, images_dir)
            except (ValueError, TypeError, AttributeError) as exc:
                problems.append(f"{path.name} item {n} ({(raw or {}).get('key', '?')}): {exc}")
                continue
            if item.key in keys:
                problems.append(f"{path.name} item {n}: duplicate key {item.key!r}")
                continue
            keys.add(item.key)
            story.keys.append(item.key)
            items.append(item)
        stories.append(story)
    for it in items:
        if it.syndicates and it.syndicates not in keys:
            problems.append(f"{it.story}: {it.key} syndicates unknown item {it.syndicates!r}")
    items.sort(key=lambda it: (it.published, it.key))
    start = (start or datetime.now(UTC)).astimezone(UTC)
    anchor = start + lead
    latest = items[-1].published if items else anchor
    shift = timedelta(seconds=round((anchor - latest).total_seconds()))
    return Corpus(
        outlets=outlets, stories=stories, items=items, problems=problems, anchor=anchor, shift=shift
    )


def check_corpus(corpus: Corpus) -> CorpusReport:
    """Count what the corpus holds and list what makes it invalid (load problems included)."""
    used = {it.outlet for it in corpus.items}
    channels = Counter(corpus.outlets[o].channel for o in used)
    first = corpus.items[0].published if corpus.items else None
    last = corpus.items[-1].published if corpus.items else None
    days = (last.date() - first.date()).days + 1 if first and last else 0
    return CorpusReport(
        items=len(corpus.items),
        articles=sum(it.kind == "article" for it in corpus.items),
        posts=sum(it.kind == "post" for it in corpus.items),
        stories=len([s for s in corpus.stories if s.keys]),
        outlets=len(used),
        handles=sum(corpus.outlets[o].channel in SOCIAL_CHANNELS for o in used),
        days=days,
        first=first,
        last=last,
        channels=dict(sorted(Counter(corpus.outlets[it.outlet].channel for it in corpus.items).items())),
        languages=dict(Counter(it.lang for it in corpus.items).most_common()),
        images=sum(len(it.images) for it in corpus.items),
        syndicated=sum(1 for it in corpus.items if it.syndicates),
        problems=list(corpus.problems) + [f"no items on channel {c}" for c in CHANNELS if c not in channels],
    )


def main() -> None:
    """Print the corpus report as JSON (``python -m global24.demo.corpus``)."""
    report = check_corpus(load_corpus())
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
