"""Headline, dek, attribution line, gallery and source list of an article.

The headline is a source's own title (the one closest to the story's centre,
cleaned of outlet suffixes), so it says nothing no source said; the dek is the
evidence's best short sentence. The attribution line names the outlets that
carried the most weight in the written article.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from global24 import text as tx
from global24.models import Item, Section
from global24.writing.evidence import Evidence, source_name
from global24.writing.labels import bare_attribution, join_names, label

_SUFFIX = re.compile(r"\s+[|\-–—]\s+[^|\-–—]{2,40}$")


_DATE_PREFIX = re.compile(r"^\(?(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}\)?\s*[-–—:|]?\s+")


def clean_title(title: str) -> str:
    """A title without a trailing " - Outlet" or " | Site", without a leading filing date
    ("2005/01/08 Tsunami aid donations…", as archives print it) and without extra space."""
    t = re.sub(r"\s+", " ", title).strip()
    m = _DATE_PREFIX.match(t)
    if m and len(t[m.end() :].split()) >= 4:
        t = t[m.end() :]
    m = _SUFFIX.search(t)
    if m and len(t[: m.start()].split()) >= 4:
        t = t[: m.start()]
    return t


def without_full_stop(headline: str) -> str:
    """A headline as printed: a sentence made a headline loses its full stop (not its question or
    exclamation mark, nor the last dot of an initialism: "… in the U.S.")."""
    return re.sub(r"(?<![.\s][A-Za-z])\.$", "", headline.strip())


def choose_headline(ev: Evidence) -> tuple[str, str | None]:
    """(headline, item id) from the titles in the set's language, the most central one winning; for a
    story that ran over days, among the titles of its later half."""
    cands = [
        it for it in ev.items.values()
        if it.title and not it.duplicate_of and ev.lang_of(it) == ev.lang and it.kind != "post"
        and not any(u.background for u in ev.units if u.item_id == it.id)
    ]  # fmt: skip
    if not cands:
        cands = [it for it in ev.items.values() if it.title]
    # the story is titled from a report of what happened, while it has one, not from comment on it
    first = min((ev.genre_rank(it.id) for it in cands), default=0)
    cands = [it for it in cands if ev.genre_rank(it.id) == first]
    if not cands:
        best = max((u for u in ev.units if u.lang == ev.lang), key=lambda u: u.score, default=None)
        return (best.text, best.item_id) if best else ("", None)
    central = Counter()
    for u in ev.units:
        if not u.background:
            central[u.item_id] += u.score
    main_tokens = Counter(t for u in ev.units if not u.background for t in set(u.tokens))
    # the story's own span (every item's, not only the candidates')
    background = {u.item_id for u in ev.units if u.background}
    times = [
        it.published_at.timestamp() for it in ev.items.values() if it.published_at and it.id not in background
    ]
    t0, t1 = (min(times), max(times)) if times else (0.0, 0.0)
    # a story that ran over days is titled from its later half, written once more of it
    # had happened (the summit's signing, not only the welcome that opened it)
    later = [it for it in cands if it.published_at and it.published_at.timestamp() >= (t0 + t1) / 2]
    # the principals: names (by last word) in at least two in five of the story's items
    per_item: dict[str, set[str]] = {}
    for u in ev.units:
        if not u.background:
            per_item.setdefault(u.item_id, set()).update(e.split()[-1].lower() for e in u.entities)
    seen = Counter(n for names in per_item.values() for n in names)
    principals = {n for n, c in seen.items() if c >= max(2, 0.4 * len(per_item))}

    def score(it: Item) -> float:
        toks = tx.content_tokens(it.title or "")
        if not toks:
            return 0.0
        coverage = sum(np.log1p(main_tokens[t]) for t in toks) / len(toks)
        n = len(it.title.split())
        fit = 1.0 if 6 <= n <= 16 else 0.7
        # a living story's headline should say where it stands now, not where it began
        recency = 1.0
        if it.published_at and t1 > t0:
            recency = 0.7 + 0.3 * (it.published_at.timestamp() - t0) / (t1 - t0)
        named = len({w.lower().strip("'’:,;") for w in re.split(r"[\s–—-]+", it.title)} & principals)
        return coverage * fit * recency * (1 + 0.1 * min(named, 3)) + 0.05 * central[it.id]

    best = max(cands, key=lambda it: (score(it), it.id))
    if t1 - t0 >= 86400 and later:
        # unless it is clearly off the story's centre, a later title says where the story stands
        late = max(later, key=lambda it: (score(it), it.id))
        if score(late) >= 0.9 * score(best):
            best = late
    return clean_title(best.title or ""), best.id


def attribution(
    sections: list[Section], ev: Evidence, top: int = 2, dek: list[str] = ()
) -> tuple[str, list[str]]:
    """ "Independent analysis based on open media from A, B and N others", by citation weight
    (``dek``: the items the dek cites, which count as a first citation each)."""
    weight: Counter[str] = Counter()
    for item_id in dek:
        if item_id in ev.items:
            weight[source_name(ev.items[item_id])] += 1.0
    for sec in sections:
        for para in sec.paragraphs:
            for s in para:
                for k, c in enumerate(s.citations):
                    it = ev.items.get(c.item_id)
                    if it is not None:
                        weight[source_name(it)] += 1.0 if k == 0 else 0.5
    if not weight:
        return "", []
    names = [n for n, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    if not names:  # no cited item says who published it: the byline names no one
        return bare_attribution(ev.lang), []
    head = names[:top]
    who = join_names(ev.lang, head, len(names) - len(head))
    return label(ev.lang, "attribution", who=who), names


def gallery(ev: Evidence, cited: set[str], limit: int = 6) -> list[dict]:
    """Images of the story's items (cited items first), each with caption, credit and source."""
    seen: set[str] = set()
    out = []
    order = sorted(
        ev.items.values(),
        key=lambda it: (
            it.id not in cited,
            it.duplicate_of is not None,
            it.published_at is None,
            it.published_at or 0,
            it.id,
        ),
    )
    for it in order:
        if any(u.background for u in ev.units if u.item_id == it.id):
            continue
        for img in it.images:
            if not img.url or img.url in seen:
                continue
            seen.add(img.url)
            out.append(
                {
                    "url": img.url,
                    "caption": img.caption or it.title or "",
                    "credit": img.credit or source_name(it),
                    "item_id": it.id,
                    "source": source_name(it),
                    "width": img.width,
                    "height": img.height,
                }
            )
            if len(out) >= limit:
                return out
    return out


def source_list(ev: Evidence, cited: set[str], with_text: bool = True) -> list[dict]:
    """The cited items, for the article's "sources" (with text, so the article verifies alone)."""
    out = []
    for it in sorted(
        (ev.items[i] for i in cited if i in ev.items),
        key=lambda it: (
            it.published_at is None,
            it.published_at.isoformat() if it.published_at else "",
            it.id,
        ),
    ):
        d = {
            "item_id": it.id,
            "source": source_name(it),
            "url": it.url,
            "title": it.title,
            "published": it.published_at.isoformat() if it.published_at else None,
            "kind": it.kind,
            "lang": ev.lang_of(it),
            "author": it.author,
            "duplicate_of": it.duplicate_of,
        }
        if with_text:
            d["text"] = it.text
        out.append(d)
    return out
