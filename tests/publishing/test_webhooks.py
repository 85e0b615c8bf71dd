"""Webhooks against a real HTTP receiver on 127.0.0.1: signatures, retries with back-off, the log."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from global24.models import HeatSample
from global24.publishing.sample import SAMPLE_NOW
from global24.publishing.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Event,
    deliver,
    events_for_round,
    send_events,
    verify_signature,
)

SECRET = "s3cret-for-tests"


class Receiver:
    """Records every POST; answers with the next status from ``statuses`` (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[dict] = []
        self.lock = threading.Lock()


@contextmanager
def receiver(statuses: list[int] | None = None) -> Iterator[tuple[str, Receiver]]:
    rec = Receiver(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            with rec.lock:
                rec.requests.append({"at": time.monotonic(), "headers": dict(self.headers), "body": body})
                status = rec.statuses.pop(0) if rec.statuses else 200
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook", rec
    finally:
        httpd.shutdown()
        httpd.server_close()


def _settings(site, url: str, **extra):
    s, _, _ = site
    values = {"webhook_urls": [url], "webhook_secret": SECRET, "webhook_backoff": 0.1, "webhook_retries": 4,
              "webhook_timeout": 5.0, **extra}
    return s.replace(**values)


def _event() -> Event:
    return Event("article.revision", "evt_test", SAMPLE_NOW, {"story_id": "st_sample_bridge", "revision": 2})


def test_signed_post_verifies_and_is_logged(site):
    _, store, _ = site
    with receiver() as (url, rec):
        s = _settings(site, url)
        records = send_events(store, s, [_event()])
    assert [r["ok"] for r in records] == [True]
    req = rec.requests[0]
    body, ts, sig = req["body"], req["headers"][TIMESTAMP_HEADER], req["headers"][SIGNATURE_HEADER]
    # checked two ways: the helper receivers use, and plain hmac as any other language would
    assert verify_signature(SECRET, body, ts, sig)
    expected = "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert sig == expected
    assert not verify_signature("wrong-secret", body, ts, sig)
    assert not verify_signature(SECRET, body + b" ", ts, sig)
    assert not verify_signature(SECRET, body, str(int(ts) - 3600), sig)  # stale timestamp
    payload = json.loads(body)
    assert payload["type"] == "article.revision" and payload["data"]["revision"] == 2
    assert req["headers"]["X-Global24-Event"] == "article.revision"
    assert req["headers"]["X-Global24-Delivery"] == "evt_test"
    logged = store.list_deliveries()
    assert logged[0]["ok"] and logged[0]["attempts"] == 1 and logged[0]["status"] == 200
    assert logged[0]["payload"]["id"] == "evt_test"


def test_retries_on_500_with_growing_back_off(site):
    _, store, _ = site
    with receiver([500, 500, 503]) as (url, rec):
        records = send_events(store, _settings(site, url), [_event()])
    assert records[0]["ok"] and records[0]["attempts"] == 4
    times = [r["at"] for r in rec.requests]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 3
    assert gaps[0] >= 0.09 and gaps[1] >= 0.19 and gaps[2] >= 0.39  # 0.1, 0.2, 0.4 s
    assert gaps[2] > gaps[0]
    # every attempt carries the same delivery id, so the receiver can drop repeats
    assert {r["headers"]["X-Global24-Delivery"] for r in rec.requests} == {"evt_test"}
    log = store.list_deliveries()[0]
    assert log["ok"] and log["attempts"] == 4


def test_gives_up_and_logs_the_failure(site):
    _, store, _ = site
    waits: list[float] = []
    with receiver([500] * 10) as (url, rec):
        records = send_events(store, _settings(site, url, webhook_retries=3), [_event()], sleep=waits.append)
    assert len(rec.requests) == 3 and waits == [0.1, 0.2]
    assert not records[0]["ok"] and "gave up after 3 attempts" in records[0]["error"]
    log = store.list_deliveries()[0]
    assert not log["ok"] and log["status"] == 500 and log["attempts"] == 3


def test_client_errors_are_not_retried(site):
    _, store, _ = site
    with receiver([410]) as (url, rec):
        records = send_events(store, _settings(site, url), [_event()], sleep=lambda _: None)
    assert len(rec.requests) == 1 and records[0]["status"] == 410 and not records[0]["ok"]


def test_unreachable_receiver_is_retried_then_logged(site):
    _, store, _ = site
    with receiver() as (url, _):
        dead = url  # the server is shut down when the block ends
    waits: list[float] = []
    s = _settings(site, dead, webhook_retries=2)
    with httpx.Client(timeout=2) as client:
        rec = deliver(dead, _event(), s, client, sleep=waits.append)
    assert not rec["ok"] and rec["status"] is None and rec["attempts"] == 2 and waits == [0.1]
    assert "ConnectError" in rec["error"]


def test_without_a_secret_nothing_is_sent(site):
    _, store, _ = site
    with receiver() as (url, rec):
        s = _settings(site, url, webhook_secret="")
        records = send_events(store, s, [_event()])
    assert rec.requests == [] and not records[0]["ok"] and "webhook_secret" in records[0]["error"]


def _sample(story_id: str, score: float, minutes: int) -> HeatSample:
    return HeatSample(story_id=story_id, at=SAMPLE_NOW + timedelta(minutes=minutes), score=score)


def test_hot_fires_once_per_crossing(site):
    s, store, _ = site
    s = s.replace(webhook_heat_threshold=80.0, webhook_failing_errors=100)  # no source events here
    first = events_for_round(store, s, [_sample("st_sample_bridge", 86, 1)], [], now=SAMPLE_NOW)
    assert [e.type for e in first] == ["story.hot"]
    assert first[0].data["heat"] == 86 and first[0].data["url"] == "https://news.example/story/st_sample_bridge/"
    assert events_for_round(store, s, [_sample("st_sample_bridge", 90, 2)], [], now=SAMPLE_NOW) == []
    # cooling just under the threshold is not enough to re-arm (hysteresis) ...
    assert events_for_round(store, s, [_sample("st_sample_bridge", 78, 3)], [], now=SAMPLE_NOW) == []
    assert events_for_round(store, s, [_sample("st_sample_bridge", 85, 4)], [], now=SAMPLE_NOW) == []
    # ... cooling well below it is, and the next crossing fires again
    assert events_for_round(store, s, [_sample("st_sample_bridge", 60, 5)], [], now=SAMPLE_NOW) == []
    again = events_for_round(store, s, [_sample("st_sample_bridge", 82, 6)], [], now=SAMPLE_NOW)
    assert [e.type for e in again] == ["story.hot"] and again[0].id != first[0].id


def test_revision_and_failing_source_events(site):
    s, store, sample = site
    s = s.replace(webhook_failing_errors=3)
    events = events_for_round(store, s, [], [sample.articles[1]], now=SAMPLE_NOW)
    kinds = sorted(e.type for e in events)
    # the sample's Northern Daily has 4 errors in a row
    assert kinds == ["article.revision", "source.failing"]
    rev = next(e for e in events if e.type == "article.revision")
    assert rev.data["url"] == "https://news.example/story/st_sample_bridge/r/2/"
    failing = next(e for e in events if e.type == "source.failing")
    assert failing.data["name"] == "Northern Daily" and failing.data["last_error"].startswith("HTTP 503")
    # announced once; after it recovers and fails again, announced again
    assert events_for_round(store, s, [], [], now=SAMPLE_NOW) == []
    src = store.get_source(failing.data["source_id"])
    src.error_count = 0
    store.upsert_source(src)
    assert events_for_round(store, s, [], [], now=SAMPLE_NOW) == []
    src.error_count = 3
    store.upsert_source(src)
    assert [e.type for e in events_for_round(store, s, [], [], now=SAMPLE_NOW)] == ["source.failing"]
