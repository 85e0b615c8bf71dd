"""The Store implementation shared by SQLite and PostgreSQL (SQLAlchemy Core).

Backends subclass :class:`SQLStore` for what differs: connection set-up and
full-text search.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from global24.models import Article, HeatSample, Item, Source, Story, utcnow
from global24.store import migrations, rows, schema
from global24.store.base import UpsertResult
from global24.store.schema import dumps, loads, ts

_CHUNK = 500

# Fields an item re-fetch may change; seq, story and duplicate links stay.
_ITEM_MUTABLE = (
    "title",
    "text",
    "html",
    "engagement",
    "images",
    "author",
    "lang",
    "extra",
    "error",
    "source_name",
)


def _chunks(seq: list[Any], n: int = _CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


class SQLStore:
    """Common SQL store; ``engine`` must already be configured by the backend."""

    dialect = "sql"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _insert(self, table: Any) -> Any:
        mod = sqlite if self.engine.dialect.name == "sqlite" else postgresql
        return mod.insert(table)

    # lifecycle -----------------------------------------------------------
    def migrate(self) -> list[str]:
        with self.engine.begin() as conn:
            return migrations.migrate(conn, self.engine.dialect.name)

    def close(self) -> None:
        self.engine.dispose()

    # sources ---------------------------------------------------------------
    def upsert_source(self, source: Source) -> None:
        row = rows.source_row(source)
        stmt = self._insert(schema.sources).values(**row)
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"], set_={k: stmt.excluded[k] for k in row if k not in ("id", "created_at")}
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)

    def get_source(self, source_id: str) -> Source | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(schema.sources).where(schema.sources.c.id == source_id)).first()
        return rows.row_source(r) if r else None

    def list_sources(self, enabled_only: bool = False) -> list[Source]:
        q = select(schema.sources).order_by(schema.sources.c.name, schema.sources.c.id)
        if enabled_only:
            q = q.where(schema.sources.c.enabled.is_(True))
        with self.engine.connect() as conn:
            return [rows.row_source(r) for r in conn.execute(q)]

    def remove_source(self, source_id: str) -> bool:
        with self.engine.begin() as conn:
            n = conn.execute(delete(schema.sources).where(schema.sources.c.id == source_id)).rowcount
        return n > 0

    def due_sources(self, now: datetime) -> list[Source]:
        c = schema.sources.c
        q = (
            select(schema.sources)
            .where(c.enabled.is_(True))
            .where(or_(c.next_fetch_at.is_(None), c.next_fetch_at <= ts(now)))
            .order_by(c.next_fetch_at)
        )
        with self.engine.connect() as conn:
            return [rows.row_source(r) for r in conn.execute(q)]

    # items -------------------------------------------------------------------
    def upsert_items(self, items: Iterable[Item]) -> UpsertResult:
        result = UpsertResult()
        batch: dict[str, dict[str, Any]] = {}
        for it in items:
            batch[it.id] = rows.item_row(it)  # last one wins inside a batch
        if not batch:
            return result
        t = schema.items
        with self.engine.begin() as conn:
            for ids in _chunks(list(batch)):
                existing = {
                    r.id: r
                    for r in conn.execute(
                        select(t.c.id, *(t.c[k] for k in _ITEM_MUTABLE)).where(t.c.id.in_(ids))
                    )
                }
                new_rows = [batch[i] for i in ids if i not in existing]
                if new_rows:
                    stmt = self._insert(t).on_conflict_do_nothing(index_elements=["id"])
                    conn.execute(stmt, new_rows)
                    result.inserted += len(new_rows)
                for i in ids:
                    if i not in existing:
                        continue
                    old, new = existing[i]._mapping, batch[i]
                    changes = {k: new[k] for k in _ITEM_MUTABLE if new[k] != old[k] and new[k] is not None}
                    if changes:
                        conn.execute(update(t).where(t.c.id == i).values(**changes))
                        result.updated += 1
                    else:
                        result.unchanged += 1
            if result.inserted:
                counts: dict[str, int] = {}
                for r in batch.values():
                    counts[r["source_id"]] = counts.get(r["source_id"], 0) + 1
                for sid in counts:
                    n = conn.execute(select(func.count()).select_from(t).where(t.c.source_id == sid)).scalar()
                    conn.execute(
                        update(schema.sources).where(schema.sources.c.id == sid).values(item_count=n)
                    )
        return result

    def _items(self, q: Any) -> list[Item]:
        with self.engine.connect() as conn:
            return [rows.row_item(r) for r in conn.execute(q)]

    def get_item(self, item_id: str) -> Item | None:
        found = self._items(select(schema.items).where(schema.items.c.id == item_id))
        return found[0] if found else None

    def get_items(self, item_ids: Iterable[str]) -> list[Item]:
        ids = list(dict.fromkeys(item_ids))
        out: dict[str, Item] = {}
        for chunk in _chunks(ids):
            for it in self._items(select(schema.items).where(schema.items.c.id.in_(chunk))):
                out[it.id] = it
        return [out[i] for i in ids if i in out]

    def existing_ids(self, item_ids: Iterable[str]) -> set[str]:
        """Which of these item ids are stored (without loading the items)."""
        ids = list(dict.fromkeys(item_ids))
        out: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(ids):
                out.update(r[0] for r in conn.execute(select(schema.items.c.id).where(schema.items.c.id.in_(chunk))))
        return out

    def items_after(self, seq: int, limit: int = 1000) -> list[Item]:
        c = schema.items.c
        return self._items(select(schema.items).where(c.seq > seq).order_by(c.seq).limit(limit))

    def items_for_story(self, story_id: str) -> list[Item]:
        c = schema.items.c
        return self._items(select(schema.items).where(c.story_id == story_id).order_by(c.seq))

    def items_for_source(self, source_id: str, limit: int = 50) -> list[Item]:
        c = schema.items.c
        return self._items(
            select(schema.items).where(c.source_id == source_id).order_by(c.seq.desc()).limit(limit)
        )

    def recent_items(self, since: datetime, limit: int = 5000) -> list[Item]:
        c = schema.items.c
        q = (
            select(schema.items)
            .where(
                or_(c.published_at >= ts(since), and_(c.published_at.is_(None), c.fetched_at >= ts(since)))
            )
            .order_by(c.seq.desc())
            .limit(limit)
        )
        return self._items(q)

    def search_items(self, query: str, limit: int = 20) -> list[Item]:
        seqs = self._search_seqs(query, limit)
        if not seqs:
            return []
        found = {it.seq: it for it in self._items(select(schema.items).where(schema.items.c.seq.in_(seqs)))}
        return [found[s] for s in seqs if s in found]

    def _search_seqs(self, query: str, limit: int) -> list[int]:  # pragma: no cover - per backend
        raise NotImplementedError

    def count_items(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(schema.items)).scalar() or 0)

    def set_item_story(self, assignments: Iterable[tuple[str, str]]) -> None:
        t = schema.items
        pairs = list(assignments)
        with self.engine.begin() as conn:
            for item_id, story_id in pairs:
                conn.execute(update(t).where(t.c.id == item_id).values(story_id=story_id))

    def set_duplicate(self, item_id: str, duplicate_of: str | None) -> None:
        t = schema.items
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.id == item_id).values(duplicate_of=duplicate_of))

    def find_by_hash(self, content_hash: str) -> Item | None:
        c = schema.items.c
        found = self._items(
            select(schema.items).where(c.content_hash == content_hash).order_by(c.seq).limit(1)
        )
        return found[0] if found else None

    def iter_all_items(self) -> Iterator[Item]:
        last = 0
        while True:
            batch = self.items_after(last, 2000)
            if not batch:
                return
            yield from batch
            last = batch[-1].seq or last

    # stories ---------------------------------------------------------------
    def upsert_stories(self, stories: Iterable[Story]) -> None:
        rows_ = [rows.story_row(s) for s in stories]
        if not rows_:
            return
        stmt = self._insert(schema.stories)
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"], set_={k: stmt.excluded[k] for k in rows_[0] if k != "id"}
        )
        with self.engine.begin() as conn:
            for chunk in _chunks(rows_):
                conn.execute(stmt, chunk)

    def get_story(self, story_id: str, follow_merges: bool = True) -> Story | None:
        seen: set[str] = set()
        with self.engine.connect() as conn:
            while story_id not in seen:
                seen.add(story_id)
                r = conn.execute(select(schema.stories).where(schema.stories.c.id == story_id)).first()
                if r is None:
                    return None
                s = rows.row_story(r)
                if not (follow_merges and s.merged_into):
                    return s
                story_id = s.merged_into
        return None

    def list_stories(
        self,
        status: str | None = None,
        order: str = "heat",
        limit: int = 50,
        offset: int = 0,
        topic: str | None = None,
        region: str | None = None,
    ) -> list[Story]:
        c = schema.stories.c
        q = select(schema.stories).where(c.merged_into.is_(None))
        if status:
            q = q.where(c.status == status)
        if topic:
            q = q.where(c.topic == topic)
        if region:
            q = q.where(c.region == region)
        keys = {
            "heat": (c.heat.desc(), c.last_seen.desc()),
            "new": (c.last_seen.desc(),),
            "first": (c.first_seen,),
        }
        q = q.order_by(*keys.get(order, keys["heat"]), c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [rows.row_story(r) for r in conn.execute(q)]

    def search_stories(self, query: str, limit: int = 20) -> list[Story]:
        ids: list[str] = []
        for it in self.search_items(query, limit * 5):
            if it.story_id and it.story_id not in ids:
                ids.append(it.story_id)
        out: list[Story] = []
        for sid in ids:
            s = self.get_story(sid)
            if s and s.id not in {x.id for x in out}:
                out.append(s)
            if len(out) >= limit:
                break
        return out

    def merge_story(self, from_id: str, into_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(schema.stories).where(schema.stories.c.id == from_id).values(merged_into=into_id)
            )
            conn.execute(
                update(schema.items).where(schema.items.c.story_id == from_id).values(story_id=into_id)
            )

    # heat ------------------------------------------------------------------
    def add_heat_samples(self, samples: Iterable[HeatSample]) -> None:
        rows_ = [rows.heat_row(h) for h in samples]
        if not rows_:
            return
        with self.engine.begin() as conn:
            conn.execute(schema.heat_samples.insert(), rows_)
            for r in rows_:
                conn.execute(
                    update(schema.stories).where(schema.stories.c.id == r["story_id"]).values(heat=r["score"])
                )

    def heat_samples(self, story_id: str, limit: int = 200) -> list[HeatSample]:
        c = schema.heat_samples.c
        q = select(schema.heat_samples).where(c.story_id == story_id).order_by(c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [rows.row_heat(r) for r in conn.execute(q)][::-1]

    def latest_heat(self, story_id: str) -> HeatSample | None:
        s = self.heat_samples(story_id, 1)
        return s[-1] if s else None

    def heat_scores_since(self, since: datetime) -> list[float]:
        c = schema.heat_samples.c
        with self.engine.connect() as conn:
            return [float(r[0]) for r in conn.execute(select(c.score).where(c.at >= ts(since)))]

    # articles ----------------------------------------------------------------
    def add_article(self, article: Article) -> int:
        """Store a new revision; the revision number is assigned here."""
        c = schema.articles.c
        with self.engine.begin() as conn:
            last = conn.execute(select(func.max(c.revision)).where(c.story_id == article.story_id)).scalar()
            article.revision = int(last or 0) + 1
            conn.execute(schema.articles.insert().values(**rows.article_row(article)))
        return article.revision

    def get_article(self, story_id: str, revision: int | None = None) -> Article | None:
        c = schema.articles.c
        q = select(schema.articles).where(c.story_id == story_id)
        q = q.where(c.revision == revision) if revision else q.order_by(c.revision.desc()).limit(1)
        with self.engine.connect() as conn:
            r = conn.execute(q).first()
        return rows.row_article(r) if r else None

    def list_revisions(self, story_id: str) -> list[dict[str, Any]]:
        c = schema.articles.c
        q = (
            select(c.revision, c.created_at, c.headline, c.writer, c.change_note)
            .where(c.story_id == story_id)
            .order_by(c.revision.desc())
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def stories_with_articles(self) -> set[str]:
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(schema.articles.c.story_id).distinct())}

    # state and deliveries ------------------------------------------------------
    def get_state(self, key: str) -> bytes | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(schema.state.c.value).where(schema.state.c.key == key)).first()
        return bytes(r[0]) if r else None

    def set_state(self, key: str, value: bytes) -> None:
        stmt = self._insert(schema.state).values(key=key, value=value, updated_at=ts(utcnow()))
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"],
            set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)

    def log_delivery(self, record: dict[str, Any]) -> None:
        row = {
            "at": ts(record.get("at") or utcnow()),
            "event": record.get("event", ""),
            "url": record.get("url", ""),
            "status": record.get("status"),
            "attempts": int(record.get("attempts", 0)),
            "ok": bool(record.get("ok", False)),
            "error": record.get("error"),
            "payload": dumps(record.get("payload", {})),
        }
        with self.engine.begin() as conn:
            conn.execute(schema.deliveries.insert().values(**row))

    def list_deliveries(self, limit: int = 100) -> list[dict[str, Any]]:
        c = schema.deliveries.c
        with self.engine.connect() as conn:
            out = [
                dict(r._mapping)
                for r in conn.execute(select(schema.deliveries).order_by(c.id.desc()).limit(limit))
            ]
        for d in out:
            d["payload"] = loads(d["payload"], {})
        return out

    def stats(self) -> dict[str, int]:
        t = schema.items
        with self.engine.connect() as conn:

            def n(q: Any) -> int:
                return int(conn.execute(q).scalar() or 0)

            return {
                "sources": n(select(func.count()).select_from(schema.sources)),
                "sources_failing": n(
                    select(func.count()).select_from(schema.sources).where(schema.sources.c.error_count > 0)
                ),
                "items": n(select(func.count()).select_from(t)),
                "duplicates": n(select(func.count()).select_from(t).where(t.c.duplicate_of.is_not(None))),
                "item_errors": n(select(func.count()).select_from(t).where(t.c.error.is_not(None))),
                "stories": n(
                    select(func.count())
                    .select_from(schema.stories)
                    .where(schema.stories.c.merged_into.is_(None))
                ),
                "articles": n(select(func.count(func.distinct(schema.articles.c.story_id)))),
                "revisions": n(select(func.count()).select_from(schema.articles)),
            }

    def version(self) -> str:
        """A cheap token that changes whenever content that pages show changes."""
        with self.engine.connect() as conn:
            parts = [
                conn.execute(select(func.max(schema.items.c.seq))).scalar(),
                conn.execute(select(func.max(schema.stories.c.updated_at))).scalar(),
                conn.execute(select(func.max(schema.heat_samples.c.id))).scalar(),
                conn.execute(select(func.count()).select_from(schema.articles)).scalar(),
                conn.execute(select(func.max(schema.sources.c.last_fetch_at))).scalar(),
            ]
        return dumps(parts)
