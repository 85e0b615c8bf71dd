"""Ingest throughput: parse + normalize + dedup, against bare feedparser on the same bytes.

Two corpora: the bundled demo sources (fetched once from the loopback demo
server, then replayed from memory) and a replay of the feedparser conformance
feeds (../shared/data/feeds). Timing excludes the network. Each path runs
``--reps`` times in alternation; medians are quoted, and the headline is the
ratio of our items/s to bare feedparser's entries/s.

The peer runs feedparser with its defaults (HTML sanitizer and relative-URI pass
on) in this process, after global24 has pointed it at expat with buffered text
(sources/saxdriver.py) instead of the absent drv_libxml2 SAX driver it would look
for on every parse, so it gets those speed-ups too: the ratio is against a
feedparser faster than a fresh one.

    python bench/ingest.py [--feeds ../shared/data/feeds] [--reps 5] [--out bench/results/ingest.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import feedparser
import httpx

from global24.dedup import Deduplicator
from global24.models import Source
from global24.normalize import detect_language, normalize_item
from global24.sources.feeds import parse_feed

ROOT = Path(__file__).resolve().parents[1]


def demo_payloads() -> list[tuple[Source, bytes, dict[str, str], str]]:
    """Every feed-like document the demo server serves, fetched once."""
    from global24.demo.server import start_demo_server

    out = []
    with start_demo_server(0) as server:
        doc = httpx.get(f"{server.base_url}/sources.json", timeout=10).json()
        for row in doc["sources"]:
            if row["kind"] not in ("rss", "atom", "jsonfeed", "feed"):
                continue
            r = httpx.get(row["url"], timeout=10)
            src = Source(
                id=Source.make_id(row["kind"], row["url"]), kind=row["kind"], url=row["url"], name=row["name"]
            )
            out.append((src, r.content, dict(r.headers), row["url"]))
    return out


def feed_files(root: Path) -> list[tuple[Source, bytes, dict[str, str], str]]:
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in {".xml", ".json", ".rdf", ".atom"}:
            url = f"http://127.0.0.1/{p.relative_to(root)}"
            out.append(
                (Source(id=Source.make_id("feed", url), kind="feed", url=url), p.read_bytes(), {}, url)
            )
    return out


def run_bare(payloads: list) -> tuple[float, int]:
    t = time.perf_counter()
    n = 0
    for _src, content, headers, _url in payloads:
        n += len(feedparser.parse(content, response_headers=headers or None).entries)
    return time.perf_counter() - t, n


def run_ours(payloads: list) -> tuple[float, int, int]:
    dedup = Deduplicator()  # set-up (LSH parameters) is outside the timed region
    t = time.perf_counter()
    n = dups = 0
    for src, content, headers, url in payloads:
        result = parse_feed(content, headers, url, src)
        for it in result.items:
            it = dedup.check(normalize_item(it))
            n += 1
            dups += it.duplicate_of is not None
    return time.perf_counter() - t, n, dups


def measure(name: str, payloads: list, reps: int) -> dict:
    bare, ours = [], []
    n_bare = n_ours = dups = 0
    for _ in range(reps):
        tb, n_bare = run_bare(payloads)
        to, n_ours, dups = run_ours(payloads)
        bare.append(tb)
        ours.append(to)
    mb, mo = statistics.median(bare), statistics.median(ours)
    return {
        "corpus": name,
        "documents": len(payloads),
        "bytes": sum(len(p[1]) for p in payloads),
        "feedparser_entries": n_bare,
        "feedparser_entries_per_s": n_bare / mb if mb else 0.0,
        "ours_items": n_ours,
        "ours_duplicates": dups,
        "ours_items_per_s": n_ours / mo if mo else 0.0,
        "overhead_ratio": mo / mb if mb else 0.0,
        "reps": reps,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=Path, default=ROOT.parent / "shared" / "data" / "feeds")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    args = ap.parse_args(argv)

    detect_language("warm the language model up before timing anything")
    rows = [measure("demo corpus", demo_payloads(), args.reps)]
    if args.feeds.is_dir():
        rows.append(measure(f"replay of {args.feeds.name}", feed_files(args.feeds), args.reps))
    else:
        print(f"skipping feed replay: {args.feeds} not found")

    head = f"{'corpus':<26} {'docs':>6} {'feedparser e/s':>15} {'ours items/s':>13} {'ours/feedparser time':>21} {'dups':>5}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['corpus']:<26} {r['documents']:>6} {r['feedparser_entries_per_s']:>15,.0f} "
            f"{r['ours_items_per_s']:>13,.0f} {r['overhead_ratio']:>20.2f}x {r['ours_duplicates']:>5}"
        )
    print("(medians of", args.reps, "alternating runs; one core; no network; target >= 1,000 items/s)")
    print("(items/s counts every item, JSON Feed ones too; feedparser's entries/s only the XML feeds it reads)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "ingest", "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
