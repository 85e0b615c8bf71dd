"""HTML of the demo outlets: article pages with real-world metadata and boilerplate, index pages.

Article pages carry what extractors look for (og:/twitter: meta, canonical
link, author, published time, JSON-LD, figure + figcaption) wrapped in the
clutter real news sites have (nav, cookie banner, related links, newsletter
box, footer), so extraction is tested on something like the real thing.
"""

from __future__ import annotations

import json
from html import escape

from global24.demo.corpus import CorpusItem, Outlet
from global24.demo.feeds import body_html, title_of
from global24.demo.site import Site, iso

_STYLE = (
    "body{font-family:Georgia,serif;max-width:46rem;margin:auto;padding:0 1rem;color:#222}"
    "nav a{margin-right:.8rem}figure img{max-width:100%}figcaption{font-size:.85rem;color:#555}"
    ".cookie{background:#eee;padding:.6rem;font-size:.8rem}.related{border-top:1px solid #ccc}"
    "footer{font-size:.8rem;color:#666;border-top:1px solid #ccc;margin-top:2rem}"
)

_SECTIONS = {
    "en": ["World", "Politics", "Business", "Climate", "Culture", "Opinion"],
    "ja": ["国際", "政治", "経済", "社会", "文化", "オピニオン"],
    "es": ["Mundo", "Política", "Economía", "Clima", "Cultura", "Opinión"],
    "fr": ["Monde", "Politique", "Économie", "Climat", "Culture", "Opinions"],
    "pt": ["Mundo", "Política", "Economia", "Clima", "Cultura", "Opinião"],
}

_COOKIE = {
    "en": "We use cookies to measure readership and remember your settings. Accept all | Manage choices",
    "ja": "当サイトは閲覧状況の計測のためにクッキーを使用します。すべて許可 | 設定",
    "es": "Usamos cookies para medir la audiencia y recordar sus preferencias. Aceptar | Configurar",
    "fr": "Nous utilisons des cookies pour mesurer l'audience et garder vos réglages. Accepter | Paramétrer",
    "pt": "Usamos cookies para medir a audiência e lembrar suas preferências. Aceitar | Configurar",
}


def _lang(lang: str) -> str:
    return lang if lang in _SECTIONS else "en"


def _shell(site: Site, outlet: Outlet, title: str, head: str, main: str, lang: str) -> str:
    """The site chrome every page of an outlet shares."""
    lg = _lang(lang)
    nav = "".join(
        f'<a href="{site.index_url(outlet)}#{escape(s.lower())}">{escape(s)}</a>' for s in _SECTIONS[lg]
    )
    return f"""<!DOCTYPE html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{head}
<style>{_STYLE}</style>
</head>
<body>
<div class="cookie" id="cookie-banner" role="dialog">{escape(_COOKIE[lg])}</div>
<header class="masthead"><a class="brand" href="{site.index_url(outlet)}">{escape(outlet.name)}</a>
<nav class="sections">{nav}<a href="{site.index_url(outlet)}#subscribe">Subscribe</a><a href="#login">Log in</a></nav>
</header>
{main}
<aside class="newsletter" id="subscribe"><h3>Newsletter</h3>
<p>The morning briefing from {escape(outlet.name)}, in your inbox before 7 a.m.</p>
<form><input type="email" placeholder="you@example.org"><button>Sign up</button></form></aside>
<footer><p>&copy; 2025 {escape(outlet.name)}. All rights reserved.</p>
<p><a href="#about">About us</a> · <a href="#ethics">Ethics policy</a> · <a href="#privacy">Privacy</a> ·
<a href="#contact">Contact</a> · <a href="#advertise">Advertise</a></p>
<p>{escape(outlet.name)} is an invented outlet of the Global24 demo corpus.</p></footer>
</body>
</html>
"""


def article_page(site: Site, item: CorpusItem) -> str:
    """The full HTML page of one item at its stable URL."""
    outlet = site.outlet(item)
    url = site.page_url(item)
    title = title_of(item)
    when = iso(site.when(item))
    image = site.image_url(item.images[0].file) if item.images else None
    meta = [
        f'<link rel="canonical" href="{url}">',
        f'<meta name="description" content="{escape(item.summary)}">',
        f'<meta property="og:type" content="{"article" if item.kind == "article" else "website"}">',
        f'<meta property="og:title" content="{escape(title)}">',
        f'<meta property="og:description" content="{escape(item.summary)}">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:site_name" content="{escape(outlet.name)}">',
        f'<meta property="og:locale" content="{escape(item.lang)}">',
        f'<meta property="article:published_time" content="{when}">',
        f'<meta name="twitter:card" content="{"summary_large_image" if image else "summary"}">',
        f'<meta name="twitter:title" content="{escape(title)}">',
        f'<meta name="twitter:description" content="{escape(item.summary)}">',
    ]
    if item.author:
        meta.append(f'<meta name="author" content="{escape(item.author)}">')
        meta.append(f'<meta property="article:author" content="{escape(item.author)}">')
    if image:
        meta.append(f'<meta property="og:image" content="{image}">')
        meta.append(f'<meta property="og:image:alt" content="{escape(item.images[0].caption)}">')
        meta.append(f'<meta name="twitter:image" content="{image}">')
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": when,
        "inLanguage": item.lang,
        "mainEntityOfPage": url,
        "publisher": {"@type": "Organization", "name": outlet.name},
    }
    if item.author:
        ld["author"] = [{"@type": "Person", "name": item.author}]
    if image:
        ld["image"] = [site.image_url(i.file) for i in item.images]
    meta.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    related = [it for it in site.visible(outlet.id) if it.key != item.key][:5]
    rel_html = "".join(f'<li><a href="{site.page_url(r)}">{escape(title_of(r))}</a></li>' for r in related)
    byline = (
        f'<p class="byline">By <span class="author" rel="author">{escape(item.author)}</span></p>'
        if item.author
        else ""
    )
    main = f"""<main>
<article class="story">
<h1 class="headline">{escape(title)}</h1>
{byline}
<p class="dateline"><time datetime="{when}" class="published">{when.replace("T", " ").rstrip("Z")} UTC</time></p>
<div class="article-body">
{body_html(site, item)}
</div>
<p class="share">Share: <a href="#share-mail">Email</a> · <a href="#share-copy">Copy link</a></p>
</article>
<section class="related"><h2>Related</h2><ul>{rel_html}</ul></section>
</main>"""
    return _shell(site, outlet, f"{title} | {outlet.name}", "\n".join(meta), main, item.lang)


def index_page(site: Site, outlet: Outlet) -> str:
    """The outlet's front page: its visible items, newest first, linking to their pages."""
    rows = []
    for it in site.visible(outlet.id):
        rows.append(
            f'<li class="teaser"><a href="{site.page_url(it)}">{escape(title_of(it))}</a> '
            f'<time datetime="{iso(site.when(it))}">{iso(site.when(it))}</time>'
            f"<p>{escape(it.summary[:200])}</p></li>"
        )
    main = f'<main><h1>{escape(outlet.name)}</h1><ul class="latest">{"".join(rows)}</ul></main>'
    head = f'<link rel="canonical" href="{site.index_url(outlet)}">'
    if outlet.channel not in ("page", "mastodon", "bluesky"):
        kind = {
            "rss": "application/rss+xml",
            "atom": "application/atom+xml",
            "jsonfeed": "application/feed+json",
        }
        if outlet.channel in kind:
            head += f'\n<link rel="alternate" type="{kind[outlet.channel]}" href="{site.feed_url(outlet)}">'
    return _shell(site, outlet, outlet.name, head, main, outlet.lang)


def social_page(site: Site, outlet: Outlet, items: list[CorpusItem]) -> str:
    """A plain profile or single-post page, so status and post URLs resolve in a browser."""
    posts = "".join(
        f'<article class="status"><p class="meta"><a href="{site.item_url(it)}">'
        f'<time datetime="{iso(site.when(it))}">{iso(site.when(it))}</time></a></p>{body_html(site, it)}</article>'
        for it in items
    )
    canonical = site.item_url(items[0]) if len(items) == 1 else site.feed_url(outlet)
    if outlet.channel == "bluesky" and len(items) != 1:
        canonical = f"{site.base_url}/profile/{outlet.handle}"
    title = f"{outlet.display_name} ({outlet.name})"
    main = f"<main><h1>{escape(title)}</h1>{posts}</main>"
    return _shell(site, outlet, title, f'<link rel="canonical" href="{canonical}">', main, outlet.lang)


def home_page(site: Site) -> str:
    """The server's root: every source and the machine-readable lists."""
    rows = "".join(
        f'<li>{escape(o.name)} [{o.channel}, {o.lang}]: <a href="{escape(site.feed_url(o))}">{escape(site.feed_url(o))}</a></li>'
        for o in site.corpus.outlets.values()
    )
    n = len(site.visible())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Global24 demo sources</title></head>
<body><h1>Global24 demo sources</h1>
<p>{n} of {len(site.corpus.items)} items visible now. Source lists:
<a href="/sources.opml">sources.opml</a> · <a href="/sources.json">sources.json</a></p>
<ul>{rows}</ul></body></html>
"""
