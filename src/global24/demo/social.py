"""The demo's social endpoints: Mastodon REST shapes and Bluesky AppView (XRPC) shapes.

Only the fields a reader of public timelines needs, with the names and types
the real APIs use, so the desk's Mastodon and Bluesky sources run unchanged
against the demo server.
"""

from __future__ import annotations

import re
from html import escape

from global24.demo.corpus import CorpusItem, Outlet
from global24.demo.site import Site, iso_ms

_TAG_RE = re.compile(r"(?<![\w/&])#(\w{2,60})", re.UNICODE)
_CREATED = "2023-04-01T00:00:00.000Z"


def _find_outlet(site: Site, channel: str, name: str) -> Outlet | None:
    name = name.strip().lstrip("@").lower()
    for o in site.corpus.outlets.values():
        if o.channel != channel or not o.handle:
            continue
        candidates = {o.handle.lower(), o.id.lower(), o.name.lstrip("@").lower()}
        if channel == "mastodon":
            candidates.add(f"{o.handle}@{site.instance_host}".lower())
        if channel == "bluesky":
            candidates.add(site.did(o))
        if name in candidates:
            return o
    return None


# --- Mastodon -----------------------------------------------------------------


def mastodon_lookup(site: Site, acct: str) -> Outlet | None:
    """An account by ``name``, ``name@host``, ``@name@host`` or its numeric id."""
    for o in site.corpus.outlets.values():
        if o.channel == "mastodon" and site.account_id(o) == acct:
            return o
    return _find_outlet(site, "mastodon", acct)


def mastodon_account(site: Site, outlet: Outlet) -> dict:
    statuses = site.visible(outlet.id)
    return {
        "id": site.account_id(outlet),
        "username": outlet.handle,
        "acct": outlet.handle,
        "display_name": outlet.display_name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": _CREATED,
        "note": f"<p>{escape(outlet.display_name)}: open notes from the newsroom floor.</p>",
        "url": f"{site.base_url}/@{outlet.handle}",
        "uri": f"{site.base_url}/users/{outlet.handle}",
        "avatar": f"{site.base_url}/images/avatar.svg",
        "avatar_static": f"{site.base_url}/images/avatar.svg",
        "header": "",
        "header_static": "",
        "followers_count": 1200 + int(site.account_id(outlet)) % 9000,
        "following_count": 180,
        "statuses_count": len(statuses),
        "last_status_at": iso_ms(site.when(statuses[0]))[:10] if statuses else None,
        "emojis": [],
        "fields": [],
    }


def _status_content(site: Site, item: CorpusItem) -> str:
    """Paragraphs as HTML with hashtags linked the way Mastodon renders them."""

    def link(m: re.Match) -> str:
        tag = m.group(1)
        return (
            f'<a href="{site.base_url}/tags/{tag.lower()}" class="mention hashtag" rel="tag">'
            f"#<span>{tag}</span></a>"
        )

    return "".join(f"<p>{_TAG_RE.sub(link, escape(p, quote=False))}</p>" for p in item.paragraphs)


def mastodon_status(site: Site, item: CorpusItem) -> dict:
    outlet = site.outlet(item)
    eng = item.engagement
    return {
        "id": site.status_id(item),
        "created_at": iso_ms(site.when(item)),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": item.lang,
        "uri": site.status_uri(item),
        "url": site.status_url(item),
        "replies_count": int(eng.get("replies", 0)),
        "reblogs_count": int(eng.get("reposts", 0)),
        "favourites_count": int(eng.get("likes", 0)),
        "edited_at": None,
        "content": _status_content(site, item),
        "reblog": None,
        "account": mastodon_account(site, outlet),
        "media_attachments": [
            {
                "id": f"{site.status_id(item)}{n}",
                "type": "image",
                "url": site.image_url(img.file),
                "preview_url": site.image_url(img.file),
                "remote_url": None,
                "description": img.caption + (f" ({img.credit})" if img.credit else ""),
                "meta": None,
            }
            for n, img in enumerate(item.images)
        ],
        "mentions": [],
        "tags": [{"name": t.lower(), "url": f"{site.base_url}/tags/{t.lower()}"} for t in item.tags],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def mastodon_page(
    items: list[CorpusItem],
    site: Site,
    *,
    limit: int,
    max_id: str | None,
    since_id: str | None,
    min_id: str | None,
) -> list[CorpusItem]:
    """One page of a newest-first timeline, paginated by status id as Mastodon does."""

    def sid(it: CorpusItem) -> int:
        return int(site.status_id(it))

    if max_id and max_id.isdigit():
        items = [it for it in items if sid(it) < int(max_id)]
    if since_id and since_id.isdigit():
        items = [it for it in items if sid(it) > int(since_id)]
    if min_id and min_id.isdigit():
        # min_id asks for the page just above min_id: oldest first, then re-sorted newest first
        items = sorted((it for it in items if sid(it) > int(min_id)), key=sid)[:limit]
        return sorted(items, key=sid, reverse=True)
    return items[:limit]


def tag_items(site: Site, tag: str) -> list[CorpusItem]:
    """Visible Mastodon statuses carrying a hashtag (case-insensitive), newest first."""
    tag = tag.lower().lstrip("#")
    return [
        it
        for it in site.visible()
        if site.outlet(it).channel == "mastodon" and tag in {t.lower() for t in it.tags}
    ]


# --- Bluesky ------------------------------------------------------------------


def bsky_actor(site: Site, actor: str) -> Outlet | None:
    return _find_outlet(site, "bluesky", actor)


def bsky_profile(site: Site, outlet: Outlet) -> dict:
    return {
        "did": site.did(outlet),
        "handle": outlet.handle,
        "displayName": outlet.display_name,
        "description": f"{outlet.display_name}: what we are reading and watching.",
        "avatar": f"{site.base_url}/images/avatar.svg",
        "postsCount": len(site.visible(outlet.id)),
        "createdAt": _CREATED,
    }


def bsky_post(site: Site, item: CorpusItem) -> dict:
    outlet = site.outlet(item)
    when = iso_ms(site.when(item))
    eng = item.engagement
    post = {
        "uri": site.at_uri(item),
        "cid": site.cid(item),
        "author": {"did": site.did(outlet), "handle": outlet.handle, "displayName": outlet.display_name},
        "record": {"$type": "app.bsky.feed.post", "text": item.text, "createdAt": when, "langs": [item.lang]},
        "replyCount": int(eng.get("replies", 0)),
        "repostCount": int(eng.get("reposts", 0)),
        "likeCount": int(eng.get("likes", 0)),
        "quoteCount": 0,
        "indexedAt": when,
        "labels": [],
    }
    if item.images:
        post["embed"] = {
            "$type": "app.bsky.embed.images#view",
            "images": [
                {
                    "thumb": site.image_url(img.file),
                    "fullsize": site.image_url(img.file),
                    "alt": img.caption + (f" ({img.credit})" if img.credit else ""),
                }
                for img in item.images
            ],
        }
    return post


def bsky_page(
    site: Site, items: list[CorpusItem], *, limit: int, cursor: str | None
) -> tuple[list[CorpusItem], str | None]:
    """A newest-first page; the cursor is the record key of the last post returned."""
    if cursor:
        items = [it for it in items if site.rkey(it) < cursor]
    page = items[:limit]
    nxt = site.rkey(page[-1]) if len(items) > limit and page else None
    return page, nxt


def bsky_search(site: Site, q: str) -> list[CorpusItem]:
    """Visible Bluesky posts containing every term of ``q`` (case-insensitive), newest first."""
    terms = [t.lower().lstrip("#") for t in q.split() if t.strip()]
    if not terms:
        return []
    hits = []
    for it in site.visible():
        if site.outlet(it).channel != "bluesky":
            continue
        text = it.text.lower()
        if all(t in text for t in terms):
            hits.append(it)
    return hits
