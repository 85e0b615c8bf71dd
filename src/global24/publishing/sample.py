"""A small fixed newsroom in a store: sources, items, stories, heat, articles with two revisions.

Tests (golden feeds, API, browser), the serving benchmark and screenshots all
need the same believable content at fixed times, written through the real
store. The places, outlets and events are invented; every citation is an
exact span of the cited item's text, as the writer guarantees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from global24.models import (
    Article,
    Citation,
    Engagement,
    HeatSample,
    Image,
    Item,
    Section,
    Sentence,
    Source,
    Story,
)
from global24.store.base import Store

SAMPLE_NOW = datetime(2025, 10, 28, 12, 0, tzinfo=UTC)


@dataclass
class Sample:
    """What :func:`build_sample` wrote, for tests to refer to."""

    now: datetime
    sources: dict[str, Source] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)


OUTLETS = [
    # key, kind, name, url, healthy
    ("meridian", "rss", "Meridian Wire", "https://meridian-wire.example/feed.xml", True),
    ("harbour", "atom", "Harbour Post", "https://harbourpost.example/atom.xml", True),
    ("ledger", "jsonfeed", "Civic Ledger", "https://civicledger.example/feed.json", True),
    ("coast", "mastodon", "@coastwatch@social.example", "https://social.example/@coastwatch", True),
    ("northern", "page", "Northern Daily", "https://northern-daily.example/news/", False),
]

# story key -> (topic, region, heat path, items: (key, outlet, minutes before now, title, text, image))
STORIES: dict[str, dict] = {
    "bridge": {
        "topic": "world", "region": "europe",
        "heat": [22, 35, 51, 64, 78, 86],
        "items": [
            ("b1", "meridian", 300, "Port Alder's harbour bridge reopens after storm repairs",
             "The harbour bridge in Port Alder reopened to traffic on Tuesday morning after six weeks of repairs. "
             "Engineers replaced two damaged cable anchors, the city's transport office said. "
             "The first buses crossed at 6:15 a.m.", ("bridge-dawn.svg", "Buses cross the reopened bridge at dawn",
                                                       "Meridian Wire")),
            ("b2", "harbour", 240, "Bridge back in service, but tolls rise",
             "The bridge reopened on Tuesday, and the toll for cars rises from 2 to 3 euros on 1 November. "
             "The city council approved the increase in September to pay for the repairs. "
             "Repairs cost 14 million euros, according to the council's budget report.",
             ("bridge-toll.svg", "The new toll booths on the north ramp", "Harbour Post")),
            ("b3", "ledger", 200, "Council report puts repair bill at 12 million",
             "A council report published on Monday puts the repair bill at 12 million euros, not counting "
             "overtime. The report says the storm of 14 September damaged two of the bridge's anchors.", None),
            ("b4", "coast", 150, None,
             "Drove across the harbour bridge this morning for the first time since September. Traffic was "
             "light and the new anchors look solid.", None),
            ("b5", "meridian", 60, "Ferry service to end as bridge reopens",
             "The temporary ferry that carried commuters during the closure will stop on Friday, the transport "
             "office said. About 4,000 people used the ferry each weekday.", None),
        ],
    },
    "solar": {
        "topic": "climate", "region": "north-america",
        "heat": [30, 41, 55, 63],
        "items": [
            ("s1", "ledger", 500, "Northfield approves 40-megawatt solar farm",
             "Northfield's county board voted 5 to 2 on Monday to approve a 40-megawatt solar farm on former "
             "farmland east of the town. Construction is due to start in spring.",
             ("solar-field.svg", "The site east of Northfield", "Civic Ledger")),
            ("s2", "northern", 420, "Neighbours split over solar plan",
             "Residents who spoke at the meeting were split. Some welcomed lower power bills; others said the "
             "panels would spoil the view from the river road.", None),
            ("s3", "meridian", 380, "Solar farm to power 9,000 homes",
             "The developer says the farm will supply enough electricity for about 9,000 homes. "
             "The board's vote was 5 to 2.", None),
        ],
    },
    "chips": {
        "topic": "technology", "region": "asia-pacific",
        "heat": [40, 52, 61, 70, 72],
        "items": [
            ("c1", "harbour", 700, "Chipmaker to double Kestrel Bay plant",
             "The chipmaker Lumen Semiconductor will double the size of its Kestrel Bay plant, adding 1,200 "
             "jobs by 2027, the company said on Monday.", ("chip-plant.svg", "The Kestrel Bay plant", "Harbour Post")),
            ("c2", "meridian", 650, "Lumen's expansion backed by state loan",
             "Lumen Semiconductor's expansion is backed by a state loan of 300 million dollars, the trade "
             "ministry said. The plant makes power chips for electric cars.", None),
            ("c3", "coast", 600, None, "Lumen hiring 1,200 people in Kestrel Bay. Big news for the town.", None),
        ],
    },
    "marathon": {
        "topic": "sports", "region": "europe",
        "heat": [35, 44, 48],
        "items": [
            ("m1", "meridian", 900, "Course record falls at the Lakeside marathon",
             "Runner Amina Odede won the Lakeside marathon on Sunday in 2 hours 21 minutes, a course record "
             "by 40 seconds.", None),
            ("m2", "northern", 880, "Odede breaks Lakeside record",
             "Amina Odede broke the Lakeside course record on Sunday. She finished in 2 hours 21 minutes.", None),
            ("m3", "ledger", 860, "Lakeside marathon draws 11,000 runners",
             "About 11,000 runners started the Lakeside marathon on Sunday, the organisers said.", None),
        ],
    },
    "museum": {
        "topic": "culture", "region": "europe",
        "heat": [12, 18, 22],
        "items": [
            ("u1", "harbour", 90, "Museum closes east wing after roof leak",
             "The city museum closed its east wing on Tuesday after rain came through the roof.", None),
            ("u2", "coast", 80, None, "Water dripping in the museum's east gallery today, staff moving paintings.", None),
        ],
    },
}


def _cite(item: Item, phrase: str) -> Citation:
    start = item.text.index(phrase)
    return Citation(item_id=item.id, quote=phrase, start=start, end=start + len(phrase))


def _s(text: str, *cites: Citation) -> Sentence:
    return Sentence(text=text, citations=list(cites))


def _sources_list(items: list[Item], sources: dict[str, Source]) -> list[dict]:
    return [
        {"item_id": it.id, "source": sources[it.source_id].name, "url": it.url, "title": it.title or it.text[:80],
         "published": it.published_at.isoformat() if it.published_at else None}
        for it in items
    ]


def _bridge_articles(story: Story, it: dict[str, Item], sources: dict[str, Source], now: datetime,
                     image_base: str) -> list[Article]:
    b1, b2, b3, b4, b5 = (it[k] for k in ("b1", "b2", "b3", "b4", "b5"))
    images = [
        {"url": f"{image_base}/bridge-dawn.svg", "caption": "Buses cross the reopened bridge at dawn",
         "credit": "Meridian Wire", "item_id": b1.id, "source": "Meridian Wire"},
        {"url": f"{image_base}/bridge-toll.svg", "caption": "The new toll booths on the north ramp",
         "credit": "Harbour Post", "item_id": b2.id, "source": "Harbour Post"},
    ]
    lead = Section("Bridge reopens after six weeks", "lead", [[
        _s("Port Alder's harbour bridge reopened to traffic on Tuesday morning after six weeks of repairs.",
           _cite(b1, "The harbour bridge in Port Alder reopened to traffic on Tuesday morning after six weeks of repairs")),
        _s("Engineers replaced two damaged cable anchors, according to the city's transport office.",
           _cite(b1, "Engineers replaced two damaged cable anchors, the city's transport office said")),
    ]])
    statements = Section("What officials said", "statements", [[
        _s("The first buses crossed at 6:15 a.m.", _cite(b1, "The first buses crossed at 6:15 a.m.")),
        _s("The toll for cars rises from 2 to 3 euros on 1 November, a rise the council approved in September "
           "to pay for the repairs.",
           _cite(b2, "the toll for cars rises from 2 to 3 euros on 1 November"),
           _cite(b2, "The city council approved the increase in September to pay for the repairs")),
    ]])
    differ = Section("Where sources differ", "differ", [[
        _s("Harbour Post puts the repair cost at 14 million euros.",
           _cite(b2, "Repairs cost 14 million euros, according to the council's budget report")),
        _s("A council report cited by Civic Ledger puts the bill at 12 million euros, not counting overtime.",
           _cite(b3, "puts the repair bill at 12 million euros, not counting overtime")),
    ]])
    reactions = Section("Reactions", "reactions", [[
        _s("A commuter posting as @coastwatch said traffic was light and the new anchors looked solid.",
           _cite(b4, "Traffic was light and the new anchors look solid")),
    ]])
    timeline = [
        {"when": "2025-09-14T00:00:00Z", "text": "A storm damages two of the bridge's anchors.",
         "citations": [{"item_id": b3.id, "quote": "the storm of 14 September damaged two of the bridge's anchors"}]},
        {"when": b1.published_at.isoformat(), "text": "The bridge reopens; the first buses cross at 6:15 a.m.",
         "citations": [{"item_id": b1.id, "quote": "The first buses crossed at 6:15 a.m."}]},
    ]
    disagreements = [{
        "topic": "Cost of the repairs",
        "positions": [
            {"source": "Harbour Post", "text": "14 million euros", "item_id": b2.id,
             "quote": "Repairs cost 14 million euros"},
            {"source": "Civic Ledger", "text": "12 million euros, not counting overtime", "item_id": b3.id,
             "quote": "puts the repair bill at 12 million euros, not counting overtime"},
        ],
    }]
    r1 = Article(
        story_id=story.id, revision=1, created_at=now - timedelta(minutes=190),
        headline="Port Alder's harbour bridge reopens after six weeks of storm repairs",
        dek="Buses are back on the bridge; tolls rise in November and sources differ on the bill.",
        attribution="Independent analysis based on open media from Meridian Wire, Harbour Post, Civic Ledger.",
        sections=[lead, statements, differ], images=images[:1], timeline=timeline[:1],
        disagreements=disagreements, sources=_sources_list([b1, b2, b3], sources),
        grounding={"sentences": 7, "cited": 7, "verified": 7, "dropped": 1}, writer="extractive",
        change_note="First analysis.", heat={"score": 64.0}, item_ids=[b1.id, b2.id, b3.id],
    )
    watch = Section("What to watch", "watch", [[
        _s("The temporary ferry that carried commuters during the closure stops on Friday.",
           _cite(b5, "The temporary ferry that carried commuters during the closure will stop on Friday")),
        _s("About 4,000 people used the ferry each weekday.", _cite(b5, "About 4,000 people used the ferry each weekday")),
    ]])
    r2 = Article(
        story_id=story.id, revision=2, created_at=now - timedelta(minutes=45),
        headline="Port Alder bridge reopens as the stopgap ferry winds down",
        dek="Buses are back on the harbour bridge, tolls rise in November and the commuter ferry stops on Friday.",
        attribution="Independent analysis based on open media from Meridian Wire, Harbour Post, Civic Ledger, "
                    "@coastwatch@social.example.",
        sections=[lead, statements, differ, reactions, watch], images=images, timeline=timeline,
        disagreements=disagreements, sources=_sources_list([b1, b2, b3, b4, b5], sources),
        grounding={"sentences": 12, "cited": 12, "verified": 11, "dropped": 1, "reasons": [
            {"section": "What to watch", "text": "About 5,000 people used the ferry each weekday.", "check": "number",
             "reason": "the number 5,000 is not in the cited source"}]}, writer="extractive",
        change_note="Added the ferry's end and a commuter's reaction from two new items.",
        heat={"score": 86.0}, item_ids=[b1.id, b2.id, b3.id, b4.id, b5.id],
    )
    return [r1, r2]


def _simple_article(story: Story, items: list[Item], sources: dict[str, Source], now: datetime, headline: str,
                    dek: str, lead: list[tuple[str, int, str]], image: dict | None, minutes_ago: int) -> Article:
    sentences = [_s(text, _cite(items[i], phrase)) for text, i, phrase in lead]
    names = list(dict.fromkeys(sources[it.source_id].name for it in items))
    return Article(
        story_id=story.id, revision=1, created_at=now - timedelta(minutes=minutes_ago), headline=headline, dek=dek,
        attribution="Independent analysis based on open media from " + ", ".join(names) + ".",
        sections=[Section("What happened", "lead", [sentences[:2]]), Section("Context", "context", [sentences[2:]])]
        if len(sentences) > 2 else [Section("What happened", "lead", [sentences])],
        images=[image] if image else [], sources=_sources_list(items, sources),
        grounding={"sentences": len(sentences), "cited": len(sentences), "verified": len(sentences), "dropped": 0},
        writer="extractive", change_note="First analysis.", item_ids=[it.id for it in items],
    )


def build_sample(store: Store, now: datetime = SAMPLE_NOW, image_base: str = "https://images.example/g24") -> Sample:
    """Write the sample newsroom into ``store`` (idempotent ids; articles are added once per call)."""
    out = Sample(now=now)
    for key, kind, name, url, healthy in OUTLETS:
        src = Source(id=Source.make_id(kind, url), kind=kind, url=url, name=name,
                     last_fetch_at=now - timedelta(minutes=10), created_at=now - timedelta(days=30),
                     last_ok_at=(now - timedelta(minutes=10)) if healthy else now - timedelta(days=2),
                     error_count=0 if healthy else 4,
                     last_error=None if healthy else "HTTP 503 Service Unavailable",
                     next_fetch_at=now + timedelta(minutes=5 if healthy else 240))
        out.sources[key] = src
    by_id = {s.id: s for s in out.sources.values()}
    for skey, spec in STORIES.items():
        items: list[Item] = []
        for key, outlet, minutes, title, text, image in spec["items"]:
            src = out.sources[outlet]
            url = f"{src.url.rsplit('/', 1)[0]}/{skey}/{key}"
            it = Item(
                id=Item.make_id(src.id, url), source_id=src.id, kind="post" if src.kind == "mastodon" else "article",
                url=url, title=title, text=text, published_at=now - timedelta(minutes=minutes),
                fetched_at=now - timedelta(minutes=minutes - 2), lang="en", author=f"{src.name} staff",
                engagement=Engagement(likes=12, reposts=3) if src.kind == "mastodon" else Engagement(),
                images=[Image(url=f"{image_base}/{image[0]}", caption=image[1], credit=image[2])] if image else [],
                source_name=src.name,
            )
            items.append(it)
            out.items[key] = it
        first, last = items[0], max(items, key=lambda i: i.published_at)
        story = Story(
            id=f"st_sample_{skey}", first_seen=first.published_at, last_seen=last.published_at,
            item_count=len(items), source_count=len({i.source_id for i in items}), status="live",
            title=first.title or first.text[:80], first_item_id=first.id, first_source_id=first.source_id,
            heat=float(spec["heat"][-1]), topic=spec["topic"], region=spec["region"], updated_at=now,
        )
        for it in items:
            it.story_id = story.id
        out.stories[skey] = story
    for src in out.sources.values():
        src.item_count = sum(1 for it in out.items.values() if it.source_id == src.id)
        store.upsert_source(src)
    store.upsert_items(out.items.values())
    store.set_item_story((it.id, it.story_id) for it in out.items.values())
    merged = Story(id="st_sample_bridge_dup", first_seen=now - timedelta(hours=5), last_seen=now - timedelta(hours=4),
                   status="live", merged_into="st_sample_bridge", title="Harbour bridge reopening")
    store.upsert_stories([*out.stories.values(), merged])
    samples = []
    for skey, spec in STORIES.items():
        n = len(spec["heat"])
        for i, score in enumerate(spec["heat"]):
            samples.append(HeatSample(
                story_id=out.stories[skey].id, at=now - timedelta(minutes=30 * (n - 1 - i)), score=float(score),
                components={"velocity": round(score / 120, 3), "diversity": round(min(1.0, score / 95), 3),
                            "engagement": 0.2, "recency": round(0.5 + score / 250, 3)},
                flags=["multi-source"] if score > 50 else [],
                explanation=f"Heat {score}: {len(spec['items'])} items from "
                            f"{out.stories[skey].source_count} independent sources, most in the last hours.",
            ))
    store.add_heat_samples(samples)
    it = out.items
    img = image_base
    articles = _bridge_articles(out.stories["bridge"], it, by_id, now, img)
    articles.append(_simple_article(
        out.stories["solar"], [it["s1"], it["s2"], it["s3"]], by_id, now,
        "Northfield approves a 40-megawatt solar farm on former farmland",
        "The county board voted 5 to 2; residents were split over the view from the river road.",
        [("Northfield's county board voted 5 to 2 on Monday to approve a 40-megawatt solar farm.", 0,
          "Northfield's county board voted 5 to 2 on Monday to approve a 40-megawatt solar farm"),
         ("Construction is due to start in spring.", 0, "Construction is due to start in spring"),
         ("The developer says the farm will supply enough electricity for about 9,000 homes.", 2,
          "The developer says the farm will supply enough electricity for about 9,000 homes")],
        {"url": f"{img}/solar-field.svg", "caption": "The site east of Northfield", "credit": "Civic Ledger",
         "item_id": it["s1"].id, "source": "Civic Ledger"}, 300))
    articles.append(_simple_article(
        out.stories["chips"], [it["c1"], it["c2"], it["c3"]], by_id, now,
        "Lumen Semiconductor to double its Kestrel Bay chip plant",
        "The expansion adds 1,200 jobs by 2027 and is backed by a 300-million-dollar state loan.",
        [("Lumen Semiconductor will double the size of its Kestrel Bay plant, adding 1,200 jobs by 2027.", 0,
          "will double the size of its Kestrel Bay plant, adding 1,200 jobs by 2027"),
         ("A state loan of 300 million dollars backs the expansion, the trade ministry said.", 1,
          "backed by a state loan of 300 million dollars, the trade ministry said"),
         ("The plant makes power chips for electric cars.", 1, "The plant makes power chips for electric cars")],
        {"url": f"{img}/chip-plant.svg", "caption": "The Kestrel Bay plant", "credit": "Harbour Post",
         "item_id": it["c1"].id, "source": "Harbour Post"}, 560))
    articles.append(_simple_article(
        out.stories["marathon"], [it["m1"], it["m2"], it["m3"]], by_id, now,
        "Amina Odede sets a Lakeside marathon course record",
        "She won in 2 hours 21 minutes, 40 seconds inside the old record.",
        [("Amina Odede won the Lakeside marathon on Sunday in 2 hours 21 minutes.", 0,
          "Runner Amina Odede won the Lakeside marathon on Sunday in 2 hours 21 minutes"),
         ("Her time was a course record by 40 seconds.", 0, "a course record by 40 seconds")],
        None, 840))
    for art in articles:
        store.add_article(art)
    out.articles = articles
    return out
