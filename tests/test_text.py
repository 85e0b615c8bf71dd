"""text.py on real news text (MultiLing 2011 WikiNews articles when present) and on corpus prose."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from global24 import text as tx

MDS = [
    Path("/work/shared/data/mds/multiling2011.jsonl"),
    Path(__file__).resolve().parents[2] / "shared/data/mds/multiling2011.jsonl",
]


@pytest.fixture(scope="module")
def wikinews() -> list[dict]:
    path = next((p for p in MDS if p.exists()), None)
    if path is None:
        pytest.skip("MultiLing 2011 sample not present")
    return [it for line in path.read_text().splitlines() for it in json.loads(line)["items"]]


def test_sentences_are_exact_spans_of_real_articles(wikinews):
    total = 0
    for it in wikinews:
        spans = tx.sentences(it["text"])
        assert spans, it["id"]
        for s in spans:
            assert it["text"][s.start : s.end] == s.text
            assert s.text == s.text.strip()
        starts = [s.start for s in spans]
        assert starts == sorted(starts)
        total += len(spans)
    assert total > 300


def test_sentence_split_keeps_abbreviations_together():
    text = "The U.S. pledged $350 million on Jan. 1. Mr. Bush signed the bill.\nA new paragraph starts here."
    got = [s.text for s in tx.sentences(text)]
    assert got == [
        "The U.S. pledged $350 million on Jan. 1.",
        "Mr. Bush signed the bill.",
        "A new paragraph starts here.",
    ]


def test_entities_multiword_and_acronyms(wikinews):
    text = next(it["text"] for it in wikinews if it["id"] == "M0001.english")
    ents = {e.text for e in tx.entities(text)}
    assert "Junichiro Koizumi" in " ".join(ents)
    assert "United Kingdom" in ents
    assert any(e.label == "ACRONYM" for e in tx.entities("The UN and NATO met; the U.S. agreed."))
    names = [
        e.text
        for e in tx.entities("Officials at the Bank of Japan met Prime Minister Sanae Takaichi on Monday.")
    ]
    assert "Bank of Japan" in names and "Prime Minister Sanae Takaichi" in names
    assert "Monday" not in names and "Officials" not in names


def test_entity_offsets_are_exact():
    text = "In March 2007 Iranian guards seized 15 Royal Navy personnel near the Shatt al-Arab."
    for e in tx.entities(text):
        assert text[e.start : e.end] == e.text
    assert "March" not in [e.text for e in tx.entities(text)]


def test_numbers_money_percent_and_units():
    qs = tx.numbers(
        "Japan pledged $550 billion, a 15 percent tariff applies, and 121 people died; 2.5% growth."
    )
    by_text = {q.text: q for q in qs}
    assert by_text["$550 billion"].kind == "money" and by_text["$550 billion"].values == (550e9,)
    assert by_text["15 percent"].kind == "percent"
    assert by_text["121"].unit == "people"
    assert by_text["2.5%"].values == (2.5,)


def test_numbers_in_dates_are_dates_not_figures():
    qs = tx.numbers("The raid on Oct. 28, 2025 killed 64 people.")
    assert [q.text for q in qs] == ["64"]


def test_european_thousands_are_ambiguous_readings(wikinews):
    q = tx.numbers("the confirmed death count is over 120.000")[0]
    assert 120000.0 in q.values and 120.0 in q.values
    text = next(it["text"] for it in wikinews if it["id"] == "M0001.english")
    values = {v for q in tx.numbers(text) for v in q.values}
    assert 350e6 in values  # "350 million USD"


def test_number_words():
    qs = tx.numbers("Fifteen sailors and three marines were held for thirteen days.")
    assert [q.values[0] for q in qs] == [15.0, 3.0, 13.0]


def test_dates_and_resolution():
    ds = tx.dates("On Monday, Oct. 27, talks began; the summit is on 28 October 2025 and ends in March 2026.")
    assert [(d.month, d.day, d.year) for d in ds if d.month] == [
        (10, 27, None),
        (10, 28, 2025),
        (3, None, 2026),
    ]
    ref = datetime(2025, 10, 28, 9)  # a Tuesday
    monday = next(d for d in ds if d.weekday == 0)
    assert tx.resolve_date(monday, ref) == date(2025, 10, 27)
    wed = tx.dates("It ends on Wednesday.")[0]
    assert tx.resolve_date(wed, ref) == date(2025, 10, 29)
    assert tx.resolve_date(ds[1], ref) == date(2025, 10, 27)


def test_may_and_march_as_words_are_not_dates():
    assert tx.dates("They may march on the capital.") == []


def test_quotations_with_speakers(wikinews):
    text = next(it["text"] for it in wikinews if it["id"] == "M0003.english")
    qs = [q for q in tx.quotations(text) if q.direct]
    assert any(q.speaker and "Ammon" in q.speaker for q in qs)
    for q in qs:
        assert text[q.start : q.end] == q.text
    q = tx.quotations(
        '"Anything I can do to help Japan, we will be there," Mr. Trump said as the talks opened.'
    )[0]
    assert q.speaker == "Mr. Trump" and q.direct
    q = tx.quotations('Prime Minister Sanae Takaichi arrived. "It is a new golden age," she said.')[0]
    assert q.speaker == "Prime Minister Sanae Takaichi" and q.pronoun
    reported = tx.quotations("Takaichi said she would nominate Trump for the Nobel Peace Prize.")[0]
    assert not reported.direct and reported.speaker == "Takaichi"


def test_keyphrases(wikinews):
    text = " ".join(it["text"] for it in wikinews[:10])
    kp = [k.lower() for k in tx.keyphrases(text, top=15)]
    assert any("tsunami" in k for k in kp)
    assert tx.keyphrases("   ") == []


def test_content_tokens_stem_and_drop_stopwords():
    assert tx.content_tokens("The talks ended with Japan's pledges of 80,000") == [
        "talk",
        "end",
        "japan",
        "pledg",
        "80000",
    ]


def test_spacy_backend_falls_back_to_rules_when_not_installed():
    text = "Prime Minister Sanae Takaichi met President Donald Trump at Akasaka Palace."
    got = tx.entities(text, backend="spacy")
    if tx.spacy_available():
        assert any(e.label == "PERSON" for e in got)
    else:
        assert got == tx.entities(text)


def test_a_body_named_across_of_or_for_is_one_speaker():
    said = tx.quotations("The International Organization for Migration said tens of thousands of people had fled.")
    assert [q.speaker for q in said] == ["International Organization for Migration"]
    said = tx.quotations("The Bank of Japan said on Thursday that it would keep its policy rate at 0.5%.")
    assert [q.speaker for q in said] == ["Bank of Japan"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Saturday, January 8, 2005\nU.S. citizens donating in 2005 may write off…", date(2005, 1, 8)),
        ("December 29, 2004\nThe death toll rose.", date(2004, 12, 29)),
        ("Saturday, March 26, 2005 Up to four times as many women as men died.", date(2005, 3, 26)),
        ("Countries affected by the tsunami\nTuesday, January 4, 2005\nAid arrived.", date(2005, 1, 4)),
        ("2005-01-08\nAid arrived.", date(2005, 1, 8)),
        ("8 January 2005 — Aid arrived.", date(2005, 1, 8)),
        ("On January 8, 2005 the law was signed.", None),  # a date inside the story's first sentence
        ("Monday, the council met.", None),  # a weekday alone says no day
        ("January 2005\nAid arrived.", None),  # no day of the month
        ("Aid arrived.\nMore aid came.\nSaturday, January 8, 2005", None),  # not the opening lines
        # other languages, as their archives print the day (a line that is only the date)
        ("samedi 8 janvier 2005\nLes dons affluent.", date(2005, 1, 8)),
        ("sobota 8. ledna 2005\nDary přibývají.", date(2005, 1, 8)),
        ("Σάββατο 8 Ιανουαρίου 2005\nΟι δωρεές αυξάνονται.", date(2005, 1, 8)),
        ("السبت 8 يناير 2005\nتتزايد التبرعات.", date(2005, 1, 8)),
        ("יום שבת, 8 בינואר 2005\nהתרומות גדלות.", date(2005, 1, 8)),
        ("शनिवार, 8 जनवरी 2005\nदान बढ़ रहा है।", date(2005, 1, 8)),
        ("sábado 8 de enero de 2005\nLas donaciones crecen.", date(2005, 1, 8)),
        ("2005年1月8日\n寄付が増えている。", date(2005, 1, 8)),
        ("Le 8 janvier 2005, le gouvernement a annoncé une aide.", None),  # a sentence, not a dateline
        ("Microsoft 8 December 2013 Xbox\nx", None),  # words that are no weekday
    ],
)
def test_leading_date_reads_an_archive_dateline(text, day):
    assert tx.leading_date(text) == day


def test_wikinews_datelines_are_read(wikinews):
    days = [tx.leading_date(it["text"]) for it in wikinews]
    assert sum(d is not None for d in days) == len(wikinews)
    assert all(date(2004, 12, 1) <= d <= date(2009, 12, 31) for d in days)


def test_a_clock_time_before_its_time_zone_ends_no_sentence():
    text = (
        "The eye came ashore around 1 p.m. EDT as a Category 5. It launched at 11:44 p.m. Beijing time on a "
        "Long March-2F rocket.\nThe polls closed at 9 p.m. Counting began at once."
    )
    spans = tx.sentences(text)
    assert [s.text for s in spans] == [
        "The eye came ashore around 1 p.m. EDT as a Category 5.",
        "It launched at 11:44 p.m. Beijing time on a Long March-2F rocket.",
        "The polls closed at 9 p.m.",
        "Counting began at once.",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_language_tags_as_exports_write_them_become_iso_639_1():
    from global24.text import lang_code

    cases = {
        "en-US": "en", "EN": "en", "pt_BR": "pt", "zh-Hant-TW": "zh", "iw": "he",  # BCP 47, withdrawn codes
        "eng": "en", "fre": "fr", "fra": "fr", "ger": "de", "jpn": "ja",  # ISO 639-2
        "english": "en", "Arabic": "ar", "Chinese (Simplified)": "zh",  # names, as archives label sets
        "Français": "fr", "日本語": "ja", "Ελληνικά": "el", "עברית": "he", "हिन्दी": "hi",  # endonyms
    }  # fmt: skip
    assert {tag: lang_code(tag) for tag in cases} == cases
    for nothing in ("", "  ", "und", "klingon speech", None, 42, ["en"], {"code": "en"}):
        assert lang_code(nothing) is None
    assert lang_code("yue") == "yue"  # a code without a two-letter form stays as it is
