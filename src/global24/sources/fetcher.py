"""The fetcher: polite, bounded HTTP GETs that return a result instead of raising.

One :class:`Fetcher` per desk round. It does conditional GETs, limits
concurrency per host and overall, spaces requests to one host, follows
redirects by hand (each hop goes through the SSRF guard), caps wire bytes and
decompressed bytes while streaming, and turns every failure into
``FetchResult.error``. Back-off bookkeeping for the Source record lives at the
bottom (:func:`next_fetch_time`, :func:`apply_fetch_outcome`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import zlib
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from global24.models import Source, utcnow
from global24.settings import Settings
from global24.sources.base import CollectResult, FetchResult, error_text, host_of
from global24.sources.guard import AddressGuard, BlockedAddressError, GuardedTransport

REDIRECT_CODES = {301, 302, 303, 307, 308}
DEFAULT_ACCEPT = "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, text/html;q=0.9, application/xml;q=0.8, */*;q=0.5"


class TooLarge(Exception):
    """The body went over one of the size caps."""


class Fetcher:
    """Async HTTP client with the desk's safety rules; use as ``async with Fetcher(settings)``."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.guard = AddressGuard(settings.fetch_allow_hosts)
        limits = httpx.Limits(
            max_connections=max(1, settings.fetch_concurrency),
            max_keepalive_connections=max(1, settings.fetch_concurrency),
        )
        self.client = httpx.AsyncClient(
            transport=transport or GuardedTransport(self.guard, limits=limits),
            timeout=httpx.Timeout(
                connect=settings.fetch_connect_timeout,
                read=settings.fetch_read_timeout,
                write=settings.fetch_read_timeout,
                pool=settings.fetch_total_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": settings.fetch_user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._total = asyncio.Semaphore(max(1, settings.fetch_concurrency))
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._next_slot: dict[str, float] = {}
        self._slot_lock = asyncio.Lock()
        self.requests = 0  # requests sent, for reports and tests

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects by hand; never raises."""
        started = time.monotonic()
        result = FetchResult(url=url, final_url=url)
        try:
            await self._fetch(result, etag, last_modified, accept)
        except TimeoutError:
            result.error = f"timed out after {self.settings.fetch_total_timeout:g}s in all"
        except Exception as exc:  # the contract: fetch failures are data, not exceptions
            result.error = describe_error(exc)
        if result.error:
            result.content = b""
        result.elapsed = time.monotonic() - started
        return result

    async def _fetch(
        self, result: FetchResult, etag: str | None, last_modified: str | None, accept: str | None
    ) -> None:
        headers = {"Accept": accept or DEFAULT_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        url = result.url
        seen = {url}
        deadline: float | None = None  # the total timeout runs from the first byte sent, not from queueing
        for _hop in range(self.settings.fetch_max_redirects + 1):
            scheme = urlsplit(url).scheme.lower()
            if scheme not in ("http", "https"):
                result.error = f"refused {url!r}: only http and https are fetched"
                return
            host = host_of(url)
            if not host:
                result.error = f"refused {url!r}: no host"
                return
            async with self._total, self._host_semaphore(host):
                await self._wait_turn(host)
                self.requests += 1
                if deadline is None:
                    deadline = asyncio.get_running_loop().time() + self.settings.fetch_total_timeout
                async with (
                    asyncio.timeout_at(deadline),
                    self.client.stream("GET", url, headers=headers) as response,
                ):
                    result.status = response.status_code
                    result.final_url = url
                    result.headers = {k.lower(): v for k, v in response.headers.items()}
                    result.retry_after = parse_retry_after(response.headers.get("retry-after"))
                    if response.status_code in REDIRECT_CODES and response.headers.get("location"):
                        target = urljoin(url, response.headers["location"].strip())
                        result.redirects.append(target)
                        if target in seen:
                            result.error = f"redirect loop at {target}"
                            return
                        seen.add(target)
                        url = target
                        continue
                    if response.status_code == 304:
                        result.not_modified = True
                        return
                    if response.status_code >= 400:
                        result.error = f"HTTP {response.status_code}"
                        return
                    result.content = await self._read_body(response)
                    return
        result.error = f"too many redirects (more than {self.settings.fetch_max_redirects})"

    def _host_semaphore(self, host: str) -> asyncio.Semaphore:
        sem = self._per_host.get(host)
        if sem is None:
            sem = self._per_host[host] = asyncio.Semaphore(max(1, self.settings.fetch_per_host))
        return sem

    async def _wait_turn(self, host: str) -> None:
        """Space requests to one host by the politeness delay."""
        delay = self.settings.fetch_politeness_delay
        if delay <= 0:
            return
        async with self._slot_lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, 0.0))
            self._next_slot[host] = slot + delay
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _read_body(self, response: httpx.Response) -> bytes:
        """Stream the body, counting wire and decompressed bytes against the caps."""
        max_wire = self.settings.fetch_max_bytes
        max_out = self.settings.fetch_max_decompressed
        declared = response.headers.get("content-length")
        if declared and declared.strip().isdigit() and int(declared) > max_wire:
            raise TooLarge(f"body of {int(declared)} bytes is over the {max_wire}-byte cap")
        decoder = Decoder(response.headers.get("content-encoding", ""), max_out)
        wire = 0
        chunks: list[bytes] = []
        async for chunk in response.aiter_raw():
            wire += len(chunk)
            if wire > max_wire:
                raise TooLarge(f"body is over the {max_wire}-byte cap")
            chunks.append(decoder.feed(chunk))
        chunks.append(decoder.flush())
        return b"".join(chunks)


class Decoder:
    """Incremental gzip/deflate decoding with a hard cap on output (gzip-bomb proof)."""

    def __init__(self, encoding: str, max_out: int) -> None:
        codings = [
            c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1:
            raise TooLarge(f"stacked content encodings {encoding!r} are not accepted")
        self.coding = codings[0] if codings else ""
        if self.coding in ("gzip", "x-gzip"):
            self._z: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self._z = None  # zlib-wrapped or raw: decided on the first bytes
        elif self.coding:
            raise ValueError(f"unsupported content encoding {encoding!r}")
        self.max_out = max_out
        self.out = 0

    def _count(self, data: bytes) -> bytes:
        self.out += len(data)
        if self.out > self.max_out:
            raise TooLarge(f"decompressed body is over the {self.max_out}-byte cap")
        return data

    def feed(self, chunk: bytes) -> bytes:
        if not self.coding:
            return self._count(chunk)
        if self._z is None:
            zlib_header = len(chunk) >= 2 and chunk[0] & 0x0F == 8 and (chunk[0] << 8 | chunk[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        parts = []
        data = chunk
        while data:
            # Never let one call inflate more than the remaining budget (+1 to detect overflow).
            part = self._z.decompress(data, self.max_out - self.out + 1)
            parts.append(self._count(part))
            data = self._z.unconsumed_tail
            if not part and data:
                break
        return b"".join(parts)

    def flush(self) -> bytes:
        if not self.coding or self._z is None:
            return b""
        return self._count(self._z.flush())


def describe_error(exc: BaseException) -> str:
    """A clear one-line reason for a failed fetch."""
    if isinstance(exc, BlockedAddressError | TooLarge):
        return str(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return "connect timed out"
    if isinstance(exc, httpx.ReadTimeout):
        return "read timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {exc}" if str(exc) else "connection failed"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"bad HTTP response: {exc}"
    if isinstance(exc, zlib.error):
        return f"corrupt compressed body: {exc}"
    return error_text(exc)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        from datetime import UTC

        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or utcnow())).total_seconds())


def read_local(path: str | Path, max_bytes: int) -> tuple[bytes, str | None]:
    """Bytes of a local file (``file://`` URL or path) for operator-run imports; (b'', error) on failure.

    Only the CLI and operator-configured JSONL/OPML sources read files: the fetcher
    itself never follows a URL to the local disk.
    """
    p = str(path)
    if p.startswith("file://"):
        p = urlsplit(p).path
    try:
        fp = Path(p)
        size = fp.stat().st_size
        if size > max_bytes:
            return b"", f"{fp} is {size} bytes, over the {max_bytes}-byte cap"
        return fp.read_bytes(), None
    except OSError as exc:
        return b"", error_text(exc)


def is_local_path(value: str) -> bool:
    """True for ``file://`` URLs and plain paths (anything without an http(s) scheme)."""
    scheme = urlsplit(value).scheme.lower()
    return scheme == "file" or (scheme not in ("http", "https") and "://" not in value)


# ---------------------------------------------------------------- back-off on the Source record


def next_fetch_time(
    source: Source,
    now: datetime,
    error: str | None,
    retry_after: float | None = None,
    settings: Settings | None = None,
) -> datetime:
    """When to fetch ``source`` next: the interval when healthy, exponential back-off after errors.

    ``source.error_count`` is the count *including* this error. Retry-After is
    honoured (never fetch sooner than the server asked) up to the back-off cap.
    """
    settings = settings or Settings()
    if error:
        exponent = max(0, source.error_count - 1)
        delay = min(settings.fetch_backoff_max, settings.fetch_backoff_base * (2 ** min(exponent, 30)))
    else:
        delay = settings.fetch_interval
    if retry_after is not None:
        delay = max(delay, min(float(retry_after), settings.fetch_backoff_max))
    return now + timedelta(seconds=delay)


def apply_fetch_outcome(
    source: Source,
    result: CollectResult | FetchResult,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Source:
    """A copy of ``source`` with fetch state updated from one collect (or fetch) outcome.

    ``settings`` defaults to the ones the collect ran under (``CollectResult.settings``).
    """
    now = now or utcnow()
    settings = settings or getattr(result, "settings", None) or Settings()
    changes: dict[str, Any] = {"last_fetch_at": now}
    if result.error:
        changes["error_count"] = source.error_count + 1
        changes["last_error"] = result.error
    else:
        changes["error_count"] = 0
        changes["last_error"] = None
        changes["last_ok_at"] = now
        changes["resume_cursor"] = getattr(result, "resume_cursor", None)
        if result.etag:
            changes["etag"] = result.etag
        if result.last_modified:
            changes["last_modified"] = result.last_modified
    updated = dataclasses.replace(source, **changes)
    updated.next_fetch_at = next_fetch_time(updated, now, result.error, result.retry_after, settings)
    return updated


def read_file_or_url(
    file_or_url: str, settings: Any, accept: str | None = None
) -> tuple[bytes, str | None, dict[str, str], str | None]:
    """(content, error, headers, final URL) of a local file or one guarded fetch, for one-off CLI commands.

    The final URL is None for a local file; callers choose the base URL that suits them.
    """
    if is_local_path(file_or_url):
        content, error = read_local(file_or_url, settings.fetch_max_bytes)
        return content, error, {}, None

    async def run() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(file_or_url, accept=accept)

    fetched = asyncio.run(run())
    return fetched.content, fetched.error, dict(fetched.headers), fetched.final_url
