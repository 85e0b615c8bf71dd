"""The only place stages meet: fetch → normalize → dedup → cluster → heat → write → publish.

Each step reads its input from the store and writes its output there, so a
step can be re-run alone and a desk killed at any point resumes where it
stopped: items are upserted by content-derived id, the clusterer's snapshot
and cursor are saved after the stories they produced, articles are revisions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from global24.dedup import Deduplicator
from global24.models import Article, HeatSample, Item, Source, Story, utcnow
from global24.normalize import NORMALIZE_FAILED, normalize_item
from global24.settings import Settings
from global24.store import SQLStore, open_store
from global24.topics import classify_story

log = logging.getLogger("global24.pipeline")

CLUSTER_STATE = "cluster.snapshot"
HEAT_STATE = "heat.baseline"
Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    source_id: str
    received: int = 0
    inserted: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class RoundReport:
    started: datetime = field(default_factory=utcnow)
    sources: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    items_new: int = 0
    items_updated: int = 0
    duplicates: int = 0
    assigned: int = 0
    stories_changed: int = 0
    heat_samples: int = 0
    articles: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, ing: IngestReport) -> None:
        self.items_new += ing.inserted
        self.items_updated += ing.updated
        self.duplicates += ing.duplicates


class Desk:
    """A running desk: one store, one deduplicator, one clusterer, the settings."""

    def __init__(self, settings: Settings, store: SQLStore | None = None) -> None:
        self.settings = settings
        self.store = store or open_store(settings)
        self._dedup: Deduplicator | None = None
        self._clusterer: Any = None
        self._cursor = 0
        self._baseline: Any = None

    @property
    def dedup(self) -> Deduplicator:
        """The near-duplicate index, warmed from recent items the first time ingest needs it
        (a desk that only writes, like the API's rewrite, never pays for it)."""
        if self._dedup is None:
            d = Deduplicator.from_settings(self.settings, find_by_hash=self.store.find_by_hash)
            d.warm(reversed(self.store.recent_items(utcnow() - d.window, limit=50_000)))
            self._dedup = d
        return self._dedup

    # ingest ---------------------------------------------------------------------
    def ingest(
        self,
        source: Source | None,
        items: Iterable[Item],
        now: datetime | None = None,
        by_time: bool = False,
    ) -> IngestReport:
        """Normalize, dedup and store items; an item that fails is kept with its error noted.

        ``by_time`` stores them in publication order (undated ones last, ties in the
        order given): the copy published first is the original, and the clusterer
        reads a backlog the way a live desk would have seen it arrive.
        """
        now = now or utcnow()
        report = IngestReport(source_id=source.id if source else "")
        normalized: list[Item] = []
        for it in items:
            report.received += 1
            if source is not None:
                _claim(source, it)
            try:
                normalized.append(normalize_item(it, now))
            except Exception as exc:  # a hostile item must not stop the batch
                it.error = f"{NORMALIZE_FAILED}: {type(exc).__name__}: {exc}"
                report.errors.append(f"{it.id}: {it.error}")
                normalized.append(it)
        if by_time:  # an item normalize gave up on may still carry a naive time
            normalized.sort(key=lambda it: _aware(it.published_at or now))
        known = self.store.existing_ids(it.id for it in normalized)
        normalized = self._keep_fetched_articles(normalized, known)
        out: list[Item] = []
        checked: list[str] = []
        for it in normalized:
            if it.id not in known:
                it = self.dedup.check(it)
                checked.append(it.id)
                if it.duplicate_of:
                    report.duplicates += 1
            out.append(it)
        try:
            res = self.store.upsert_items(out)
        except Exception:
            self.dedup.forget(checked)  # nothing here was stored: no later copy may point at it
            raise
        report.inserted, report.updated = res.inserted, res.updated
        return report

    def _keep_fetched_articles(self, items: list[Item], known: set[str]) -> list[Item]:
        """A feed that gives only summaries sends the summary again every round: a stored item whose
        text came from its linked article (``feeds.fetch_linked_articles``) keeps that text."""
        again = [it.id for it in items if it.id in known and it.extra.get("summary_only")]
        if not again:
            return items
        stored = {it.id: it for it in self.store.get_items(again)}
        out = []
        for it in items:
            old = stored.get(it.id)
            if old is not None and old.extra.get("text_from") and "text_from" not in it.extra:
                it = replace(
                    it,
                    text=old.text,
                    html=old.html,
                    images=it.images or old.images,
                    author=it.author or old.author,
                    extra={**it.extra, "summary": it.text, "text_from": old.extra["text_from"]},
                )
            out.append(it)
        return out

    def known_url(self, url: str) -> bool:
        from global24.normalize import canonical_url

        return self.store.get_item(Item.make_id("", canonical_url(url) or url)) is not None

    # fetch ------------------------------------------------------------------------
    async def fetch(self, now: datetime | None = None, progress: Progress | None = None) -> RoundReport:
        """One round over every due source, fetched concurrently.

        The round's items are stored together once every source has answered, in
        publication order (sources by name, then feed order, break ties), so the
        stored order and which syndicated copy counts as the original do not depend
        on which server answered first. A source's fetch state (validators, resume
        point) is saved only after its items are stored: a desk stopped in between
        fetches them again rather than losing them behind a 304.
        """
        from global24.sources import collect
        from global24.sources.fetcher import Fetcher, apply_fetch_outcome

        now = now or utcnow()
        report = RoundReport(started=now)
        due = self.store.due_sources(now)
        report.sources = len(due)
        if not due:
            return report
        async with Fetcher(self.settings) as fetcher:

            async def one(source: Source) -> tuple[Source, Any]:
                return source, await collect(
                    source, fetcher, settings=self.settings, known_urls=self.known_url
                )

            answered: list[tuple[Source, Any]] = []
            for done_count, fut in enumerate(asyncio.as_completed([one(s) for s in due]), 1):
                source, result = await fut
                if progress:
                    progress(source.name or source.url, done_count, len(due))
                answered.append((source, result))
        answered.sort(key=lambda sr: (sr[0].name or "", sr[0].url or "", sr[0].id))
        batch: list[Item] = []
        for source, result in answered:
            for it in result.items:
                _claim(source, it)
            batch.extend(result.items)
        if batch:
            try:
                report.add(self.ingest(None, batch, now, by_time=True))
            except Exception as exc:  # one source's items must not keep every other source's out
                log.warning("storing the round failed (%s: %s); storing source by source", type(exc).__name__, exc)
                for source, result in answered:
                    if not result.items:
                        continue
                    try:
                        report.add(self.ingest(source, result.items, now, by_time=True))
                    except Exception as one_exc:  # kept as the source's error; fetched again next time
                        result.error = f"storing its items failed: {type(one_exc).__name__}: {one_exc}"
        for source, result in answered:
            if result.error:
                report.failed += 1
                report.errors.append((source.name or source.url, result.error))
            elif result.not_modified:
                report.not_modified += 1
            else:
                report.fetched += 1
            fresh = self.store.get_source(source.id) or source
            self.store.upsert_source(apply_fetch_outcome(fresh, result, utcnow()))
        return report

    # cluster ------------------------------------------------------------------------
    def clusterer(self) -> Any:
        from global24.clustering import StoryClusterer

        if self._clusterer is None:
            blob = self.store.get_state(CLUSTER_STATE)
            if blob:
                try:
                    cursor, snapshot = pickle.loads(blob)
                    self._clusterer = StoryClusterer.loads(self.settings, snapshot)
                    self._cursor = int(cursor)
                except Exception as exc:  # an unreadable snapshot is rebuilt by replay
                    log.warning("cluster snapshot unreadable (%s); replaying items", exc)
                    self._clusterer = None
            if self._clusterer is None:
                self._clusterer = StoryClusterer(self.settings)
                self._cursor = 0
        return self._clusterer

    def cluster(self, progress: Progress | None = None) -> tuple[int, int]:
        """Assign every item not yet seen by the clusterer; returns (items assigned, stories changed)."""
        c = self.clusterer()
        assigned = changed = 0
        while True:
            batch = self.store.items_after(self._cursor, 2000)
            if not batch:
                break
            pairs: list[tuple[str, str]] = []
            merges: list[tuple[str, str]] = []
            for it in batch:
                a = c.assign(it)
                pairs.append((it.id, a.story_id))
                merges.extend(a.merged)
            stories = c.stories(changed_only=True)
            # items of this batch go straight to the story they ended in; earlier ones follow the merges
            self.store.set_item_story([(item_id, c.resolve(story_id)) for item_id, story_id in pairs])
            for from_id, into_id in merges:
                self.store.merge_story(from_id, c.resolve(into_id))
            self._save_stories(stories)
            self._cursor = batch[-1].seq or self._cursor
            self.store.set_state(CLUSTER_STATE, pickle.dumps((self._cursor, c.dumps())))
            assigned += len(batch)
            changed += len(stories)
            if progress:
                progress("clustering", assigned, assigned + len(batch))
        if assigned:
            # a last consolidation over every live story: fragments that grew apart in the batch meet
            merges = c.review()
            for from_id, into_id in merges:
                self.store.merge_story(from_id, c.resolve(into_id))
            if merges:
                self._save_stories(c.stories(changed_only=True))
                self.store.set_state(CLUSTER_STATE, pickle.dumps((self._cursor, c.dumps())))
        return assigned, changed

    def _save_stories(self, stories: list[Story]) -> None:
        """Store changed stories with their topic and region (read from their latest items)."""
        for st in stories:
            st.topic, st.region = classify_story(self.store.items_for_story(st.id)[:40])
        self.store.upsert_stories(stories)

    # heat ---------------------------------------------------------------------------
    def score(self, now: datetime | None = None, stories: list[Story] | None = None) -> list[HeatSample]:
        """Score live and cooling stories; samples are stored with their components."""
        from global24 import heat

        now = now or utcnow()
        if self._baseline is None:
            blob = self.store.get_state(HEAT_STATE)
            self._baseline = heat.HeatBaseline.loads(blob) if blob else heat.HeatBaseline()
        if stories is None:
            stories = [s for s in self.store.list_stories(order="new", limit=2000) if s.status != "archived"]
        pairs = [(s, self.store.items_for_story(s.id)) for s in stories]
        samples = heat.score_stories(pairs, now, self.settings, self._baseline)
        self.store.add_heat_samples(samples)
        self.store.set_state(HEAT_STATE, self._baseline.dumps())
        return samples

    # write ----------------------------------------------------------------------------
    def background_for(self, story: Story, items: list[Item], limit: int = 12) -> list[Item]:
        """Earlier items from other stories that share this story's key entities (the archive)."""
        own = {it.id for it in items}
        first = min((it.when for it in items), default=utcnow())
        keys = [e for e in story.entities[:8] if len(e) > 2]
        out: list[Item] = []
        for ent in keys[:6]:
            for cand in self.store.search_items(ent, 10):
                if cand.id in own or cand.story_id == story.id or cand.when >= first:
                    continue
                # one shared name (a president, a country) is not enough to make an item background
                text = f"{cand.title or ''} {cand.text}"
                if sum(k in text for k in keys) < 2:
                    continue
                if cand.id not in {o.id for o in out}:
                    out.append(cand)
        return out[:limit]

    def write(self, now: datetime | None = None, force: Iterable[str] = ()) -> list[Article]:
        """Write or rewrite articles of hot stories (debounced); returns the new revisions."""
        from global24.writing import should_rewrite, write_article

        now = now or utcnow()
        s = self.settings
        forced = set(force)
        written: list[Article] = []
        candidates = [
            st
            for st in self.store.list_stories(order="heat", limit=200)
            if st.id in forced
            or (
                st.item_count >= s.write_min_items
                and (st.heat >= s.write_min_heat or st.source_count >= s.write_min_sources)
            )
        ]
        for story in candidates:
            items = self.store.items_for_story(story.id)
            previous = self.store.get_article(story.id)
            if story.id not in forced:
                ok, _why = should_rewrite(previous, story, items, now, s)
                if not ok:
                    continue
            try:
                article = write_article(
                    story,
                    items,
                    s,
                    heat=self.store.latest_heat(story.id),
                    background=self.background_for(story, items),
                    previous=previous,
                )
            except Exception as exc:  # one story's failure must not stop the others
                log.exception("writing story %s failed: %s", story.id, exc)
                continue
            self.store.add_article(article)
            written.append(article)
        return written

    # publish ----------------------------------------------------------------------------
    def publish(self, report: RoundReport, samples: list[HeatSample], articles: list[Article]) -> None:
        """Fire webhooks for hot stories, new revisions and failing sources."""
        if not self.settings.webhook_urls:
            return
        try:
            from global24.publishing.webhooks import events_for_round, send_events
        except ImportError:
            return
        events = events_for_round(self.store, self.settings, samples, articles)
        send_events(self.store, self.settings, events)

    # the round and the loop ---------------------------------------------------------------
    async def run_round(self, progress: Progress | None = None) -> RoundReport:
        """One round of every stage; a stage that fails is logged and recorded, the next one still runs."""
        report = RoundReport()
        try:
            report = await self.fetch(progress=progress)
        except Exception as exc:
            self._stage_failed(report, "fetch", exc)
        try:
            report.assigned, report.stories_changed = self.cluster()
        except Exception as exc:
            self._stage_failed(report, "cluster", exc)
        samples: list[HeatSample] = []
        try:
            samples = (
                self.score() if report.assigned or report.items_updated or self._baseline is None else []
            )
        except Exception as exc:
            self._stage_failed(report, "heat", exc)
        report.heat_samples = len(samples)
        articles: list[Article] = []
        try:
            articles = self.write()
        except Exception as exc:
            self._stage_failed(report, "write", exc)
        report.articles = [a.story_id for a in articles]
        try:
            self.publish(report, samples, articles)
        except Exception as exc:
            self._stage_failed(report, "publish", exc)
        return report

    @staticmethod
    def _stage_failed(report: RoundReport, stage: str, exc: Exception) -> None:
        log.exception("stage %s failed: %s", stage, exc)
        report.errors.append((f"stage {stage}", f"{type(exc).__name__}: {exc}"))

    async def run_forever(
        self, stop: asyncio.Event, on_round: Callable[[RoundReport], None] | None = None
    ) -> None:
        while not stop.is_set():
            try:
                report = await self.run_round()
            except Exception as exc:  # the loop outlives any one round
                log.exception("round failed: %s", exc)
            else:
                if on_round:
                    on_round(report)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.run_interval)

    def close(self) -> None:
        self.store.close()


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _claim(source: Source, it: Item) -> None:
    """An item collected from ``source`` belongs to it, unless it already names its own."""
    it.source_id = it.source_id or source.id
    it.source_name = it.source_name or source.name or None


def import_items(desk: Desk, path: Path, default_name: str) -> tuple[IngestReport, list[str]]:
    """Import an Item JSONL file: each outlet named in it is a source of its own (independence
    counts depend on it); items naming none belong to the file's source. Returns (report, line errors)."""
    from global24.sources.jsonl import import_jsonl

    items, errors = import_jsonl(path)
    file_src = Source(id=Source.make_id("jsonl", str(path.resolve())), kind="jsonl", url=str(path.resolve()))
    file_src.name = default_name
    named: dict[str, Source] = {}
    for it in items:
        if not it.source_id:
            it.source_id, it.source_name = file_src.id, file_src.name
            named.setdefault(file_src.id, file_src)
        elif it.source_id not in named:
            named[it.source_id] = Source(
                id=it.source_id,
                kind="jsonl",
                url=f"{file_src.url}#{it.source_name}",
                name=it.source_name or "",
            )
    for src in named.values():
        if desk.store.get_source(src.id) is None:
            # imported sources are not fetched again: their next fetch is far away
            src.enabled = False
            desk.store.upsert_source(src)
    return desk.ingest(None, items), errors


def rewrite_story(store: SQLStore, settings: Settings, story_id: str) -> Article | None:
    """Write a new revision of one story now (the API's rewrite endpoint)."""
    story = store.get_story(story_id)
    if story is None:
        return None
    desk = Desk(settings, store)
    written = desk.write(force=[story.id])
    return written[0] if written else None


def story_headline(store: SQLStore, story: Story) -> str:
    """What a story is called in listings: its latest article's headline, else the clusterer's title."""
    revs = store.list_revisions(story.id)
    return (revs[0].get("headline") if revs else "") or story.title or story.id
