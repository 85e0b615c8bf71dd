"""Webhooks: a story crossed the heat threshold, an article has a new revision, a source is failing.

Each event is POSTed as JSON to every configured URL, signed with
HMAC-SHA256 over ``"<timestamp>.<body>"`` (header ``X-Global24-Signature:
sha256=<hex>``, timestamp in ``X-Global24-Timestamp``) so receivers can check
both origin and freshness. Network errors, 5xx and 429 are retried with
exponential back-off; other 4xx are final. Every delivery lands in the
store's delivery log. What was already announced is remembered in the
store's state, so a restart does not repeat events.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from global24.models import Article, HeatSample, utcnow
from global24.settings import Settings
from global24.store.base import Store
from global24.web.render import isoformat, revision_url, source_url, story_url

log = logging.getLogger(__name__)

STATE_KEY = "webhooks"
HOT_HYSTERESIS = 5.0  # a story must cool this far below the threshold before it can fire story.hot again
SIGNATURE_HEADER = "X-Global24-Signature"
TIMESTAMP_HEADER = "X-Global24-Timestamp"
EVENT_HEADER = "X-Global24-Event"
DELIVERY_HEADER = "X-Global24-Delivery"
MAX_RETRY_AFTER = 60.0


@dataclass
class Event:
    type: str  # story.hot | article.revision | source.failing
    id: str  # stable: the same happening always has the same id, so receivers can drop repeats
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def payload(self, settings: Settings) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "created_at": isoformat(self.at),
                "site": settings.base_url.rstrip("/"), "data": self.data}


def _event_id(*parts: Any) -> str:
    return "evt_" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str, body: bytes, timestamp: str, signature: str, max_age: float | None = 300.0,
    now: float | None = None,
) -> bool:
    """What a receiver runs: the signature matches and (optionally) the timestamp is recent."""
    if not secret or not signature or not timestamp:
        return False
    if max_age is not None:
        try:
            if abs((now if now is not None else time.time()) - int(timestamp)) > max_age:
                return False
        except ValueError:
            return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


# --- which events a round produced -----------------------------------------------------------


def _load_state(store: Store) -> dict[str, Any]:
    raw = store.get_state(STATE_KEY)
    try:
        state = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        state = {}
    return {"hot": list(state.get("hot", [])), "failing": list(state.get("failing", []))}


def events_for_round(
    store: Store, settings: Settings, samples: Iterable[HeatSample], articles: Iterable[Article],
    now: datetime | None = None,
) -> list[Event]:
    """Events for this round's heat samples, new revisions and source health; updates what was announced."""
    now = now or utcnow()  # the desk's clock: events are news times (signatures use the wall clock)
    state = _load_state(store)
    hot, failing = set(state["hot"]), set(state["failing"])
    base = settings.base_url.rstrip("/")
    threshold = float(settings.webhook_heat_threshold)
    events: list[Event] = []

    latest: dict[str, HeatSample] = {}
    for s in samples:
        if s.story_id not in latest or s.at >= latest[s.story_id].at:
            latest[s.story_id] = s
    for story_id, s in sorted(latest.items()):
        if s.score >= threshold and story_id not in hot:
            hot.add(story_id)
            story = store.get_story(story_id)
            events.append(Event("story.hot", _event_id("story.hot", story_id, isoformat(s.at)), now, {
                "story_id": story_id,
                "title": story.title if story else None,
                "heat": round(s.score, 2),
                "threshold": threshold,
                "components": dict(s.components),
                "explanation": s.explanation,
                "url": base + story_url(story_id),
            }))
        elif s.score < threshold - HOT_HYSTERESIS:
            hot.discard(story_id)

    for a in articles:
        events.append(Event("article.revision", _event_id("article.revision", a.story_id, a.revision), now, {
            "story_id": a.story_id,
            "revision": a.revision,
            "headline": a.headline,
            "dek": a.dek,
            "change_note": a.change_note,
            "writer": a.writer,
            "url": base + revision_url(a.story_id, a.revision),
            "api_url": base + f"/api/stories/{a.story_id}/revisions/{a.revision}",
        }))

    limit = max(1, int(settings.webhook_failing_errors))
    for src in store.list_sources():
        if src.enabled and src.error_count >= limit and src.id not in failing:
            failing.add(src.id)
            events.append(Event("source.failing", _event_id("source.failing", src.id, isoformat(src.last_ok_at)),
                                now, {
                "source_id": src.id,
                "name": src.name,
                "url": src.url,
                "error_count": src.error_count,
                "last_error": src.last_error,
                "last_ok_at": isoformat(src.last_ok_at) or None,
                "next_fetch_at": isoformat(src.next_fetch_at) or None,
                "page": base + source_url(src.id),
            }))
        elif src.error_count == 0:
            failing.discard(src.id)

    store.set_state(STATE_KEY, json.dumps({"hot": sorted(hot), "failing": sorted(failing)}).encode())
    return events


# --- delivery ----------------------------------------------------------------------------------


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after", "")
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value)))
    except ValueError:
        return None


def deliver(
    url: str, event: Event, settings: Settings, client: httpx.Client,
    sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """POST one event to one URL with retries; returns the delivery record (also what gets logged)."""
    payload = event.payload(settings)
    record: dict[str, Any] = {"at": datetime.now(UTC), "event": event.type, "url": url, "status": None,
                              "attempts": 0, "ok": False, "error": None, "payload": payload}
    if not settings.webhook_secret:
        record["error"] = "not sent: webhook_secret is empty, so the payload could not be signed"
        return record
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    attempts = max(1, int(settings.webhook_retries))
    delay = float(settings.webhook_backoff)
    for attempt in range(1, attempts + 1):
        record["attempts"] = attempt
        ts = str(int(clock()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": settings.fetch_user_agent,
            EVENT_HEADER: event.type,
            DELIVERY_HEADER: event.id,
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: sign(settings.webhook_secret, ts, body),
        }
        wait = delay
        try:
            resp = client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            record["status"], record["error"] = None, f"{type(exc).__name__}: {exc}"
        else:
            record["status"] = resp.status_code
            if 200 <= resp.status_code < 300:
                record["ok"], record["error"] = True, None
                return record
            record["error"] = f"HTTP {resp.status_code}"
            if resp.status_code != 429 and resp.status_code < 500:
                return record  # the receiver refused it: retrying will not help
            wait = _retry_after(resp) if resp.status_code == 429 and _retry_after(resp) is not None else delay
        if attempt < attempts:
            sleep(wait)
            delay *= 2
    record["error"] = f"{record['error']} (gave up after {attempts} attempts)"
    return record


def send_events(
    store: Store, settings: Settings, events: list[Event], client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[dict[str, Any]]:
    """Deliver every event to every webhook URL (a few in parallel) and log each delivery."""
    urls = [u for u in settings.webhook_urls if u]
    if not urls or not events:
        return []
    own = client is None
    client = client or httpx.Client(timeout=float(settings.webhook_timeout), follow_redirects=False)
    jobs = [(url, ev) for ev in events for url in urls]
    try:
        with ThreadPoolExecutor(max_workers=min(4, len(jobs))) as pool:
            records = list(pool.map(lambda job: deliver(job[0], job[1], settings, client, sleep), jobs))
    finally:
        if own:
            client.close()
    for rec in records:
        try:
            store.log_delivery(rec)
        except Exception as exc:  # a log write failing must not lose the others
            log.warning("could not log webhook delivery to %s: %s", rec["url"], exc)
        if not rec["ok"]:
            log.warning("webhook %s to %s failed: %s", rec["event"], rec["url"], rec["error"])
    return records
