"""Admin JSON API (writes): add, change, pause or remove a source; rewrite a story; the webhook log.

Every route needs ``Authorization: Bearer <admin_token>``. With no token
configured, writes are disabled and answer 403; a wrong token answers 401.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from global24.models import SOURCE_KINDS, Article, Source
from global24.web.api_models import RewriteOut, SourceIn, SourceOut, SourcePatch
from global24.web.render import safe_href
from global24.web.responses import site_of
from global24.web.views.api import source_out

bearer = HTTPBearer(auto_error=False, description="The admin token from settings (admin_token)")


def require_admin(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    token = site_of(request).settings.admin_token
    if not token:
        raise HTTPException(403, "API writes are disabled: no admin_token is configured")
    given = creds.credentials if creds and creds.scheme.lower() == "bearer" else ""
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "a valid admin token is required", headers={"WWW-Authenticate": "Bearer"})


router = APIRouter(prefix="/api", tags=["admin"], dependencies=[Depends(require_admin)])


def _no_store(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers={"Cache-Control": "no-store"})


@router.post("/sources", response_model=SourceOut, status_code=201, summary="Add a source")
async def add_source(request: Request, payload: SourceIn) -> Response:
    site = site_of(request)
    kind = payload.kind.strip().lower()
    if kind not in SOURCE_KINDS:
        raise HTTPException(422, f"kind must be one of {', '.join(SOURCE_KINDS)}")
    url = payload.url.strip()
    if kind not in ("mastodon", "bluesky") and not safe_href(url):
        raise HTTPException(422, "url must be an absolute http(s) URL")
    source = Source(id=Source.make_id(kind, url), kind=kind, url=url,
                    name=payload.name.strip() or url, weight=payload.weight)
    existing = await run_in_threadpool(site.store.get_source, source.id)
    if existing is not None:
        return _no_store(source_out(existing), 200)
    await run_in_threadpool(site.store.upsert_source, source)
    site.cache.clear()
    return _no_store(source_out(source), 201)


async def _change(request: Request, source_id: str, **changes: Any) -> Response:
    site = site_of(request)
    source = await run_in_threadpool(site.store.get_source, source_id)
    if source is None:
        raise HTTPException(404, "no such source")
    for k, v in changes.items():
        if v is not None:
            setattr(source, k, v)
    await run_in_threadpool(site.store.upsert_source, source)
    site.cache.clear()
    return _no_store(source_out(source))


@router.patch("/sources/{source_id}", response_model=SourceOut, summary="Change a source (enable, name, weight)")
async def patch_source(request: Request, source_id: str, payload: SourcePatch) -> Response:
    return await _change(request, source_id, enabled=payload.enabled, name=payload.name, weight=payload.weight)


@router.post("/sources/{source_id}/pause", response_model=SourceOut, summary="Pause a source")
async def pause_source(request: Request, source_id: str) -> Response:
    return await _change(request, source_id, enabled=False)


@router.post("/sources/{source_id}/resume", response_model=SourceOut, summary="Resume a paused source")
async def resume_source(request: Request, source_id: str) -> Response:
    return await _change(request, source_id, enabled=True)


@router.delete("/sources/{source_id}", status_code=204, summary="Remove a source (its items stay)")
async def remove_source(request: Request, source_id: str) -> Response:
    site = site_of(request)
    if not await run_in_threadpool(site.store.remove_source, source_id):
        raise HTTPException(404, "no such source")
    site.cache.clear()
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


def _rewriter():
    """The pipeline's rewrite function, imported late: the web app must start without the writer."""
    try:
        from global24 import pipeline
    except ImportError:
        return None
    return getattr(pipeline, "rewrite_story", None)


@router.post("/stories/{story_id}/rewrite", response_model=RewriteOut, summary="Write a new revision now")
async def rewrite_story(request: Request, story_id: str) -> Response:
    site = site_of(request)
    story = await run_in_threadpool(site.store.get_story, story_id)
    if story is None:
        raise HTTPException(404, "no such story")
    rewrite = _rewriter()
    if rewrite is None:
        raise HTTPException(501, "this desk has no rewrite function (global24.pipeline.rewrite_story)")
    try:
        store = getattr(site.store, "raw", site.store)  # the writer may change what it reads
        result = await run_in_threadpool(rewrite, store, site.settings, story.id)
    except Exception as exc:  # report the writer's failure to the operator instead of a bare 500
        return _no_store({"story_id": story.id, "revision": None, "result": f"failed: {exc}"}, 500)
    site.cache.clear()
    revision = result.revision if isinstance(result, Article) else result if isinstance(result, int) else None
    text = "written" if revision else "unchanged"
    return _no_store({"story_id": story.id, "revision": revision, "result": text})


@router.get("/deliveries", summary="The webhook delivery log, newest first")
async def deliveries(request: Request, limit: int = 100) -> Response:
    site = site_of(request)
    rows = await run_in_threadpool(site.store.list_deliveries, max(1, min(limit, 1000)))
    return _no_store({"deliveries": rows})
