"""Benchmark: how the writer's time grows with a story's size, on long articles.

A hot story can hold dozens of full-length articles (a live desk keeps the newest
``write_max_items``, 80). The demo stories are short (the grounding benchmark writes
all 30 in about 9 s). Here a story is made of N long articles, each a run of six
WikiNews articles from the MultiLing set (about 2,000 words an article), and written
whole (`write_article`: evidence, outline, draft, verification). Next to it, in the
same run and on the same text, sumy's LexRank picks a 100-word summary: a peer
that reads every sentence once and ranks them, so the ratio says what the writer's
extra passes cost, on this machine, now.

    .venv/bin/python bench/write_scale.py [MDS_FILE] [--sizes 10,20,40,80] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from global24.models import Item  # noqa: E402
from global24.settings import load_settings  # noqa: E402
from global24.writing.batch import prepare  # noqa: E402
from global24.writing.engine import write_article  # noqa: E402
from summarize import sumy_summary  # noqa: E402  (the peer the summary benchmark runs)

DEFAULT = ROOT.parent / "shared/data/mds/multiling2011.jsonl"


def long_items(path: Path, n: int, seed: int = 1) -> list[Item]:
    """``n`` long articles, each six of the set's articles one after another, from 17 outlets."""
    arts = [it for line in path.open(encoding="utf-8") if line.strip() for it in json.loads(line)["items"]]
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        parts = rnd.sample(arts, 6)
        out.append(
            Item(
                id=f"long-{k}",
                source_id=f"outlet-{k % 17}",
                source_name=f"Outlet {k % 17}",
                title=parts[0].get("title"),
                text="\n".join(p["text"] for p in parts),
            )
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--sizes", default="10,20,40,80")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/write_scale.json")
    args = ap.parse_args()
    if not args.path.is_file():
        print(f"bench/write_scale: no MDS set at {args.path}; skipping")
        return 0
    settings = load_settings(env={})
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        items = prepare(long_items(args.path, n), settings)
        words = sum(len(it.text.split()) for it in items)
        t0 = time.process_time()
        article = write_article(None, items, settings)
        ours = time.process_time() - t0
        t0 = time.process_time()
        sumy_summary("lexrank", [it.text for it in items], 100)
        peer = time.process_time() - t0
        kept = article.grounding.get("verified", 0)
        rows.append({"items": n, "words": words, "write_s": round(ours, 2), "lexrank_s": round(peer, 2),
                     "ratio": round(ours / max(peer, 1e-9), 2), "sentences": kept})  # fmt: skip
    print(f"{'items':>5} {'words':>8} {'write s':>8} {'LexRank s':>9} {'ratio':>6} {'sentences':>9}")
    for r in rows:
        print(
            f"{r['items']:5d} {r['words']:8,d} {r['write_s']:8.2f} {r['lexrank_s']:9.2f} {r['ratio']:6.2f} "
            f"{r['sentences']:9d}"
        )
    print("(CPU seconds of one process; write = the whole article, verification included)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rows": rows}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
