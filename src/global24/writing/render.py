"""Markdown and standalone HTML renderings of an Article (the web app has its own templates).

Citations become numbered source notes: each cited item gets one number, in the
order of first citation, and every sentence ends with its numbers. The timeline
section's k-th paragraph is ``article.timeline[k]``, whose date labels it.
"""

from __future__ import annotations

from datetime import date
from html import escape

from global24.models import Article, carried_by, syndicated_originals
from global24.writing.labels import date_label, label, primary_lang, right_to_left


def _english(lang: str) -> str:
    """The provenance footer is in English: say so inside a page in another language (bidi, fonts)."""
    return "" if primary_lang(lang) in ("", "en") else ' lang="en" dir="ltr"'


def _dir(lang: str) -> str:
    """' dir="rtl"' for a language written right to left."""
    return ' dir="rtl"' if right_to_left(lang) else ""


def _numbers(article: Article) -> tuple[dict[str, int], dict[str, str]]:
    """Citation numbers by item (a copy takes its original's), and the copy -> original map."""
    copy_of = syndicated_originals([s for s in article.sources if isinstance(s, dict)])
    order: dict[str, int] = {}
    roots: dict[str, int] = {}
    # the dek is the first sentence a reader meets: its source is [1]
    cited = [c.item_id for c in article.dek_citations()]
    cited += [c.item_id for sec in article.sections for para in sec.paragraphs for s in para for c in s.citations]
    for item_id in cited:
        root = copy_of.get(item_id, item_id)
        n = roots.setdefault(root, len(roots) + 1)
        order.setdefault(item_id, n)
        order.setdefault(root, n)
    return order, copy_of



def _marks(nums: dict[str, int], citations: list, fmt: str) -> str:
    return "".join(fmt.format(n=n) for n in dict.fromkeys(nums[c.item_id] for c in citations))


def _listed(article: Article, nums: dict[str, int], copy_of: dict[str, str]) -> list[tuple[int, dict, list[str]]]:
    """(number, source entry, outlets that carried a copy of it) per numbered source, in number order."""
    src = _source_lookup(article)
    copies = carried_by([s for s in article.sources if isinstance(s, dict)], copy_of)
    roots = sorted(((n, item_id) for item_id, n in nums.items() if item_id not in copy_of))
    return [(n, src.get(item_id, {"item_id": item_id}), copies.get(item_id, [])) for n, item_id in roots]


def _label(iso: str, lang: str = "en") -> str:
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return date_label(lang, d)


def _source_lookup(article: Article) -> dict[str, dict]:
    return {s.get("item_id"): s for s in article.sources}


def _title(s: dict, item_id: str) -> str:
    """The source's title; posts have none, so their first words stand in."""
    if s.get("title"):
        return s["title"]
    words = (s.get("text") or "").split()
    if words:
        return " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    return item_id


def article_to_markdown(article: Article) -> str:
    """The article as Markdown, with [n] citations and a numbered source list."""
    nums, copy_of = _numbers(article)
    out = [f"# {article.headline}", ""]
    if article.heat:
        out += [f"🔥 {article.heat.get('score', 0):.0f}", ""]
    if article.dek:
        out += [f"*{article.dek}*" + _marks(nums, article.dek_citations(), "[{n}]"), ""]
    if article.attribution:
        out += [article.attribution + ".", ""]
    for k, img in enumerate(article.images, 1):
        cap = img.get("caption") or ""
        out += [
            f"![{cap}]({img.get('url')})",
            f"{k} / {len(article.images)} · {cap} — {img.get('credit') or ''}",
            "",
        ]
    for sec in article.sections:
        out += [f"## {sec.heading}", ""]
        for k, para in enumerate(sec.paragraphs):
            text = " ".join(s.text + _marks(nums, s.citations, "[{n}]") for s in para)
            if sec.kind == "timeline" and k < len(article.timeline):
                text = f"- **{_label(article.timeline[k]['date'], article.lang)}** — {text}"
            out += [text, ""]
    out += [f"## {label(article.lang, 'sources')}", ""]
    for n, s, copies in _listed(article, nums, copy_of):
        title = _title(s, s["item_id"])
        url = s.get("url")
        when = (s.get("published") or "")[:10]
        who = s.get("source") or ""
        line = f"{n}. " + (f"{who} — " if who else "") + (f"[{title}]({url})" if url else title)
        line += f" ({when})" if when else ""
        out.append(line + (f"; {label(article.lang, 'copies', who=', '.join(copies))}" if copies else ""))
    g = article.grounding
    out += [
        "",
        f"_Grounding: {g.get('verified', 0)} of {g.get('sentences', 0)} sentences verified, "
        f"{g.get('dropped', 0)} dropped. Writer: {article.writer}. Revision {article.revision}. "
        f"{article.change_note}_",
        "",
    ]
    return "\n".join(out)


_CSS = """body{font:17px/1.6 Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:2rem;line-height:1.2}.heat{color:#c40}.dek{font-size:1.2rem;color:#333}.attr{color:#555}
figure{margin:1rem 0}figure img{max-width:100%}figcaption{font-size:.85rem;color:#555}
sup a{text-decoration:none;color:#06c}ol.sources{font-size:.9rem}.meta{font-size:.8rem;color:#666}"""


def article_to_html(article: Article) -> str:
    """A standalone HTML page of the article (escaped; citations link to the source list)."""
    nums, copy_of = _numbers(article)
    e = escape
    parts = [
        "<!doctype html>",
        f'<html lang="{e(article.lang or "en")}"{_dir(article.lang)}><head><meta charset="utf-8">',
        f"<title>{e(article.headline)}</title><style>{_CSS}</style></head><body><article>",
        f"<h1>{e(article.headline)}",
    ]
    if article.heat:
        parts.append(f' <span class="heat">🔥{article.heat.get("score", 0):.0f}</span>')
    parts.append("</h1>")
    if article.dek:
        marks = _marks(nums, article.dek_citations(), '<sup><a href="#src-{n}">{n}</a></sup>')
        parts.append(f'<p class="dek">{e(article.dek)}{marks}</p>')
    if article.attribution:
        parts.append(f'<p class="attr">{e(article.attribution)}.</p>')
    for k, img in enumerate(article.images, 1):
        parts.append(
            f'<figure><img src="{e(img.get("url") or "")}" alt="{e(img.get("caption") or "")}">'
            f"<figcaption>{k} / {len(article.images)} · {e(img.get('caption') or '')} — "
            f"{e(img.get('credit') or '')}</figcaption></figure>"
        )
    for sec in article.sections:
        parts.append(f'<section class="{e(sec.kind.split(":")[0])}"><h2>{e(sec.heading)}</h2>')
        for k, para in enumerate(sec.paragraphs):
            body = " ".join(
                e(s.text)
                + _marks(nums, s.citations, '<sup><a href="#src-{n}">{n}</a></sup>')
                for s in para
            )
            if sec.kind == "timeline" and k < len(article.timeline):
                body = f"<strong>{e(_label(article.timeline[k]['date'], article.lang))}</strong> — {body}"
            parts.append(f"<p>{body}</p>")
        parts.append("</section>")
    parts.append(f'<h2>{e(label(article.lang, "sources"))}</h2><ol class="sources">')
    for n, s, copies in _listed(article, nums, copy_of):
        title = e(_title(s, s["item_id"]))
        link = f'<a href="{e(s["url"])}">{title}</a>' if s.get("url") else title
        also = f"; {e(label(article.lang, 'copies', who=', '.join(copies)))}" if copies else ""
        parts.append(
            f'<li id="src-{n}">{e(s["source"]) + " — " if s.get("source") else ""}{link} '
            f'{e((s.get("published") or "")[:10])}{also}</li>'
        )
    g = article.grounding
    parts.append(
        f'</ol><p class="meta"{_english(article.lang)}>{g.get("verified", 0)} of {g.get("sentences", 0)} sentences verified, '
        f"{g.get('dropped', 0)} dropped · writer {e(article.writer)} · revision {article.revision} · "
        f"{e(article.change_note)}</p></article></body></html>"
    )
    return "\n".join(parts)
