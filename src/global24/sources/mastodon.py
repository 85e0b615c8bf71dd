"""Mastodon: public account and hashtag timelines through the instance's REST API.

A source URL names the instance and the timeline: ``https://host/@user``
(``@user@otherhost`` for a remote account known to that instance),
``https://host/users/user`` or ``https://host/tags/tag``. Statuses become
``post`` items with favourites/reblogs/replies as engagement and image
attachments (alt text as caption). A busy timeline is read back page by page
(``max_id``) until it reaches posts the desk already has.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from global24.models import Engagement, Image, Item, Source, utcnow
from global24.settings import Settings
from global24.sources.base import (
    CollectResult,
    Fetches,
    FetchResult,
    KnownUrls,
    ParseResult,
    absolute_url,
    collect_timeline,
    error_text,
    html_to_text,
    parse_datetime,
    source_display_name,
    to_int,
)

API_ACCEPT = "application/json"
PAGE_SIZE = 40


@dataclass
class MastodonTarget:
    """Which timeline a source URL names."""

    base: str  # https://host
    kind: str  # "account" | "tag"
    name: str  # acct (user or user@host) or tag


def parse_mastodon_url(url: str) -> MastodonTarget | None:
    """The instance and timeline of a Mastodon source URL, or None when it names neither."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    base = f"{parts.scheme}://{parts.netloc}"
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    if segments[0].startswith("@") and len(segments[0]) > 1:
        return MastodonTarget(base, "account", segments[0][1:])
    if segments[0] in ("users", "u") and len(segments) > 1:
        return MastodonTarget(base, "account", segments[1])
    if segments[0] == "tags" and len(segments) > 1:
        return MastodonTarget(base, "tag", segments[1].lstrip("#"))
    return None


def parse_mastodon_statuses(content: bytes, base_url: str, source: Source) -> ParseResult:
    """A Mastodon statuses array (account or tag timeline) as post Items; never raises."""
    try:
        data = json.loads(content.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return ParseResult(error=f"not a Mastodon timeline: invalid JSON ({error_text(exc)})")
    if isinstance(data, dict) and "error" in data:
        return ParseResult(error=f"Mastodon API error: {str(data.get('error'))[:200]}")
    if not isinstance(data, list):
        return ParseResult(error="not a Mastodon timeline: expected a JSON array of statuses")
    # The oldest status (a boost's own id and time, not the boosted one's) is where the next page starts.
    oldest = data[-1] if data and isinstance(data[-1], dict) else {}
    result = ParseResult(
        meta={
            "count": len(data),
            "max_id": oldest.get("id"),
            "oldest_at": parse_datetime(oldest.get("created_at")),
        }
    )
    for index, raw in enumerate(data):
        try:
            item = status_to_item(raw, base_url, source)
        except Exception as exc:
            result.warnings.append(f"status {index + 1}: skipped ({error_text(exc)})")
            continue
        if item is not None:
            result.items.append(item)
    return result


def status_to_item(raw: Any, base_url: str, source: Source) -> Item | None:
    """One status (a boost is read as the status it boosts) as an Item; None for non-public ones."""
    if not isinstance(raw, dict):
        raise ValueError("status is not an object")
    boosted_by = None
    if isinstance(raw.get("reblog"), dict):
        boosted_by = (raw.get("account") or {}).get("acct")
        raw = raw["reblog"]
    if raw.get("visibility") not in (None, "public", "unlisted"):
        return None
    native_id = str(raw.get("uri") or raw.get("id") or "")
    if not native_id:
        raise ValueError("status has neither uri nor id")
    url = absolute_url(base_url, raw.get("url")) or absolute_url(base_url, raw.get("uri"))
    html = raw.get("content") or ""
    text = html_to_text(html)
    spoiler = (raw.get("spoiler_text") or "").strip()
    if spoiler:
        text = f"{spoiler}\n\n{text}" if text else spoiler
    account = raw.get("account") or {}
    images = []
    for att in raw.get("media_attachments") or []:
        if isinstance(att, dict) and att.get("type") in ("image", "gifv"):
            img = absolute_url(base_url, att.get("url") or att.get("remote_url") or att.get("preview_url"))
            if img:
                meta = (att.get("meta") or {}).get("original") or {}
                images.append(
                    Image(
                        url=img,
                        caption=(att.get("description") or "").strip() or None,
                        width=to_int(meta.get("width")),
                        height=to_int(meta.get("height")),
                    )
                )
    card = raw.get("card") if isinstance(raw.get("card"), dict) else None
    if not images and card and card.get("image"):
        img = absolute_url(base_url, card.get("image"))
        if img:
            images.append(Image(url=img, caption=(card.get("title") or "").strip() or None))
    extra: dict[str, Any] = {"native_id": native_id}
    tags = [t.get("name") for t in raw.get("tags") or [] if isinstance(t, dict) and t.get("name")]
    if tags:
        extra["tags"] = tags
    if card and card.get("url"):
        extra["links"] = [card["url"]]
    if boosted_by:
        extra["boosted_by"] = boosted_by
    if raw.get("in_reply_to_id"):
        extra["in_reply_to"] = str(raw["in_reply_to_id"])
    author_name = (account.get("display_name") or "").strip()
    acct = account.get("acct") or account.get("username") or ""
    return Item(
        id=Item.make_id(source.id, url, native_id),
        source_id=source.id,
        kind="post",
        url=url,
        title=None,
        text=text,
        html=html or None,
        published_at=parse_datetime(raw.get("created_at")),
        lang=raw.get("language") or None,
        author=f"{author_name} (@{acct})"
        if author_name and acct
        else (author_name or (f"@{acct}" if acct else None)),
        engagement=Engagement(
            likes=to_int(raw.get("favourites_count")) or 0,
            reposts=to_int(raw.get("reblogs_count")) or 0,
            replies=to_int(raw.get("replies_count")) or 0,
        ),
        images=images,
        source_name=source_display_name(source, f"@{acct}" if acct else None),
        extra=extra,
    )


async def collect_mastodon(
    source: Source, fetcher: Fetches, *, settings: Settings | None = None, known_urls: KnownUrls = None
) -> CollectResult:
    """Look the account up (or take the tag), fetch its newest public statuses, parse them.

    While a full page holds nothing the desk knows, the next older page is read too, up to
    ``settings.social_max_pages``; a later page that fails costs a warning, not the posts already read.
    """
    settings = settings or Settings()
    out = CollectResult(source_id=source.id)
    target = parse_mastodon_url(source.url)
    if target is None:
        out.error = f"not a Mastodon account or tag URL: {source.url!r} (use https://host/@user or https://host/tags/tag)"
        return out
    if target.kind == "account":
        lookup = await fetcher.fetch(
            f"{target.base}/api/v1/accounts/lookup?acct={quote(target.name)}", accept=API_ACCEPT
        )
        out.fetches += 1
        if lookup.error:
            out.error, out.status, out.retry_after = (
                f"account lookup: {lookup.error}",
                lookup.status,
                lookup.retry_after,
            )
            return out
        try:
            account_id = str(json.loads(lookup.content)["id"])
        except (ValueError, KeyError, TypeError):
            out.error = "account lookup: answer has no account id"
            return out
        if not re.fullmatch(r"[\w.-]+", account_id):
            out.error = f"account lookup: odd account id {account_id[:40]!r}"
            return out
        url = f"{target.base}/api/v1/accounts/{account_id}/statuses?limit={PAGE_SIZE}"
    else:
        url = f"{target.base}/api/v1/timelines/tag/{quote(target.name)}?limit={PAGE_SIZE}"
    out.title = f"@{target.name}" if target.kind == "account" else f"#{target.name}"
    return await collect_timeline(
        out,
        source,
        fetcher,
        url,
        lambda content: parse_mastodon_statuses(content, target.base, source),
        param="max_id",
        page_size=PAGE_SIZE,
        max_pages=settings.social_max_pages,
        known_urls=known_urls,
        accept=API_ACCEPT,
        wait=_wait,
    )


def _wait(fetched: FetchResult) -> float | None:
    """Seconds the instance asks us to wait: Retry-After, or until X-RateLimit-Reset once none are left."""
    if fetched.retry_after is not None or fetched.headers.get("x-ratelimit-remaining") != "0":
        return fetched.retry_after
    reset = parse_datetime(fetched.headers.get("x-ratelimit-reset"))
    return None if reset is None else max(0.0, (reset - utcnow()).total_seconds())
