"""Benchmark: do the thematic sections of the desk's articles hold sentences that belong together?

One article per demo-corpus story, written by the same engine the CLI uses
(``write_article`` with the default settings). The thematic sections are those
of kind ``theme:*`` (between Background and Reactions). Every sentence and
heading is a TF-IDF vector fitted on all sentences of the story's items (Porter
stems, English stop words: not the writer's own vectors). Per article:

- nearest: the share of theme sentences whose most similar theme section (cosine
  to the sum of that section's heading and its *other* sentences) is their own;
- within / between: mean cosine of sentence pairs in the same theme section vs
  pairs in different theme sections of the same article;
- heading: the share of theme sentences that carry a content word of their
  section's heading (a plain label such as "Other Developments" carries none);
- cold starts: theme sections whose first sentence opens with a pronoun or
  connective (needs a sentence before it).

The baseline runs in the same pass: the same sentences dealt at random to the
same sections (same sizes, same headings), 50 deals per article. nearest, within
and within/between need two or more theme sections; articles with fewer are
counted but left out of those figures.

    .venv/bin/python bench/sections.py [CORPUS_DIR] [--out bench/results/sections.json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
from nltk.stem.porter import PorterStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from global24 import text as tx
from global24.settings import load_settings
from global24.writing import write_article
from global24.writing.corpus_items import CORPUS_DIR, story_files, story_items
from global24.writing.evidence import _is_dangling

ROOT = Path(__file__).resolve().parent.parent
_STEM = PorterStemmer()
_GENERIC = {"other", "developments", "background", "general", "more"}
DEALS = 50


def tokens(text: str) -> list[str]:
    return [
        _STEM.stem(w)
        for w in re.findall(r"[a-z0-9][a-z0-9'’\-]*", text.lower())
        if w not in ENGLISH_STOP_WORDS and len(w) > 1
    ]


def _unit_rows(m) -> np.ndarray:
    a = m.toarray().astype(np.float64)
    n = np.linalg.norm(a, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return a / n


def section_scores(sents: np.ndarray, heads: np.ndarray, sizes: list[int]) -> dict:
    """nearest share, within/between pair means for one assignment (rows in section order)."""
    bounds = np.cumsum([0, *sizes])
    owner = np.repeat(np.arange(len(sizes)), sizes)
    sums = np.stack([sents[bounds[k] : bounds[k + 1]].sum(axis=0) + heads[k] for k in range(len(sizes))])
    hits = 0
    for i, v in enumerate(sents):
        prof = sums.copy()
        prof[owner[i]] -= v  # leave the sentence out of its own section
        norms = np.linalg.norm(prof, axis=1)
        norms[norms == 0] = 1.0
        sims = prof @ v / norms
        hits += int(np.argmax(sims) == owner[i] and sims.max() > 0)
    sim = sents @ sents.T
    same = owner[:, None] == owner[None, :]
    upper = np.triu(np.ones_like(sim, dtype=bool), k=1)
    within = sim[same & upper]
    between = sim[~same & upper]
    return {
        "nearest_hits": hits,
        "n": len(sents),
        "within_sum": float(within.sum()),
        "within_n": int(within.size),
        "between_sum": float(between.sum()),
        "between_n": int(between.size),
    }


def heading_hits(texts: list[str], heading: str) -> int:
    words = {t for t in tokens(heading) if t not in _GENERIC}
    return sum(bool(words & set(tokens(t))) for t in texts)


def measure(article, items, rng: random.Random) -> dict:
    themes = [s for s in article.sections if s.kind.startswith("theme:")]
    texts = [[s.text for p in sec.paragraphs for s in p] for sec in themes]
    row = {
        "theme_sections": len(themes),
        "theme_sentences": sum(len(t) for t in texts),
        "headings": [s.heading for s in themes],
        "words": article.word_count(),
        "sections": len(article.sections),
        "cold_starts": sum(bool(t) and _is_dangling(t[0]) for t in texts),
        "heading_hits": sum(heading_hits(t, s.heading) for t, s in zip(texts, themes, strict=True)),
    }
    flat = [t for ts in texts for t in ts]
    row["random_heading_hits"] = 0.0
    if flat:
        deals = []
        for _ in range(DEALS):
            shuffled = flat[:]
            rng.shuffle(shuffled)
            k, n = 0, 0
            for ts, sec in zip(texts, themes, strict=True):
                n += heading_hits(shuffled[k : k + len(ts)], sec.heading)
                k += len(ts)
            deals.append(n)
        row["random_heading_hits"] = sum(deals) / DEALS
    if len(themes) < 2:
        return row
    corpus = [s.text for it in items if it.lang in (None, "", "en") for s in tx.sentences(it.text)]
    vec = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None, sublinear_tf=True)
    vec.fit(corpus + flat)
    sents = _unit_rows(vec.transform(flat))
    heads = _unit_rows(vec.transform([s.heading for s in themes]))
    sizes = [len(t) for t in texts]
    row["actual"] = section_scores(sents, heads, sizes)
    agg = {"nearest_hits": 0.0, "within_sum": 0.0, "within_n": 0, "between_sum": 0.0, "between_n": 0}
    for _ in range(DEALS):
        order = list(range(len(flat)))
        rng.shuffle(order)
        r = section_scores(sents[order], heads, sizes)
        for k in agg:
            agg[k] += r[k] / DEALS
    agg["n"] = len(flat)
    row["random"] = agg
    return row


def totals(rows: list[dict]) -> dict:
    multi = [r for r in rows if "actual" in r]
    out: dict = {
        "articles": len(rows),
        "articles_2plus_themes": len(multi),
        "theme_sections": sum(r["theme_sections"] for r in rows),
        "theme_sentences": sum(r["theme_sentences"] for r in rows),
        "mean_words": sum(r["words"] for r in rows) / max(1, len(rows)),
        "min_sections": min((r["sections"] for r in rows), default=0),
        "cold_starts": sum(r["cold_starts"] for r in rows),
        "generic_headings": sum(
            1
            for r in rows
            for h in r["headings"]
            if not {t for t in tokens(h)} - {_STEM.stem(g) for g in _GENERIC}
        ),
    }
    n_all = out["theme_sentences"] or 1
    out["heading"] = {
        "actual": sum(r["heading_hits"] for r in rows) / n_all,
        "random": sum(r["random_heading_hits"] for r in rows) / n_all,
    }
    for who in ("actual", "random"):
        n = sum(r[who]["n"] for r in multi) or 1
        wn = sum(r[who]["within_n"] for r in multi) or 1
        bn = sum(r[who]["between_n"] for r in multi) or 1
        within = sum(r[who]["within_sum"] for r in multi) / wn
        between = sum(r[who]["between_sum"] for r in multi) / bn
        out[who] = {
            "nearest": sum(r[who]["nearest_hits"] for r in multi) / n,
            "within": within,
            "between": between,
            "within_over_between": within / between if between else float("nan"),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=CORPUS_DIR)
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/sections.json")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    files = story_files(args.corpus)
    if not files:
        print(f"skip: no story files under {args.corpus}/stories")
        return 0
    settings = load_settings(env={})
    rng = random.Random(args.seed)
    rows, t0 = [], time.perf_counter()
    for f in files:
        items = story_items(f)
        article = write_article(None, items, settings)
        row = measure(article, items, rng)
        row["story"] = f.stem
        rows.append(row)
    secs = time.perf_counter() - t0
    t = totals(rows)
    a, r = t["actual"], t["random"]

    def ratio(x: float, y: float) -> str:
        return f"{x / y:.2f}" if y else "-"

    print(
        f"Thematic sections over {t['articles']} demo-corpus stories: {t['theme_sections']} sections, "
        f"{t['theme_sentences']} sentences; {t['articles_2plus_themes']} articles with 2+ theme sections"
    )
    print(f"{'measure':<28} {'writer':>8} {'random':>8} {'ratio':>7}")
    print(
        f"{'nearest section is own':<28} {a['nearest']:>8.1%} {r['nearest']:>8.1%} {ratio(a['nearest'], r['nearest']):>7}"
    )
    print(
        f"{'within-section cosine':<28} {a['within']:>8.3f} {r['within']:>8.3f} {ratio(a['within'], r['within']):>7}"
    )
    print(
        f"{'between-section cosine':<28} {a['between']:>8.3f} {r['between']:>8.3f} {ratio(a['between'], r['between']):>7}"
    )
    print(
        f"{'within / between':<28} {a['within_over_between']:>8.2f} {r['within_over_between']:>8.2f} "
        f"{ratio(a['within_over_between'], r['within_over_between']):>7}"
    )
    h = t["heading"]
    print(
        f"{'sentence carries heading word':<28} {h['actual']:>8.1%} {h['random']:>8.1%} {ratio(h['actual'], h['random']):>7}"
    )
    print(
        f"cold starts (theme section opens with pronoun/connective): {t['cold_starts']}; "
        f"plain-label headings: {t['generic_headings']}; mean words {t['mean_words']:.0f}; "
        f"fewest sections {t['min_sections']}; {secs:.1f}s"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"totals": t, "seconds": secs, "deals": DEALS, "stories": rows}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
