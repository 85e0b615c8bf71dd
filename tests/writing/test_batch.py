"""Batch contracts: Item JSONL in, article (json/md/html) or summary out; verify from a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from global24.writing import summarize_jsonl, verify_file, write_jsonl
from global24.writing.batch import read_items_jsonl

DATA = Path(__file__).resolve().parents[1] / "data" / "writing"
RIO = DATA / "rio-items.jsonl"


def _jsonl(path: Path, rows: list[dict]) -> Path:
    """``rows`` written to ``path`` as Item JSONL, one object a line."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_read_items_keeps_extra_keys_and_reports_bad_lines(tmp_path):
    p = tmp_path / "items.jsonl"
    p.write_text(
        json.dumps(
            {"id": "a", "text": "The council approved the budget on Monday after a long debate.", "mood": "x"}
        )
        + "\nnot json\n"
        + json.dumps({"id": "b"})
        + "\n\n"
    )
    items, errors = read_items_jsonl(p)
    assert [it.id for it in items] == ["a"] and items[0].extra == {"mood": "x"}
    assert len(errors) == 2 and errors[0].startswith("line 2")


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_write_jsonl_formats(tmp_path, wsettings, fmt):
    out = tmp_path / f"article.{fmt}"
    article = write_jsonl(RIO, out, fmt, wsettings)
    body = out.read_text(encoding="utf-8")
    assert article.headline and article.headline in body.replace("&#x27;", "'")
    if fmt == "json":
        data = json.loads(body)
        assert {
            "headline",
            "dek",
            "attribution",
            "sections",
            "images",
            "timeline",
            "disagreements",
            "sources",
            "grounding",
            "revision",
            "writer",
        } <= set(data)
        assert data["sections"][0]["paragraphs"][0][0]["citations"][0]["quote"]
    elif fmt == "md":
        assert "## Where sources differ" in body and "## Sources" in body and "[1]" in body
    else:
        assert body.startswith("<!doctype html>") and "<h2>Where sources differ</h2>" in body
        assert 'href="#src-1"' in body


def test_summarize_jsonl_limits_words(wsettings):
    s = summarize_jsonl(RIO, 50, wsettings)
    assert 10 < len(s.split()) <= 50
    texts = " ".join(json.loads(line)["text"] for line in RIO.read_text().splitlines())
    assert s.split(". ")[0].rstrip(".") in texts


def test_verify_file_uses_embedded_texts_or_given_items(tmp_path, wsettings):
    out = tmp_path / "article.json"
    write_jsonl(RIO, out, "json", wsettings)
    report = verify_file(out, None, wsettings)
    assert report["ok"] and report["unsupported"] == 0 and report["uncited"] == 0
    assert "embedded" in report["basis"]
    assert verify_file(out, RIO, wsettings)["ok"]


def test_verify_file_catches_a_tampered_article(tmp_path, wsettings):
    out = tmp_path / "article.json"
    write_jsonl(RIO, out, "json", wsettings)
    data = json.loads(out.read_text())
    sent = data["sections"][0]["paragraphs"][0][0]
    sent["text"] = sent["text"] + " Officials said 999 people were arrested in Lisbon."
    data["sections"][1]["paragraphs"][0][0]["citations"] = []
    out.write_text(json.dumps(data))
    report = verify_file(out, None, wsettings)
    assert not report["ok"]
    assert report["unsupported"] == 2 and report["uncited"] == 1
    assert {r["check"] for r in report["reasons"]} == {"number", "cited"}


def test_items_that_name_no_outlet_are_cited_by_title_and_still_count_apart(tmp_path, wsettings):
    """An export without outlets: no made-up "unknown source", and each item still counts as its
    own source (the Rio figures still disagree between items, not inside one pretend outlet)."""
    rows = [json.loads(line) for line in RIO.read_text(encoding="utf-8").splitlines() if line.strip()]
    p = tmp_path / "unnamed.jsonl"
    p.write_text(
        "".join(json.dumps({k: v for k, v in r.items() if k not in ("source", "url", "author")}) + "\n" for r in rows)
    )
    out = tmp_path / "a.md"
    article = write_jsonl(p, out, "md", wsettings)
    body = out.read_text(encoding="utf-8")
    assert article.attribution == "Independent analysis based on open media"
    assert "unknown source" not in body and "According to" not in body
    assert "## Where sources differ" in body
    listed = body.split("## Sources")[1].split("_Grounding")[0].strip().splitlines()
    assert listed and all(". — " not in line and not line.split(". ", 1)[1].startswith("—") for line in listed)
    # an item with only a link is credited to its site
    from global24.models import Item
    from global24.writing.evidence import source_name

    assert source_name(Item(id="x", source_id="", text="t", url="https://www.example.org/a")) == "example.org"
    assert source_name(Item(id="x", source_id="", text="t", url="http://[::1/a")) == ""  # malformed: no site


def test_syndicated_copies_in_a_file_are_marked_as_the_desk_marks_them(tmp_path):
    rows = [json.loads(line) for line in RIO.read_text(encoding="utf-8").splitlines() if line.strip()]
    original = max(rows, key=lambda r: len(r["text"].split()))
    assert len(original["text"].split()) >= 60
    copy = original | {"id": "copy", "source": "Copy Desk", "published": None}
    near = original | {"id": "near", "source": "Near Desk", "text": original["text"].replace(".", ";", 1)}
    named = rows[0] | {"id": "named", "duplicate_of": rows[1]["id"]}
    bogus = rows[2] | {"id": "bogus", "duplicate_of": "no-such-item"}
    p = _jsonl(tmp_path / "items.jsonl", [*rows, copy, near, named, bogus])
    items = {it.id: it for it in read_items_jsonl(p)[0]}
    assert items["copy"].duplicate_of == original["id"]
    assert items["near"].duplicate_of == original["id"]
    assert items["named"].duplicate_of == rows[1]["id"]  # the file's own word is kept
    assert items["bogus"].duplicate_of == rows[2]["id"]  # an unknown id is not: it copies row 2 verbatim
    assert not any(items[r["id"]].duplicate_of for r in rows)


def test_a_summary_leaves_out_plans_later_reports_overtook(tmp_path, wsettings):
    rows = [
        {"id": "a", "published": "2025-10-27T09:00:00Z",
         "text": "Negotiators from Pakistan and Afghanistan met in Istanbul on Monday for a second round of "
                 "talks on the ceasefire. A third round of talks is planned for later in the week in Istanbul, "
                 "Turkish officials said."},
        {"id": "b", "published": "2025-10-30T09:00:00Z",
         "text": "Pakistan and Afghanistan agreed on Thursday to keep their ceasefire in place after talks in "
                 "Istanbul, Turkey's foreign ministry said. The two sides will meet again in Istanbul on Nov. 6."},
        {"id": "c", "published": "2025-10-31T09:00:00Z",
         "text": "The ceasefire between Pakistan and Afghanistan held on Friday after the Istanbul talks, officials "
                 "on both sides of the border said. Trade through the Torkham crossing stayed closed."},
    ]  # fmt: skip
    p = _jsonl(tmp_path / "items.jsonl", rows)
    summary = summarize_jsonl(p, 200, wsettings)
    assert "agreed on Thursday to keep their ceasefire" in summary
    assert "is planned for later in the week" not in summary


def test_mojibake_in_a_file_is_repaired_as_the_desk_repairs_it(tmp_path):
    p = tmp_path / "items.jsonl"
    p.write_text(
        json.dumps({"id": "m", "title": "CafÃ© owners protest", "text": "The cafÃ© owners said the rentâ€™s too high."})
        + "\n",
        encoding="utf-8",
    )
    (item,), _ = read_items_jsonl(p)
    assert item.title == "Café owners protest" and item.text == "The café owners said the rent’s too high."


def test_a_file_of_headlines_only_is_written_from_its_titles(tmp_path, wsettings):
    """Link lists and title feeds give no text: the titles are what the items say, so the article and
    the summary are made of them (each cited), not left empty."""
    rows = [
        {"id": "a", "source": "North Desk", "published": "2025-10-26T03:00:00Z",
         "title": "Dodgers beat Blue Jays 5-1 to even the World Series at a game apiece"},
        {"id": "b", "source": "South Desk", "published": "2025-10-26T03:30:00Z", "text": "",
         "title": "Yamamoto throws a complete game as the Dodgers level the World Series"},
        {"id": "c", "source": "West Desk", "published": "2025-10-28T07:00:00Z",
         "title": "Freeman's homer in the 18th inning wins Game 3 for the Dodgers"},
    ]  # fmt: skip
    p = _jsonl(tmp_path / "titles.jsonl", rows)
    items, errors = read_items_jsonl(p)
    assert not errors and [it.text for it in items] == ["", "", ""]
    out = tmp_path / "a.json"
    article = write_jsonl(p, out, "json", wsettings)
    titles = {r["id"]: r["title"] for r in rows}
    assert article.headline in titles.values()
    said = [s for sec in article.sections for para in sec.paragraphs for s in para]
    assert said and all(s.citations and s.text in titles[s.citations[0].item_id] for s in said)
    assert verify_file(out, None, wsettings)["ok"]
    summary = summarize_jsonl(p, 40, wsettings)
    assert 0 < len(summary.split()) <= 40
    assert any(t in summary for t in titles.values())
    (tmp_path / "none.jsonl").write_text(json.dumps({"id": "z"}) + "\n")
    assert read_items_jsonl(tmp_path / "none.jsonl")[1]  # neither text nor title: still an error


def test_a_single_post_is_headlined_by_its_opening_and_quoted_for_the_rest(tmp_path, wsettings):
    row = {
        "id": "p1", "source": "Tide Watch", "kind": "post", "published": "2025-10-28T10:20:00Z",
        "text": "Heavy gunfire reported since dawn in the Complexo do Alemão and Complexo da Penha. "
                "A large police operation against the Comando Vermelho is under way; several roads blocked.",
    }  # fmt: skip
    p = tmp_path / "post.jsonl"
    p.write_text(json.dumps(row) + "\n")
    article = write_jsonl(p, tmp_path / "a.json", "json", wsettings)
    assert article.headline.startswith("Heavy gunfire reported since dawn")
    said = [s.text for sec in article.sections for para in sec.paragraphs for s in para]
    assert said == [
        "Tide Watch posted: “A large police operation against the Comando Vermelho is under way; several roads blocked.”"
    ]


def test_a_summary_shorter_than_any_sentence_is_the_headline_when_that_fits(tmp_path, wsettings):
    rows = [
        {"id": "a", "source": "North Desk", "title": "Fed cuts rates by a quarter point",
         "text": "The Federal Reserve cut its benchmark interest rate by a quarter of a percentage point on "
                 "Wednesday, to a range of 3.75% to 4%, its second cut in a row."},
        {"id": "b", "source": "South Desk", "title": "Powell says a December cut is far from assured",
         "text": "Federal Reserve Chair Jerome Powell said after the rate decision on Wednesday that a further "
                 "cut in December was not a foregone conclusion, far from it."},
    ]  # fmt: skip
    p = _jsonl(tmp_path / "fed.jsonl", rows)
    short = summarize_jsonl(p, 10, wsettings)
    assert short in {r["title"] for r in rows}
    assert summarize_jsonl(p, 3, wsettings) == ""  # nothing that short: nothing rather than a cut sentence
    assert summarize_jsonl(p, 40, wsettings).startswith(("The Federal Reserve", "Federal Reserve Chair"))
