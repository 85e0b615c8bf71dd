"""The fetcher against a real loopback server: caps, timeouts, redirects, SSRF guard, politeness."""

from __future__ import annotations

import asyncio
import time
import zlib
from datetime import UTC, datetime, timedelta

import pytest

from global24.models import Source
from global24.settings import Settings
from global24.sources.base import CollectResult
from global24.sources.fetcher import (
    Decoder,
    Fetcher,
    TooLarge,
    apply_fetch_outcome,
    is_local_path,
    next_fetch_time,
    parse_retry_after,
    read_local,
)
from global24.sources.guard import AddressGuard, GuardedBackend, GuardedTransport
from tests.sources.conftest import ETAG, LAST_MODIFIED, run


async def _fetch(settings: Settings, url: str, **kw):
    async with Fetcher(settings) as fetcher:
        return await fetcher.fetch(url, **kw)


def test_plain_fetch_returns_bytes_and_headers(server, fetch_settings):
    res = run(_fetch(fetch_settings, server.url("/files/feeds/rss20.xml")))
    assert res.error is None and res.status == 200
    assert b"<rss" in res.content
    assert res.headers["content-type"] == "application/rss+xml"
    assert res.elapsed > 0


def test_gzip_body_is_decoded(server, fetch_settings):
    res = run(_fetch(fetch_settings, server.url("/gzip/feeds/rss20.xml")))
    assert res.error is None
    assert res.content.startswith(b"<?xml") and b"Meridian Wire" in res.content


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/status/500", "HTTP 500"),
        ("/status/404", "HTTP 404"),
        ("/slow/3", "read timed out"),
        ("/trickle", "timed out"),
        ("/endless", "byte cap"),
        ("/huge", "50000000 bytes is over"),
        ("/bomb", "decompressed body is over"),
        ("/loop/a", "redirect loop"),
        ("/chain/9", "too many redirects"),
        ("/redirect?to=http://10.20.30.40/feed.xml", "10.20.30.40 is a private address"),
        ("/redirect?to=http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("/redirect?to=file:///etc/passwd", "only http and https"),
    ],
)
def test_misbehaving_servers_give_errors_not_exceptions(server, fetch_settings, path, expected):
    started = time.monotonic()
    res = run(_fetch(fetch_settings, server.url(path)))
    assert res.error is not None and expected in res.error, res.error
    assert res.content == b""
    assert time.monotonic() - started < fetch_settings.fetch_total_timeout + 2


def test_redirects_are_followed_within_the_limit(server, fetch_settings):
    res = run(_fetch(fetch_settings, server.url("/chain/3")))
    assert res.error is None and res.final_url.endswith("/files/feeds/rss20.xml")
    assert len(res.redirects) == 4


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/feed.xml",
        "http://192.168.1.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://100.64.1.1/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_private_addresses_are_refused(fetch_settings, url):
    res = run(_fetch(fetch_settings, url))
    assert res.error and res.error.startswith("refused"), res.error


def test_loopback_is_refused_unless_allow_listed(server, fetch_settings):
    strict = fetch_settings.replace(fetch_allow_hosts=[])
    res = run(_fetch(strict, server.url("/files/feeds/rss20.xml")))
    assert res.error and "loopback" in res.error
    # The name is resolved first: "localhost" is refused for what it points to.
    res = run(_fetch(strict, f"http://localhost:{server.port}/files/feeds/rss20.xml"))
    assert res.error and "loopback" in res.error
    by_cidr = fetch_settings.replace(fetch_allow_hosts=["127.0.0.0/8"])
    assert run(_fetch(by_cidr, server.url("/files/feeds/rss20.xml"))).error is None


def test_guard_rules():
    guard = AddressGuard(["127.0.0.1", "10.1.0.0/16", "intranet.example"])
    assert guard.refusal("127.0.0.1") is None
    assert guard.refusal("10.1.2.3") is None
    assert "private" in guard.refusal("10.2.0.1")
    assert guard.refusal("10.9.9.9", host="intranet.example") is None
    assert guard.refusal("93.184.215.14") is None
    assert "metadata" in guard.refusal("169.254.169.254", host="intranet.example")
    assert "multicast" in guard.refusal("224.0.0.1")
    assert AddressGuard(["169.254.169.254"]).refusal("169.254.169.254") is None


def test_guarded_transport_really_uses_the_guarded_backend(fetch_settings):
    # We swap httpx's private pool to get our backend in; fail loudly if httpx changes shape.
    transport = GuardedTransport(AddressGuard([]), limits=__import__("httpx").Limits())
    assert isinstance(transport._pool._network_backend, GuardedBackend)


def test_conditional_get_gives_not_modified(server, fetch_settings):
    first = run(_fetch(fetch_settings, server.url("/cond/feeds/rss20.xml")))
    assert first.status == 200 and first.etag == ETAG and first.last_modified == LAST_MODIFIED
    again = run(_fetch(fetch_settings, server.url("/cond/feeds/rss20.xml"), etag=first.etag))
    assert again.not_modified and again.error is None and again.status == 304 and again.content == b""
    by_date = run(_fetch(fetch_settings, server.url("/cond/feeds/rss20.xml"), last_modified=LAST_MODIFIED))
    assert by_date.not_modified


def test_retry_after_is_read(server, fetch_settings):
    res = run(_fetch(fetch_settings, server.url("/busy")))
    assert res.error == "HTTP 429" and res.retry_after == 120.0


def test_parse_retry_after_forms():
    now = datetime(2025, 10, 28, 10, 0, tzinfo=UTC)
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Tue, 28 Oct 2025 10:05:00 GMT", now=now) == 300.0
    assert parse_retry_after("Tue, 28 Oct 2025 09:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_per_host_concurrency_limit(server, fetch_settings):
    settings = fetch_settings.replace(fetch_per_host=2, fetch_concurrency=8)

    async def many():
        async with Fetcher(settings) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(server.url(f"/counted/{i}")) for i in range(6)))

    results = run(many())
    assert all(r.error is None for r in results)
    assert server.state.max_in_flight == 2


def test_politeness_delay_spaces_requests_to_one_host(server, fetch_settings):
    settings = fetch_settings.replace(fetch_politeness_delay=0.2, fetch_per_host=4)

    async def three():
        async with Fetcher(settings) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch(server.url(f"/files/feeds/rss091.xml?n={i}")) for i in range(3))
            )

    run(three())
    times = sorted(t for t, p in server.state.log if p.startswith("/files/feeds/rss091.xml"))
    assert len(times) == 3
    assert all(b - a >= 0.17 for a, b in zip(times, times[1:], strict=False))


def test_decoder_caps_inflation_in_every_call():
    bomb = zlib.compress(b"\0" * 10_000_000, 9)
    decoder = Decoder("deflate", max_out=1_000_000)
    with pytest.raises(TooLarge):
        decoder.feed(bomb)
    assert decoder.out <= 1_000_001
    raw = zlib.compressobj(wbits=-15)
    payload = raw.compress(b"hello " * 100) + raw.flush()
    assert Decoder("deflate", 10_000).feed(payload) == b"hello " * 100


def test_backoff_doubles_and_respects_retry_after():
    s = Settings().replace(fetch_backoff_base=60.0, fetch_backoff_max=3600.0, fetch_interval=900.0)
    now = datetime(2025, 10, 28, tzinfo=UTC)
    src = Source(id="s", kind="feed", url="http://x.example/")
    assert next_fetch_time(src, now, None, settings=s) == now + timedelta(seconds=900)
    src.error_count = 1
    assert next_fetch_time(src, now, "HTTP 500", settings=s) == now + timedelta(seconds=60)
    src.error_count = 3
    assert next_fetch_time(src, now, "HTTP 500", settings=s) == now + timedelta(seconds=240)
    src.error_count = 30
    assert next_fetch_time(src, now, "HTTP 500", settings=s) == now + timedelta(seconds=3600)
    src.error_count = 1
    assert next_fetch_time(src, now, "HTTP 429", retry_after=600, settings=s) == now + timedelta(seconds=600)


def test_apply_fetch_outcome_records_errors_and_recovery():
    s = Settings().replace(fetch_backoff_base=60.0, fetch_interval=900.0)
    now = datetime(2025, 10, 28, tzinfo=UTC)
    src = Source(id="s", kind="feed", url="http://x.example/", etag='"old"')
    failed = apply_fetch_outcome(src, CollectResult(source_id="s", error="HTTP 500"), now, s)
    assert (failed.error_count, failed.last_error) == (1, "HTTP 500")
    assert failed.next_fetch_at == now + timedelta(seconds=60) and failed.etag == '"old"'
    failed2 = apply_fetch_outcome(failed, CollectResult(source_id="s", error="HTTP 500"), now, s)
    assert failed2.error_count == 2 and failed2.next_fetch_at == now + timedelta(seconds=120)
    ok = apply_fetch_outcome(failed2, CollectResult(source_id="s", etag='"new"', last_modified="x"), now, s)
    assert ok.error_count == 0 and ok.last_error is None and ok.last_ok_at == now
    assert ok.etag == '"new"' and ok.next_fetch_at == now + timedelta(seconds=900)
    assert src.error_count == 0, "the input record is not mutated"


def test_local_files_only_through_read_local(tmp_path, fetch_settings):
    f = tmp_path / "items.jsonl"
    f.write_text('{"id": "1", "text": "x"}\n')
    assert read_local(f, 1000) == (f.read_bytes(), None)
    assert read_local(f"file://{f}", 1000)[0] == f.read_bytes()
    assert "over the 5-byte cap" in read_local(f, 5)[1]
    assert read_local(tmp_path / "nope", 1000)[1].startswith("FileNotFoundError")
    assert is_local_path(str(f)) and is_local_path(f"file://{f}") and not is_local_path("https://a.example/x")
    res = run(_fetch(fetch_settings, f"file://{f}"))
    assert res.error and "only http and https" in res.error
