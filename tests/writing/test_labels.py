"""The words the writer adds (labels, byline, attribution prefixes) follow the article's language."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from global24.models import Article, Engagement, Item, article_from_json, article_to_json
from global24.publishing.feeds import Feed, FeedEntry, to_atom, to_jsonfeed
from global24.writing import (
    article_to_html,
    article_to_markdown,
    items_from_jsonl,
    write_article,
    write_jsonl,
)
from global24.writing.evidence import build_evidence
from global24.writing.labels import LABELS, date_label, join_names, label, prefix_patterns
from global24.writing.llm import section_prompt
from global24.writing.planned import PlannedSection
from global24.writing.verify import split_attribution

DATA = Path(__file__).resolve().parents[1] / "data" / "writing"


def _french_set_with_posts() -> list[Item]:
    items = items_from_jsonl(DATA / "ciaran-fr.jsonl")
    posts = [
        ("fr-p1", "@meteo_bzh", "Rafale record de 207 km/h à la pointe du Raz cette nuit. "
         "Jamais vu une tempête pareille en novembre dans le Finistère.", 6),
        ("fr-p2", "@brest_live", "Plus de courant depuis 3 heures du matin dans tout le quartier. "
         "Des arbres sont tombés sur la route de Quimper.", 8),
    ]  # fmt: skip
    for pid, handle, text, hour in posts:
        items.append(
            Item(id=pid, source_id=f"src-{pid}", kind="post", lang="fr", author=handle, source_name=handle,
                 text=text, published_at=datetime(2023, 11, 2, hour, tzinfo=UTC),
                 engagement=Engagement(likes=300, reposts=60, replies=12))
        )  # fmt: skip
    return items


def test_a_french_article_is_labelled_in_french_and_its_prefixes_verify(wsettings):
    article = write_article(None, _french_set_with_posts(), wsettings)
    assert article.lang == "fr"
    assert article.attribution.startswith("Analyse indépendante fondée sur des médias ouverts : ")
    assert re.search(r" et \d+ autres?$", article.attribution)
    headings = {s.kind: s.heading for s in article.sections}
    assert headings.get("reactions") == "Réactions"
    assert headings.get("timeline") == "Chronologie"
    quoted = [x.text for s in article.sections if s.kind == "reactions" for p in s.paragraphs for x in p]
    assert any(re.match(r"@meteo_bzh a écrit : “", t) for t in quoted)
    assert not any("posted" in t or "According to" in t for t in quoted)
    # our French prefix is told apart from the post's words, so nothing is dropped for it
    assert article.grounding["dropped"] == 0 and article.grounding["verified"] >= 6


def test_renderings_carry_the_language_and_its_labels(tmp_path, wsettings):
    out = tmp_path / "a.json"
    write_jsonl(DATA / "crete-quake-el.jsonl", out, "json", wsettings)
    article = article_from_json(json.loads(out.read_text(encoding="utf-8")))
    assert article.lang == "el"
    md = article_to_markdown(article)
    assert "\n## Πηγές\n" in md and "## Sources" not in md
    assert "Σεπτεμβρίου 2021" in md  # timeline dates in Greek
    html = article_to_html(article)
    assert '<html lang="el">' in html and "<h2>Πηγές</h2>" in html
    ar = tmp_path / "ar.json"
    write_jsonl(DATA / "morocco-quake-ar.jsonl", ar, "json", wsettings)
    page = article_to_html(article_from_json(json.loads(ar.read_text(encoding="utf-8"))))
    assert '<html lang="ar" dir="rtl">' in page
    assert '<p class="meta" lang="en" dir="ltr">' in page  # our English footer keeps its word order


def test_english_output_keeps_its_labels(wsettings):
    article = write_article(None, items_from_jsonl(DATA / "rio-items.jsonl"), wsettings)
    assert article.lang == "en"
    assert article.attribution.startswith("Independent analysis based on open media from ")
    assert '<html lang="en">' in article_to_html(article)
    assert "\n## Sources\n" in article_to_markdown(article)


def test_article_json_keeps_the_language_and_old_records_read_as_english():
    a = Article(story_id="st_x", headline="Ciaran", lang="fr")
    assert article_from_json(article_to_json(a)).lang == "fr"
    d = article_to_json(a)
    d.pop("lang")
    assert article_from_json(d).lang == "en"


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_every_language_has_every_label_and_its_prefixes_split(lang):
    assert set(LABELS[lang]) == set(LABELS["en"])
    said = label(lang, "according", source="kriti-news") + "the claim follows."
    assert split_attribution(said, {"kriti-news"}) == (
        said[: -len("the claim follows.")],
        "the claim follows.",
    )
    posted = label(lang, "posted", who="@obs") + "“A post.”"
    assert split_attribution(posted, {"@obs", "obs"})[1] == "A post."
    assert split_attribution(said, {"someone-else"})[0] == ""  # only a source of the article


def test_names_and_dates_in_other_languages():
    assert join_names("en", ["A", "B"], 3) == "A, B and 3 others"
    assert join_names("en", ["A"], 1) == "A and 1 other"
    assert join_names("fr", ["A", "B"]) == "A et B"
    assert join_names("ja", ["A", "B"], 2) == "A、Bほか2件"
    assert join_names("pt-BR", ["A", "B"], 2) == "A, B e mais 2"
    assert label("xx", "timeline") == "Timeline"  # a language the table lacks: English
    assert date_label("en", date(2025, 10, 28)) == "28 Oct 2025"
    assert date_label("fr", date(2025, 10, 28)) == "28 octobre 2025"
    assert date_label("ja", date(2025, 10, 28)) == "2025年10月28日"
    assert len(prefix_patterns()) >= 2 * len(LABELS) - 2


def test_the_llm_is_asked_to_write_in_the_evidence_language(wsettings):
    ev = build_evidence(items_from_jsonl(DATA / "ciaran-fr.jsonl"))
    messages, _ = section_prompt(ev, PlannedSection("lead", "Ce qui s'est passé", []), wsettings)
    assert "Write in French" in messages[-1]["content"]
    ev_en = build_evidence(items_from_jsonl(DATA / "rio-items.jsonl"))
    messages, _ = section_prompt(ev_en, PlannedSection("lead", "What Happened", []), wsettings)
    assert "Write in" not in messages[-1]["content"]


def test_feeds_mark_an_entry_in_another_language():
    now = datetime(2025, 10, 28, tzinfo=UTC)
    entry = FeedEntry(id="https://x/s/1", title="Ciaran", link="https://x/s/1", updated=now, published=now,
                      summary="Des vents", content_html="<p>Des vents</p>", lang="fr")  # fmt: skip
    feed = Feed(id="https://x/feeds/hot", title="t", subtitle="s", link="https://x/", path="/feeds/hot",
                updated=now, author="Global24", entries=[entry])  # fmt: skip
    assert '<entry xml:lang="fr">' in to_atom(feed, "https://x")
    assert json.loads(to_jsonfeed(feed, "https://x"))["items"][0]["language"] == "fr"
    entry.lang = "en"
    assert "<entry>" in to_atom(feed, "https://x")
    assert "language" not in json.loads(to_jsonfeed(feed, "https://x"))["items"][0]
