"""Adapters between records (models.py) and table rows (schema.py)."""

from __future__ import annotations

from typing import Any

from global24.models import (
    Article,
    Engagement,
    HeatSample,
    Image,
    Item,
    Source,
    Story,
    article_from_json,
    article_to_json,
    to_dict,
)
from global24.store.schema import dumps, loads, parse_ts, ts


def source_row(s: Source) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "url": s.url,
        "name": s.name,
        "weight": s.weight,
        "enabled": s.enabled,
        "etag": s.etag,
        "last_modified": s.last_modified,
        "error_count": s.error_count,
        "last_error": s.last_error,
        "last_fetch_at": ts(s.last_fetch_at),
        "last_ok_at": ts(s.last_ok_at),
        "next_fetch_at": ts(s.next_fetch_at),
        "resume_cursor": s.resume_cursor,
        "item_count": s.item_count,
        "created_at": ts(s.created_at),
    }


def row_source(r: Any) -> Source:
    m = r._mapping
    return Source(
        id=m["id"],
        kind=m["kind"],
        url=m["url"],
        name=m["name"] or "",
        weight=float(m["weight"]),
        enabled=bool(m["enabled"]),
        etag=m["etag"],
        last_modified=m["last_modified"],
        error_count=int(m["error_count"] or 0),
        last_error=m["last_error"],
        last_fetch_at=parse_ts(m["last_fetch_at"]),
        last_ok_at=parse_ts(m["last_ok_at"]),
        next_fetch_at=parse_ts(m["next_fetch_at"]),
        resume_cursor=m["resume_cursor"],
        item_count=int(m["item_count"] or 0),
        created_at=parse_ts(m["created_at"]),  # type: ignore[arg-type]
    )


def item_row(it: Item) -> dict[str, Any]:
    return {
        "id": it.id,
        "source_id": it.source_id,
        "kind": it.kind,
        "url": it.url,
        "title": it.title,
        "text": it.text or "",
        "html": it.html,
        "published_at": ts(it.published_at),
        "fetched_at": ts(it.fetched_at),
        "lang": it.lang,
        "author": it.author,
        "engagement": dumps(to_dict(it.engagement)),
        "images": dumps([to_dict(i) for i in it.images]),
        "duplicate_of": it.duplicate_of,
        "story_id": it.story_id,
        "content_hash": it.content_hash,
        "source_name": it.source_name,
        "extra": dumps(it.extra or {}),
        "error": it.error,
    }


def row_item(r: Any) -> Item:
    m = r._mapping
    return Item(
        id=m["id"],
        source_id=m["source_id"],
        kind=m["kind"],
        url=m["url"],
        title=m["title"],
        text=m["text"] or "",
        html=m["html"],
        published_at=parse_ts(m["published_at"]),
        fetched_at=parse_ts(m["fetched_at"]),  # type: ignore[arg-type]
        lang=m["lang"],
        author=m["author"],
        engagement=Engagement.from_dict(loads(m["engagement"], {})),
        images=[Image.from_dict(d) for d in loads(m["images"], [])],
        duplicate_of=m["duplicate_of"],
        story_id=m["story_id"],
        content_hash=m["content_hash"],
        source_name=m["source_name"],
        extra=loads(m["extra"], {}),
        error=m["error"],
        seq=m["seq"],
    )


def story_row(s: Story) -> dict[str, Any]:
    return {
        "id": s.id,
        "first_seen": ts(s.first_seen),
        "last_seen": ts(s.last_seen),
        "item_count": s.item_count,
        "source_count": s.source_count,
        "terms": dumps(s.terms),
        "entities": dumps(s.entities),
        "status": s.status,
        "merged_into": s.merged_into,
        "title": s.title,
        "first_item_id": s.first_item_id,
        "first_source_id": s.first_source_id,
        "heat": float(s.heat),
        "topic": s.topic,
        "region": s.region,
        "updated_at": ts(s.updated_at),
    }


def row_story(r: Any) -> Story:
    m = r._mapping
    return Story(
        id=m["id"],
        first_seen=parse_ts(m["first_seen"]),  # type: ignore[arg-type]
        last_seen=parse_ts(m["last_seen"]),  # type: ignore[arg-type]
        item_count=int(m["item_count"]),
        source_count=int(m["source_count"]),
        terms=loads(m["terms"], []),
        entities=loads(m["entities"], []),
        status=m["status"],
        merged_into=m["merged_into"],
        title=m["title"],
        first_item_id=m["first_item_id"],
        first_source_id=m["first_source_id"],
        heat=float(m["heat"]),
        topic=m["topic"],
        region=m["region"],
        updated_at=parse_ts(m["updated_at"]),  # type: ignore[arg-type]
    )


def heat_row(h: HeatSample) -> dict[str, Any]:
    return {
        "story_id": h.story_id,
        "at": ts(h.at),
        "score": float(h.score),
        "components": dumps(h.components),
        "flags": dumps(h.flags),
        "explanation": h.explanation,
    }


def row_heat(r: Any) -> HeatSample:
    m = r._mapping
    return HeatSample(
        story_id=m["story_id"],
        at=parse_ts(m["at"]),  # type: ignore[arg-type]
        score=float(m["score"]),
        components=loads(m["components"], {}),
        flags=loads(m["flags"], []),
        explanation=m["explanation"] or "",
    )


def article_row(a: Article) -> dict[str, Any]:
    return {
        "story_id": a.story_id,
        "revision": a.revision,
        "created_at": ts(a.created_at),
        "headline": a.headline,
        "writer": a.writer,
        "change_note": a.change_note,
        "body": dumps(article_to_json(a)),
    }


def row_article(r: Any) -> Article:
    return article_from_json(loads(r._mapping["body"], {}))
