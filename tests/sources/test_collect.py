"""collect() + apply_fetch_outcome(): every kind of failure ends as a recorded error on the Source."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from global24.models import Source
from global24.sources import COLLECTORS, apply_fetch_outcome, collect, parse_feed
from global24.sources.fetcher import Fetcher
from tests.sources.conftest import run

NOW = datetime(2025, 10, 28, 12, 0, tzinfo=UTC)


def _collect_and_record(source: Source, settings, rounds: int = 1):
    async def go():
        async with Fetcher(settings) as fetcher:
            return await collect(source, fetcher, settings=settings)

    result = None
    for _ in range(rounds):
        result = run(go())
        source = apply_fetch_outcome(source, result, NOW)
    return source, result


@pytest.mark.parametrize(
    ("kind", "path", "fragment"),
    [
        ("rss", "/status/500", "HTTP 500"),
        ("rss", "/slow/3", "timed out"),
        ("rss", "/garbage", "not a feed"),
        ("page", "/garbage", "binary content"),
        ("page", "/endless", "byte cap"),
        ("atom", "/huge", "over the 2000000-byte cap"),
        ("jsonfeed", "/bomb", "decompressed body is over"),
        ("page", "/loop/a", "redirect loop"),
        ("rss", "/redirect?to=http://192.168.0.1/rss.xml", "private address"),
        ("rss", "/redirect?to=http://[fd00:ec2::254]/", "cloud metadata"),
        ("jsonl", "/status/503", "HTTP 503"),
    ],
)
def test_failures_are_recorded_on_the_source(server, fetch_settings, kind, path, fragment):
    source = Source(id=f"src_{kind}", kind=kind, url=server.url(path))
    started = time.monotonic()
    updated, result = _collect_and_record(source, fetch_settings)
    assert time.monotonic() - started < 10
    assert result.items == []
    assert updated.error_count == 1 and fragment in updated.last_error, updated.last_error
    assert updated.next_fetch_at == NOW + timedelta(seconds=fetch_settings.fetch_backoff_base)
    assert updated.last_fetch_at == NOW and updated.last_ok_at is None


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("rss", "http://10.1.2.3/feed.xml"),
        ("page", "http://169.254.169.254/latest/meta-data/"),
        ("mastodon", "http://192.168.7.7/@someone"),
        ("bluesky", "at://someone.example"),  # AppView set to a private address below
    ],
)
def test_private_targets_are_refused_and_recorded(fetch_settings, kind, url):
    settings = fetch_settings.replace(bluesky_appview_url="http://10.9.9.9")
    updated, _ = _collect_and_record(Source(id="src_p", kind=kind, url=url), settings)
    assert updated.error_count == 1 and "refused" in updated.last_error


def test_backoff_grows_with_repeated_failures_and_resets_on_success(server, fetch_settings):
    source = Source(id="src_r", kind="rss", url=server.url("/status/500"))
    failed, _ = _collect_and_record(source, fetch_settings, rounds=3)
    assert failed.error_count == 3 and failed.next_fetch_at == NOW + timedelta(seconds=240)
    failed.url = server.url("/files/feeds/rss20.xml")
    healed, result = _collect_and_record(failed, fetch_settings)
    assert len(result.items) == 3
    assert healed.error_count == 0 and healed.last_error is None and healed.last_ok_at == NOW
    assert healed.next_fetch_at == NOW + timedelta(seconds=fetch_settings.fetch_interval)


def test_retry_after_pushes_the_next_fetch_out(server, fetch_settings):
    updated, result = _collect_and_record(
        Source(id="src_b", kind="rss", url=server.url("/busy")), fetch_settings
    )
    assert result.retry_after == 120.0 and updated.last_error == "HTTP 429"
    assert updated.next_fetch_at == NOW + timedelta(seconds=120)


def test_not_modified_keeps_validators_and_counts_as_healthy(server, fetch_settings):
    source = Source(id="src_c", kind="rss", url=server.url("/cond/feeds/rss20.xml"))
    first, r1 = _collect_and_record(source, fetch_settings)
    assert len(r1.items) == 3 and first.etag and first.last_modified
    second, r2 = _collect_and_record(first, fetch_settings)
    assert r2.not_modified and r2.items == [] and second.error_count == 0
    assert second.etag == first.etag


def test_collect_uses_the_settings_it_ran_under_for_backoff(server, fetch_settings):
    slow_interval = fetch_settings.replace(fetch_interval=60.0, fetch_backoff_base=5.0)
    source = Source(id="src_s", kind="rss", url=server.url("/files/feeds/rss20.xml"))
    ok, _ = _collect_and_record(source, slow_interval)  # apply_fetch_outcome called without settings
    assert ok.next_fetch_at == NOW + timedelta(seconds=60)


def test_unknown_kinds_and_adapter_bugs_become_errors(fetch_settings, monkeypatch):
    updated, _ = _collect_and_record(Source(id="src_u", kind="gopher", url="gopher://x"), fetch_settings)
    assert updated.last_error == "unknown source kind 'gopher'"

    async def broken(*args, **kwargs):
        raise RuntimeError("adapter bug")

    monkeypatch.setitem(COLLECTORS, "rss", broken)
    updated, _ = _collect_and_record(Source(id="src_x", kind="rss", url="http://x.example/"), fetch_settings)
    assert updated.last_error == "collector failed: RuntimeError: adapter bug"


def test_many_sources_in_one_round_do_not_disturb_each_other(server, fetch_settings):
    sources = [
        Source(id="a", kind="rss", url=server.url("/files/feeds/rss20.xml")),
        Source(id="b", kind="rss", url=server.url("/status/500")),
        Source(id="c", kind="atom", url=server.url("/files/feeds/atom10.xml")),
        Source(id="d", kind="page", url=server.url("/endless")),
        Source(id="e", kind="jsonfeed", url=server.url("/files/feeds/jsonfeed11.json")),
    ]

    async def round_():
        async with Fetcher(fetch_settings) as fetcher:
            return await asyncio.gather(*(collect(s, fetcher, settings=fetch_settings) for s in sources))

    results = {r.source_id: r for r in run(round_())}
    assert [len(results[k].items) for k in "ace"] == [3, 2, 1]
    assert results["b"].error == "HTTP 500" and "byte cap" in results["d"].error


def test_entity_expansion_feed_is_harmless():
    # "billion laughs": ten levels of ten-fold entity expansion
    decls = ['<!ENTITY e0 "lol">'] + [
        f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(decls)}]>'
        '<rss version="2.0"><channel><title>&e9;</title><item><title>x</title></item></channel></rss>'
    ).encode()
    started = time.monotonic()
    res = parse_feed(bomb, {}, "http://x.example/", Source(id="s", kind="rss", url="x"))
    assert time.monotonic() - started < 5
    assert len(res.title or "") < 1_000_000 and all(len(i.text) < 1_000_000 for i in res.items)
