"""bench/cluster.py runs any clustering stream in the Item JSONL shape, not only the googlenews pair."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_cluster", ROOT / "bench" / "cluster.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_a_cased_stream_with_titles_times_and_another_gold_key(tmp_path, monkeypatch):
    stories = {
        "quake": ("Earthquake of magnitude {n}.{n} strikes off Crete", "A strong earthquake struck off Crete on Monday, "
                  "the Athens Geodynamic Institute said; tremors were felt in Heraklion."),
        "vote": ("Dutch election: D66 and PVV level on {n}{n} seats", "Rob Jetten's D66 and Geert Wilders' PVV were tied "
                 "after the Dutch general election, with postal votes from abroad still to count."),
    }  # fmt: skip
    lines = []
    for n in range(1, 7):
        for key, (title, text) in stories.items():
            lines.append(json.dumps({
                "id": f"{key}{n}", "title": title.format(n=n), "text": text, "source": f"outlet{n}",
                "published": f"2025-10-2{n}T0{n}:00:00Z", "label": key,
            }))  # fmt: skip
    lines.insert(3, "{not json")
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "result.json"
    monkeypatch.setattr(sys, "argv", ["cluster.py", str(path), "--no-ceiling", "--out", str(out)])
    assert _bench().main() == 0
    entry = json.loads(out.read_text())["files"]["stream.jsonl"]
    assert entry["items"] == 12 and entry["stories"] == 2
    assert entry["global24"]["bcubed_f1"] > 0.9


def test_a_summarisation_set_is_a_stream_of_long_articles_with_the_desks_gold(tmp_path, monkeypatch):
    """--mds: one topic a line; its articles are one story while they keep coming, and a new one after
    a silence longer than the desk's window (the date is each article's dateline)."""
    topics = [
        {"topic": "T1", "items": [
            {"id": "a", "title": "Storm hits", "text": "Monday, March 2, 2020\nA storm hit the coast on Monday."},
            {"id": "b", "title": "Storm clean-up", "text": "Wednesday, March 4, 2020\nThe clean-up began."},
            {"id": "c", "title": "Storm inquiry", "text": "Friday, May 1, 2020\nAn inquiry into the storm opened."},
        ]},
        {"topic": "T2", "items": [
            {"id": "d", "title": "Vote count", "text": "Tuesday, March 3, 2020\nVotes were counted on Tuesday."},
            {"id": "e", "title": "Undated", "text": "No date opens this article."},
        ]},
    ]  # fmt: skip
    path = tmp_path / "mds.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in topics), encoding="utf-8")
    bench = _bench()
    rows = bench.mds_stream(path)
    assert [r["id"] for r in rows] == ["a", "d", "b", "c"]  # date order; an undated article cannot be placed
    gold = {r["id"]: r["gold"] for r in rows}
    assert gold["a"] == gold["b"] != gold["c"] and gold["d"] not in (gold["a"], gold["c"])
    assert rows[0]["published"].startswith("2020-03-02")
    out = tmp_path / "result.json"
    monkeypatch.setattr(sys, "argv", ["cluster.py", str(tmp_path / "none"), "--no-ceiling", "--mds", str(path),
                                      "--out", str(out)])  # fmt: skip
    assert bench.main() == 0
    entry = json.loads(out.read_text())["files"]["multiling-long"]
    assert entry["items"] == 4 and entry["stories"] == 3
