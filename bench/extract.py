"""Article extraction quality: Global24's page extractor vs plain trafilatura, same pages, same run.

Scoring follows the Zyte article-extraction-benchmark: word tokens (``\\w+``),
4-token shingles counted as a multiset, per-page TP/FP/FN normalised so long
pages weigh no more than short ones, precision and recall averaged over pages,
F1 from those averages.

    python bench/extract.py [DATA_DIR] [--out bench/results/extract.json]

DATA_DIR holds ``*.html`` (or the benchmark's own ``html/*.html.gz``) and ``ground-truth.json`` (``{key: {"articleBody", "url"}}``);
the default is ../shared/data/pages/scrapinghub-dev relative to the repo (or
/work/shared/...). Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = [
    REPO.parent / "shared" / "data" / "pages" / "scrapinghub-dev",
    Path("/work/shared/data/pages/scrapinghub-dev"),
]
TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n gives its single short shingle."""
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_scores(truth: str, pred: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where the benchmark leaves a page out of an average."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    if fp == fn == 0:
        return 1.0, 1.0
    precision = (0.0 if tp == fp == 0 else tp / (tp + fp)) if tp + fp > 0 else None
    recall = (0.0 if tp == fn == 0 else tp / (tp + fn)) if tp + fn > 0 else None
    return precision, recall


def evaluate(
    name: str, extract: Callable[[bytes, str], str], pages: list[tuple[str, bytes, str, str]]
) -> dict:
    """Run one extractor over every page and score it."""
    precisions, recalls, per_page = [], [], {}
    started = time.perf_counter()
    outputs = [extract(html, url) or "" for _key, html, url, _truth in pages]
    elapsed = time.perf_counter() - started
    for (key, _html, _url, truth), pred in zip(pages, outputs, strict=True):
        p, r = page_scores(truth, pred)
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
        per_page[key] = {"precision": p, "recall": r}
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "name": name,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pages": len(pages),
        "seconds": elapsed,
        "pages_per_s": len(pages) / elapsed if elapsed else 0.0,
        "per_page": per_page,
    }


def load_pages(data: Path) -> list[tuple[str, bytes, str, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        # as in this folder, or as the benchmark's repository keeps them (html/<key>.html.gz)
        names = [f"{key}.html", f"{key}.html.gz", f"html/{key}.html.gz", f"html/{key}.html"]
        path = next((data / n for n in names if (data / n).exists()), None)
        if path is not None:
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            pages.append((key, raw, truth[key].get("url") or "", truth[key].get("articleBody") or ""))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, help="folder with *.html and ground-truth.json")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "extract.json")
    args = parser.parse_args(argv)
    data = args.data or next((d for d in DEFAULT_DIRS if d.exists()), None)
    if data is None or not (data / "ground-truth.json").exists():
        print(f"extract benchmark: no data at {data or DEFAULT_DIRS[0]}; skipping")
        return 0
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)  # trafilatura logs every odd page
    import trafilatura

    from global24.sources.pages import extract_page

    pages = load_pages(data)

    def ours(html: bytes, url: str) -> str:
        return extract_page(html, {}, url).text

    def plain(html: bytes, url: str) -> str:
        return trafilatura.extract(html, url=url or None) or ""

    results = [
        evaluate("global24 extract", ours, pages),
        evaluate("trafilatura.extract (defaults)", plain, pages),
    ]
    print(f"\nArticle extraction on {len(pages)} pages from {data}\n")
    print(f"{'extractor':<32} {'precision':>9} {'recall':>7} {'F1':>7} {'pages/s':>8}")
    for r in results:
        print(
            f"{r['name']:<32} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>7.3f} {r['pages_per_s']:>8.1f}"
        )
    ratio = results[0]["f1"] / results[1]["f1"] if results[1]["f1"] else float("nan")
    print(f"\nF1 ratio global24/trafilatura: {ratio:.3f}  (target F1 >= 0.95)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"data": str(data), "pages": len(pages), "results": results, "f1_ratio": ratio}, indent=2),
        encoding="utf-8",
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
