"""Shapes of the JSON API, as pydantic models: they document the OpenAPI schema and tests validate
real responses against them so the schema cannot drift from what is served."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ImageOut(BaseModel):
    url: str
    alt: str
    caption: str = ""
    credit: str = ""


class StoryOut(BaseModel):
    id: str
    url: str = Field(description="The story page on the site")
    api_url: str
    headline: str = Field(description="Headline of the latest revision, else the story's working title")
    dek: str
    heat: float = Field(ge=0, le=100)
    status: str
    topic: str | None
    region: str | None
    item_count: int
    source_count: int
    first_seen: str
    last_seen: str
    updated: str
    revision: int | None = Field(description="Latest article revision, null before the first analysis")
    image: ImageOut | None


class StoryList(BaseModel):
    stories: list[StoryOut]
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, null on the last one")


class CitationOut(BaseModel):
    item_id: str
    quote: str = Field(description="The exact span of the source text the sentence rests on")
    start: int
    end: int
    source_id: str | None
    source: str | None
    url: str | None
    title: str | None
    published: str | None


class SentenceOut(BaseModel):
    text: str
    citations: list[CitationOut]


class SectionOut(BaseModel):
    heading: str
    kind: str
    paragraphs: list[list[SentenceOut]]


class ArticleOut(BaseModel):
    story_id: str
    revision: int
    created_at: str
    url: str
    headline: str
    dek: str
    attribution: str
    writer: str
    change_note: str
    sections: list[SectionOut]
    images: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    disagreements: list[Any]
    sources: list[dict[str, Any]]
    grounding: dict[str, Any]


class HeatPoint(BaseModel):
    at: str
    score: float


class HeatOut(BaseModel):
    score: float
    at: str
    components: dict[str, float]
    flags: list[str]
    explanation: str
    history: list[HeatPoint]


class StoryDetail(BaseModel):
    story: StoryOut
    article: ArticleOut | None
    heat: HeatOut | None


class RevisionOut(BaseModel):
    revision: int
    created_at: str | None
    headline: str
    writer: str
    change_note: str
    url: str
    api_url: str


class RevisionList(BaseModel):
    story_id: str
    revisions: list[RevisionOut]


class ItemOut(BaseModel):
    id: str
    source_id: str
    source: str | None
    kind: str
    url: str | None
    title: str | None
    text: str
    published_at: str | None
    author: str | None
    lang: str | None
    story_id: str | None
    duplicate_of: str | None


class ItemList(BaseModel):
    query: str
    items: list[ItemOut]


class SourceOut(BaseModel):
    id: str
    kind: str
    url: str
    name: str
    weight: float
    enabled: bool
    health: str = Field(description="healthy, failing, paused or new")
    item_count: int
    error_count: int
    last_error: str | None
    last_fetch_at: str | None
    last_ok_at: str | None
    next_fetch_at: str | None
    page: str


class SourceList(BaseModel):
    sources: list[SourceOut]


class SourceIn(BaseModel):
    kind: str = Field(description="rss, atom, jsonfeed, feed, page, mastodon, bluesky or jsonl")
    url: str = Field(min_length=1, max_length=2000)
    name: str = Field(default="", max_length=200)
    weight: float = Field(default=1.0, ge=0, le=10)


class SourcePatch(BaseModel):
    enabled: bool | None = None
    name: str | None = Field(default=None, max_length=200)
    weight: float | None = Field(default=None, ge=0, le=10)


class RewriteOut(BaseModel):
    story_id: str
    revision: int | None
    result: str


class VersionOut(BaseModel):
    version: str
