"""Items of one demo-corpus story file, as the desk would store them (for tests and benches).

The live desk gets these items through feeds, pages and social APIs; this helper
reads a story file directly so the writer can be checked on every story without
running the pipeline. Syndicated copies get ``duplicate_of``; social channels
become posts; outlet display names become ``source_name``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from global24.models import Engagement, Image, Item

CORPUS_DIR = Path(__file__).resolve().parent.parent / "demo" / "corpus"
_SOCIAL = {"mastodon", "bluesky", "jsonl"}


def story_files(root: Path = CORPUS_DIR) -> list[Path]:
    return sorted((root / "stories").glob("*.json"))


def load_outlets(root: Path = CORPUS_DIR) -> dict[str, dict]:
    return {o["id"]: o for o in json.loads((root / "outlets.json").read_text(encoding="utf-8"))}


def story_items(path: str | Path, root: Path = CORPUS_DIR) -> list[Item]:
    """Items of one story file (``path`` may be a slug), oldest first."""
    p = Path(path)
    if not p.suffix:
        p = root / "stories" / f"{p.name}.json"
    data = json.loads(p.read_text(encoding="utf-8"))
    outlets = load_outlets(root)
    items: list[Item] = []
    for d in data.get("items", []):
        o = outlets.get(d.get("outlet"), {})
        channel = o.get("channel", "rss")
        items.append(
            Item(
                id=f"demo-{d['key']}",
                source_id=d.get("outlet", "unknown"),
                kind="post" if channel in _SOCIAL else "article",
                url=f"http://127.0.0.1:8025/{d.get('outlet')}/{d['key']}",
                title=d.get("title"),
                text=d.get("text", ""),
                published_at=datetime.fromisoformat(d["published"].replace("Z", "+00:00")),
                lang=d.get("lang") or o.get("lang", "en"),
                author=d.get("author"),
                engagement=Engagement.from_dict(d.get("engagement")),
                images=[
                    Image(url=f"/demo/images/{i['file']}", caption=i.get("caption"), credit=i.get("credit"))
                    for i in d.get("images", [])
                    if i.get("file")
                ],
                duplicate_of=f"demo-{d['syndicates']}" if d.get("syndicates") else None,
                source_name=o.get("display") or o.get("name") or d.get("outlet"),
                extra={"story": data.get("slug"), "topic": data.get("topic"), "region": data.get("region")},
            )
        )
    items.sort(key=lambda it: (it.published_at, it.id))
    return items
