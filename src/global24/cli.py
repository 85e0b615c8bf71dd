"""Command line: thin wrappers, every command calls a library function."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from global24.models import SOURCE_KINDS, Source, adopt_store_clock
from global24.settings import Settings, SettingsError, load_settings

app = typer.Typer(help="Global24: an open-media news desk.", no_args_is_help=True, add_completion=False)
sources_app = typer.Typer(help="Manage the sources the desk watches.", no_args_is_help=True)
items_app = typer.Typer(help="Look at stored items.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
app.add_typer(items_app, name="items")

console = Console()
err = Console(stderr=True)

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="TOML settings file.")]


class _State:
    config: Path | None = None


def _settings(config: Path | None = None, **overrides: Any) -> Settings:
    try:
        return load_settings(config or _State.config, **overrides)
    except SettingsError as exc:
        err.print(f"[red]settings error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _store(settings: Settings) -> Any:
    from global24.store import open_store

    return open_store(settings)


@app.callback()
def main(config: ConfigOpt = None) -> None:
    """Global24 watches open sources, groups them into stories, scores heat and writes cited analyses."""
    _State.config = config


@app.command()
def init() -> None:
    """Create (or migrate) the store named by db_url."""
    s = _settings()
    store = _store(s)
    console.print(f"store ready: {s.db_url} ({store.dialect})")


# sources ------------------------------------------------------------------------------
@sources_app.command("add")
def sources_add(
    url: str,
    kind: Annotated[str, typer.Option(help=f"One of {', '.join(SOURCE_KINDS)}.")] = "feed",
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    weight: Annotated[float, typer.Option(help="Source weight for heat.")] = 1.0,
) -> None:
    """Watch a new source."""
    if kind not in SOURCE_KINDS:
        err.print(f"[red]unknown kind {kind!r}[/red]; use one of {', '.join(SOURCE_KINDS)}")
        raise typer.Exit(2)
    store = _store(_settings())
    src = Source(id=Source.make_id(kind, url), kind=kind, url=url, name=name or url, weight=weight)
    store.upsert_source(src)
    console.print(f"added {src.id} {kind} {url}")


@sources_app.command("list")
def sources_list() -> None:
    """Sources with their health."""
    store = _store(_settings())
    t = Table("id", "kind", "name", "items", "errors", "last error", "next fetch")
    for s in store.list_sources():
        t.add_row(
            s.id,
            s.kind,
            s.name or s.url,
            str(s.item_count),
            str(s.error_count),
            (s.last_error or "")[:60],
            s.next_fetch_at.strftime("%Y-%m-%d %H:%M") if s.next_fetch_at else "due",
        )
    console.print(t)


@sources_app.command("remove")
def sources_remove(source_id: str) -> None:
    """Stop watching a source (its items stay)."""
    store = _store(_settings())
    if not store.remove_source(source_id):
        err.print(f"no source {source_id}")
        raise typer.Exit(1)
    console.print(f"removed {source_id}")


@sources_app.command("import-opml")
def sources_import_opml(path: Path) -> None:
    """Add every feed listed in an OPML file."""
    from global24.sources.opml import parse_opml

    store = _store(_settings())
    result = parse_opml(path.read_bytes())
    sources = result if isinstance(result, list) else result.sources
    for s in sources:
        store.upsert_source(s)
    console.print(f"imported {len(sources)} sources from {path}")


@sources_app.command("export-opml")
def sources_export_opml(out: Annotated[Path | None, typer.Option("--out")] = None) -> None:
    """Write the source list as OPML (stdout by default)."""
    from global24.sources.opml import write_opml

    data = write_opml(_store(_settings()).list_sources())
    if out:
        out.write_bytes(data)
    else:
        sys.stdout.write(data.decode("utf-8"))


# desk -----------------------------------------------------------------------------------
def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console)


def _print_round(report: Any) -> None:
    console.print(
        f"round: {report.sources} sources ({report.fetched} fetched, {report.not_modified} unchanged, "
        f"{report.failed} failed) · {report.items_new} new items, {report.duplicates} duplicates · "
        f"{report.assigned} clustered · {report.heat_samples} heat samples · {len(report.articles)} articles"
    )
    for name, error in report.errors[:10]:
        console.print(f"  [yellow]error[/yellow] {name}: {error}")


@app.command()
def fetch() -> None:
    """One round: fetch due sources, ingest, cluster, score, write."""
    from global24.pipeline import Desk

    desk = Desk(_settings())
    with _progress() as prog:
        task = prog.add_task("fetching", total=None)

        def tick(name: str, done: int, total: int) -> None:
            prog.update(task, total=total, completed=done, description=f"fetched {name[:40]}")

        report = asyncio.run(desk.run_round(progress=tick))
    _print_round(report)


@app.command()
def run() -> None:
    """The desk loop: a round every run_interval seconds until stopped (Ctrl-C)."""
    from global24.pipeline import Desk

    desk = Desk(_settings())
    stop = asyncio.Event()
    try:
        asyncio.run(desk.run_forever(stop, on_round=_print_round))
    except KeyboardInterrupt:
        console.print("stopped")


@app.command("import")
def import_jsonl(
    path: Path,
    source: Annotated[str, typer.Option(help="Source name for items without one.")] = "",
) -> None:
    """Import an Item JSONL file (malformed lines are reported with their line numbers and skipped)."""
    from global24.pipeline import Desk, import_items

    desk = Desk(_settings())
    report, errors = import_items(desk, path, source or path.stem)
    for e in errors:
        err.print(f"[yellow]{e}[/yellow]")
    console.print(
        f"imported {report.inserted} new, {report.updated} updated, {report.duplicates} duplicates; "
        f"{len(errors)} lines skipped"
    )


@app.command()
def backfill(
    paths: list[Path],
    scheduler: Annotated[str, typer.Option(help="sync, local (a Dask LocalCluster) or a scheduler address.")] = "local",
    workers: Annotated[int, typer.Option(help="Workers of the LocalCluster.")] = 2,
    name: Annotated[str, typer.Option(help="Source name for items without one.")] = "archive",
) -> None:
    """Load a large archive of Item JSONL files; parsing and normalizing run on Dask."""
    from global24.pipeline import Desk
    from global24.scale.backfill import backfill as run_backfill

    report = run_backfill(Desk(_settings()), paths, scheduler=scheduler, workers=workers, source_name=name)
    for e in report.errors[:20]:
        err.print(f"[yellow]{e}[/yellow]")
    console.print(
        f"backfill ({report.scheduler}): {report.items} items from {report.files} files, {report.inserted} new, "
        f"{report.duplicates} duplicates, {len(report.errors)} bad lines, {report.stories} stories changed, "
        f"{report.items_per_s:,.0f} items/s"
    )


@items_app.command("search")
def items_search(query: str, limit: int = 20) -> None:
    """Full-text search over stored items."""
    store = _store(_settings())
    t = Table("id", "published", "source", "title")
    for it in store.search_items(query, limit):
        t.add_row(
            it.id,
            it.published_at.strftime("%Y-%m-%d %H:%M") if it.published_at else "",
            it.source_name or it.source_id,
            (it.title or it.text[:80]).replace("\n", " "),
        )
    console.print(t)


@app.command()
def stories(limit: int = 20, status: str | None = None) -> None:
    """Stories ranked by heat, with why they are hot."""
    from global24.pipeline import story_headline

    store = _store(_settings())
    t = Table("🔥", "story", "items", "sources", "status")
    t.add_column("why", overflow="fold")
    for st in store.list_stories(status=status, limit=limit):
        h = store.latest_heat(st.id)
        t.add_row(
            f"{st.heat:.0f}",
            f"{escape(story_headline(store, st))}\n[dim]{st.id}[/dim]",  # rich wraps; a cut would end mid-word
            str(st.item_count),
            str(st.source_count),
            st.status,
            escape(h.explanation) if h else "",
        )
    console.print(t)


# files ------------------------------------------------------------------------------------
@app.command()
def extract(file_or_url: str) -> None:
    """Main text and metadata of one page, as JSON."""
    from global24.sources.pages import extract_to_json

    print(json.dumps(extract_to_json(file_or_url, _settings()), ensure_ascii=False, indent=2))


@app.command("parse-feed")
def parse_feed(file_or_url: str) -> None:
    """Entries of one feed, as Item JSONL."""
    from global24.sources.feeds import parse_feed_to_jsonl

    for row in parse_feed_to_jsonl(file_or_url, _settings()):
        print(json.dumps(row, ensure_ascii=False))


@app.command()
def cluster(
    in_path: Annotated[Path, typer.Option("--in", help="Item JSONL, in arrival order.")],
    out_path: Annotated[Path, typer.Option("--out", help="Assignments JSONL: {id, story}.")],
) -> None:
    """Cluster a file of items in one pass, exactly as the live desk would."""
    from global24.clustering import cluster_jsonl

    stats = cluster_jsonl(in_path, out_path, _settings())
    err.print(json.dumps(stats))


@app.command()
def summarize(
    in_path: Annotated[Path, typer.Option("--in", help="Item JSONL.")],
    words: Annotated[int, typer.Option("--words", help="At most this many words.")] = 100,
) -> None:
    """Plain-text summary (the article's lead) of a set of items."""
    from global24.writing import summarize_jsonl

    print(summarize_jsonl(in_path, words, _settings()))


@app.command()
def write(
    in_path: Annotated[Path, typer.Option("--in", help="Item JSONL.")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the article.")],
    fmt: Annotated[str, typer.Option("--format", help="json, md or html.")] = "json",
) -> None:
    """The full cited analysis article for one set of items."""
    from global24.writing import write_jsonl

    if fmt not in {"json", "md", "html"}:
        err.print("--format must be json, md or html")
        raise typer.Exit(2)
    write_jsonl(in_path, out_path, fmt, _settings())
    console.print(f"wrote {out_path}")


@app.command()
def verify(
    article: Path,
    items: Annotated[Path | None, typer.Option("--items", help="Item JSONL with the cited sources.")] = None,
) -> None:
    """Check an article JSON against its sources: every sentence cited and supported."""
    from global24.writing import verify_file

    report = verify_file(article, items, _settings())
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if report.get("unsupported") or report.get("uncited"):
        raise typer.Exit(1)


# site ---------------------------------------------------------------------------------------
@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
) -> None:
    """Serve the site, feeds and API."""
    import uvicorn

    from global24.web.app import create_app

    s = _settings()
    store = _store(s)
    adopt_store_clock(store)
    uvicorn.run(create_app(s, store), host=host or s.web_host, port=port or s.web_port, log_level="warning")
    store.close()


@app.command()
def export(out: Annotated[Path, typer.Option("--out", help="Folder for the static site.")]) -> None:
    """The whole site and its feeds as static files."""
    from global24.publishing.static import export_site

    s = _settings()
    store = _store(s)
    adopt_store_clock(store)
    n = export_site(store, s, out)
    console.print(f"exported {n} files to {out}")


@app.command()
def demo(
    rounds: Annotated[int, typer.Option(help="Stop after this many rounds (0: run until Ctrl-C).")] = 0,
    port: Annotated[int | None, typer.Option(help="Port of the site.")] = None,
    no_web: Annotated[bool, typer.Option("--no-web", help="Do not serve the site.")] = False,
) -> None:
    """Run the whole desk on the bundled demo sources served on loopback."""
    from global24.demo.run import DemoPortBusy, run_demo

    try:
        run_demo(_State.config, rounds=rounds, web_port=port, web=not no_web, console=console)
    except DemoPortBusy as exc:
        err.print(f"demo: {escape(str(exc))}")
        raise typer.Exit(1) from exc


if __name__ == "__main__":  # pragma: no cover
    app()
