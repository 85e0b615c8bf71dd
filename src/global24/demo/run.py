"""`global24 demo`: the bundled sources on loopback, the desk, and the site — one command."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.table import Table

from global24.models import Source, record_store_clock, set_clock_offset, utcnow
from global24.settings import Settings, load_settings


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class DemoPortBusy(RuntimeError):
    """The port the demo store's sources point at is held by another process."""


def stored_sources(settings: Settings) -> list[Source]:
    """The sources the demo store already holds (none for a new store)."""
    from global24.store import open_store

    store = open_store(settings)
    try:
        return store.list_sources()
    finally:
        store.close()


def choose_demo_port(settings: Settings, sources: list[Source] | None = None) -> int:
    """The port to serve the demo sources on.

    Item ids come from URLs, and the demo's URLs name its port: a store filled from
    one port and read again from another would take every item a second time (as
    copies of the first). So a store that has run before is served from the port its
    sources point at; when another process holds that port (a demo still running),
    this says so instead of doubling the store. A new store takes the configured
    port, or any free one (0, or when the configured one is taken). ``sources``: the
    store's sources, when the caller has read them already.
    """
    sources = stored_sources(settings) if sources is None else sources
    ports = {urlsplit(s.url).port for s in sources if s.url.startswith("http://127.0.0.1:")}
    ports.discard(None)
    if len(ports) == 1:
        port = int(ports.pop())
        if _free(port):
            return port
        raise DemoPortBusy(
            f"this demo store ({settings.db_url}) reads its sources from 127.0.0.1:{port}, and another process "
            "holds that port (is another `global24 demo` running?). Stop it, or give this run its own store "
            "with GLOBAL24_DB_URL."
        )
    return settings.demo_port if settings.demo_port and _free(settings.demo_port) else 0


def demo_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """The user's settings, with the demo's own store and its loopback server allow-listed."""
    base = load_settings(config)
    values: dict[str, Any] = {
        "fetch_allow_hosts": sorted({*base.fetch_allow_hosts, "127.0.0.1"}),
        "fetch_interval": min(base.fetch_interval, 60.0),
        "fetch_politeness_delay": min(base.fetch_politeness_delay, 0.1),
        "fetch_per_host": max(base.fetch_per_host, 8),
        "run_interval": min(base.run_interval, 20.0),
        "write_debounce_minutes": min(base.write_debounce_minutes, 2.0),
    }
    if base.db_url == "sqlite:///data/global24.db":
        values["db_url"] = "sqlite:///data/demo.db"
    values.update(overrides)
    return base.replace(**values)


def register_demo_sources(store: Any, base_url: str) -> list[Source]:
    """Subscribe the store to every source the demo server lists in /sources.json."""
    doc = httpx.get(f"{base_url}/sources.json", timeout=10).json()
    out = []
    for row in doc["sources"]:
        src = Source(
            id=Source.make_id(row["kind"], row["url"]), kind=row["kind"], url=row["url"], name=row["name"]
        )
        existing = store.get_source(src.id)
        if existing is None:
            store.upsert_source(src)
        out.append(existing or src)
    return out


def corpus_clock_offset(
    settings: Settings, latest: datetime, lead: timedelta, sources: list[Source] | None = None
) -> timedelta:
    """How far to move the desk's clock so the demo runs at the time of its corpus.

    The newest corpus item then arrives ``lead`` after the start, as on a live desk,
    and every date a text names agrees with the item's own date (a shifted clock
    would put "Monday, 27 October" a year before the Monday it was published on).
    A demo store that has already run carries on from its last fetch instead, so
    the desk's time never runs backwards. ``sources``: the store's, when already read.
    """
    start = latest - lead
    sources = stored_sources(settings) if sources is None else sources
    last = max((s.last_fetch_at for s in sources if s.last_fetch_at), default=None)
    if last is not None and last > start:
        start = last
    return start - datetime.now(UTC)


def _serve_web(settings: Settings, port: int) -> Any:
    import uvicorn

    from global24.web.app import create_app

    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="global24-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return server


def status_table(store: Any) -> Table:
    st = store.stats()
    t = Table("sources", "failing", "items", "duplicates", "item errors", "stories", "articles", "revisions")
    t.add_row(*(str(st[k]) for k in ("sources", "sources_failing", "items", "duplicates", "item_errors",
                                       "stories", "articles", "revisions")))  # fmt: skip
    return t


def top_stories(store: Any, n: int = 8) -> Table:
    from global24.pipeline import story_headline

    t = Table("🔥", "story", "items", "sources")
    for s in store.list_stories(limit=n):
        t.add_row(f"{s.heat:.0f}", story_headline(store, s)[:80], str(s.item_count), str(s.source_count))
    return t


def run_demo(
    config: Path | None = None,
    *,
    rounds: int = 0,
    web_port: int | None = None,
    web: bool = True,
    console: Console | None = None,
) -> None:
    """Start the demo sources and run the desk on them until stopped (or for ``rounds`` rounds)."""
    from global24.demo.corpus import DEFAULT_LEAD, load_corpus

    console = console or Console()
    settings = demo_settings(config)
    known = stored_sources(settings)  # read once: the port and the clock both follow from them
    demo_port = choose_demo_port(settings, known)
    corpus = load_corpus()
    latest = max(it.published for it in corpus.items)
    # served at their real times (no shift), visible once the desk's clock reaches them
    corpus = dataclasses.replace(corpus, anchor=latest, shift=timedelta(0))
    previous_offset = set_clock_offset(corpus_clock_offset(settings, latest, DEFAULT_LEAD, known))
    try:
        _run_demo(settings, demo_port, corpus, rounds, web_port, web, console)
    finally:
        set_clock_offset(previous_offset)


def _run_demo(
    settings: Settings,
    demo_port: int,
    corpus: Any,
    rounds: int,
    web_port: int | None,
    web: bool,
    console: Console,
) -> None:
    from global24.demo.server import start_demo_server
    from global24.pipeline import Desk

    server = start_demo_server(demo_port, corpus=corpus, clock=utcnow)
    settings = settings.replace(bluesky_appview_url=server.base_url, bluesky_web_url=server.base_url)
    console.print(
        f"[bold]Global24 demo[/bold] · demo sources on {server.base_url} (sources.opml, sources.json)"
    )
    desk = Desk(settings)
    # whoever serves this store later (`global24 serve`) reads it on the same clock
    record_store_clock(desk.store)
    sources = register_demo_sources(desk.store, server.base_url)
    console.print(f"store: {settings.db_url} · {len(sources)} demo sources registered")
    web_server = None
    if web:
        port = web_port or settings.web_port
        try:
            web_server = _serve_web(settings, port)
            if web_server.started:
                console.print(f"[bold green]site: http://127.0.0.1:{port}[/bold green]")
            else:  # the port is taken (a site already running there?): the desk runs on without one
                console.print(f"[yellow]site not served: 127.0.0.1:{port} is not free (--port picks another)[/yellow]")
                web_server = None
        except ImportError as exc:
            console.print(f"[yellow]site not available: {exc}[/yellow]")
    stop = asyncio.Event()
    done = 0

    def on_round(report: Any) -> None:
        nonlocal done
        done += 1
        from global24.cli import _print_round

        _print_round(report)
        console.print(status_table(desk.store))
        if done == 1 or report.assigned:
            console.print(top_stories(desk.store))
        if rounds and done >= rounds:
            stop.set()

    try:
        asyncio.run(desk.run_forever(stop, on_round=on_round))
    except KeyboardInterrupt:
        console.print("stopping")
    finally:
        if web_server is not None:
            web_server.should_exit = True
        with contextlib.suppress(Exception):
            server.stop()
        desk.close()
