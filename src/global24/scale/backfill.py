"""Backfill: load a large archive of Item JSONL files into the desk, the parallel part on Dask.

Reading, validating and normalizing items is independent per item, so it runs
on Dask: in process (``sync``), on a LocalCluster (``local``) or on a real
cluster (a scheduler address such as ``tcp://10.0.0.5:8786``). What depends on
arrival order — dedup, storing and clustering — runs here, in file order, so
the result is exactly what the live desk would have made of the same stream.
Memory stays bounded: chunks are sent in windows, never the whole archive.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from global24.models import Item, Source, utcnow

CHUNK_LINES = 2000
WINDOW_CHUNKS = 16


@dataclass
class BackfillReport:
    files: int = 0
    lines: int = 0
    items: int = 0
    inserted: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    stories: int = 0
    seconds: float = 0.0
    scheduler: str = "sync"

    @property
    def items_per_s(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


def _chunks(paths: list[Path], size: int) -> Iterator[tuple[str, int, list[str]]]:
    """(file, first line number, lines) in file order."""
    for p in paths:
        with p.open("r", encoding="utf-8", errors="replace") as fh:
            buf: list[str] = []
            start = 1
            for n, line in enumerate(fh, 1):
                if not buf:
                    start = n
                buf.append(line)
                if len(buf) >= size:
                    yield str(p), start, buf
                    buf = []
            if buf:
                yield str(p), start, buf


def prepare_chunk(chunk: tuple[str, int, list[str]]) -> tuple[list[Item], list[str]]:
    """Parse and normalize one chunk of lines (runs on a Dask worker)."""
    from global24.normalize import NORMALIZE_FAILED, normalize_item
    from global24.sources.jsonl import iter_jsonl

    path, start, lines = chunk
    items: list[Item] = []
    errors: list[str] = []
    now = utcnow()
    for n, item, problem in iter_jsonl(lines):
        if item is None:
            errors.append(f"{path}:{start + n - 1}: {(problem or '').split(': ', 1)[-1]}")
            continue
        try:
            items.append(normalize_item(item, now))
        except Exception as exc:  # keep the item, note why it is raw
            item.error = f"{NORMALIZE_FAILED}: {exc}"
            items.append(item)
    return items, errors


@contextlib.contextmanager
def _executor(scheduler: str, workers: int) -> Iterator[Any]:
    """A function mapping prepare_chunk over a list of chunks, in order."""
    if scheduler == "sync":
        yield lambda chunks: [prepare_chunk(c) for c in chunks]
        return
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = Client(cluster)
    else:
        cluster, client = None, Client(scheduler)
    try:
        yield lambda chunks: client.gather(client.map(prepare_chunk, chunks, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def backfill(
    desk: Any,
    paths: list[Path],
    *,
    scheduler: str = "local",
    workers: int = 2,
    source_name: str = "archive",
    cluster: bool = True,
) -> BackfillReport:
    """Import ``paths`` (Item JSONL) into ``desk``'s store; returns counts and timing."""
    report = BackfillReport(files=len(paths), scheduler=scheduler)
    t0 = time.perf_counter()
    archive = Source(
        id=Source.make_id("jsonl", f"backfill:{source_name}"), kind="jsonl", url=f"backfill:{source_name}"
    )
    archive.name, archive.enabled = source_name, False
    if desk.store.get_source(archive.id) is None:
        desk.store.upsert_source(archive)
    chunks = _chunks(paths, CHUNK_LINES)
    with _executor(scheduler, workers) as run:
        while True:
            window = [c for _, c in zip(range(WINDOW_CHUNKS), chunks, strict=False)]
            if not window:
                break
            report.lines += sum(len(c[2]) for c in window)
            for items, errors in run(window):
                report.errors.extend(errors)
                batch = []
                for it in items:
                    if not it.source_id:
                        it.source_id, it.source_name = archive.id, archive.name
                    it = desk.dedup.check(it)
                    report.duplicates += it.duplicate_of is not None
                    batch.append(it)
                report.items += len(batch)
                report.inserted += desk.store.upsert_items(batch).inserted
    if cluster:
        _, report.stories = desk.cluster()
    report.seconds = time.perf_counter() - t0
    return report
