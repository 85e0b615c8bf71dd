"""Bluesky: public author feeds and post search through the AppView's XRPC endpoints.

Source URLs: ``at://handle-or-did``, ``https://bsky.app/profile/handle`` or
``bsky:search:QUERY``. The AppView base URL is ``settings.bluesky_appview_url``
(the demo points it at its loopback server). Posts become ``post`` items with
likes/reposts/replies as engagement and embedded images (alt text as caption).
A busy feed or search is read back page by page (``cursor``) until it reaches
posts the desk already has.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from global24.models import Engagement, Image, Item, Source
from global24.settings import Settings
from global24.sources.base import (
    CollectResult,
    Fetches,
    KnownUrls,
    ParseResult,
    absolute_url,
    collect_timeline,
    error_text,
    parse_datetime,
    source_display_name,
    to_int,
)

API_ACCEPT = "application/json"
PAGE_SIZE = 50


@dataclass
class BlueskyTarget:
    kind: str  # "author" | "search"
    value: str  # handle/DID or the query


def parse_bluesky_url(url: str) -> BlueskyTarget | None:
    """Author or search named by a Bluesky source URL, or None."""
    url = url.strip()
    if url.startswith("bsky:search:"):
        query = url.removeprefix("bsky:search:").strip()
        return BlueskyTarget("search", query) if query else None
    if url.startswith("at://"):
        actor = url.removeprefix("at://").split("/", 1)[0]
        return BlueskyTarget("author", actor) if actor else None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme in ("http", "https") and len(segments) >= 2 and segments[0] == "profile":
        return BlueskyTarget("author", segments[1])
    return None


def xrpc_url(target: BlueskyTarget, appview: str) -> str:
    """The public XRPC request for a target."""
    base = appview.rstrip("/")
    if target.kind == "search":
        return f"{base}/xrpc/app.bsky.feed.searchPosts?q={quote(target.value)}&limit={PAGE_SIZE}&sort=latest"
    return f"{base}/xrpc/app.bsky.feed.getAuthorFeed?actor={quote(target.value)}&limit={PAGE_SIZE}"


def parse_bluesky_feed(content: bytes, source: Source, web_base: str = "https://bsky.app") -> ParseResult:
    """A getAuthorFeed (``feed``) or searchPosts (``posts``) answer as post Items; never raises."""
    try:
        data = json.loads(content.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return ParseResult(error=f"not a Bluesky feed: invalid JSON ({error_text(exc)})")
    if not isinstance(data, dict):
        return ParseResult(error="not a Bluesky feed: expected a JSON object")
    if "error" in data and "feed" not in data and "posts" not in data:
        return ParseResult(
            error=f"Bluesky API error: {data.get('error')}: {str(data.get('message', ''))[:200]}"
        )
    if isinstance(data.get("feed"), list):
        entries = [
            (e.get("post"), e.get("reason")) if isinstance(e, dict) else (None, None) for e in data["feed"]
        ]
    elif isinstance(data.get("posts"), list):
        entries = [(p, None) for p in data["posts"]]
    else:
        return ParseResult(error="not a Bluesky feed: neither 'feed' nor 'posts' in the answer")
    last_post, last_reason = entries[-1] if entries else (None, None)
    result = ParseResult(
        meta={
            "cursor": data.get("cursor"),
            "count": len(entries),
            "oldest_at": _indexed_at(last_post, last_reason),
        }
    )
    for index, (post, reason) in enumerate(entries):
        try:
            result.items.append(post_to_item(post, source, web_base, reason))
        except Exception as exc:
            result.warnings.append(f"post {index + 1}: skipped ({error_text(exc)})")
    return result


def _indexed_at(post: Any, reason: Any) -> datetime | None:
    """When an entry entered the feed: the repost's time, else the post's."""
    for holder in (reason, post):
        if isinstance(holder, dict) and holder.get("indexedAt"):
            return parse_datetime(holder["indexedAt"])
    return None


def post_to_item(post: Any, source: Source, web_base: str = "https://bsky.app", reason: Any = None) -> Item:
    """One PostView as an Item."""
    if not isinstance(post, dict) or not isinstance(post.get("uri"), str):
        raise ValueError("post without an at:// uri")
    uri = post["uri"]
    author = post.get("author") or {}
    record = post.get("record") or {}
    handle = author.get("handle") or author.get("did") or ""
    rkey = uri.rstrip("/").rsplit("/", 1)[-1]
    url = f"{web_base.rstrip('/')}/profile/{handle}/post/{rkey}" if handle and rkey else None
    images, links = _embed(post.get("embed"))
    for facet in record.get("facets") or []:
        for feature in (facet or {}).get("features") or []:
            if isinstance(feature, dict) and feature.get("uri") and feature["uri"] not in links:
                links.append(feature["uri"])
    langs = record.get("langs") or []
    extra: dict[str, Any] = {"native_id": uri, "cid": post.get("cid")}
    if links:
        extra["links"] = links
    if to_int(post.get("quoteCount")):
        extra["quotes"] = to_int(post.get("quoteCount"))
    if isinstance(reason, dict) and "repost" in str(reason.get("$type", "")).lower():
        extra["reposted_by"] = (reason.get("by") or {}).get("handle")
    if isinstance(record.get("reply"), dict):
        extra["in_reply_to"] = (record["reply"].get("parent") or {}).get("uri")
    name = author.get("displayName") or ""
    return Item(
        id=Item.make_id(source.id, url, uri),
        source_id=source.id,
        kind="post",
        url=url,
        text=str(record.get("text") or "").strip(),
        published_at=parse_datetime(record.get("createdAt")) or parse_datetime(post.get("indexedAt")),
        lang=langs[0] if langs and isinstance(langs[0], str) else None,
        author=f"{name} (@{handle})" if name and handle else (name or handle or None),
        engagement=Engagement(
            likes=to_int(post.get("likeCount")) or 0,
            reposts=to_int(post.get("repostCount")) or 0,
            replies=to_int(post.get("replyCount")) or 0,
        ),
        images=images,
        source_name=source_display_name(source, handle or None),
        extra=extra,
    )


def _embed(embed: Any) -> tuple[list[Image], list[str]]:
    """Images and linked URLs of an embed view (images, external card, record with media, video)."""
    images: list[Image] = []
    links: list[str] = []
    if not isinstance(embed, dict):
        return images, links
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.images"):
        for img in embed.get("images") or []:
            if isinstance(img, dict):
                url = absolute_url(None, img.get("fullsize") or img.get("thumb"))
                ratio = img.get("aspectRatio") or {}
                if url:
                    images.append(
                        Image(
                            url=url,
                            caption=(img.get("alt") or "").strip() or None,
                            width=to_int(ratio.get("width")),
                            height=to_int(ratio.get("height")),
                        )
                    )
    elif kind.startswith("app.bsky.embed.external"):
        ext = embed.get("external") or {}
        if ext.get("uri"):
            links.append(ext["uri"])
        thumb = absolute_url(None, ext.get("thumb"))
        if thumb:
            images.append(Image(url=thumb, caption=(ext.get("title") or "").strip() or None))
    elif kind.startswith("app.bsky.embed.recordWithMedia"):
        images, links = _embed(embed.get("media"))
    elif kind.startswith("app.bsky.embed.video"):
        thumb = absolute_url(None, embed.get("thumbnail"))
        if thumb:
            images.append(Image(url=thumb, caption=(embed.get("alt") or "").strip() or None))
    return images, links


async def collect_bluesky(
    source: Source, fetcher: Fetches, *, settings: Settings | None = None, known_urls: KnownUrls = None
) -> CollectResult:
    """Fetch an author feed or a search from the configured AppView and parse it.

    While a full page holds nothing the desk knows, the next older page (``cursor``) is read too, up
    to ``settings.social_max_pages``; a later page that fails costs a warning, not the posts already read.
    """
    settings = settings or Settings()
    out = CollectResult(source_id=source.id)
    target = parse_bluesky_url(source.url)
    if target is None:
        out.error = f"not a Bluesky source: {source.url!r} (use at://handle, https://bsky.app/profile/handle or bsky:search:QUERY)"
        return out
    out.title = target.value if target.kind == "author" else f"search: {target.value}"
    return await collect_timeline(
        out,
        source,
        fetcher,
        xrpc_url(target, settings.bluesky_appview_url),
        lambda content: parse_bluesky_feed(content, source, settings.bluesky_web_url),
        param="cursor",
        page_size=PAGE_SIZE,
        max_pages=settings.social_max_pages,
        known_urls=known_urls,
        accept=API_ACCEPT,
    )
