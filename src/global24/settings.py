"""Settings: one declarative table, loaded once into a frozen object.

Values come from, in rising priority: the defaults below, a TOML file
(``global24.toml`` or ``--config``), and ``GLOBAL24_<NAME>`` environment
variables. TOML may group keys in tables: ``[fetch] timeout = 5`` sets
``fetch_timeout``. Every setting is documented in docs/settings.md (a test
checks it).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


TABLE: tuple[Setting, ...] = (
    # store
    Setting("db_url", str, "sqlite:///data/global24.db", "Store URL: sqlite:///PATH or postgresql://…"),
    Setting("data_dir", str, "data", "Folder for the SQLite file, exports and logs."),
    # fetching
    Setting("fetch_connect_timeout", float, 5.0, "Seconds to wait for a TCP/TLS connection."),
    Setting("fetch_read_timeout", float, 15.0, "Seconds to wait between bytes of a response."),
    Setting("fetch_total_timeout", float, 30.0, "Hard cap in seconds on one whole fetch."),
    Setting("fetch_max_bytes", int, 10_000_000, "Cap on bytes read from the wire for one response."),
    Setting("fetch_max_decompressed", int, 20_000_000, "Cap on decompressed size of one response."),
    Setting("fetch_max_redirects", int, 5, "Redirects followed before giving up."),
    Setting("fetch_per_host", int, 2, "Concurrent requests allowed to one host."),
    Setting("fetch_concurrency", int, 8, "Concurrent requests in all."),
    Setting("fetch_politeness_delay", float, 1.0, "Seconds between two requests to one host."),
    Setting("fetch_interval", float, 900.0, "Seconds between two fetches of a healthy source."),
    Setting(
        "fetch_backoff_base", float, 60.0, "First back-off in seconds after an error; doubles each error."
    ),
    Setting("fetch_backoff_max", float, 86_400.0, "Longest back-off in seconds."),
    Setting(
        "fetch_user_agent", str, "Global24/0.1 (+https://github.com/global24/global24)", "User-Agent header."
    ),
    Setting(
        "fetch_allow_hosts",
        list,
        [],
        "Hosts, IPs or CIDR ranges that may be fetched although private or loopback (SSRF guard allow-list).",
    ),
    Setting(
        "page_follow_links", int, 20, "Article links followed per round from an index/section page source."
    ),
    Setting(
        "feed_fetch_articles",
        int,
        10,
        "Linked articles fetched per round, per feed, for entries that carry only a short summary "
        "(their text becomes the article's; 0: keep the summaries).",
    ),
    Setting(
        "bluesky_appview_url",
        str,
        "https://public.api.bsky.app",
        "Bluesky AppView base URL for public XRPC reads (the demo points it at its loopback server).",
    ),
    Setting(
        "bluesky_web_url",
        str,
        "https://bsky.app",
        "Base of the web links given to Bluesky posts (https://bsky.app/profile/HANDLE/post/RKEY).",
    ),
    Setting(
        "social_max_pages",
        int,
        5,
        "Most pages (40 Mastodon statuses, 50 Bluesky posts each) read from one Mastodon or Bluesky source"
        " per round. An older page is read only while the newer one was full and held nothing the desk"
        " already has, so a busy tag or search loses no posts between rounds; where a round stops short (this"
        " cap, a failed page) the next one carries on from there. 1 reads the newest page only.",
    ),
    # normalize / dedup
    Setting(
        "dedup_threshold", float, 0.6, "MinHash Jaccard estimate above which two items are near-duplicates."
    ),
    Setting("dedup_window_hours", float, 96.0, "How far back near-duplicate search looks."),
    # clustering
    Setting(
        "cluster_backend", str, "tfidf", "Text vectors for clustering: tfidf (default) or minilm (extra)."
    ),
    Setting(
        "cluster_threshold", float, 0.0, "Similarity to join a story; 0 means the built-in calibrated value."
    ),
    Setting("cluster_window_hours", float, 72.0, "Stories idle longer than this stop taking new items."),
    Setting(
        "cluster_multilingual", bool, True, "Use multilingual sentence vectors (e5) for items not in the desk's main language."
    ),
    Setting(
        "cluster_items_per_hour",
        float,
        4000.0,
        "Clock for items without a time: each one advances the stream clock by 1/this hours.",
    ),
    Setting("cluster_decay_hours", float, 24.0, "Half-life of an item's weight in its story's centroid."),
    Setting("story_cooling_hours", float, 24.0, "A story idle this long is cooling."),
    Setting("story_archive_hours", float, 96.0, "A story idle this long is archived."),
    # heat
    Setting("heat_half_life_hours", float, 12.0, "Recency half-life of heat."),
    Setting("heat_window_days", float, 7.0, "Rolling window for heat percentiles."),
    Setting("source_weights", dict, {}, "Weight per source id or name (default 1.0)."),
    # writing
    Setting("writer", str, "extractive", "Article writer: extractive (offline) or llm."),
    Setting("write_min_heat", float, 40.0, "Stories at or above this heat get an article."),
    Setting("write_min_items", int, 3, "Stories need at least this many items for an article."),
    Setting(
        "write_min_sources",
        int,
        6,
        "Stories with at least this many independent sources get an article even when no longer hot.",
    ),
    Setting("write_debounce_minutes", float, 10.0, "Minimum minutes between two revisions of one article."),
    Setting("write_min_new_items", int, 2, "New items needed before an article is rewritten."),
    Setting("write_max_items", int, 80, "Most items of one story the writer reads (the rest are left out)."),
    Setting("write_max_words", int, 1400, "Approximate word budget of one article."),
    Setting("write_lead_words", int, 150, "Word budget of the lead (dek + first section), as in `summarize`."),
    Setting("write_section_sentences", int, 6, "Most sentences in one section."),
    Setting(
        "write_min_support", float, 0.6, "Share of a sentence's content words that its cited spans must hold."
    ),
    Setting(
        "write_embed_text",
        bool,
        True,
        "Embed each cited item's text in the article's sources (self-verifying JSON).",
    ),
    Setting(
        "text_entities",
        str,
        "rules",
        "Entity recognizer: rules (default) or spacy (en_core_web_sm, when installed).",
    ),
    Setting("llm_base_url", str, "http://127.0.0.1:8080/v1", "OpenAI-compatible API base URL."),
    Setting("llm_model", str, "", "Model name for the llm writer."),
    Setting("llm_api_key", str, "", "API key for the llm writer (sent as Bearer token)."),
    Setting("llm_timeout", float, 60.0, "Seconds before an llm request is abandoned."),
    Setting("llm_retries", int, 2, "Retries of a failed llm request before falling back."),
    Setting("llm_max_tokens", int, 1200, "Token budget for one llm answer."),
    Setting("llm_prompt_tokens", int, 2500, "Token budget for the evidence handed to the llm writer."),
    Setting("llm_backoff", float, 1.0, "First back-off in seconds between llm retries; doubles each retry."),
    # web
    Setting("web_host", str, "127.0.0.1", "Address the site listens on."),
    Setting("web_port", int, 8024, "Port the site listens on."),
    Setting("site_name", str, "Global24", "Brand shown on the site and feeds."),
    Setting("base_url", str, "http://127.0.0.1:8024", "Public URL of the site, for feeds and links."),
    Setting("admin_token", str, "", "Bearer token for API writes; empty disables writes."),
    Setting(
        "web_cache_seconds",
        float,
        2.0,
        "Seconds a rendered page may be reused when the store offers no version probe; 0 disables the page cache.",
    ),
    # webhooks
    Setting("webhook_urls", list, [], "URLs that receive signed webhook POSTs."),
    Setting("webhook_secret", str, "", "HMAC-SHA256 secret for webhook signatures."),
    Setting("webhook_heat_threshold", float, 80.0, "Heat above which a story fires story.hot."),
    Setting("webhook_retries", int, 5, "Delivery attempts before a webhook is given up."),
    Setting("webhook_backoff", float, 2.0, "Seconds before the second webhook attempt; doubles each retry."),
    Setting("webhook_timeout", float, 10.0, "Seconds to wait for a webhook receiver to answer."),
    Setting("webhook_failing_errors", int, 3, "Fetch errors in a row after which a source fires source.failing."),
    # demo
    Setting("demo_port", int, 8025, "Port of the bundled demo source server."),
    Setting("run_interval", float, 30.0, "Seconds between two rounds of the desk loop."),
)

_BY_NAME = {s.name: s for s in TABLE}


class SettingsError(ValueError):
    """A setting has a value of the wrong shape; the message says which and why."""


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    t = setting.type
    try:
        if t is bool:
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in {"1", "true", "yes", "on"}:
                return True
            if s in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        if t in (int, float):
            if isinstance(value, bool):
                raise ValueError(value)
            return t(value)
        if t is str:
            if not isinstance(value, str | int | float):
                raise ValueError(value)
            return str(value)
        if t is list:
            if isinstance(value, str):
                value = value.strip()
                value = (
                    json.loads(value)
                    if value.startswith("[")
                    else [v.strip() for v in value.split(",") if v.strip()]
                )
            if not isinstance(value, list):
                raise ValueError(value)
            return list(value)
        if t is dict:
            if isinstance(value, str):
                value = json.loads(value)
            if not isinstance(value, dict):
                raise ValueError(value)
            return dict(value)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise SettingsError(
            f"setting {setting.name!r} from {origin}: expected {t.__name__}, got {value!r}"
        ) from exc
    raise SettingsError(f"setting {setting.name!r}: unsupported type {t}")


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}".replace("-", "_")
        if isinstance(v, dict) and key not in _BY_NAME:
            out.update(_flatten(v, key + "_"))
        else:
            out[key] = v
    return out


@dataclass(frozen=True)
class Settings:
    """Frozen settings; read ``settings.<name>`` for any row of :data:`TABLE`."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "values")
        if name in values:
            return values[name]
        if name in _BY_NAME:
            return _BY_NAME[name].default
        raise AttributeError(f"no setting named {name!r}")

    def replace(self, **changes: Any) -> Settings:
        new = dict(self.values)
        for k, v in changes.items():
            if k not in _BY_NAME:
                raise SettingsError(f"unknown setting {k!r}")
            new[k] = _coerce(_BY_NAME[k], v, "code")
        return Settings(new)

    def as_dict(self) -> dict[str, Any]:
        return {s.name: getattr(self, s.name) for s in TABLE}

    @property
    def sqlite_path(self) -> Path | None:
        url = self.db_url
        return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def load_settings(
    path: str | Path | None = None, env: dict[str, str] | None = None, **overrides: Any
) -> Settings:
    """Defaults, then TOML file, then GLOBAL24_* environment, then overrides."""
    env = dict(os.environ) if env is None else env
    values: dict[str, Any] = {s.name: s.default for s in TABLE}
    if path is None and env.get("GLOBAL24_CONFIG"):
        path = env["GLOBAL24_CONFIG"]
    if path is None and Path("global24.toml").exists():
        path = "global24.toml"
    if path is not None:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SettingsError(f"config file {p} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {p} is not valid TOML: {exc}") from exc
        for key, value in _flatten(data).items():
            if key not in _BY_NAME:
                raise SettingsError(f"{p}: unknown setting {key!r} (see docs/settings.md)")
            values[key] = _coerce(_BY_NAME[key], value, str(p))
    for key, value in env.items():
        if not key.startswith("GLOBAL24_") or key == "GLOBAL24_CONFIG":
            continue
        name = key.removeprefix("GLOBAL24_").lower()
        if name not in _BY_NAME:
            raise SettingsError(f"environment variable {key}: unknown setting {name!r}")
        values[name] = _coerce(_BY_NAME[name], value, key)
    for key, value in overrides.items():
        if key not in _BY_NAME:
            raise SettingsError(f"unknown setting {key!r}")
        values[key] = _coerce(_BY_NAME[key], value, "arguments")
    return Settings(values)


def settings_markdown() -> str:
    """The settings table as Markdown (docs/settings.md is this text)."""
    lines = [
        "# Settings",
        "",
        "Set in `global24.toml` (keys may be grouped: `[fetch] timeout = 5` is `fetch_timeout`) or as",
        "`GLOBAL24_<NAME>` environment variables (lists as JSON or comma-separated, dicts as JSON).",
        "Environment wins over the file. Regenerate this page with `python -m global24.settings`.",
        "",
        "| name | type | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for s in TABLE:
        default = json.dumps(s.default, ensure_ascii=False) if not isinstance(s.default, str) else f"`{s.default}`"
        lines.append(f"| `{s.name}` | {s.type.__name__} | {default} | {s.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(settings_markdown(), end="")
