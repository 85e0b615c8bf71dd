"""What kind of piece an item is: comment where its outlet marks it so, else a report."""

from __future__ import annotations

import pytest

from global24.genre import COMMENT, REPORT, genre
from global24.models import Item


def _item(title: str, url: str | None = None, tags: list[str] | None = None, text: str = "Text.") -> Item:
    return Item(id="x", source_id="s", title=title, url=url, text=text, extra={"tags": tags} if tags else {})


@pytest.mark.parametrize(
    "title",
    [
        "Analysis: A divided Fed cuts in the fog",
        "OPINION | The ceasefire needs more than words",
        "Ireland's spoiled-ballot protest, explained",
        "Your questions on AI and the power bill, answered",
        "Why the Rio death toll depends on who is counting",
        "How a 60-second Reagan ad blew up U.S.-Canada trade talks",
        "A week after the Louvre theft: what we know, and what we don't",
        "Gaza's ceasefire survives its worst night. What holds it together?",
        "Will the Fed cut again in December?",
        "Analyse : ce que change la victoire de Biya",
        "Por qué Río no tiene una cifra única de muertos",
        "【解説】日米首脳会談で何が決まったのか",
        "社説：重要鉱物の枠組みは第一歩にすぎない",
        "Analýza: Babišova vláda a rozpočet",
        "Мнение: что означает перемирие",
        "تحليل: ماذا بعد سقوط الفاشر",
    ],
)
def test_titles_that_mark_comment(title):
    assert genre(_item(title)) == COMMENT


@pytest.mark.parametrize(
    "title",
    [
        "WHO says over 460 killed at El Fasher hospital; RSF leader admits 'violations'",
        "Fed cuts rates by a quarter point, will stop shrinking balance sheet on Dec. 1",
        "Will Smith to star in new series",
        "Alassane Ouattara réélu pour un quatrième mandat avec 89,8 % des voix",
        "Louvre inquiry widens with five more arrests",
        "日米首脳、重要鉱物の枠組みに署名",
        "Column of smoke rises over Kyiv after strikes",
    ],
)
def test_titles_of_reports(title):
    assert genre(_item(title)) == REPORT


def test_link_section_and_feed_categories_mark_comment():
    assert genre(_item("The grid after the strikes", url="https://news.example/opinion/2025/10/grid")) == COMMENT
    assert genre(_item("The grid after the strikes", url="https://news.example/world/2025/10/grid")) == REPORT
    assert genre(_item("The grid after the strikes", tags=["Europe", "Analysis"])) == COMMENT
    assert genre(_item("The grid after the strikes", tags=["Europe", "Energy"])) == REPORT


def test_odd_input_is_classified_without_raising():
    assert genre(_item("Opinion: x", url="http://[::1/opinion/x")) == COMMENT
    assert genre(_item("The grid", url="http://[::1/opinion/x")) == REPORT
    assert genre(Item(id="x", source_id="s", text="")) == REPORT
    odd = Item(id="x", source_id="s", title="The grid", text="", extra={"tags": [None, 3, "  Analysis "]})
    assert genre(odd) == COMMENT
