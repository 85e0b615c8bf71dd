"""Public JSON API (reads): stories, a story with its article, revisions, items search, sources.

Each sentence comes with its citations expanded (item, source, quoted span) so
anyone can audit what the desk says against what its sources said. Responses
carry an ETag and Cache-Control, and a matching If-None-Match gets a 304.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from global24.models import Article, HeatSample, Item, Source, Story
from global24.store.base import Store
from global24.web.api_models import (
    ItemList,
    ItemOut,
    RevisionList,
    SourceList,
    SourceOut,
    StoryDetail,
    StoryList,
    VersionOut,
)
from global24.web.article_view import cited_item_ids, parse_when
from global24.web.cards import lead_image
from global24.web.render import as_utc, isoformat, revision_url, safe_href, source_url, story_url
from global24.web.responses import CACHE_API, NotFound, Redirect, cached, json_body, site_of

router = APIRouter(prefix="/api", tags=["read"])


def _iso(dt: Any) -> str | None:
    if isinstance(dt, str):
        dt = parse_when(dt)
    return isoformat(dt) or None


def story_out(story: Story, article: Article | None) -> dict[str, Any]:
    updated = max(d for d in (as_utc(story.last_seen), as_utc(article.created_at) if article else None) if d)
    return {
        "id": story.id,
        "url": story_url(story.id),
        "api_url": f"/api/stories/{story.id}",
        "headline": (article.headline if article else "") or story.title or "",
        "dek": article.dek if article else "",
        "heat": round(max(0.0, min(100.0, float(story.heat or 0.0))), 2),
        "status": story.status,
        "topic": story.topic,
        "region": story.region,
        "item_count": story.item_count,
        "source_count": story.source_count,
        "first_seen": isoformat(story.first_seen),
        "last_seen": isoformat(story.last_seen),
        "updated": isoformat(updated),
        "revision": article.revision if article else None,
        "image": lead_image(article),
    }


def _citation(c: Any, items: dict[str, Item], sources: dict[str, Source],
              meta: dict[str, dict[str, Any]]) -> dict[str, Any]:
    item = items.get(c.item_id)
    src = sources.get(item.source_id) if item else None
    entry = meta.get(c.item_id, {})
    return {
        "item_id": c.item_id,
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "source_id": item.source_id if item else None,
        "source": entry.get("source") or (src.name if src else None) or (item.source_name if item else None),
        "url": safe_href(entry.get("url") or (item.url if item else None)),
        "title": entry.get("title") or (item.title if item else None),
        "published": _iso(entry.get("published")) or (_iso(item.published_at) if item else None),
    }


def article_out(article: Article, items: dict[str, Item], sources: dict[str, Source]) -> dict[str, Any]:
    meta = {str(s["item_id"]): s for s in article.sources or [] if isinstance(s, dict) and s.get("item_id")}
    return {
        "story_id": article.story_id,
        "revision": article.revision,
        "created_at": isoformat(article.created_at),
        "url": revision_url(article.story_id, article.revision),
        "headline": article.headline,
        "dek": article.dek,
        "attribution": article.attribution,
        "writer": article.writer,
        "change_note": article.change_note,
        "sections": [
            {
                "heading": sec.heading,
                "kind": sec.kind,
                "paragraphs": [
                    [{"text": s.text, "citations": [_citation(c, items, sources, meta) for c in s.citations]}
                     for s in para]
                    for para in sec.paragraphs
                ],
            }
            for sec in article.sections
        ],
        "images": [dict(img, url=safe_href(img.get("url"))) for img in article.images if isinstance(img, dict)],
        "timeline": [t for t in article.timeline if isinstance(t, dict)],
        "disagreements": list(article.disagreements),
        "sources": [dict(s, url=safe_href(s.get("url"))) for s in meta.values()],
        "grounding": dict(article.grounding or {}),
    }


def heat_out(samples: list[HeatSample]) -> dict[str, Any] | None:
    if not samples:
        return None
    samples = sorted(samples, key=lambda h: as_utc(h.at))
    last = samples[-1]
    return {
        "score": round(float(last.score), 2),
        "at": isoformat(last.at),
        "components": {k: float(v) for k, v in (last.components or {}).items() if isinstance(v, int | float)},
        "flags": list(last.flags),
        "explanation": last.explanation,
        "history": [{"at": isoformat(h.at), "score": round(float(h.score), 2)} for h in samples],
    }


def item_out(item: Item, sources: dict[str, Source]) -> dict[str, Any]:
    src = sources.get(item.source_id)
    return {
        "id": item.id,
        "source_id": item.source_id,
        "source": (src.name if src else None) or item.source_name,
        "kind": item.kind,
        "url": safe_href(item.url),
        "title": item.title,
        "text": item.text,
        "published_at": _iso(item.published_at),
        "author": item.author,
        "lang": item.lang,
        "story_id": item.story_id,
        "duplicate_of": item.duplicate_of,
    }


def health(source: Source) -> str:
    if not source.enabled:
        return "paused"
    if source.error_count:
        return "failing"
    return "healthy" if source.last_ok_at else "new"


def source_out(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "kind": source.kind,
        "url": source.url,
        "name": source.name,
        "weight": source.weight,
        "enabled": source.enabled,
        "health": health(source),
        "item_count": source.item_count,
        "error_count": source.error_count,
        "last_error": source.last_error,
        "last_fetch_at": _iso(source.last_fetch_at),
        "last_ok_at": _iso(source.last_ok_at),
        "next_fetch_at": _iso(source.next_fetch_at),
        "page": source_url(source.id),
    }


def story_detail(store: Store, story_id: str, revision: int | None = None) -> dict[str, Any]:
    """A story with its article (latest or one revision) and heat; raises NotFound or Redirect."""
    story = store.get_story(story_id)
    if story is None:
        raise NotFound(story_id)
    if story.id != story_id:
        suffix = f"/revisions/{revision}" if revision else ""
        raise Redirect(f"/api/stories/{story.id}{suffix}")
    article = store.get_article(story.id, revision)
    if revision is not None and article is None:
        raise NotFound(f"{story_id} revision {revision}")
    latest = store.get_article(story.id) if revision else article
    out: dict[str, Any] = {"story": story_out(story, latest), "article": None,
                           "heat": heat_out(store.heat_samples(story.id, limit=200))}
    if article is not None:
        items = {it.id: it for it in store.get_items(cited_item_ids(article))}
        sources = {s.id: s for s in store.list_sources()}
        out["article"] = article_out(article, items, sources)
    return out


def list_stories_out(
    store: Store, status: str | None, topic: str | None, region: str | None, sort: str, limit: int, offset: int,
    base_path: str = "/api/stories",
) -> dict[str, Any]:
    stories = store.list_stories(status=status, order=sort, limit=limit + 1, offset=offset,
                                 topic=topic, region=region)
    has_more = len(stories) > limit
    stories = stories[:limit]
    nxt = None
    if has_more:
        params = {"status": status, "topic": topic, "region": region, "sort": sort,
                  "limit": limit, "offset": offset + limit}
        nxt = base_path + "?" + "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return {
        "stories": [story_out(s, store.get_article(s.id)) for s in stories],
        "limit": limit,
        "offset": offset,
        "next": nxt,
    }


@router.get("/stories", response_model=StoryList, summary="Stories, filtered, sorted and paginated")
async def api_stories(
    request: Request,
    status: str | None = Query(None, pattern="^(live|cooling|archived)$"),
    topic: str | None = Query(None, max_length=64),
    region: str | None = Query(None, max_length=64),
    sort: str = Query("heat", pattern="^(heat|new)$", description="heat: hottest first; new: latest first"),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> Response:
    store = site_of(request).store
    return await cached(
        request, lambda: json_body(list_stories_out(store, status, topic, region, sort, limit, offset)), CACHE_API
    )


@router.get("/stories/{story_id}", response_model=StoryDetail,
            summary="A story with its latest article: every sentence with its citations")
async def api_story(request: Request, story_id: str) -> Response:
    store = site_of(request).store
    return await cached(request, lambda: json_body(story_detail(store, story_id)), CACHE_API)


@router.get("/stories/{story_id}/revisions", response_model=RevisionList, summary="Revision history")
async def api_revisions(request: Request, story_id: str) -> Response:
    store = site_of(request).store

    def build():
        story = store.get_story(story_id)
        if story is None:
            raise NotFound(story_id)
        if story.id != story_id:
            raise Redirect(f"/api/stories/{story.id}/revisions")
        revs = [
            {
                "revision": int(r["revision"]),
                "created_at": _iso(r.get("created_at")),
                "headline": r.get("headline") or "",
                "writer": r.get("writer") or "",
                "change_note": r.get("change_note") or "",
                "url": revision_url(story.id, int(r["revision"])),
                "api_url": f"/api/stories/{story.id}/revisions/{int(r['revision'])}",
            }
            for r in store.list_revisions(story.id)
        ]
        return json_body({"story_id": story.id, "revisions": revs})

    return await cached(request, build, CACHE_API)


@router.get("/stories/{story_id}/revisions/{revision}", response_model=StoryDetail,
            summary="A story with one earlier revision of its article")
async def api_revision(request: Request, story_id: str, revision: int) -> Response:
    store = site_of(request).store
    return await cached(request, lambda: json_body(story_detail(store, story_id, revision)), CACHE_API)


@router.get("/items", response_model=ItemList, summary="Full-text search over source items")
async def api_items(request: Request, q: str = Query("", max_length=200),
                    limit: int = Query(20, ge=1, le=100)) -> Response:
    store = site_of(request).store

    def build():
        sources = {s.id: s for s in store.list_sources()}
        items = store.search_items(q, limit=limit) if q.strip() else []
        return json_body({"query": q, "items": [item_out(i, sources) for i in items]})

    return await cached(request, build, CACHE_API)


@router.get("/items/{item_id}", response_model=ItemOut, summary="One source item")
async def api_item(request: Request, item_id: str) -> Response:
    store = site_of(request).store

    def build():
        item = store.get_item(item_id)
        if item is None:
            raise NotFound(item_id)
        return json_body(item_out(item, {s.id: s for s in store.list_sources()}))

    return await cached(request, build, CACHE_API)


@router.get("/sources", response_model=SourceList, summary="Every source with its health")
async def api_sources(request: Request) -> Response:
    store = site_of(request).store
    return await cached(
        request,
        lambda: json_body({"sources": [source_out(s) for s in sorted(store.list_sources(), key=lambda s: s.id)]}),
        CACHE_API,
    )


@router.get("/sources/{source_id}", response_model=SourceOut, summary="One source with its health")
async def api_source(request: Request, source_id: str) -> Response:
    store = site_of(request).store

    def build():
        src = store.get_source(source_id)
        if src is None:
            raise NotFound(source_id)
        return json_body(source_out(src))

    return await cached(request, build, CACHE_API)


@router.get("/version", response_model=VersionOut, summary="A token that changes when the content changes")
async def api_version(request: Request) -> Response:
    site = site_of(request)
    version = await run_in_threadpool(site.cache.version)
    if version is None:  # a backend without a version probe: the counts change when content does
        version = await run_in_threadpool(site.store.stats)
    data = json.dumps({"version": str(version)})
    return Response(data, media_type="application/json", headers={"Cache-Control": "no-store"})
