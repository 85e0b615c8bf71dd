"""Story cards: what a list of stories shows (front page, sections, search, feeds).

A card joins a Story with its latest Article so lists need one shape: heat,
headline, dek, lead image, independent sources and the last update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from global24.models import Article, Story
from global24.store.base import Store
from global24.web.render import as_utc, heat_level, safe_href, story_url


@dataclass
class Card:
    id: str
    url: str
    headline: str
    dek: str
    heat: float
    heat_level: str
    image: dict[str, Any] | None
    source_count: int
    item_count: int
    updated: datetime
    first_seen: datetime
    topic: str | None
    region: str | None
    status: str
    revision: int | None
    article: Article | None

    @property
    def has_article(self) -> bool:
        return self.article is not None

    @property
    def lang(self) -> str:
        """The language its headline and dek are written in (the article's; English without one)."""
        return (self.article.lang if self.article else "") or "en"


def lead_image(article: Article | None) -> dict[str, Any] | None:
    """The first article image with a safe http(s) URL, with alt text that is never empty."""
    if article is None:
        return None
    for img in article.images or []:
        if not isinstance(img, dict):
            continue
        url = safe_href(img.get("url"))
        if url:
            caption = str(img.get("caption") or "").strip()
            source = str(img.get("source") or "").strip()
            alt = caption or (f"Image from {source}" if source else "Story image")
            return {"url": url, "alt": alt, "caption": caption, "credit": str(img.get("credit") or "")}
    return None


def make_card(story: Story, article: Article | None) -> Card:
    updated = max(d for d in (as_utc(story.last_seen), as_utc(article.created_at) if article else None) if d)
    headline = (article.headline if article else "") or story.title or "Untitled story"
    return Card(
        id=story.id,
        url=story_url(story.id),
        headline=headline,
        dek=(article.dek if article else "") or "",
        heat=float(story.heat or 0.0),
        heat_level=heat_level(story.heat),
        image=lead_image(article),
        source_count=int(story.source_count or 0),
        item_count=int(story.item_count or 0),
        updated=updated,
        first_seen=as_utc(story.first_seen) or updated,
        topic=story.topic,
        region=story.region,
        status=story.status,
        revision=article.revision if article else None,
        article=article,
    )


def visible(stories: list[Story]) -> list[Story]:
    """Stories a reader should see in lists: not merged away, not archived."""
    return [s for s in stories if not s.merged_into and s.status != "archived"]


def cards_for(store: Store, stories: list[Story]) -> list[Card]:
    return [make_card(s, store.get_article(s.id)) for s in stories]


def list_cards(
    store: Store,
    order: str = "heat",
    limit: int = 60,
    topic: str | None = None,
    region: str | None = None,
    include_archived: bool = False,
) -> list[Card]:
    """Cards for the visible stories, by heat or newest first."""
    stories = store.list_stories(order=order, limit=limit, topic=topic, region=region)
    stories = [s for s in stories if not s.merged_into]
    if not include_archived:
        stories = visible(stories)
    return cards_for(store, stories)
