"""Benchmark: Global24's live story clusterer against a tuned single-pass floor and a k-given ceiling.

Data: the Google News sets used by MStream/GSDMM (``clustering/googlenews-stream.jsonl``,
titles, and ``googlenews-ts.jsonl``, title + snippet; lower-cased, stop words
removed, no timestamps). On each file, in the same run:

- **global24**: exactly the live algorithm (``StoryClusterer``, one pass, file
  order, default settings: one configuration for every file). Labels are the
  stories items end in (merges followed), as the desk shows them at the end;
  the labels given at arrival are reported too.
- **floor**: a plain single-pass TF-IDF threshold clusterer (sublinear tf,
  online IDF, centroid cosine) with its threshold grid-searched on that very
  file for the best B-cubed F1, which flatters it.
- **ceiling**: scikit-learn told the true number of stories: KMeans on TF-IDF
  and average-link agglomerative clustering on 200-d LSA.

B-cubed F1 is the headline (NMI rewards crumbs). Speed is items per CPU-second
of the clusterer alone (one core); peak memory comes from a separate run under
tracemalloc. ``--scale`` also replays one file as a 48-hour stream at 100,000
items a day (timestamps added, a quarter of the vocabulary renewed per replay)
and reports the clusterer's memory at the end of the window.

Any other ``*.jsonl`` in the folder (or a file given instead of the folder) is run the same way:
rows are read as Item JSONL by the contract reader ``global24 cluster`` uses (title, published,
lang and source count where present), with the gold story in ``gold`` (or ``label``, ``cluster``,
``story``, ``topic``).

``--mds [FILE]`` also runs a multi-document summarisation set (default
``../shared/data/mds/multiling2011.jsonl``: WikiNews topics of full articles) as one stream of long
articles in date order, with the desk's gold: a topic's articles are one story until it goes quiet for
longer than the 72 h window (:func:`mds_stream`). The googlenews items are titles and snippets; this is
the check on full-length articles, and on a cold start (a few dozen items, so the IDF is still young).

    .venv/bin/python bench/cluster.py [DATA_DIR | FILE.jsonl ...] [--no-ceiling] [--scale] [--mds [FILE]]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from global24.clustering import StoryClusterer, item_from_json
from global24.models import Item
from global24.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = [Path("/work/shared/data/clustering"), ROOT.parent / "shared/data/clustering"]
FILES = ["googlenews-stream.jsonl", "googlenews-ts.jsonl"]
GOLD_KEYS = ("gold", "label", "cluster", "story", "topic")
FLOOR_GRID = [0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.25, 0.3]


def bcubed(pred: list, gold: list) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 (item-averaged)."""
    n = len(pred)
    pair = Counter(zip(pred, gold, strict=True))
    pc, gc_ = Counter(pred), Counter(gold)
    p = sum(c * c / pc[a] for (a, _), c in pair.items()) / n
    r = sum(c * c / gc_[b] for (_, b), c in pair.items()) / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(pred: list, gold: list) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    p, r, f = bcubed(pred, gold)
    return {
        "bcubed_p": round(p, 4),
        "bcubed_r": round(r, 4),
        "bcubed_f1": round(f, 4),
        "nmi": round(normalized_mutual_info_score(gold, pred), 4),
        "ari": round(adjusted_rand_score(gold, pred), 4),
        "clusters": len(set(pred)),
    }


def gold_of(row: dict) -> str | None:
    return next((str(row[k]) for k in GOLD_KEYS if row.get(k) is not None), None)


def text_of(row: dict) -> str:
    """Title and text, lower-cased: what the floor and the ceiling read (the googlenews text as it is)."""
    title = row.get("title") if isinstance(row.get("title"), str) else ""
    text = row.get("text") if isinstance(row.get("text"), str) else ""
    return f"{title} {text}".lower().strip()


def run_global24(rows: list[dict], trace: bool = False) -> tuple[list[str], list[str], dict]:
    settings = load_settings(env={})
    items = []
    for i, r in enumerate(rows):  # as ``global24 cluster`` reads a line (the googlenews sets have no source)
        it = item_from_json(r, i)
        it.source_id = it.source_id or "googlenews"
        items.append(it)
    clusterer = StoryClusterer(settings)
    at_arrival: dict[str, str] = {}
    final: dict[str, str] = {}
    gc.collect()
    if trace:
        tracemalloc.start()
    cpu, wall = time.process_time(), time.perf_counter()
    for it in items:
        a = clusterer.assign(it)
        at_arrival[it.id] = final[it.id] = a.story_id
        for iid, sid in a.split:
            final[iid] = sid
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    stats = {
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        **{k: int(v) for k, v in clusterer.stats.items()},
    }
    if trace:
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stats.update(peak_mb=round(peak / 2**20, 1), current_mb=round(current / 2**20, 1))
    labels = [clusterer.resolve(final[it.id]) for it in items]
    return labels, [at_arrival[it.id] for it in items], stats


def run_floor(docs: list[list[str]], threshold: float) -> list[int]:
    """Plain single pass: join the most similar centroid if cosine ≥ threshold, else start a cluster."""
    df: Counter = Counter()
    sums: list[dict[str, float]] = []
    norms: list[float] = []
    postings: dict[str, dict[int, float]] = defaultdict(dict)
    labels = []
    for n, toks in enumerate(docs, 1):
        tf = Counter(toks)
        df.update(tf.keys())
        vec = {t: (1 + math.log(c)) * math.log((n + 1) / df[t]) for t, c in tf.items()}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        vec = {t: w / norm for t, w in vec.items()}
        acc: dict[int, float] = defaultdict(float)
        for t, w in vec.items():
            for c, cw in postings[t].items():
                acc[c] += w * cw
        best, best_s = -1, 0.0
        for c, s in acc.items():
            s /= math.sqrt(norms[c]) or 1.0
            if s > best_s:
                best, best_s = c, s
        if best < 0 or best_s < threshold:
            best = len(sums)
            sums.append({})
            norms.append(0.0)
        cvec = sums[best]
        for t, w in vec.items():
            cvec[t] = cvec.get(t, 0.0) + w
            postings[t][best] = cvec[t]
        norms[best] = sum(w * w for w in cvec.values())
        labels.append(best)
    return labels


def run_ceiling(texts: list[str], gold: list[str]) -> dict:
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    k = len(set(gold))
    x = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    out = {}
    t = time.perf_counter()
    km = KMeans(k, n_init=3, random_state=0).fit_predict(x)
    out["kmeans_k_given"] = {**scores(list(km), gold), "seconds": round(time.perf_counter() - t, 1)}
    t = time.perf_counter()
    z = TruncatedSVD(200, random_state=0).fit_transform(x)
    z /= np.linalg.norm(z, axis=1, keepdims=True) + 1e-9
    ag = AgglomerativeClustering(k, linkage="average", metric="cosine").fit_predict(z)
    out["agglomerative_k_given"] = {**scores(list(ag), gold), "seconds": round(time.perf_counter() - t, 1)}
    return out


def scale_run(rows: list[dict], days: float = 2.0, per_day: int = 100_000) -> dict:
    """Replay ``rows`` as a timed stream of ``per_day`` items a day; memory of the clusterer at the end."""
    settings = load_settings(env={})
    clusterer = StoryClusterer(settings)
    start = datetime(2025, 10, 27, tzinfo=UTC)
    total = int(days * per_day)
    step = timedelta(days=1) / per_day
    gc.collect()
    tracemalloc.start()
    cpu = time.process_time()
    for i in range(total):
        replay, r = divmod(i, len(rows))
        words = r_words = rows[r]["text"].split()
        if replay:  # renew a quarter of the vocabulary each replay, like new names and events
            r_words = [f"{w}{replay}" if (len(w) + replay) % 4 == 0 else w for w in words]
        when = start + step * i
        clusterer.assign(
            Item(
                id=f"{rows[r]['id']}-{replay}",
                source_id="s",
                text=" ".join(r_words),
                published_at=when,
                fetched_at=when,
            )
        )
        if i % 20_000 == 0:
            clusterer.stories(changed_only=True)
    clusterer.stories(changed_only=True)
    cpu = time.process_time() - cpu
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    indexed = sum(1 for s in clusterer.stories_by_id.values() if s.indexed)
    return {
        "items": total,
        "hours": days * 24,
        "items_per_cpu_s": round(total / cpu, 1),
        "current_mb": round(current / 2**20, 1),
        "peak_mb": round(peak / 2**20, 1),
        "stories_in_memory": len(clusterer.stories_by_id),
        "stories_indexed": indexed,
        "idf_terms": len(clusterer.idf.df),
        "posting_terms": len(clusterer.postings),
    }


MDS_DEFAULT = ROOT.parent / "shared/data/mds/multiling2011.jsonl"


def mds_stream(path: Path, window_hours: float = 72.0) -> list[dict]:
    """A multi-document summarisation set (one topic a line, its full articles in ``items``) as one
    stream of long articles in date order, the date read from each article's dateline as the desk reads
    it. Gold: a topic's articles are one story while they keep coming, split where the topic goes
    quiet for longer than the desk's window (72 h); a topic that runs over years is several stories
    to a desk, not one."""
    from global24.sources.jsonl import dateline_published

    rows = []
    for line in path.open(encoding="utf-8"):
        topic = json.loads(line) if line.strip() else None
        if not isinstance(topic, dict):
            continue
        for it in topic.get("items") or []:
            when = dateline_published(it.get("text") or "")
            if when is not None:
                rows.append({**it, "published": when.isoformat(), "_topic": topic.get("topic"), "_when": when})
    rows.sort(key=lambda r: (r["_when"], r["id"]))
    last: dict = {}
    for r in rows:
        prev = last.get(r["_topic"])
        fresh = prev is None or (r["_when"] - prev[0]).total_seconds() > window_hours * 3600
        story = f"{r['_topic']}-{r['_when']:%Y%m%d}" if fresh else prev[1]
        last[r["_topic"]] = (r["_when"], story)
        r["gold"] = story
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="*", type=Path, help="folder with the clustering JSONL files, or files")
    ap.add_argument("--no-ceiling", action="store_true", help="skip the scikit-learn runs (slow)")
    ap.add_argument("--scale", action="store_true", help="also measure memory on a 48 h stream at 100k/day")
    ap.add_argument(
        "--mds",
        type=Path,
        nargs="?",
        const=MDS_DEFAULT,
        help="also cluster a multi-document summarisation set (MultiLing JSONL: topics of full articles) "
        "as one stream of long articles in date order",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/cluster.json")
    args = ap.parse_args()
    given = args.data or [p for p in DEFAULTS if p.is_dir()][:1]
    paths: list[Path] = []
    for d in given:
        if d.is_dir():  # the googlenews pair first, then any other stream in the folder
            paths += [d / f for f in FILES if (d / f).is_file()]
            paths += sorted(p for p in d.glob("*.jsonl") if p.name not in FILES)
        elif d.is_file():
            paths.append(d)
    streams: list[tuple[str, list[dict]]] = []
    for path in paths:
        rows = []
        for line in path.open(encoding="utf-8"):
            try:
                row = json.loads(line) if line.strip() else None
            except ValueError:
                row = None
            if isinstance(row, dict) and gold_of(row) is not None:
                rows.append(row)
        if not rows:
            print(f"skip {path.name}: no line with an item and its gold story", file=sys.stderr)
            continue
        streams.append((path.name, rows))
    if args.mds is not None:
        if args.mds.is_file():
            streams.append(("multiling-long", mds_stream(args.mds)))
        else:
            print(f"bench/cluster: no MDS set at {args.mds}; skipping it", file=sys.stderr)
    if not streams:
        print("bench/cluster: data not found (looked in", ", ".join(map(str, DEFAULTS)), "); skipping")
        return 0
    results: dict = {"files": {}}
    table = []
    for name_of_file, rows in streams:
        path = Path(name_of_file)
        gold = [gold_of(r) for r in rows]
        labels, arrival, stats = run_global24(rows)
        _, _, traced = run_global24(rows, trace=True)
        ours = {**scores(labels, gold), "items_per_cpu_s": round(len(rows) / stats["cpu_s"], 1)}
        ours.update(stats, peak_mb=traced["peak_mb"])
        entry: dict = {"items": len(rows), "stories": len(set(gold)), "global24": ours}
        entry["global24_at_arrival"] = scores(arrival, gold)
        docs = [text_of(r).split() for r in rows]
        floor = []
        for thr in FLOOR_GRID:
            cpu = time.process_time()
            pred = run_floor(docs, thr)
            floor.append(
                {"threshold": thr, **scores(pred, gold), "cpu_s": round(time.process_time() - cpu, 2)}
            )
        best = max(floor, key=lambda s: s["bcubed_f1"])
        entry["floor_tuned"] = {**best, "items_per_cpu_s": round(len(rows) / max(best["cpu_s"], 1e-9), 1)}
        entry["floor_grid"] = floor
        if not args.no_ceiling:
            entry.update(run_ceiling([text_of(r) for r in rows], gold))
        results["files"][path.name] = entry
        for name in (
            "global24",
            "global24_at_arrival",
            "floor_tuned",
            "kmeans_k_given",
            "agglomerative_k_given",
        ):
            if name in entry:
                s = entry[name]
                table.append((path.name.removeprefix("googlenews-").removesuffix(".jsonl"), name, s))
        print(f"done {path.name}", file=sys.stderr, flush=True)
    if args.scale:
        base = next((p for p in paths if p.name == FILES[-1]), paths[-1])
        rows = [json.loads(line) for line in base.open(encoding="utf-8") if line.strip()]
        results["scale_48h_100k_per_day"] = scale_run(rows)
    print(
        f"{'file':8} {'system':24} {'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} {'NMI':>6} {'ARI':>6} {'clus':>5} {'items/s':>8} {'peakMB':>7}"
    )
    for file, name, s in table:
        speed = s.get("items_per_cpu_s", "")
        print(
            f"{file:8} {name:24} {s['bcubed_p']:6.3f} {s['bcubed_r']:6.3f} {s['bcubed_f1']:6.3f} {s['nmi']:6.3f} "
            f"{s['ari']:6.3f} {s['clusters']:5d} {speed!s:>8} {s.get('peak_mb', '')!s:>7}"
        )
    for file, entry in results["files"].items():
        print(f"{file}: floor threshold tuned on the file = {entry['floor_tuned']['threshold']}")
    if "scale_48h_100k_per_day" in results:
        print("48 h at 100k items/day:", json.dumps(results["scale_48h_100k_per_day"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
