"""An Article turned into what the story page shows: numbered sources, citation popovers, sections.

Every citation becomes a numbered marker ``[n]`` (n = the source's place in
the sources list) that opens the exact quoted span, shown inside its
surrounding source text, with the source's name and a link to the original.
Nothing here marks source text safe: the templates escape all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dateutil import parser as dateparser

from global24.models import Article, Citation, Item, Source, carried_by, syndicated_originals
from global24.web.render import as_utc, safe_href, source_url

CONTEXT_CHARS = 160


@dataclass
class Ref:
    """One numbered entry of the sources list."""

    n: int
    item_id: str
    source_name: str
    source_id: str | None
    url: str | None
    title: str
    published: datetime | None
    author: str = ""
    lang: str = ""
    copies: list[str] = field(default_factory=list)  # outlets that ran the same piece (syndicated copies)

    @property
    def anchor(self) -> str:
        return f"src-{self.n}"

    @property
    def source_page(self) -> str | None:
        return source_url(self.source_id) if self.source_id else None


@dataclass
class Segment:
    text: str
    quoted: bool = False


@dataclass
class Quote:
    """One citation popover: the spans a sentence quotes from one source, shown inside the source text.

    ``passages`` are runs of source text; quoted segments are the exact cited spans, the others
    the context around them. Spans close together share one passage.
    """

    id: str
    ref: Ref
    passages: list[list[Segment]] = field(default_factory=list)


@dataclass
class Marker:
    n: int
    quote_id: str


@dataclass
class SentenceView:
    text: str
    markers: list[Marker] = field(default_factory=list)


@dataclass
class ArticleView:
    refs: list[Ref]
    quotes: list[Quote]
    sections: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    disagreements: list[dict[str, Any]]
    images: list[dict[str, Any]]
    grounding: list[tuple[str, Any]]
    dropped: list[dict[str, str]] = field(default_factory=list)  # sentences verification left out, and why
    dek: SentenceView | None = None  # the dek with its source's marker (numbered first: it is read first)
    notes: list[str] = field(default_factory=list)  # the writer's own notes (fallbacks and the like)


def _snippet(text: str, width: int = 110) -> str:
    """A post has no title: its first words stand in for one."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text[:width]
    return (cut[: cut.rfind(" ")] if " " in cut[40:] else cut) + "…"


def parse_when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, str) and value.strip():
        try:
            return as_utc(dateparser.isoparse(value.strip()))
        except (ValueError, OverflowError):
            return None
    return None


def _trim_left(text: str) -> str:
    if len(text) < CONTEXT_CHARS:
        return text
    cut = text[-CONTEXT_CHARS:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < 40 else cut)


def _trim_right(text: str) -> str:
    if len(text) <= CONTEXT_CHARS:
        return text
    cut = text[:CONTEXT_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > CONTEXT_CHARS - 40 else cut) + "…"


def locate(text: str, cit: Citation) -> tuple[int, int] | None:
    """Where the cited span is in the item text: its offsets when they hold, else the first match."""
    if not text or not cit.quote:
        return None
    start, end = cit.start, cit.end
    if 0 <= start < end <= len(text) and text[start:end] == cit.quote:
        return start, end
    start = text.find(cit.quote)
    return (start, start + len(cit.quote)) if start >= 0 else None


def quote_context(item: Item | None, cit: Citation) -> tuple[str, str]:
    """Source text just before and after the quoted span (empty when the span cannot be found)."""
    text = item.text if item else ""
    where = locate(text, cit)
    if where is None:
        return "", ""
    return _trim_left(text[: where[0]]), _trim_right(text[where[1] :])


def passages(item: Item | None, cits: list[Citation]) -> list[list[Segment]]:
    """The quoted spans of one item as passages of context and quote; spans near each other share one."""
    text = item.text if item else ""
    found: list[tuple[int, int]] = []
    missing: list[str] = []
    for c in cits:
        where = locate(text, c)
        if where is None:
            if c.quote:
                missing.append(c.quote)
        else:
            found.append(where)
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[list[Segment]] = []
    run: list[list[int]] = []
    for span in merged + [None]:  # type: ignore[list-item]
        if span is not None and (not run or span[0] - run[-1][1] <= 2 * CONTEXT_CHARS):
            run.append(span)
            continue
        if run:
            segs = [Segment(_trim_left(text[: run[0][0]]))]
            for i, (s0, e0) in enumerate(run):
                segs.append(Segment(text[s0:e0], True))
                nxt = run[i + 1][0] if i + 1 < len(run) else None
                segs.append(Segment(text[e0:nxt] if nxt is not None else _trim_right(text[e0:])))
            out.append([seg for seg in segs if seg.text])
        run = [span] if span is not None else []
    out.extend([Segment(q, True)] for q in missing)
    return out


def _as_citation(c: Any) -> Citation | None:
    if isinstance(c, Citation):
        return c
    if isinstance(c, dict) and c.get("item_id"):
        return Citation(
            item_id=str(c["item_id"]), quote=str(c.get("quote") or ""),
            start=int(c.get("start") or 0), end=int(c.get("end") or 0),
        )
    if isinstance(c, str) and c:
        return Citation(item_id=c, quote="")
    return None


class _Numbering:
    """Assigns source numbers and popover ids as citations are met.

    A syndicated copy (``duplicate_of`` an item the article also lists) shares its
    original's number: a sentence the wire and three papers ran is one source, cited
    once, and the sources list names the papers that carried it.
    """

    def __init__(self, article: Article, items: dict[str, Item], sources: dict[str, Source]) -> None:
        self.items = items
        self.sources = sources
        self.refs: list[Ref] = []
        self.by_item: dict[str, Ref] = {}
        self.quotes: list[Quote] = []
        self.quote_ids: dict[tuple, str] = {}
        entries = [e for e in article.sources or [] if isinstance(e, dict) and e.get("item_id")]
        self.copy_of = _originals(entries, items)
        for entry in entries:
            if str(entry["item_id"]) not in self.copy_of:
                self._add_ref(str(entry["item_id"]), entry)
        def outlet(entry: dict[str, Any]) -> str:
            item = items.get(str(entry["item_id"]))
            return str(entry.get("source") or (item.source_name if item else "") or "")

        for root, names in carried_by(entries, self.copy_of, outlet).items():
            self._add_ref(root).copies.extend(names)

    def _add_ref(self, item_id: str, entry: dict[str, Any] | None = None) -> Ref:
        item_id = self.copy_of.get(item_id, item_id)
        if item_id in self.by_item:
            return self.by_item[item_id]
        entry = entry or {}
        item = self.items.get(item_id)
        src = self.sources.get(item.source_id) if item else None
        name = entry.get("source") or (item.source_name if item else None) or (src.name if src else None)
        ref = Ref(
            n=len(self.refs) + 1,
            item_id=item_id,
            source_name=str(name or (src.id if src else "unknown source")),
            source_id=item.source_id if item else None,
            url=safe_href(entry.get("url") or (item.url if item else None)),
            title=str(entry.get("title") or (item.title if item else "") or _snippet(item.text if item else "")),
            published=parse_when(entry.get("published")) or (as_utc(item.published_at) if item else None),
            author=str((item.author if item else "") or ""),
            lang=str(entry.get("lang") or (item.lang if item else "") or ""),
        )
        self.refs.append(ref)
        self.by_item[item_id] = ref
        return ref

    def sentence(self, text: str, citations: list[Any]) -> SentenceView:
        """A sentence with one marker per cited source; its popover shows every span quoted from it."""
        groups: dict[int, list[Citation]] = {}
        for c in citations or []:
            cit = _as_citation(c)
            if cit is None:
                continue
            ref = self._add_ref(cit.item_id)
            group = groups.setdefault(ref.n, [])
            if group and group[0].item_id != cit.item_id:  # the same words from a copy: one popover,
                if cit.item_id == ref.item_id and group[0].item_id != ref.item_id:  # the original's own
                    group.clear()
                else:
                    continue
            if all((x.quote, x.start, x.end) != (cit.quote, cit.start, cit.end) for x in group):
                group.append(cit)
        markers: list[Marker] = []
        for n, group in groups.items():
            key = tuple((c.item_id, c.quote, c.start, c.end) for c in group)
            qid = self.quote_ids.get(key)
            if qid is None:
                qid = f"q{len(self.quotes) + 1}"
                self.quote_ids[key] = qid
                item = self.items.get(group[0].item_id)
                self.quotes.append(Quote(qid, self.refs[n - 1], passages(item, group)))
            markers.append(Marker(n, qid))
        return SentenceView(str(text or ""), markers)


def _originals(entries: list[dict[str, Any]], items: dict[str, Item]) -> dict[str, str]:
    """Listed item -> the listed original it is a syndicated copy of (the item says so if its entry does not)."""

    def dup(e: dict[str, Any]) -> str | None:
        item = items.get(str(e["item_id"]))
        return e.get("duplicate_of") or (item.duplicate_of if item else None)

    return syndicated_originals(entries, dup)


def _images(article: Article) -> list[dict[str, Any]]:
    out = []
    for img in article.images or []:
        if not isinstance(img, dict):
            continue
        url = safe_href(img.get("url"))
        if not url:
            continue
        caption = str(img.get("caption") or "").strip()
        source = str(img.get("source") or "").strip()
        out.append({
            "url": url,
            "alt": caption or (f"Image from {source}" if source else "Story image"),
            "caption": caption,
            "credit": str(img.get("credit") or "").strip(),
            "source": source,
        })
    return out


def _disagreement(num: _Numbering, d: Any) -> dict[str, Any] | None:
    """One 'where sources differ' entry, whatever shape the writer used."""
    if isinstance(d, str):
        return {"topic": "", "positions": [num.sentence(d, [])]}
    if not isinstance(d, dict):
        return None
    topic = d.get("topic") or d.get("about") or d.get("subject") or d.get("claim") or d.get("field") or ""
    raw = d.get("positions") or d.get("sides") or d.get("claims") or d.get("versions") or []
    positions = []
    for p in raw if isinstance(raw, list) else []:
        if isinstance(p, dict):
            text = p.get("text") or p.get("figure") or p.get("claim") or p.get("value") or p.get("quote") or ""
            cites = p.get("citations") or ([p] if p.get("item_id") else [])
            who = p.get("source") or ", ".join(str(x) for x in p.get("sources") or [] if x)
            positions.append({"source": str(who), "sentence": num.sentence(str(text), cites)})
        elif isinstance(p, str):
            positions.append({"source": "", "sentence": num.sentence(p, [])})
    if not positions and (d.get("text") or d.get("summary")):
        positions.append({"source": "", "sentence": num.sentence(d.get("text") or d.get("summary"),
                                                                  d.get("citations") or [])})
    return {"topic": str(topic), "positions": positions} if positions or topic else None


def _grounding(g: dict[str, Any]) -> list[tuple[str, Any]]:
    labels = {
        "sentences": "Sentences drafted",
        "cited": "Sentences with a citation",
        "verified": "Sentences verified against their sources",
        "dropped": "Sentences left out by verification",
    }
    rows = [(labels[k], g[k]) for k in labels if k in g and not isinstance(g[k], dict | list)]
    for k, v in g.items():
        if k not in labels and isinstance(v, int | float | str) and not isinstance(v, bool):
            if isinstance(v, float) and k.endswith("_share"):
                v = f"{v:.0%}"
            rows.append((k.replace("_", " ").capitalize(), v))
    return rows


def build_view(article: Article, items: dict[str, Item], sources: dict[str, Source]) -> ArticleView:
    """Number sources and citations in reading order and shape every block of the article."""
    num = _Numbering(article, items, sources)
    dek = num.sentence(article.dek, article.dek_citations()) if article.dek else None
    sections = []
    for i, sec in enumerate(article.sections):
        paragraphs = [[num.sentence(s.text, s.citations) for s in para] for para in sec.paragraphs]
        paragraphs = [p for p in paragraphs if p]
        if paragraphs:
            sections.append({"heading": sec.heading, "kind": sec.kind, "anchor": f"s{i + 1}",
                             "paragraphs": paragraphs})
    timeline = []
    for entry in article.timeline or []:
        if not isinstance(entry, dict):
            continue
        raw_when = entry.get("when") or entry.get("date") or entry.get("at")
        timeline.append({
            "when": parse_when(raw_when),
            "has_time": isinstance(raw_when, datetime) or (isinstance(raw_when, str) and "T" in raw_when),
            "when_text": str(raw_when or ""),
            "sentence": num.sentence(entry.get("text") or "", entry.get("citations") or
                                     ([entry] if entry.get("item_id") else [])),
        })
    disagreements = [d for d in (_disagreement(num, d) for d in article.disagreements or []) if d]
    return ArticleView(
        refs=num.refs,
        quotes=num.quotes,
        sections=sections,
        timeline=timeline,
        disagreements=disagreements,
        images=_images(article),
        grounding=_grounding(article.grounding or {}),
        dropped=[
            {"section": str(r.get("section") or ""), "text": str(r.get("text") or ""),
             "reason": str(r.get("reason") or r.get("check") or "")}
            for r in (article.grounding or {}).get("reasons") or [] if isinstance(r, dict)
        ],
        notes=[str(n) for n in (article.grounding or {}).get("writer_notes") or [] if isinstance(n, str)],
        dek=dek,
    )


def cited_item_ids(article: Article) -> list[str]:
    """Every item id the article refers to, for one batched store read."""
    ids: list[str] = []
    for entry in article.sources or []:
        if isinstance(entry, dict) and entry.get("item_id"):
            ids.append(str(entry["item_id"]))
    for s in article.sentences():
        ids.extend(c.item_id for c in s.citations)
    _walk_item_ids([article.timeline, article.disagreements, article.images], ids)
    ids.extend(article.item_ids or [])
    return list(dict.fromkeys(ids))


def _walk_item_ids(value: Any, out: list[str]) -> None:
    """Collect ``item_id`` values from nested writer blocks (timeline, disagreements, images)."""
    if isinstance(value, dict):
        if isinstance(value.get("item_id"), str):
            out.append(value["item_id"])
        for v in value.values():
            if isinstance(v, dict | list):
                _walk_item_ids(v, out)
    elif isinstance(value, list):
        for v in value:
            _walk_item_ids(v, out)
