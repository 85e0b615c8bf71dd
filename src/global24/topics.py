"""Topics and regions of a story, from what its items say (keyword and gazetteer rules).

Cheap, explainable, model-free: a topic wins when its cue words clearly
outnumber the others' in the story's titles and leads; a region when the
places named point mostly one way. Unclear stories get no topic and the
region "world". Only English cues are listed; other languages ride along on
the English items of their story.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from global24.models import Item

TOPICS: dict[str, tuple[str, ...]] = {
    "politics": (
        "election", "elections", "vote", "votes", "voters", "ballot", "parliament", "parliamentary", "senate",
        "congress", "lawmakers", "party", "coalition", "opposition", "campaign", "candidate", "president-elect",
        "shutdown", "cabinet", "referendum", "constitutional", "inauguration", "midterm", "midterms", "polls",
        "summit", "diplomacy", "diplomatic", "treaty", "alliance",
    ),
    "business": (
        "shares", "stock", "stocks", "market", "markets", "investors", "earnings", "revenue", "profit", "quarter",
        "economy", "economic", "tariff", "tariffs", "trade", "bank", "rates", "inflation", "layoffs", "jobs",
        "company", "companies", "valuation", "billion", "trillion", "bonds", "peso", "dollar", "fed", "ipo",
    ),
    "technology": (
        "ai", "artificial", "intelligence", "chip", "chips", "semiconductor", "software", "openai", "nvidia",
        "microsoft", "apple", "google", "alphabet", "meta", "amazon", "iphone", "data", "cloud", "computing",
        "startup", "tech", "gpu", "gpus", "internet", "cyber",
    ),
    "conflict": (
        "war", "military", "troops", "army", "ceasefire", "strike", "strikes", "airstrike", "drone", "drones",
        "missile", "missiles", "attack", "attacks", "killed", "militia", "siege", "rebels", "hostages",
        "soldiers", "offensive", "raid", "shelling", "forces",
    ),
    "climate": (
        "hurricane", "storm", "typhoon", "cyclone", "flood", "flooding", "climate", "emissions", "landfall",
        "winds", "rainfall", "drought", "wildfire", "heatwave", "cop30", "forests", "deforestation", "weather",
    ),
    "science": (
        "space", "astronaut", "astronauts", "spacecraft", "launch", "orbit", "station", "scientists", "research",
        "telescope", "mission", "rocket", "nasa", "moon", "mars",
    ),
    "sports": (
        "game", "games", "series", "inning", "innings", "season", "team", "league", "match", "homer", "pitcher",
        "championship", "tournament", "coach", "playoff", "playoffs", "goal", "scored", "win", "dodgers",
    ),
    "culture": (
        "museum", "art", "artist", "film", "music", "festival", "jewels", "heist", "louvre", "book", "theatre",
        "exhibition", "heritage", "crown",
    ),
    "health": (
        "health", "hospital", "hospitals", "vaccine", "disease", "outbreak", "virus", "patients", "medical",
        "doctors", "cholera", "measles",
    ),
}  # fmt: skip

REGIONS: dict[str, tuple[str, ...]] = {
    "asia-pacific": (
        "japan", "japanese", "tokyo", "china", "chinese", "beijing", "korea", "korean", "seoul", "busan",
        "gyeongju", "taiwan", "malaysia", "kuala lumpur", "asean", "philippines", "indonesia", "vietnam",
        "thailand", "cambodia", "australia", "india", "pakistan", "afghanistan", "apec", "timor-leste",
        "singapore", "hong kong", "yokosuka",
    ),
    "north-america": (
        "united states", "u.s.", "washington", "white house", "canada", "canadian", "ontario", "mexico",
        "new york", "california", "texas", "congress", "senate", "federal reserve", "wall street",
    ),
    "latin-america": (
        "brazil", "brazilian", "rio de janeiro", "argentina", "argentine", "buenos aires", "venezuela",
        "venezuelan", "caribbean", "jamaica", "cuba", "haiti", "chile", "colombia", "peru", "belém", "belem",
    ),
    "europe": (
        "europe", "european", "eu", "france", "french", "paris", "netherlands", "dutch", "ireland", "irish",
        "ukraine", "ukrainian", "russia", "russian", "kyiv", "moscow", "germany", "berlin", "britain",
        "london", "uk", "italy", "spain", "poland", "ecb",
    ),
    "africa": (
        "africa", "african", "cameroon", "tanzania", "sudan", "darfur", "el fasher", "ivory coast",
        "côte d'ivoire", "nigeria", "kenya", "ethiopia", "south africa", "congo", "somalia", "zanzibar",
    ),
    "middle-east": (
        "gaza", "israel", "israeli", "palestinian", "hamas", "iran", "syria", "lebanon", "saudi", "yemen",
        "iraq", "jerusalem", "west bank", "qatar", "turkey",
    ),
}  # fmt: skip

_WORD = re.compile(r"[a-z][a-z0-9'-]*")
_TOPIC_OF = {w: t for t, words in TOPICS.items() for w in words}
_PLACES = sorted(((p, r) for r, ps in REGIONS.items() for p in ps), key=lambda x: -len(x[0]))
_PLACE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p, _ in _PLACES) + r")\b")
_REGION_OF = dict(_PLACES)


def _sample(items: Iterable[Item], chars: int = 600) -> str:
    return "\n".join(f"{it.title or ''}. {(it.text or '')[:chars]}" for it in items if it.duplicate_of is None)


def classify_topic(items: Iterable[Item]) -> str | None:
    """The topic whose cues clearly dominate the story's titles and leads, or None."""
    counts: Counter[str] = Counter()
    for w in _WORD.findall(_sample(items).lower()):
        t = _TOPIC_OF.get(w)
        if t:
            counts[t] += 1
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2) + [("", 0)]
    runner_up = rest[0][1]
    return top if n >= 3 and n >= 1.3 * runner_up else None


def classify_region(items: Iterable[Item]) -> str:
    """The region most places named point to; "world" when none dominates."""
    counts = Counter(_REGION_OF[m] for m in _PLACE_RE.findall(_sample(items).lower()))
    if not counts:
        return "world"
    top, n = counts.most_common(1)[0]
    return top if n >= 2 and n >= 0.5 * sum(counts.values()) else "world"


def classify_story(items: list[Item]) -> tuple[str | None, str]:
    """(topic, region) of a story."""
    return classify_topic(items), classify_region(items)
