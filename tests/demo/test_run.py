"""`global24 demo` end to end: one round on the bundled sources, on the corpus's own clock."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from rich.console import Console

from global24.demo.corpus import DEFAULT_LEAD, load_corpus
from global24.demo.run import corpus_clock_offset, demo_settings, run_demo
from global24.models import adopt_store_clock, set_clock_offset, utcnow
from global24.store import open_store


def test_demo_round_runs_at_the_time_of_its_corpus(tmp_path, monkeypatch):
    monkeypatch.setenv("GLOBAL24_DB_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("GLOBAL24_DEMO_PORT", "0")
    out = io.StringIO()
    run_demo(rounds=1, web=False, console=Console(file=out, width=120))
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=1)  # the wall clock is back

    corpus = load_corpus()
    latest = max(it.published for it in corpus.items)
    settings = demo_settings()
    store = open_store(settings)
    items = list(store.iter_all_items())
    assert len(items) > 300
    # items carry the corpus's own dates, and were fetched on the desk's (corpus) clock
    assert min(it.published_at for it in items) >= min(it.published for it in corpus.items)
    assert max(it.published_at for it in items) <= latest - DEFAULT_LEAD + timedelta(minutes=5)
    fetched = max(it.fetched_at for it in items)
    assert latest - DEFAULT_LEAD <= fetched <= latest

    # so the dates a text names agree with the dates of the visit it reports
    tokyo_titles = {it.title for it in corpus.items if it.story == "trump-tokyo-visit" and it.title}
    sid = Counter(it.story_id for it in items if it.title in tokyo_titles).most_common(1)[0][0]
    article = store.get_article(sid)
    assert article is not None
    days = [date.fromisoformat(e["date"]) for e in article.timeline]
    assert days == sorted(days) and {date(2025, 10, 27), date(2025, 10, 28)} <= set(days), days
    assert all(date(2025, 10, 20) <= d <= date(2025, 11, 5) for d in days), days

    # a second run on the same store carries on from its last fetch: the desk's time never runs back
    offset = corpus_clock_offset(settings, latest, DEFAULT_LEAD)
    assert datetime.now(UTC) + offset >= max(s.last_fetch_at for s in store.list_sources())

    # and `global24 serve` / `export` on this store read it on the clock it was filled on
    assert adopt_store_clock(store)
    try:
        assert fetched <= utcnow() <= fetched + timedelta(minutes=10)
    finally:
        set_clock_offset(timedelta(0))
    store.close()


def test_a_second_demo_on_a_busy_port_says_so_instead_of_doubling_the_store(tmp_path, monkeypatch):
    """Item ids come from URLs and the demo's URLs name its port: a restart must read the same port."""
    import socket

    import pytest

    from global24.demo.run import DemoPortBusy, choose_demo_port

    monkeypatch.setenv("GLOBAL24_DB_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("GLOBAL24_DEMO_PORT", "0")
    run_demo(rounds=1, web=False, console=Console(file=io.StringIO(), width=120))
    settings = demo_settings()
    store = open_store(settings)
    n_items, n_sources = len(list(store.iter_all_items())), len(store.list_sources())
    store.close()
    port = choose_demo_port(settings)  # the port its sources point at, though the setting says "any"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        with pytest.raises(DemoPortBusy, match=f"127.0.0.1:{port}"):
            run_demo(rounds=1, web=False, console=Console(file=io.StringIO(), width=120))
    run_demo(rounds=1, web=False, console=Console(file=io.StringIO(), width=120))  # the port is free again
    store = open_store(settings)
    assert len(list(store.iter_all_items())) == n_items and len(store.list_sources()) == n_sources
    store.close()
