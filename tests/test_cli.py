"""The command line: thin commands over library functions, each documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from global24.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("GLOBAL24_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)


def _ok(*args: str) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output + repr(r.exception)
    return r.output


def test_sources_add_list_remove_and_opml_round_trip(tmp_path):
    _ok("init")
    out = _ok("sources", "add", "https://example.org/feed.xml", "--kind", "rss", "--name", "Example")
    sid = out.split()[1]
    _ok("sources", "add", "https://social.example/@desk", "--kind", "mastodon", "--name", "Desk")
    listing = _ok("sources", "list")
    assert "Example" in listing and "mastodon" in listing
    _ok("sources", "export-opml", "--out", str(tmp_path / "s.opml"))
    _ok("sources", "remove", sid)
    assert "Example" not in _ok("sources", "list")
    assert "imported" in _ok("sources", "import-opml", str(tmp_path / "s.opml"))
    assert "Example" in _ok("sources", "list")
    bad = runner.invoke(app, ["sources", "add", "x", "--kind", "gopher"])
    assert bad.exit_code == 2 and "unknown kind" in bad.output


def test_import_reports_bad_lines_and_keeps_the_rest(tmp_path):
    f = tmp_path / "items.jsonl"
    rows = [
        {"id": "a1", "text": "Emperor Naruhito received President Trump at the Imperial Palace.", "source": "wire"},
        "{not json",
        {"id": "a2", "text": "Prime Minister Sanae Takaichi held talks at Akasaka Palace.", "title": "Talks"},
        {"text": "no id here"},
    ]
    f.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    out = _ok("import", str(f))
    assert re.search(r"imported 2 new", out)
    assert "line 2" in out and "line 4" in out
    hits = _ok("items", "search", "Akasaka")
    assert "Talks" in hits and "Imperial" not in hits


def test_settings_errors_are_clear(monkeypatch):
    monkeypatch.setenv("GLOBAL24_WEB_PORT", "eighty")
    r = runner.invoke(app, ["init"])
    assert r.exit_code == 2 and "web_port" in r.output


def test_every_command_is_documented():
    doc = (ROOT / "docs" / "cli.md").read_text()
    names = []
    for cmd in app.registered_commands:
        names.append(cmd.name or cmd.callback.__name__.replace("_", "-"))
    for group in app.registered_groups:
        for cmd in group.typer_instance.registered_commands:
            names.append(f"{group.name} {cmd.name or cmd.callback.__name__.replace('_', '-')}")
    missing = [n for n in names if f"global24 {n}" not in doc]
    assert not missing, f"commands missing from docs/cli.md: {missing}"


def test_stories_lists_heat_and_the_whole_reason(tmp_path, monkeypatch):
    from datetime import timedelta

    from global24.models import HeatSample
    from global24.publishing.sample import build_sample
    from global24.settings import load_settings
    from global24.store import open_store

    store = open_store(load_settings())
    sample = build_sample(store)
    top = store.list_stories(limit=1)[0]
    store.add_heat_samples([HeatSample(  # as long as the desk's own explanations get
        story_id=top.id, at=sample.now + timedelta(minutes=1), score=top.heat,
        explanation="🔥 86: 6 independent sources in 41 h, 2 languages, 10k engagements; peaked 8 h ago, "
                    "quiet for 3 h")])  # fmt: skip
    reasons = {s.id: store.latest_heat(s.id).explanation for s in store.list_stories(limit=3)}
    store.close()
    monkeypatch.setenv("COLUMNS", "100")
    out = _ok("stories", "--limit", "3")
    why_column = " ".join(line.split("│")[-2].strip() for line in out.splitlines() if line.count("│") > 2)
    for sid, why in reasons.items():
        assert sid in out
        assert " ".join(why.split()) in why_column  # wrapped across lines, never cut short


def test_stories_are_listed_by_their_latest_headline(tmp_path, monkeypatch):
    from dataclasses import replace

    from global24.publishing.sample import build_sample
    from global24.settings import load_settings
    from global24.store import open_store

    store = open_store(load_settings())
    build_sample(store)
    top = store.list_stories(limit=1)[0]
    art = store.get_article(top.id)
    assert art is not None
    store.add_article(replace(art, revision=art.revision + 1, headline="Harbour bridge reopens after the storm"))
    untitled = [s for s in store.list_stories(limit=20) if store.get_article(s.id) is None]
    store.close()
    monkeypatch.setenv("COLUMNS", "200")
    out = _ok("stories", "--limit", "20")
    assert "Harbour bridge reopens after the storm" in out
    assert top.title not in out or top.title == "Harbour bridge reopens after the storm"
    for s in untitled:  # a story with no article yet keeps the clusterer's title
        assert (s.title or s.id) in out
