"""Jinja2 environment, URL helpers and filters shared by the site and the static export.

Every page is rendered through :class:`Renderer`, so the live app and
``export_site`` produce byte-identical HTML for the same store and clock.
Autoescape is on for every template; source text is never marked safe.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from global24.models import utcnow
from global24.settings import Settings
from global24.writing.labels import right_to_left

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

TOPIC_LABELS = {
    "politics": "Politics",
    "conflict": "Conflict",
    "crime": "Crime",
    "world": "World",
    "business": "Business",
    "technology": "Technology",
    "science": "Science",
    "sports": "Sports",
    "climate": "Climate",
    "culture": "Culture",
    "health": "Health",
}
REGION_LABELS = {
    "asia-pacific": "Asia-Pacific",
    "north-america": "North America",
    "europe": "Europe",
    "latin-america": "Latin America",
    "africa": "Africa",
    "middle-east": "Middle East",
    "world": "Worldwide",
}


# --- URLs (root-relative, one folder per page so a static host can serve them) ---


def slug(value: str) -> str:
    """Path-safe form of an id or label (ids are already hex; labels are percent-encoded)."""
    return quote(str(value), safe="-_.~")


def story_url(story_id: str) -> str:
    return f"/story/{slug(story_id)}/"


def revision_url(story_id: str, revision: int) -> str:
    return f"/story/{slug(story_id)}/r/{int(revision)}/"


def source_url(source_id: str) -> str:
    return f"/source/{slug(source_id)}/"


def section_url(kind: str, value: str) -> str:
    return f"/{kind}/{slug(value)}/"


def label(kind: str, value: str | None) -> str:
    """Human label of a topic or region value."""
    if not value:
        return ""
    table = TOPIC_LABELS if kind == "topic" else REGION_LABELS
    return table.get(value, value.replace("-", " ").title())


def safe_href(url: Any) -> str | None:
    """The URL if it is absolute http(s), else None: javascript:, data: and friends never reach an href."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if any(ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


# --- times ---


def as_utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def isoformat(dt: datetime | None) -> str:
    dt = as_utc(dt)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else ""


def ago(dt: datetime | None, now: datetime) -> str:
    """'N minutes ago' relative to ``now`` (site.js keeps it current in the browser)."""
    dt = as_utc(dt)
    if dt is None:
        return ""
    secs = (as_utc(now) - dt).total_seconds()
    if secs < 60:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if secs >= size:
            n = int(secs // size)
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def day(dt: datetime | None) -> str:
    dt = as_utc(dt)
    return dt.strftime("%d %b %Y") if dt else ""


def human_date(dt: datetime | None) -> str:
    dt = as_utc(dt)
    return dt.strftime("%d %b %Y, %H:%M UTC") if dt else ""


# --- small formatting helpers ---


def heat_level(score: float | None) -> str:
    """CSS class for a heat score: hot, warm or mild."""
    s = score or 0.0
    return "hot" if s >= 70 else "warm" if s >= 40 else "mild"


def heat_int(score: float | None) -> int:
    try:
        return int(round(float(score or 0.0)))
    except (TypeError, ValueError):
        return 0


def json_script(data: Any) -> Markup:
    """JSON safe inside <script type=application/ld+json>: no '</', '<!--' or '&' can end it early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def sparkline(values: list[float], width: int = 240, height: int = 48) -> dict[str, Any]:
    """Points of an inline-SVG polyline for heat samples on a fixed 0–100 scale."""
    vals = [max(0.0, min(100.0, float(v))) for v in values if v is not None and not math.isnan(float(v))]
    if not vals:
        return {"points": "", "width": width, "height": height, "last": None, "area": ""}
    if len(vals) == 1:
        vals = vals * 2
    pad = 3
    step = (width - 2 * pad) / (len(vals) - 1)
    pts = [(pad + i * step, pad + (height - 2 * pad) * (1 - v / 100.0)) for i, v in enumerate(vals)]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    area = f"{pts[0][0]:.1f},{height - pad} " + points + f" {pts[-1][0]:.1f},{height - pad}"
    return {
        "points": points,
        "area": area,
        "width": width,
        "height": height,
        "last": {"x": round(pts[-1][0], 1), "y": round(pts[-1][1], 1)},
        "min": round(min(vals)),
        "max": round(max(vals)),
    }


def lang_attrs(lang: str | None) -> Markup:
    """' lang="fr"' (and ' dir="rtl"' where it applies) for text not in the site's English; else ''."""
    code = (lang or "").strip()
    if not code or code == "en" or not all(ch.isalnum() or ch == "-" for ch in code):
        return Markup("")
    rtl = ' dir="rtl"' if right_to_left(code) else ""
    return Markup(f' lang="{code}"{rtl}')


class Renderer:
    """Holds the Jinja environment and the site-wide template globals."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(["html", "xml", "j2"], default_for_string=True, default=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        env.globals["live_clock"] = True  # pages say the desk's time (see site.js); a static export does not
        env.globals.update(
            site_name=settings.site_name,
            base_url=settings.base_url.rstrip("/"),
            story_url=story_url,
            revision_url=revision_url,
            source_url=source_url,
            section_url=section_url,
            label=label,
            safe_href=safe_href,
            topic_labels=TOPIC_LABELS,
            region_labels=REGION_LABELS,
        )
        env.filters.update(
            iso=isoformat,
            human_date=human_date,
            day=day,
            heat_level=heat_level,
            heat_int=heat_int,
            json_script=json_script,
            lang_attrs=lang_attrs,
        )
        self.env = env
        self._assets: dict[str, str] = {}
        env.globals["asset"] = self.asset

    def asset(self, name: str) -> str:
        """URL of a static file with a content hash, so browsers may cache it for a year."""
        url = self._assets.get(name)
        if url is None:
            digest = hashlib.blake2b((STATIC / name).read_bytes(), digest_size=6).hexdigest()
            url = self._assets[name] = f"/static/{name}?v={digest}"
        return url

    def render(self, template: str, **context: Any) -> str:
        now = context.get("now") or utcnow()
        context["now"] = now
        context.setdefault("ago", lambda dt: ago(dt, now))
        return self.env.get_template(template).render(**context)
