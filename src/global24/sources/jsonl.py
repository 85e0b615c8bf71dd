"""Item JSONL: the import/export format of ARCHITECTURE.md (one JSON object a line).

``{"id", "url"?, "source", "kind", "title"?, "text", "published"?, "lang"?,
"author"?, "engagement"?, "images"?}``; only ``id`` and ``text`` are required (a
``title`` stands in for a missing text) and extra keys are kept in ``Item.extra``.
A malformed line is reported with its line number and skipped; the rest is
imported. This is also how converted X/Twitter archives or GDELT extracts come
in, and X's and Mastodon's own archive files (:func:`archive_rows`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from global24.models import Engagement, Image, Item, Source
from global24.normalize import not_yet
from global24.settings import Settings
from global24.sources.base import (
    CollectResult,
    Fetches,
    KnownUrls,
    ParseResult,
    host_of,
    html_to_text,
    parse_datetime,
    to_int,
)
from global24.text import lang_code, leading_date

KNOWN_KEYS = {
    "id",
    "url",
    "source",
    "kind",
    "title",
    "text",
    "published",
    "lang",
    "author",
    "engagement",
    "images",
    "duplicate_of",
}
MAX_LINE_CHARS = 2_000_000
# What other tools' exports call the contract's fields; read only where the contract's own key is
# absent or empty, so a file that follows the contract reads exactly as before.
ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("body", "content", "full_text", "description", "summary"),
    "title": ("headline",),
    "url": ("link", "permalink"),
    "source": ("outlet", "publisher", "site_name", "feed"),
    "published": ("published_at", "date", "pubDate", "created_at", "createdAt", "timestamp", "time", "datetime"),
    "author": ("byline", "handle", "screen_name"),
    "kind": ("type",),
}
# the kinds of social exports and of other tools, read as the contract's two
KINDS = {
    "article": "article", "post": "post", "tweet": "post", "toot": "post", "status": "post", "skeet": "post",
    "social": "post", "reply": "post", "news": "article", "story": "article", "blog": "article",
    "page": "article",
}  # fmt: skip


def contract_row(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` with a contract key filled from its alias where the key itself is missing or empty
    ("body" for "text", "created_at" for "published", "tweet" for "post"…); the alias key goes."""
    row = dict(d)
    for key, alts in ALIASES.items():
        if row.get(key) not in (None, ""):
            continue
        for alt in alts:
            value = row.get(alt)
            if isinstance(value, str) and value.strip() or key == "published" and isinstance(value, int | float):
                if key == "kind" and str(value).lower() not in KINDS:
                    continue  # a "type" that is not a kind of item is something else
                row[key] = value
                del row[alt]
                break
    kind = row.get("kind")
    if isinstance(kind, str) and kind.lower() in KINDS:
        row["kind"] = KINDS[kind.lower()]
    return row


def item_from_json(d: dict[str, Any], source: Source | None = None) -> tuple[Item, list[str]]:
    """One contract object as an Item plus soft problems (bad optional fields are dropped, not fatal).

    Raises ValueError when a required field is missing or has the wrong type.
    """
    problems: list[str] = []
    d = contract_row(d)
    raw_id = d.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or str(raw_id).strip() == "":
        raise ValueError("'id' is required (a non-empty string)")
    text = d.get("text")
    if text is None and isinstance(d.get("title"), str) and d["title"].strip():
        text = ""  # a headline-only entry (a link list, a title feed): the item says what its title says
    if not isinstance(text, str):
        raise ValueError("'text' is required (a string)")
    text = plain_text(text)
    source_name = outlet_name(d.get("source"))
    # Items of a configured source belong to it; in a bare file each named outlet is its own source,
    # and an item naming none gets "" so the caller can attach it to the file's source.
    if source is not None:
        source_id = source.id
    else:
        source_id = Source.make_id("jsonl", source_name) if source_name else ""
    kind = d.get("kind") if d.get("kind") in ("article", "post") else "article"
    if "kind" in d and d.get("kind") not in ("article", "post"):
        problems.append(f"unknown kind {d.get('kind')!r}, read as 'article'")
    published = None
    if d.get("published") not in (None, ""):
        published = parse_datetime(d.get("published"))
        if published is None:
            problems.append(f"unreadable 'published' {str(d.get('published'))[:40]!r} ignored")
        elif not_yet(published):
            problems.append(f"'published' {published.isoformat()} is in the future, ignored")
            published = None
    if published is None:
        published = dateline_published(text)
    engagement = Engagement()
    if isinstance(d.get("engagement"), dict):
        engagement = Engagement.from_dict(d["engagement"])
    elif d.get("engagement") is not None:
        problems.append("'engagement' is not an object, ignored")
    else:  # an X or Mastodon export keeps its counts on the post itself ("favorite_count", …)
        engagement = Engagement.from_dict(d)
    images: list[Image] = []
    raw_images = d.get("images") or []
    if not isinstance(raw_images, list):
        problems.append("'images' is not a list, ignored")
        raw_images = []
    for img in raw_images:
        if isinstance(img, dict) and isinstance(img.get("url"), str) and img["url"].strip():
            images.append(
                Image(
                    url=img["url"].strip(),
                    caption=_opt_str(img.get("caption")),
                    credit=_opt_str(img.get("credit")),
                    width=to_int(img.get("width")),
                    height=to_int(img.get("height")),
                )
            )
        else:
            problems.append("an image without a 'url' was ignored")
    extra = {k: v for k, v in d.items() if k not in KNOWN_KEYS}
    item = Item(
        id=str(raw_id).strip(),
        source_id=source_id,
        kind=kind,
        url=_opt_str(d.get("url")),
        title=_opt_str(d.get("title")),
        text=text,
        published_at=published,
        lang=lang_code(d.get("lang")),
        author=_opt_str(d.get("author")),
        engagement=engagement,
        images=images,
        source_name=source_name or (source.name if source is not None else None) or None,
        duplicate_of=_opt_str(d.get("duplicate_of")),
        extra=extra,
    )
    return item, problems


# HTML where plain text belongs: an export that copied a feed's description or a page's body as it came
_MARKUP = re.compile(
    r"</?(?:p|br|div|span|b|i|em|strong|a|ul|ol|li|h[1-6]|blockquote|img|figure|figcaption|table|tr|td|"
    r"section|article|header|footer|script|style|iframe)\b[^<>]*>|&(?:amp|lt|gt|quot|apos|nbsp|#\d{1,6}|#x[0-9a-f]{1,6});",
    re.IGNORECASE,
)


def plain_text(text: str) -> str:
    """An item's text as the contract has it, plain: markup read as HTML (tags dropped, blocks made
    paragraphs, entities decoded), so no "<p>" or "&amp;" reaches a sentence or a citation."""
    return html_to_text(text) if _MARKUP.search(text) else text


def outlet_name(value: Any) -> str | None:
    """The outlet a row's ``source`` names: as written, or the site of a link given there (feed
    readers export the feed's URL: "https://www.example.org/rss.xml" is example.org)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # an export that numbers its outlets
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.lower().startswith(("http://", "https://")):
        host = host_of(value)
        return host.removeprefix("www.") or value
    return value


def dateline_published(text: str) -> datetime | None:
    """Noon UTC of the day an undated item's text gives on its opening line (``text.leading_date``).

    Archives and exports often carry the date only above the story ("Saturday, January 8,
    2005"); noon keeps the day the same in every time zone a reader is likely to be in.
    """
    day = leading_date(text)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC) if day else None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def item_to_json(item: Item) -> dict[str, Any]:
    """An Item in the contract's shape (the inverse of :func:`item_from_json`)."""
    d: dict[str, Any] = {
        "id": item.id,
        "url": item.url,
        "source": item.source_name or item.source_id,
        "kind": item.kind,
        "title": item.title,
        "text": item.text,
        "published": item.published_at.isoformat() if item.published_at else None,
        "lang": item.lang,
        "author": item.author,
        "engagement": {
            "likes": item.engagement.likes,
            "reposts": item.engagement.reposts,
            "replies": item.engagement.replies,
        },
        "images": [
            {k: v for k, v in (("url", i.url), ("caption", i.caption), ("credit", i.credit)) if v is not None}
            for i in item.images
        ],
        "duplicate_of": item.duplicate_of,
    }
    return {k: v for k, v in d.items() if v is not None}


def iter_jsonl(
    lines: Iterable[str | bytes], source: Source | None = None
) -> Iterator[tuple[int, Item | None, str | None]]:
    """(line number, item or None, problem or None) for every non-blank line; never raises."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            line = line.decode("utf-8", errors="replace")
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        if len(line) > MAX_LINE_CHARS:
            yield number, None, f"line {number}: longer than {MAX_LINE_CHARS} characters, skipped"
            continue
        try:
            d = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield number, None, f"line {number}: invalid JSON ({str(exc)[:120]}), skipped"
            continue
        yield number, *_read_object(d, f"line {number}", source)


def _read_object(d: Any, where: str, source: Source | None) -> tuple[Item | None, str | None]:
    """(item or None, problem or None) for one parsed JSON value of a file; never raises."""
    if not isinstance(d, dict):
        return None, f"{where}: not a JSON object, skipped"
    try:
        item, problems = item_from_json(d, source)
    except ValueError as exc:
        return None, f"{where}: {exc}, skipped"
    except Exception as exc:  # a shape we did not foresee: report it, keep going
        return None, f"{where}: unreadable item ({type(exc).__name__}: {exc}), skipped"
    return item, (f"{where}: " + "; ".join(problems)) if problems else None


# ---------------------------------------------------------------- whole-file exports

_ARCHIVE_MAX = 200_000_000  # a whole-document export is parsed in memory: larger ones must be JSONL


def archive_rows(head: bytes, read: Callable[[], bytes]) -> list[dict[str, Any]] | None:
    """Contract rows of a social archive given as one document, else None (the file is JSONL).

    Read: an X/Twitter archive's ``tweets.js`` (``window.YTD.tweets.part0 = [{"tweet": {…}}, …]``),
    a Mastodon archive's ``outbox.json`` (ActivityStreams: ``Create`` activities of ``Note`` objects;
    boosts, which carry no text of their own, are left out) and a plain JSON array of items.
    ``head`` is the start of the file; ``read()`` returns all of it.
    """
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith((b"window.", b"[", b"{")):
        return None
    if start.startswith(b"{"):
        first = start.split(b"\n", 1)[0].strip()
        try:
            json.loads(first)
            return None  # one object a line: JSONL
        except ValueError:
            pass
    data = read()
    if len(data) > _ARCHIVE_MAX:
        return None
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("window."):
        text = text.split("=", 1)[1] if "=" in text else ""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(doc, dict) and isinstance(doc.get("orderedItems"), list):
        return [row for act in doc["orderedItems"] if (row := _activity_row(act)) is not None]
    if isinstance(doc, list):
        return [_tweet_row(d["tweet"]) if isinstance(d, dict) and isinstance(d.get("tweet"), dict) else d for d in doc]
    return None


def _tweet_row(t: dict[str, Any]) -> dict[str, Any]:
    """One tweet of an X archive as a contract row (the text, the counts, the time, its photos)."""
    tid = str(t.get("id_str") or t.get("id") or "")
    media = ((t.get("extended_entities") or t.get("entities") or {}).get("media")) or []
    images = [
        {"url": m.get("media_url_https") or m.get("media_url"), "caption": m.get("ext_alt_text")}
        for m in media
        if isinstance(m, dict) and m.get("type", "photo") == "photo" and (m.get("media_url_https") or m.get("media_url"))
    ]
    row = {  # a tweet's own "source" is the app it was sent from ("Twitter Web App"), not an outlet
        **{k: v for k, v in t.items() if k not in ("entities", "extended_entities", "source")},
        "id": tid,
        "kind": "post",
        "url": f"https://x.com/i/web/status/{tid}" if tid else None,
    }
    if images:
        row["images"] = images
    return row


def _activity_row(act: Any) -> dict[str, Any] | None:
    """A Mastodon ``Create`` activity as a contract row; None for anything else (boosts, deletes)."""
    if not isinstance(act, dict) or act.get("type") != "Create" or not isinstance(act.get("object"), dict):
        return None
    note = act["object"]
    if not note.get("content") and not note.get("attachment"):
        return None
    actor = str(act.get("actor") or note.get("attributedTo") or "")
    parts = urlsplit(actor)
    handle = f"@{parts.path.rstrip('/').rsplit('/', 1)[-1]}@{parts.hostname}" if parts.hostname else actor
    langs = list((note.get("contentMap") or {}).keys())
    images = [
        {"url": a.get("url"), "caption": a.get("name")}
        for a in note.get("attachment") or []
        if isinstance(a, dict) and str(a.get("mediaType", "")).startswith("image/") and a.get("url")
    ]
    return {
        "id": str(note.get("id") or act.get("id") or ""),
        "url": note.get("url") or note.get("id"),
        "kind": "post",
        "text": note.get("content") or "",
        "published": note.get("published") or act.get("published"),
        "lang": langs[0] if langs else None,
        "author": handle,
        "source": handle,
        "images": images,
        "engagement": {
            "likes": (note.get("likes") or {}).get("totalItems") if isinstance(note.get("likes"), dict) else None,
            "reposts": (note.get("shares") or {}).get("totalItems") if isinstance(note.get("shares"), dict) else None,
        },
    }


def _rows_to_items(
    rows: list[Any], source: Source | None, items: list[Item], errors: list[str]
) -> None:
    for number, d in enumerate(rows, start=1):
        if isinstance(d, dict):  # the rows made from an archive leave what it lacks as None
            d = {k: v for k, v in d.items() if v is not None}
            if isinstance(d.get("engagement"), dict):
                d["engagement"] = {k: v for k, v in d["engagement"].items() if v is not None}
        _collect(items, errors, *_read_object(d, f"item {number}", source))


def read_jsonl(
    path_or_bytes: str | Path | bytes, source: Source | None = None
) -> tuple[list[Item], list[str]]:
    """All items of a JSONL file or payload, and the problems found (with line numbers); a social
    archive given as one document (:func:`archive_rows`) is read item by item."""
    items: list[Item] = []
    errors: list[str] = []
    if isinstance(path_or_bytes, bytes):
        rows = archive_rows(path_or_bytes[:4096], lambda: path_or_bytes)
        if rows is not None:
            _rows_to_items(rows, source, items, errors)
            return items, errors
        lines: Iterable[str | bytes] = io.BytesIO(path_or_bytes)
        for _n, item, problem in iter_jsonl(lines, source):
            _collect(items, errors, item, problem)
        return items, errors
    try:
        with open(path_or_bytes, "rb") as fh:
            head = fh.read(4096)
            fh.seek(0)
            rows = archive_rows(head, fh.read)
            if rows is not None:
                _rows_to_items(rows, source, items, errors)
                return items, errors
            fh.seek(0)
            for _n, item, problem in iter_jsonl(fh, source):
                _collect(items, errors, item, problem)
    except OSError as exc:
        errors.append(f"{path_or_bytes}: {exc.strerror or exc}")
    return items, errors


def _collect(items: list[Item], errors: list[str], item: Item | None, problem: str | None) -> None:
    if item is not None:
        items.append(item)
    if problem:
        errors.append(problem)


def import_jsonl(path: str | Path, source: Source | None = None) -> tuple[list[Item], list[str]]:
    """Items of an Item JSONL file for ``global24 import`` (problems listed with line numbers).

    With ``source`` every item belongs to it (the line's ``source`` stays the display
    name); without, see :func:`item_from_json` for how ``source_id`` is chosen.
    """
    return read_jsonl(path, source)


def parse_jsonl(content: bytes, source: Source) -> ParseResult:
    """A JSONL payload as a ParseResult (skipped lines become warnings)."""
    items, errors = read_jsonl(content, source)
    result = ParseResult(items=items, warnings=errors)
    if not items and errors:
        result.error = f"no usable line: {errors[0]}"
    return result


async def collect_jsonl(
    source: Source, fetcher: Fetches, *, settings: Settings | None = None, known_urls: KnownUrls = None
) -> CollectResult:
    """A JSONL source: an http(s) URL fetched like any other, or a local file the operator configured."""
    from global24.sources.fetcher import is_local_path, read_local

    settings = settings or Settings()
    out = CollectResult(source_id=source.id)
    if is_local_path(source.url):
        content, error = read_local(source.url, settings.fetch_max_decompressed)
        out.fetches = 0
    else:
        fetched = await fetcher.fetch(
            source.url,
            etag=source.etag,
            last_modified=source.last_modified,
            accept="application/x-ndjson, application/jsonl, application/json;q=0.9, */*;q=0.5",
        )
        out.fetches = 1
        out.status, out.not_modified, out.retry_after = (
            fetched.status,
            fetched.not_modified,
            fetched.retry_after,
        )
        out.etag, out.last_modified = fetched.etag, fetched.last_modified
        content, error = fetched.content, fetched.error
        if fetched.not_modified:
            return out
    if error:
        out.error = error
        return out
    parsed = parse_jsonl(content, source)
    out.items, out.error, out.warnings = parsed.items, parsed.error, parsed.warnings
    return out
