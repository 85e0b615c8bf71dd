"""The writing engine: evidence → outline → draft → verify → Article revision.

This is the one place the writing stages meet. Whatever writer drafts the text,
verification drops what its cited sources do not carry and the grounding report
travels with the article. A failing writer falls back to the extractive one and
the reason is recorded in ``grounding["writer_notes"]`` and the change note.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from global24.models import Article, Citation, HeatSample, Item, Sentence, Story, stable_id, utcnow
from global24.settings import Settings
from global24.text import word_count
from global24.writing.base import Draft, WriterError, citations_for, get_writer
from global24.writing.evidence import Evidence, build_evidence
from global24.writing.headline import attribution, choose_headline, gallery, source_list, without_full_stop
from global24.writing.lead import lead_units
from global24.writing.outline import plan_outline
from global24.writing.planned import Outline
from global24.writing.verify import check_sentence, enforce


def _draft(ev: Evidence, outline: Outline, settings: Settings, name: str) -> tuple[Draft, list[str]]:
    notes: list[str] = []
    try:
        draft = get_writer(name, settings).draft(ev, outline, settings)
        notes.extend(draft.notes)
        return draft, notes
    except (WriterError, KeyError) as exc:
        notes.append(f"writer {name!r} failed ({exc}); fell back to the extractive writer")
    draft = get_writer("extractive", settings).draft(ev, outline, settings)
    return draft, notes


def _timeline(outline: Outline, ev: Evidence, kept_texts: set[str]) -> list[dict]:
    out = []
    for e in outline.timeline:
        u = e.unit
        if u.text not in kept_texts:
            continue
        out.append({
            "date": e.day.isoformat(), "basis": e.basis, "text": u.text, "item_id": u.item_id,
            "source": u.source, "lang": u.lang,
            "citations": [c.__dict__ for c in citations_for(ev, u.id)],
        })  # fmt: skip
    return out


def _disagreements(outline: Outline, ev: Evidence) -> list[dict]:
    return [
        {
            "about": d.key,
            "claims": [
                {
                    "value": c.value,
                    "figure": c.text,
                    "sources": c.sources,
                    "citations": [citations_for(ev, u.id)[0].__dict__ for u in c.units],
                }
                for c in d.claims
            ],
        }
        for d in outline.disagreements
    ]


def change_note(previous: Article | None, article: Article) -> str:
    """What is new in this revision compared with the previous one."""
    if previous is None:
        # outlets, not items: one outlet's ten posts, or a wire story in five papers' copies, are not ten
        outlets = {s.get("source") or s.get("item_id") for s in article.sources}
        return f"First revision, from {len(outlets)} source{'s' if len(outlets) != 1 else ''}."
    parts = []
    old_sources = {s.get("source") for s in previous.sources}
    new_sources = sorted({s.get("source") for s in article.sources} - old_sources - {None, ""})
    if new_sources:
        parts.append(
            f"+{len(new_sources)} source{'s' if len(new_sources) > 1 else ''} ({', '.join(new_sources[:4])})"
        )
    new_items = set(article.item_ids) - set(previous.item_ids)
    if new_items:
        parts.append(f"+{len(new_items)} item{'s' if len(new_items) > 1 else ''}")
    old_heads = {s.heading for s in previous.sections}
    added = [s.heading for s in article.sections if s.heading not in old_heads]
    if added:
        parts.append("new section" + ("s " if len(added) > 1 else " ") + ", ".join(f"'{h}'" for h in added))
    dropped = [h for h in old_heads if h not in {s.heading for s in article.sections}]
    if dropped:
        parts.append(f"{len(dropped)} section{'s' if len(dropped) > 1 else ''} retitled or removed")
    if previous.headline != article.headline:
        parts.append("new headline")
    if len(article.disagreements) > len(previous.disagreements):
        parts.append("sources now differ on " + ", ".join(d["about"] for d in article.disagreements))
    return "; ".join(parts) or "Rewritten with no material change."


def write_article(
    story: Story | None,
    items: list[Item],
    settings: Settings,
    *,
    heat: HeatSample | None = None,
    background: Sequence[Item] = (),
    previous: Article | None = None,
    writer: str | None = None,
) -> Article:
    """Write (or rewrite) the analysis article of one story from its items."""
    ev = build_evidence(
        items, list(background), max_items=settings.write_max_items, entity_backend=settings.text_entities
    )
    headline, headline_item = choose_headline(ev)
    outline = plan_outline(
        ev,
        settings.write_max_words,
        settings.write_section_sentences,
        headline,
        lead_words=settings.write_lead_words,
        headline_item=headline_item,
    )
    name = writer or settings.writer
    draft, notes = _draft(ev, outline, settings, name)
    min_support = settings.write_min_support
    sections, report = enforce(draft.sections, ev.items, min_support)
    if draft.writer != "extractive" and report["verified"] < 3:
        notes.append(
            f"{draft.writer} kept only {report['verified']} verified sentences; "
            "fell back to the extractive writer"
        )
        draft = get_writer("extractive", settings).draft(ev, outline, settings)
        sections, report = enforce(draft.sections, ev.items, min_support)
    kept_texts = {s.text for sec in sections for p in sec.paragraphs for s in p}
    dek_text, dek_grounding = "", None
    if outline.dek is not None:
        dek_sentence = Sentence(ev.units[outline.dek].text, citations_for(ev, outline.dek))
        if check_sentence(dek_sentence, ev.items, min_support).ok:
            dek_text = dek_sentence.text
            dek_grounding = [c.__dict__ for c in dek_sentence.citations]
    cited = {c.item_id for sec in sections for p in sec.paragraphs for s in p for c in s.citations}
    cited |= {c["item_id"] for c in dek_grounding or []}
    if headline_item:
        cited.add(headline_item)
    attrib, _ = attribution(sections, ev, dek=[c["item_id"] for c in dek_grounding or []])
    report["writer_notes"] = notes
    report["headline"] = {"item_id": headline_item, "field": "title"}
    report["dek"] = dek_grounding
    story_id = story.id if story is not None else stable_id(*sorted(ev.items), prefix="st_")
    article = Article(
        story_id=story_id,
        revision=(previous.revision + 1) if previous else 1,
        created_at=utcnow(),
        headline=without_full_stop(headline),
        dek=dek_text,
        attribution=attrib,
        sections=sections,
        images=gallery(ev, cited),
        timeline=_timeline(outline, ev, kept_texts),
        disagreements=_disagreements(outline, ev),
        sources=source_list(ev, cited, with_text=settings.write_embed_text),
        grounding=report,
        writer=draft.writer,
        heat=(
            {"score": heat.score, "components": dict(heat.components), "explanation": heat.explanation}
            if heat
            else {}
        ),
        item_ids=sorted(it.id for it in items if it.id in ev.items),
        lang=ev.lang or "en",
    )
    note = change_note(previous, article)
    if notes:
        note += " Writer: " + " ".join(notes)
    article.change_note = note
    return article


def summarize(items: list[Item], words: int, settings: Settings) -> str:
    """The lead of the set's article as plain text, at most ``words`` words."""
    ev = build_evidence(items, max_items=settings.write_max_items, entity_backend=settings.text_entities)
    joiner = "" if ev.lang in ("ja", "zh") else " "  # sentences follow each other without a space there
    lead = lead_units(ev, words)
    if not lead:  # no sentence is that short: the headline (a source's own title) when it fits
        headline = without_full_stop(choose_headline(ev)[0])
        return headline if headline and word_count(headline, ev.lang) <= words else ""
    return joiner.join(ev.units[i].text for i in lead)


def should_rewrite(
    previous: Article | None, story: Story | None, items: list[Item], now: datetime, settings: Settings
) -> tuple[bool, str]:
    """Whether a story's article is due for a new revision (debounced), and why."""
    if len(items) < settings.write_min_items:
        return False, f"{len(items)} items, fewer than write_min_items={settings.write_min_items}"
    if (
        story is not None
        and previous is None
        and story.heat < settings.write_min_heat
        and story.source_count < settings.write_min_sources
    ):
        return False, (
            f"heat {story.heat:.0f} below write_min_heat={settings.write_min_heat:.0f} and "
            f"{story.source_count} sources below write_min_sources={settings.write_min_sources}"
        )
    if previous is None:
        return True, "no article yet"
    new = [it for it in items if it.id not in set(previous.item_ids)]
    if len(new) < settings.write_min_new_items:
        return False, f"{len(new)} new items, fewer than write_min_new_items={settings.write_min_new_items}"
    age = (now - previous.created_at).total_seconds() / 60
    if age < settings.write_debounce_minutes:
        return False, f"last revision {age:.1f} min ago, debounce is {settings.write_debounce_minutes:g} min"
    return True, f"{len(new)} new items since revision {previous.revision}"


__all__ = ["write_article", "summarize", "should_rewrite", "change_note", "Citation"]
