"""The story page: the article with its citations, sources, heat, timeline, revisions and grounding.

``/story/<id>/`` shows the latest revision, ``/story/<id>/r/<n>/`` an earlier
one. A story merged into another redirects to the story it joined.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from global24.models import Story
from global24.settings import Settings
from global24.store.base import Store
from global24.web.article_view import build_view, cited_item_ids, parse_when
from global24.web.cards import make_card
from global24.web.render import as_utc, label, revision_url, safe_href, sparkline, story_url
from global24.web.responses import HTML, NotFound, Redirect, body, cached, site_of
from global24.web.state import Site

router = APIRouter(include_in_schema=False)

COMPONENT_HELP = {
    "velocity": "how fast new items arrive now",
    "burst": "how sudden the latest rise is",
    "sources": "independent sources reporting it, weighted",
    "diversity": "how many independent sources report it",
    "engagement": "likes, reposts and replies on social posts",
    "breadth": "spread across languages and kinds of media",
    "recency": "how recent the latest item is",
}
# Measurements behind the signals: shown as numbers, never as 0–1 bars.
MEASUREMENTS = {
    "independent_sources": "Independent sources",
    "engagement_raw": "Engagements (likes, 2× reposts, replies)",
    "languages": "Languages",
    "kinds": "Kinds of media",
    "duplicates": "Syndicated copies",
    "hours_since_last": "Hours since the latest item",
    "velocity_raw": "Velocity (items per hour)",
    "burst_raw": "Burst (now vs before)",
    "sources_raw": "Weighted sources",
    "raw": "Weighted sum before scaling",
}


def _number(v: float) -> str:
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}"


def heat_context(store: Store, story: Story) -> dict[str, Any]:
    """Heat now, its 0–1 signals as bars, the measurements behind them, and the history as a sparkline."""
    samples = sorted(store.heat_samples(story.id, limit=200), key=lambda h: as_utc(h.at))
    latest = samples[-1] if samples else None
    signals, measurements = [], []
    if latest:
        values = {k: float(v) for k, v in (latest.components or {}).items()
                  if isinstance(v, int | float) and not isinstance(v, bool)}
        for name, v in values.items():
            is_measure = name in MEASUREMENTS or name.endswith("_raw") or not 0.0 <= v <= 1.0
            if is_measure:
                measurements.append({"name": name, "label": MEASUREMENTS.get(name, name.replace("_", " ").capitalize()),
                                     "value": _number(v)})
            else:
                signals.append({"name": name, "label": name.replace("_", " ").capitalize(), "value": v,
                                "pct": round(v * 100), "help": COMPONENT_HELP.get(name, "")})
        signals.sort(key=lambda c: -c["value"])
        order = list(MEASUREMENTS)
        measurements.sort(key=lambda m: order.index(m["name"]) if m["name"] in order else len(order))
    return {
        "score": latest.score if latest else story.heat,
        "components": signals,
        "measurements": measurements,
        "flags": list(latest.flags) if latest else [],
        "explanation": latest.explanation if latest else "",
        "spark": sparkline([h.score for h in samples], width=640, height=96),
        "samples": len(samples),
        "since": as_utc(samples[0].at) if samples else None,
        "peak": max((h.score for h in samples), default=None),
    }


def _revisions(store: Store, story_id: str, current: int | None) -> list[dict[str, Any]]:
    revs = []
    for r in store.list_revisions(story_id):
        n = int(r.get("revision") or 0)
        revs.append({
            "revision": n,
            "url": revision_url(story_id, n),
            "created_at": parse_when(r.get("created_at")),
            "headline": r.get("headline") or "",
            "writer": r.get("writer") or "",
            "change_note": r.get("change_note") or "",
            "current": n == current,
        })
    return sorted(revs, key=lambda r: -r["revision"])


def json_ld(settings: Settings, story: Story, ctx: dict[str, Any]) -> dict[str, Any]:
    """schema.org NewsArticle describing this revision and the sources it rests on."""
    base = settings.base_url.rstrip("/")
    article = ctx["article"]
    view = ctx["view"]
    revisions = ctx["revisions"]
    first = min((r["created_at"] for r in revisions if r["created_at"]), default=as_utc(article.created_at))
    org = {"@type": "Organization", "name": settings.site_name, "url": base + "/"}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "description": article.dek,
        "datePublished": first.isoformat() if first else None,
        "dateModified": as_utc(article.created_at).isoformat(),
        "url": base + ctx["canonical"],
        "mainEntityOfPage": base + story_url(story.id),
        "author": org,
        "publisher": org,
        "version": str(article.revision),
        "isAccessibleForFree": True,
        "image": [img["url"] for img in view.images],
        "citation": [
            {"@type": "CreativeWork", "name": ref.title or ref.source_name, "url": ref.url,
             "publisher": {"@type": "Organization", "name": ref.source_name}}
            for ref in view.refs
        ],
        "wordCount": article.word_count(),
    }
    if story.topic:
        data["articleSection"] = label("topic", story.topic)
    if story.region:
        data["contentLocation"] = {"@type": "Place", "name": label("region", story.region)}
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def story_context(
    store: Store, settings: Settings, story_id: str, revision: int | None, now: datetime
) -> dict[str, Any]:
    """Everything the story template shows; raises NotFound or Redirect."""
    story = store.get_story(story_id, follow_merges=True)
    if story is None:
        raise NotFound(story_id)
    if story.id != story_id:
        raise Redirect(revision_url(story.id, revision) if revision else story_url(story.id))
    article = store.get_article(story.id, revision)
    if article is None and revision is not None:
        raise NotFound(f"{story_id} r{revision}")
    latest = store.get_article(story.id) if revision is not None else article
    sources = {s.id: s for s in store.list_sources()}
    ctx: dict[str, Any] = {
        "now": now,
        "page": "story",
        "story": story,
        "card": make_card(story, latest),
        "article": article,
        "heat": heat_context(store, story),
        "revisions": _revisions(store, story.id, article.revision if article else None),
        "latest_revision": latest.revision if latest else None,
        "canonical": revision_url(story.id, revision) if revision else story_url(story.id),
        "feeds": {k: f"/story/{story.id}/feed.{k}" for k in ("atom", "rss", "json")},
        "min_heat": settings.write_min_heat,
        "min_items": settings.write_min_items,
    }
    if article is None:
        items = store.items_for_story(story.id)
        ctx["title"] = story.title or "Developing story"
        ctx["coverage"] = [
            {"item": it, "url": safe_href(it.url),
             "source": (sources[it.source_id].name if it.source_id in sources else it.source_name) or ""}
            for it in sorted(items, key=lambda i: as_utc(i.when), reverse=True)
            if not it.duplicate_of
        ][:50]
        return ctx
    items = {it.id: it for it in store.get_items(cited_item_ids(article))}
    view = build_view(article, items, sources)
    ctx["title"] = article.headline
    ctx["view"] = view
    ctx["gallery"] = view.images
    ctx["is_latest"] = latest is not None and article.revision == latest.revision
    ctx["json_ld"] = json_ld(settings, story, ctx)
    has_differ = any(s["kind"] == "differ" for s in view.sections)
    ctx["timeline_in_sections"] = any(s["kind"] == "timeline" for s in view.sections)
    ctx["show_disagreements"] = bool(view.disagreements) and not has_differ
    return ctx


def render_story(site: Site, story_id: str, revision: int | None = None) -> str:
    ctx = story_context(site.store, site.settings, story_id, revision, site.now())
    return site.renderer.render("story.html", **ctx)


@router.get("/story/{story_id}/")
async def story(request: Request, story_id: str) -> Response:
    site = site_of(request)
    return await cached(request, lambda: body(render_story(site, story_id), HTML), key=f"/story/{story_id}/")


@router.get("/story/{story_id}/r/{revision}/")
async def story_revision(request: Request, story_id: str, revision: int) -> Response:
    site = site_of(request)
    return await cached(
        request, lambda: body(render_story(site, story_id, revision), HTML),
        key=f"/story/{story_id}/r/{revision}/",
    )
