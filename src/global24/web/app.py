"""The Global24 web app: site pages, feeds and the JSON API, built by :func:`create_app`.

``create_app(settings)`` opens the store named by the settings (the desk
writes to the same store concurrently; pages follow its version), so the
lead can serve it with ``uvicorn --factory`` or from ``global24 serve``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI, HTTPException
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles

from global24.settings import Settings, load_settings
from global24.store.base import Store
from global24.web.fastpath import CachedPages
from global24.web.headers import SecurityHeaders
from global24.web.render import STATIC
from global24.web.responses import not_found
from global24.web.state import Site
from global24.web.views import admin, api, feeds, front, search, sources, story


class CachedStatic(StaticFiles):
    """Static files with a long cache lifetime: their URLs carry a content hash (see Renderer.asset)."""

    def file_response(self, *args, **kwargs) -> Response:
        resp = super().file_response(*args, **kwargs)
        resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return resp


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The ASGI app; opens (and migrates) the store from ``settings.db_url`` when none is given."""
    settings = settings or load_settings()
    owns_store = store is None
    if store is None:
        from global24.store import open_store

        store = open_store(settings)
    site = Site.build(store, settings, clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_store:
            store.close()

    app = FastAPI(
        lifespan=lifespan,
        title=f"{settings.site_name} API",
        version="1",
        description="Stories, cited analyses, revisions, items and sources of the desk. "
        "Reads are public; writes need the admin bearer token.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.site = site
    app.mount("/static", CachedStatic(directory=str(STATIC)), name="static")
    for module in (api, admin, feeds, front, story, search, sources):
        app.include_router(module.router)

    @app.exception_handler(404)
    async def _404(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/") and isinstance(exc, HTTPException):
            return JSONResponse({"detail": exc.detail}, status_code=404)
        return await not_found(request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return await not_found(request, "That address is not valid.")

    app.add_middleware(CachedPages, site=site)
    app.add_middleware(SecurityHeaders)
    return app
