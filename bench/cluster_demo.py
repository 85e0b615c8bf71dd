"""Benchmark: story clustering on the demo corpus (real late-October-2025 news, 30 gold stories).

Each ``stories/<slug>.json`` of the corpus is one true story, so the corpus is a
gold labelling: 367 items, long articles and short posts, in English, Japanese,
French, Spanish and Portuguese. Items go through the desk's own normalize and
dedup stages, then through the clusterer, in two orders:

- **time**: by published time, as a live desk sees a stream, and as the desk
  stores a fetch round's backlog (``Desk.fetch`` sorts a round by publication time);
- **outlet**: grouped by outlet, newest first within each: a worst case for
  order sensitivity (how a desk that stored each source as it answered used to
  read its first round).

Systems, in the same run and on the same items:

- **global24**: ``StoryClusterer`` with default settings (multilingual on);
- **global24-tfidf**: the same with ``cluster_multilingual=False``;
- **floor**: a plain single-pass TF-IDF threshold clusterer over the same
  terms (title + text) with its threshold grid-searched on this corpus (which
  flatters it).

Reported: B-cubed P/R/F1, NMI, stories, items per CPU-second and per wall
second, how many items and texts in all (items + story exemplars) went through
the multilingual encoder, and where the Tokyo visit's items end.

    .venv/bin/python bench/cluster_demo.py [CORPUS_DIR] [--orders time,outlet] [--show SLUG ...] [--title-case]

``--orphans`` checks the cross-language bridge where it can go wrong: for each story with items in
other languages, the corpus is replayed without that story's English items, and its other-language
items are counted as joined elsewhere when they end in a story that is mostly another gold story
(TF-IDF alone, which never crosses languages, is the baseline).

``--title-case`` recases the English headlines in Title Case ("Trump Meets Emperor Naruhito In
Tokyo"), as many US outlets write them, to check that capitals which are only style do not
become names.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

from global24.clustering import StoryClusterer
from global24.dedup import Deduplicator
from global24.features import extract
from global24.models import Engagement, Item
from global24.normalize import normalize_item
from global24.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from cluster import FLOOR_GRID, run_floor, scores  # noqa: E402  (the googlenews bench's floor and metrics)

DEFAULT_CORPUS = ROOT / "src/global24/demo/corpus"
TOKYO = "trump-tokyo-visit"


def load_items(corpus_dir: Path) -> tuple[list[Item], dict[str, str]] | None:
    """Normalized, deduplicated items of the corpus in time order, and their gold story."""
    from global24.demo.corpus import load_corpus

    corpus = load_corpus(corpus_dir)
    if not corpus.items:
        return None
    dedup = Deduplicator()
    items, gold = [], {}
    for it in sorted(corpus.items, key=lambda x: (x.published, x.key)):
        item = Item(
            id=it.key,
            source_id=it.outlet,
            source_name=corpus.outlets[it.outlet].display_name,
            kind=it.kind,
            title=it.title,
            text=it.text,
            published_at=it.published,
            fetched_at=it.published + timedelta(minutes=5),
            lang=it.lang,
            engagement=Engagement.from_dict(it.engagement),
        )
        item = dedup.check(normalize_item(item, now=it.published + timedelta(minutes=5)))
        items.append(item)
        gold[item.id] = it.story
    return items, gold


def ordered(items: list[Item], order: str) -> list[Item]:
    if order == "outlet":  # one outlet after another, each feed newest first
        by: dict[str, list[Item]] = defaultdict(list)
        for it in items:
            by[it.source_id].append(it)
        out = [it for src in sorted(by) for it in sorted(by[src], key=lambda i: i.published_at, reverse=True)]
    else:
        out = list(items)
    for n, it in enumerate(out, 1):
        it.seq = n
    return out


def run_global24(items: list[Item], multilingual: bool) -> tuple[dict[str, str], dict]:
    settings = load_settings(env={}, cluster_multilingual=multilingual)
    clusterer = StoryClusterer(settings)
    story_of: dict[str, str] = {}
    cpu, wall = time.process_time(), time.perf_counter()
    for it in items:
        a = clusterer.assign(it)
        story_of[it.id] = a.story_id
        for iid, sid in a.split:
            story_of[iid] = sid
    clusterer.review()  # as cluster_jsonl does at the end of a file
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    final = {k: clusterer.resolve(v) for k, v in story_of.items()}
    stats = {
        "e5_texts": int(getattr(getattr(clusterer, "bridge", None), "encoded", 0)),
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 2),
        **{k: int(v) for k, v in clusterer.stats.items()},
    }
    return final, stats


def floor_runs(items: list[Item], gold: dict[str, str]) -> dict:
    docs = []
    for it in items:
        feats = extract(it.title, it.text or "")
        docs.append([t for t, c in feats.terms.items() for _ in range(int(c))])
    truth = [gold[it.id] for it in items]
    best = None
    for thr in FLOOR_GRID:
        cpu = time.process_time()
        pred = run_floor(docs, thr)
        s = {"threshold": thr, **scores(pred, truth), "cpu_s": round(time.process_time() - cpu, 3)}
        if best is None or s["bcubed_f1"] > best["bcubed_f1"]:
            best = s
    return best or {}


def breakdown(items: list[Item], gold: dict[str, str], final: dict[str, str], slug: str) -> list[dict]:
    """The fragments of one gold story: size, languages, and what else each fragment holds."""
    members = defaultdict(list)
    for it in items:
        members[final[it.id]].append(it)
    frags = Counter(final[it.id] for it in items if gold[it.id] == slug)
    out = []
    for sid, n in frags.most_common():
        mine = [it for it in members[sid] if gold[it.id] == slug]
        others = Counter(gold[it.id] for it in members[sid] if gold[it.id] != slug)
        out.append(
            {
                "story": sid,
                "items": n,
                "langs": dict(Counter(it.lang or "?" for it in mine)),
                "others": dict(others),
                "titles": [(it.title or it.text)[:70].replace("\n", " ") for it in mine],
            }
        )
    return out


def orphan_runs(items: list[Item], gold: dict[str, str], multilingual: bool) -> dict:
    """Other-language items of a story whose English items are gone: where do they end?"""
    foreign: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        if not (it.lang or "en").startswith("en"):
            foreign[gold[it.id]].append(it)
    total = wrong = 0
    examples = []
    cpu = time.process_time()
    for slug, fs in sorted(foreign.items()):
        ids = {it.id for it in fs}
        keep = ordered([it for it in items if gold[it.id] != slug or it.id in ids], "time")
        final, _ = run_global24(keep, multilingual)
        members: dict[str, Counter] = defaultdict(Counter)
        for it in keep:
            members[final[it.id]][gold[it.id]] += 1
        for it in fs:
            total += 1
            home = members[final[it.id]].most_common(1)[0][0]
            if home != slug:
                wrong += 1
                examples.append(f"{it.lang} {slug} -> {home}: {(it.title or it.text)[:60]}")
    return {
        "orphans": total,
        "joined_elsewhere": wrong,
        "share": round(wrong / total, 3) if total else 0.0,
        "cpu_s": round(time.process_time() - cpu, 2),
        "examples": examples,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="demo corpus folder")
    ap.add_argument("--orders", default="time,outlet", help="comma list of: time, outlet")
    ap.add_argument("--no-ml", action="store_true", help="skip the default (multilingual) run")
    ap.add_argument("--show", nargs="*", default=[TOKYO], help="gold stories to break down (time order)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/cluster_demo.json")
    ap.add_argument("--orphans", action="store_true", help="also replay each story without its English items")
    ap.add_argument(
        "--title-case",
        action="store_true",
        help="recase the English headlines in Title Case (as many US outlets write them): a robustness check",
    )
    args = ap.parse_args()
    if not (args.corpus / "stories").is_dir():
        print(f"bench/cluster_demo: no corpus at {args.corpus}; skipping")
        return 0
    loaded = load_items(args.corpus)
    if loaded is None:
        print("bench/cluster_demo: corpus is empty; skipping")
        return 0
    items, gold = loaded
    if args.title_case:
        for it in items:
            if it.title and (it.lang or "en").startswith("en"):
                it.title = " ".join(w[:1].upper() + w[1:] for w in it.title.split(" "))
    results: dict = {"items": len(items), "gold_stories": len(set(gold.values())), "orders": {}}
    results["title_case"] = args.title_case
    rows = []
    shown: dict[str, list] = {}
    for order in args.orders.split(","):
        seq = ordered(items, order)
        truth = [gold[it.id] for it in seq]
        entry: dict = {}
        systems = [("global24-tfidf", False)] + ([] if args.no_ml else [("global24", True)])
        for name, ml in systems:
            final, stats = run_global24(seq, ml)
            pred = [final[it.id] for it in seq]
            s = {**scores(pred, truth), **stats}
            s["items_per_cpu_s"] = round(len(seq) / max(stats["cpu_s"], 1e-9), 1)
            s["items_per_wall_s"] = round(len(seq) / max(stats["wall_s"], 1e-9), 1)
            s["tokyo_fragments"] = len({final[it.id] for it in seq if gold[it.id] == TOKYO})
            entry[name] = s
            rows.append((order, name, s))
            if order == "time" and (ml or args.no_ml):
                shown = {slug: breakdown(seq, gold, final, slug) for slug in args.show}
        floor = floor_runs(seq, gold)
        floor["items_per_cpu_s"] = round(len(seq) / max(floor["cpu_s"], 1e-9), 1)
        entry["floor_tuned"] = floor
        rows.append((order, "floor_tuned", floor))
        results["orders"][order] = entry
    results["breakdown"] = shown
    print(f"demo corpus: {len(items)} items, {results['gold_stories']} gold stories")
    print(
        f"{'order':7} {'system':15} {'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} {'NMI':>6} {'stories':>7} "
        f"{'tokyo':>5} {'cpu_s':>6} {'wall_s':>6} {'it/cpu_s':>8} {'e5 items':>8} {'e5 texts':>8}"
    )
    for order, name, s in rows:
        print(
            f"{order:7} {name:15} {s['bcubed_p']:6.3f} {s['bcubed_r']:6.3f} {s['bcubed_f1']:6.3f} "
            f"{s['nmi']:6.3f} {s['clusters']:7d} {s.get('tokyo_fragments', ''):>5} {s.get('cpu_s', ''):>6} "
            f"{s.get('wall_s', ''):>6} {s.get('items_per_cpu_s', ''):>8} {s.get('embedded', ''):>8} "
            f"{s.get('e5_texts', '') or '':>8}"
        )
    for order, entry in results["orders"].items():
        print(f"{order}: floor threshold tuned on the corpus = {entry['floor_tuned'].get('threshold')}")
    for slug, frags in shown.items():
        print(f"\n{slug}: {len(frags)} fragment(s) (time order, default system)")
        for f in frags:
            print(f"  {f['items']:3d} items {f['langs']} + others {f['others']}")
            for t in f["titles"]:
                print(f"        {t}")
    if args.orphans:
        results["orphans"] = {
            name: orphan_runs(items, gold, ml)
            for name, ml in [("global24-tfidf", False)] + ([] if args.no_ml else [("global24", True)])
        }
        print("\nother-language items of a story replayed without its English items (time order):")
        print(f"{'system':15} {'items':>6} {'joined elsewhere':>17} {'share':>6} {'cpu_s':>6}")
        for name, o in results["orphans"].items():
            print(f"{name:15} {o['orphans']:6d} {o['joined_elsewhere']:17d} {o['share']:6.3f} {o['cpu_s']:6}")
        for name, o in results["orphans"].items():
            for e in o["examples"]:
                print(f"  {name}: {e}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
