"""A real HTTP server on 127.0.0.1 serving fixture files and misbehaving on purpose.

Routes:
  /files/<path>              a file under tests/data/sources/ (content type from its name)
  /status/<code>             that status, short body
  /slow/<seconds>            waits, then answers 200
  /trickle                   a byte every 50 ms, forever
  /endless                   64 KiB chunks until the client hangs up
  /huge                      declares a 50 MB body
  /bomb                      a small gzip body that inflates to 20 MB
  /gzip/<path>               a fixture file, gzip-encoded
  /garbage                   random bytes labelled as RSS
  /loop/a, /loop/b           redirect to each other
  /chain/<n>                 redirects n more times, then serves rss20.xml
  /redirect?to=URL           redirects anywhere (e.g. a private address)
  /cond/<path>               a fixture file with ETag/Last-Modified, 304 when they match
  /busy                      429 with Retry-After: 120
  /counted/<name>            200 after 0.3 s, counting requests in flight (per-host limit)
  /api/v1/..., /xrpc/...     Mastodon and Bluesky shapes from tests/data/sources/social/
"""

from __future__ import annotations

import asyncio
import gzip
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from global24.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"
ETAG = '"v1-abc"'
LAST_MODIFIED = "Tue, 28 Oct 2025 10:00:00 GMT"
TYPES = {
    ".xml": "application/rss+xml",
    ".rdf": "application/rdf+xml",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".jsonl": "application/x-ndjson",
    ".opml": "text/x-opml",
    ".gif": "image/gif",
}


class ServerState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.log: list[tuple[float, str]] = []
        self.bomb = gzip.compress(b"\0" * 20_000_000, compresslevel=9)

    def reset(self) -> None:
        with self.lock:
            self.in_flight = self.max_in_flight = 0
            self.log.clear()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: ServerState

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _send(
        self, status: int, body: bytes = b"", ctype: str = "text/plain", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _file(self, rel: str) -> tuple[bytes, str] | None:
        path = (DATA / rel).resolve()
        if DATA not in path.parents or not path.is_file():
            return None
        return path.read_bytes(), TYPES.get(path.suffix, "application/octet-stream")

    def do_GET(self) -> None:  # noqa: C901 - one flat routing table reads best here
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        self.state.log.append((time.monotonic(), self.path))
        if path.startswith("/files/"):
            found = self._file(path.removeprefix("/files/"))
            return self._send(200, *found) if found else self._send(404, b"not found")
        if path.startswith("/status/"):
            return self._send(int(path.rsplit("/", 1)[-1]), b"error page")
        if path.startswith("/slow/"):
            time.sleep(float(path.rsplit("/", 1)[-1]))
            return self._send(200, b"late")
        if path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for _ in range(400):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            self.close_connection = True
            return None
        if path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65_530 + b"</p>"
            try:
                for _ in range(100_000):
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
            return None
        if path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            self.close_connection = True
            return None
        if path == "/bomb":
            return self._send(200, self.state.bomb, "application/rss+xml", {"Content-Encoding": "gzip"})
        if path.startswith("/gzip/"):
            found = self._file(path.removeprefix("/gzip/"))
            if not found:
                return self._send(404)
            return self._send(200, gzip.compress(found[0]), found[1], {"Content-Encoding": "gzip"})
        if path == "/garbage":
            return self._send(200, os.urandom(3000), "application/rss+xml")
        if path == "/loop/a":
            return self._send(302, headers={"Location": "/loop/b"})
        if path == "/loop/b":
            return self._send(301, headers={"Location": "/loop/a"})
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[-1])
            target = f"/chain/{n - 1}" if n > 0 else "/files/feeds/rss20.xml"
            return self._send(302, headers={"Location": target})
        if path == "/redirect":
            return self._send(302, headers={"Location": query["to"][0]})
        if path.startswith("/cond/"):
            found = self._file(path.removeprefix("/cond/"))
            if not found:
                return self._send(404)
            validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
            if (
                self.headers.get("If-None-Match") == ETAG
                or self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                return self._send(304, headers=validators)
            return self._send(200, found[0], found[1], validators)
        if path == "/busy":
            return self._send(429, b"slow down", headers={"Retry-After": "120"})
        if path.startswith("/counted/"):
            with self.state.lock:
                self.state.in_flight += 1
                self.state.max_in_flight = max(self.state.max_in_flight, self.state.in_flight)
            time.sleep(0.3)
            with self.state.lock:
                self.state.in_flight -= 1
            return self._send(200, b"counted")
        if path == "/api/v1/accounts/lookup":
            if query.get("acct", [""])[0] in ("tidewatch", "tidewatch@harbor.example"):
                return self._send(200, *self._file("social/mastodon_lookup.json"))  # type: ignore[misc]
            return self._send(404, b'{"error":"Record not found"}', "application/json")
        if path == "/api/v1/accounts/109876543210/statuses":
            return self._send(200, *self._file("social/mastodon_statuses.json"))  # type: ignore[misc]
        if path == "/api/v1/timelines/tag/tokyo":
            return self._send(200, *self._file("social/mastodon_tag.json"))  # type: ignore[misc]
        if path == "/xrpc/app.bsky.feed.getAuthorFeed":
            return self._send(200, *self._file("social/bluesky_author_feed.json"))  # type: ignore[misc]
        if path == "/xrpc/app.bsky.feed.searchPosts":
            return self._send(200, *self._file("social/bluesky_search.json"))  # type: ignore[misc]
        return self._send(404, b"no such route")


class FixtureServer:
    def __init__(self) -> None:
        self.state = ServerState()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def http_server() -> Iterator[FixtureServer]:
    server = FixtureServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(http_server: FixtureServer) -> FixtureServer:
    http_server.state.reset()
    return http_server


@pytest.fixture
def fetch_settings() -> Settings:
    """Loopback allow-listed, fast timeouts and small caps so misbehaving routes fail quickly."""
    return Settings().replace(
        fetch_allow_hosts=["127.0.0.1"],
        fetch_politeness_delay=0.0,
        fetch_connect_timeout=2.0,
        fetch_read_timeout=1.0,
        fetch_total_timeout=3.0,
        fetch_max_bytes=2_000_000,
        fetch_max_decompressed=5_000_000,
        fetch_max_redirects=4,
        fetch_backoff_base=60.0,
        fetch_interval=900.0,
        feed_fetch_articles=0,  # one fetch per feed here; following linked articles has tests of its own
    )


def run(coro: Any) -> Any:
    """Run one coroutine to completion (tests stay plain functions, no async plugin needed)."""
    return asyncio.run(coro)
