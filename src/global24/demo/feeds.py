"""Wire formats of the demo outlets: RSS 2.0, Atom 1.0, JSON Feed 1.1, Item JSONL, OPML.

Each renderer takes the :class:`Site` and an outlet and returns the body as
text; the server adds the HTTP caching headers. Only items whose served time
has come are rendered.
"""

from __future__ import annotations

import json
from html import escape as html_escape
from xml.sax.saxutils import escape, quoteattr

from global24.demo.corpus import IMAGES_DIR, CorpusItem, Outlet
from global24.demo.site import Site, http_date, iso

FEED_LIMIT = 50
GENERATOR = "Global24 demo sources"


def body_html(site: Site, item: CorpusItem) -> str:
    """The item's body as HTML: paragraphs, then each image as a figure with caption and credit."""
    parts = [f"<p>{html_escape(p)}</p>" for p in item.paragraphs]
    for img in item.images:
        credit = f' <span class="credit">{html_escape(img.credit)}</span>' if img.credit else ""
        parts.append(
            f'<figure><img src="{site.image_url(img.file)}" alt="{html_escape(img.caption)}">'
            f"<figcaption>{html_escape(img.caption)}{credit}</figcaption></figure>"
        )
    return "\n".join(parts)


def title_of(item: CorpusItem, words: int = 12) -> str:
    """The item's title, or for a post its first words."""
    if item.title:
        return item.title
    head = item.text.split()
    return " ".join(head[:words]) + ("…" if len(head) > words else "")


def rss(site: Site, outlet: Outlet) -> str:
    """RSS 2.0 with dc:creator, content:encoded, media:content and an enclosure per image."""
    items = site.visible(outlet.id)[:FEED_LIMIT]
    home = site.index_url(outlet)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:media="http://search.yahoo.com/mrss/">',
        "<channel>",
        f"<title>{escape(outlet.name)}</title>",
        f"<link>{escape(home)}</link>",
        f"<description>{escape(outlet.name)}: latest stories</description>",
        f"<language>{escape(outlet.lang)}</language>",
        f"<generator>{GENERATOR}</generator>",
        f'<atom:link href={quoteattr(site.feed_url(outlet))} rel="self" type="application/rss+xml"/>',
    ]
    if items:
        out.append(f"<lastBuildDate>{http_date(site.when(items[0]))}</lastBuildDate>")
    for it in items:
        url = site.item_url(it)
        out += [
            "<item>",
            f"<title>{escape(title_of(it))}</title>",
            f"<link>{escape(url)}</link>",
            f'<guid isPermaLink="true">{escape(url)}</guid>',
            f"<pubDate>{http_date(site.when(it))}</pubDate>",
        ]
        if it.author:
            out.append(f"<dc:creator>{escape(it.author)}</dc:creator>")
        out.append(f"<description>{escape(it.summary)}</description>")
        out.append(f"<content:encoded>{escape(body_html(site, it))}</content:encoded>")
        for img in it.images:
            src = site.image_url(img.file)
            size = image_size(img.file)
            out.append(
                f'<media:content url={quoteattr(src)} type="image/svg+xml" medium="image">'
                f"<media:description>{escape(img.caption)}</media:description>"
                f"<media:credit>{escape(img.credit)}</media:credit></media:content>"
            )
            out.append(f'<enclosure url={quoteattr(src)} length="{size}" type="image/svg+xml"/>')
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def image_size(file: str) -> int:
    """Byte length of a bundled image (RSS enclosures require one)."""
    try:
        return (IMAGES_DIR / file).stat().st_size
    except OSError:
        return 0


def atom(site: Site, outlet: Outlet) -> str:
    """Atom 1.0 with author, summary, html content and an enclosure link per image."""
    items = site.visible(outlet.id)[:FEED_LIMIT]
    updated = site.when(items[0]) if items else site.corpus.anchor - site.corpus.shift
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" '
        f"xml:lang={quoteattr(outlet.lang)}>",
        f"<id>{escape(site.index_url(outlet))}</id>",
        f"<title>{escape(outlet.name)}</title>",
        f"<updated>{iso(updated)}</updated>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(site.feed_url(outlet))}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(site.index_url(outlet))}/>',
        f"<generator>{GENERATOR}</generator>",
    ]
    for it in items:
        url = site.item_url(it)
        when = iso(site.when(it))
        out += [
            f"<entry xml:lang={quoteattr(it.lang)}>",
            f"<id>tag:global24.demo,2025:{outlet.id}:{it.key}</id>",
            f"<title>{escape(title_of(it))}</title>",
            f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>',
            f"<published>{when}</published>",
            f"<updated>{when}</updated>",
        ]
        if it.author:
            out.append(f"<author><name>{escape(it.author)}</name></author>")
        out.append(f'<summary type="text">{escape(it.summary)}</summary>')
        out.append(f'<content type="html">{escape(body_html(site, it))}</content>')
        for img in it.images:
            src = site.image_url(img.file)
            out.append(
                f'<link rel="enclosure" type="image/svg+xml" href={quoteattr(src)} '
                f'length="{image_size(img.file)}" title={quoteattr(img.caption)}/>'
            )
            out.append(
                f'<media:content url={quoteattr(src)} medium="image" type="image/svg+xml">'
                f"<media:description>{escape(img.caption)}</media:description>"
                f"<media:credit>{escape(img.credit)}</media:credit></media:content>"
            )
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def jsonfeed(site: Site, outlet: Outlet) -> str:
    """JSON Feed 1.1; images as `image` plus attachments, with caption and credit in `_global24`."""
    items = site.visible(outlet.id)[:FEED_LIMIT]
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.name,
        "home_page_url": site.index_url(outlet),
        "feed_url": site.feed_url(outlet),
        "language": outlet.lang,
        "items": [],
    }
    for it in items:
        entry = {
            "id": f"{outlet.id}:{it.key}",
            "url": site.item_url(it),
            "title": title_of(it),
            "content_html": body_html(site, it),
            "content_text": it.text,
            "summary": it.summary,
            "date_published": iso(site.when(it)),
            "language": it.lang,
        }
        if it.author:
            entry["authors"] = [{"name": it.author}]
        if it.tags:
            entry["tags"] = list(it.tags)
        if it.images:
            entry["image"] = site.image_url(it.images[0].file)
            entry["attachments"] = [
                {"url": site.image_url(img.file), "mime_type": "image/svg+xml", "title": img.caption}
                for img in it.images
            ]
            entry["_global24"] = {
                "images": [
                    {"url": site.image_url(i.file), "caption": i.caption, "credit": i.credit}
                    for i in it.images
                ]
            }
        doc["items"].append(entry)
    return json.dumps(doc, ensure_ascii=False, indent=1)


def jsonl_record(site: Site, it: CorpusItem) -> dict:
    """One line of the Item JSONL contract (ARCHITECTURE.md)."""
    outlet = site.outlet(it)
    rec: dict = {
        "id": f"{outlet.id}:{it.key}",
        "url": site.item_url(it),
        "source": outlet.name,
        "kind": it.kind,
        "text": it.text,
        "published": iso(site.when(it)),
        "lang": it.lang,
    }
    if it.title:
        rec["title"] = it.title
    if it.author:
        rec["author"] = it.author
    if it.engagement:
        rec["engagement"] = {k: int(it.engagement.get(k, 0)) for k in ("likes", "reposts", "replies")}
    if it.images:
        rec["images"] = [
            {"url": site.image_url(i.file), "caption": i.caption, "credit": i.credit} for i in it.images
        ]
    if it.tags:
        rec["tags"] = list(it.tags)
    rec["outlet"] = outlet.id
    return rec


def jsonl(site: Site, outlet: Outlet) -> str:
    """The outlet's visible items as Item JSONL, oldest first (an export grows at the end)."""
    items = list(reversed(site.visible(outlet.id)))
    return "".join(json.dumps(jsonl_record(site, it), ensure_ascii=False) + "\n" for it in items)


def sources(site: Site) -> list[dict]:
    """Every outlet as a source the desk can register: kind, url, name (+ lang, region, appview)."""
    rows = []
    for o in site.corpus.outlets.values():
        row = {
            "id": o.id,
            "kind": o.channel,
            "url": site.feed_url(o),
            "name": o.display_name if o.channel in ("mastodon", "bluesky") else o.name,
            "lang": o.lang,
            "region": o.region,
        }
        if o.channel == "bluesky":
            row["appview"] = site.base_url
            row["handle"] = o.handle
        if o.channel == "mastodon":
            row["instance"] = site.base_url
            row["handle"] = o.handle
        if o.channel == "page":
            row["sitemap"] = f"{site.base_url}/news/{o.id}/sitemap.xml"
        rows.append(row)
    return rows


def sources_json(site: Site) -> str:
    doc = {
        "generator": GENERATOR,
        "base_url": site.base_url,
        "appview": site.base_url,
        "sources": sources(site),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def opml(site: Site) -> str:
    """OPML 2.0 listing every source with the URL to subscribe to (`type` is the source kind)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        f"<head><title>{GENERATOR}</title></head>",
        "<body>",
    ]
    for row in sources(site):
        outlet = site.corpus.outlets[row["id"]]
        attrs = {
            "text": row["name"],
            "title": row["name"],
            "type": row["kind"],
            "xmlUrl": row["url"],
            "htmlUrl": site.index_url(outlet) if row["kind"] not in ("mastodon", "bluesky") else row["url"],
            "language": row["lang"],
        }
        if row["kind"] == "bluesky":
            attrs["htmlUrl"] = f"{site.base_url}/profile/{outlet.handle}"
            attrs["appview"] = site.base_url
        out.append("<outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>")
    out += ["</body>", "</opml>", ""]
    return "\n".join(out)


def sitemap(site: Site, outlet: Outlet) -> str:
    """A sitemap of the outlet's visible article pages, with lastmod."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for it in site.visible(outlet.id):
        out.append(
            f"<url><loc>{escape(site.page_url(it))}</loc><lastmod>{iso(site.when(it))}</lastmod></url>"
        )
    out += ["</urlset>", ""]
    return "\n".join(out)
