"""Batch contracts over files: Item JSONL in, article or summary out, and article checks.

``global24 write --in items.jsonl --out article.json --format json|md|html``,
``global24 summarize --in items.jsonl --words N`` and ``global24 verify
article.json [--items items.jsonl]`` call these. Item JSONL follows
ARCHITECTURE.md: only ``id`` and ``text`` are required; other keys are kept in
``Item.extra``. A bad line is skipped and reported, never fatal.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from global24.dedup import Deduplicator
from global24.models import Article, Item, article_from_json, article_to_json
from global24.normalize import fix_text
from global24.settings import Settings
from global24.sources.base import parse_datetime
from global24.sources.jsonl import read_jsonl
from global24.writing.engine import summarize, write_article
from global24.writing.render import article_to_html, article_to_markdown
from global24.writing.verify import verify_article


def read_items_jsonl(path: str | Path, settings: Settings | None = None) -> tuple[list[Item], list[str]]:
    """Items of a JSONL file (the shared Item JSONL reader) and one message per unreadable line,
    made ready as the desk's ingest makes them (:func:`prepare`)."""
    items, errors = read_jsonl(Path(path))
    return prepare(items, settings or Settings()), errors


def prepare(items: list[Item], settings: Settings) -> list[Item]:
    """A file's items made ready as the live desk's ingest makes them, as far as a file's own
    world allows: mojibake repaired and white space folded in title and text (normalize's
    ``fix_text``), then syndicated copies marked. The rest of normalize is the desk's: ids, links
    and images stay as the file gives them, since citations and the gallery name them."""
    ready = [replace(it, title=fix_text(it.title, 1000) or None, text=fix_text(it.text) or "") for it in items]
    return mark_copies(ready, settings)


def mark_copies(items: list[Item], settings: Settings) -> list[Item]:
    """The items with ``duplicate_of`` set where one copies an earlier one (same text, or a near
    copy by MinHash), read in publication order as the live desk's dedup reads a stream.

    A file is the whole world of a batch command: a wire story carried by three outlets is one
    report corroborated, not three independent ones. A copy the file already names stays named.
    """
    dedup = Deduplicator.from_settings(settings)
    ids = {it.id for it in items}
    found: dict[int, str | None] = {}
    order = sorted(range(len(items)), key=lambda k: (items[k].published_at is None, items[k].when, k))
    for k in order:
        found[k] = dedup.check(items[k]).duplicate_of
    return [
        it if it.duplicate_of in ids and it.duplicate_of != it.id else replace(it, duplicate_of=found[k])
        for k, it in enumerate(items)
    ]


def items_from_jsonl(path: str | Path, settings: Settings | None = None) -> list[Item]:
    return read_items_jsonl(path, settings)[0]


def render(article: Article, fmt: str) -> str:
    if fmt == "md":
        return article_to_markdown(article)
    if fmt == "html":
        return article_to_html(article)
    if fmt == "json":
        return json.dumps(article_to_json(article), ensure_ascii=False, indent=2)
    raise ValueError(f"unknown format {fmt!r} (json, md or html)")


def write_jsonl(in_path: str | Path, out_path: str | Path | None, fmt: str, settings: Settings) -> Article:
    """Write the article for every item in ``in_path``; save it to ``out_path`` in ``fmt``."""
    items, errors = read_items_jsonl(in_path, settings)
    article = write_article(None, items, settings)
    if errors:
        article.grounding["input_errors"] = errors
    if out_path:
        Path(out_path).write_text(render(article, fmt), encoding="utf-8")
    return article


def summarize_jsonl(in_path: str | Path, words: int, settings: Settings) -> str:
    """Plain-text lead of the items in ``in_path``, at most ``words`` words."""
    return summarize(items_from_jsonl(in_path, settings), words, settings)


def embedded_items(article_json: dict[str, Any]) -> list[Item]:
    """The cited items an article JSON carries in its ``sources`` (with their text)."""
    out = []
    for s in article_json.get("sources", []):
        if isinstance(s, dict) and s.get("item_id") and isinstance(s.get("text"), str):
            out.append(
                Item(
                    id=s["item_id"],
                    source_id=s.get("source") or "",
                    text=s["text"],
                    title=s.get("title"),
                    source_name=s.get("source"),
                    author=s.get("author"),
                    published_at=parse_datetime(s.get("published")),
                    kind=s.get("kind") or "article",
                )
            )
    return out


def verify_json(
    article_path: str | Path, items_path: str | Path | None = None, settings: Settings | None = None
) -> dict:
    """Grounding report of an article JSON file.

    Item texts come from ``items_path`` (Item JSONL) when given, else from the texts
    embedded in the article's ``sources`` (``write_embed_text``, on by default).
    """
    data = json.loads(Path(article_path).read_text(encoding="utf-8"))
    article = article_from_json(data)
    if items_path:
        items, basis = items_from_jsonl(items_path, settings), f"items from {items_path}"
    else:
        items, basis = embedded_items(data), "texts embedded in the article's sources"
    min_support = settings.write_min_support if settings is not None else 0.6
    report = verify_article(article, items, min_support)
    report["basis"] = basis
    report["ok"] = report["sentences"] > 0 and report["unsupported"] == 0
    return report


verify_file = verify_json  # the name the CLI's ``global24 verify`` calls
