"""Backfill on Dask gives exactly what the in-process path gives, and reports bad lines."""

from __future__ import annotations

import json

import pytest

from global24.demo.corpus import load_corpus
from global24.pipeline import Desk
from global24.scale.backfill import backfill
from global24.settings import load_settings


def _archive(tmp_path):
    corpus = load_corpus()
    rows = []
    for it in sorted(corpus.items, key=lambda x: x.published):
        rows.append(
            json.dumps(
                {
                    "id": it.key,
                    "source": corpus.outlets[it.outlet].display_name,
                    "kind": it.kind,
                    "title": it.title,
                    "text": it.text,
                    "published": it.published.isoformat(),
                }
            )
        )
    half = len(rows) // 2
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(rows[:half]) + "\n{broken line\n")
    b.write_text("\n".join(rows[half:]) + "\n")
    return [a, b], len(rows)


def _run(tmp_path, name, paths, scheduler):
    s = load_settings(env={}, db_url=f"sqlite:///{tmp_path / name}")
    desk = Desk(s)
    report = backfill(desk, paths, scheduler=scheduler, workers=2)
    items = {it.id: it for it in desk.store.iter_all_items()}
    desk.close()
    return report, items


@pytest.mark.slow
def test_dask_local_cluster_matches_in_process(tmp_path):
    paths, n = _archive(tmp_path)
    sync, items_sync = _run(tmp_path, "sync.db", paths, "sync")
    dask, items_dask = _run(tmp_path, "dask.db", paths, "local")
    assert sync.items == dask.items == n
    assert len(sync.errors) == len(dask.errors) == 1 and "a.jsonl:" in dask.errors[0]
    assert set(items_sync) == set(items_dask)
    assert {k: v.duplicate_of for k, v in items_sync.items()} == {
        k: v.duplicate_of for k, v in items_dask.items()
    }
    assert {k: v.story_id for k, v in items_sync.items()} == {k: v.story_id for k, v in items_dask.items()}
    assert sync.duplicates > 0 and sync.stories > 0


def test_backfill_in_process_reports_line_numbers(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"id": "1", "text": "Hurricane Melissa reached Jamaica."}\nnot json\n{"id": "2"}\n')
    report, items = _run(tmp_path, "x.db", [p], "sync")
    assert report.items == 1 and set(items) == {"1"}
    assert len(report.errors) == 2
    assert "x.jsonl:2:" in report.errors[0] and "x.jsonl:3:" in report.errors[1]
