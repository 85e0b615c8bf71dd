"""bench/summarize.py scores every language in its own words (MultiLing's sets come in seven)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "writing"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_summarize", ROOT / "bench" / "summarize.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_rouge_counts_words_of_other_scripts_whole():
    b = _bench()
    # the English scoring ([a-z0-9]+) found no word at all in Greek, Arabic or Hindi
    assert b.tokens("Σεισμός 5,8 Ρίχτερ στην Κρήτη", "el") == ["σεισμός", "5", "8", "ρίχτερ", "στην", "κρήτη"]
    assert b.tokens("प्रधानमंत्री ने कहा", "hi") == ["प्रधानमंत्री", "ने", "कहा"]
    assert b.rouge_recall("زلزال قوي في المغرب", ["زلزال قوي ضرب المغرب"], 1, "ar") == 0.75
    assert b.tokens("Talks were held", "en") == ["talk", "were", "held"]  # English as before: Porter stems


def test_a_topic_in_two_languages_is_scored_per_language(tmp_path):
    b = _bench()
    greek, french = _rows("crete-quake-el.jsonl"), _rows("ciaran-fr.jsonl")
    topic = {
        "topic": "T",
        "items": greek[1:] + french[1:],
        "references": [greek[0]["text"], french[0]["text"]],
    }
    groups = {lang: (len(docs), refs) for lang, docs, refs in b.language_groups(topic)}
    assert groups == {"el": (len(greek) - 1, [greek[0]["text"]]), "fr": (len(french) - 1, [french[0]["text"]])}
    path = tmp_path / "topics.jsonl"
    path.write_text(json.dumps(topic, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "result.json"
    assert b.main([str(path), "--out", str(out), "--words", "40"]) == 0
    result = json.loads(out.read_text())
    assert set(result["by_language"]) == {"el", "fr"}
    assert all(r["global24"]["rouge1"] > 0 for r in result["per_topic"])
