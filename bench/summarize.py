"""Benchmark: ROUGE-1/2 recall of Global24's 100-word lead against sumy's LexRank and TextRank.

Data: MultiLing 2011 sample (``mds/multiling2011.jsonl``: topics of ten WikiNews
articles with human reference summaries). Every system gets the same input (the
topic's articles, title + text) and the same sentence splitter; every output and
every reference is cut to the first N words; ROUGE-N recall pools clipped n-gram
matches over all references of a topic (Porter stemming, lower case, no stop-word
removal), and topic scores are averaged. Global24 reads the articles as `global24
summarize --in` reads a file's lines (the Item JSONL reader, then the batch's
normalizing and syndicated-copy marking), so the dateline each WikiNews article opens with is its day.

Topics in other languages (MultiLing's sets also come in Arabic, Czech, French, Greek,
Hebrew and Hindi) are scored in their own words: a topic's language is what most of its
articles are written in (an item's ``lang`` when given, else detected); ROUGE then counts
lower-case words with their combining marks (characters in Chinese and Japanese), without
stemming; the peers get that language's stemmer and stop words where sumy has them. Each
language gets its own row, and the headline ratio is over all topics.

    .venv/bin/python bench/summarize.py [PATH] [--words 100]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from nltk.stem.porter import PorterStemmer

from global24 import text as tx
from global24.letters import MARKS
from global24.models import Item
from global24.settings import Settings
from global24.sources.jsonl import item_from_json
from global24.writing import summarize
from global24.writing.batch import prepare
from global24.writing.evidence import item_lang

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = [
    Path("/work/shared/data/mds/multiling2011.jsonl"),
    ROOT.parent / "shared/data/mds/multiling2011.jsonl",
]
_STEM = PorterStemmer()
_WORDS = re.compile(rf"[\w{MARKS}]+")


def tokens(text: str, lang: str = "en") -> list[str]:
    if lang == "en":
        return [_STEM.stem(t) for t in re.findall(r"[a-z0-9]+", text.lower())]
    if lang in ("ja", "zh"):
        return tx.lang_words(text, lang)  # characters
    return _WORDS.findall(text.lower())


def cut(text: str, words: int, lang: str = "en") -> str:
    if lang in ("ja", "zh"):  # no spaces between words: cut at two characters a word
        return text[: 2 * words]
    return " ".join(text.split()[:words])


def language_name(lang: str) -> str:
    """English name of an ISO 639-1 code ("el" → "greek"), as sumy and NLTK name languages."""
    from babel import Locale

    try:
        return Locale.parse(lang).english_name.lower()
    except Exception:
        return "english"


def topic_language(docs: list[dict]) -> str:
    """The language most of a topic's articles are written in."""
    langs = Counter(
        item_lang(Item(id=d["id"], source_id="", text=d["text"], title=d.get("title"), lang=d.get("lang")))
        for d in docs
    )
    return langs.most_common(1)[0][0] if langs else "en"


def language_groups(topic: dict) -> list[tuple[str, list[dict], list[str]]]:
    """(language, articles, references) of a topic, one group per language that has both.

    A topic may hold one language (the English sample) or the same event in several; the
    references are plain text, so their language is detected too.
    """
    docs: dict[str, list[dict]] = {}
    for d in topic["items"]:
        docs.setdefault(topic_language([d]), []).append(d)
    refs: dict[str, list[str]] = {}
    for r in topic["references"]:
        refs.setdefault(topic_language([{"id": "ref", "text": r}]), []).append(r)
    if len(docs) == 1 and len(refs) == 1:  # one language each: a short reference may just look like another
        (lang, ds), rs = next(iter(docs.items())), next(iter(refs.values()))
        return [(lang, ds, rs)]
    return [(lang, ds, refs[lang]) for lang, ds in docs.items() if lang in refs]


def ngrams(toks: list[str], n: int) -> Counter:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def rouge_recall(summary: str, references: list[str], n: int, lang: str = "en") -> float:
    """Pooled ROUGE-N recall: clipped matches over all references / reference n-grams."""
    s = ngrams(tokens(summary, lang), n)
    hit = total = 0
    for ref in references:
        r = ngrams(tokens(ref, lang), n)
        hit += sum(min(c, s[g]) for g, c in r.items())
        total += sum(r.values())
    return hit / total if total else 0.0


class _Tokenizer:
    """sumy tokenizer duck type using the project's sentence splitter (no NLTK data needed)."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.language = language_name(lang)

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s.text for s in tx.sentences(paragraph, self.lang)]

    def to_words(self, sentence: str) -> list[str]:
        if self.lang in ("ja", "zh"):
            return tx.lang_words(sentence, self.lang)
        return re.findall(rf"[\w{MARKS}'’-]+", sentence)


def sumy_summary(kind: str, docs: list[str], words: int, lang: str = "en") -> str:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = _Tokenizer(lang)
    parser = PlaintextParser.from_string("\n\n".join(docs), tokenizer)
    cls = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer
    try:
        stemmer = Stemmer(tokenizer.language)
        stemmer("words")  # some (Greek) need another package, which they ask for on first use
        summ = cls(stemmer)
    except (LookupError, ValueError):  # no stemmer for the language: words as written
        summ = cls()
    try:
        summ.stop_words = get_stop_words(tokenizer.language)
    except LookupError:
        summ.stop_words = frozenset()
    out, count = [], 0
    for sent in summ(parser.document, 30):
        out.append(str(sent))
        count += tx.word_count(str(sent), lang)
        if count >= words:
            break
    return ("" if lang in ("ja", "zh") else " ").join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path)
    ap.add_argument("--words", type=int, default=100)
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/summarize.json")
    args = ap.parse_args(argv)
    path = args.path or next((p for p in DEFAULTS if p.exists()), DEFAULTS[0])
    if not path.exists():
        print(f"skip: {path} not found")
        return 0
    topics = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = Settings()
    systems = ("global24", "lexrank", "textrank")
    per_topic = []
    secs = Counter()
    for t in topics:
        for lang, docs, references in language_groups(t):
            # read as `global24 summarize --in` reads a file's lines (the contract reader: no outlet
            # named, so each article counts as its own source; the dateline read as its day)
            lines = [{"id": d["id"], "title": d.get("title"), "text": d["text"], "lang": lang} for d in docs]
            items = prepare([item_from_json(row)[0] for row in lines], settings)
            refs = [cut(r, args.words, lang) for r in references]
            row = {"topic": t["topic"] + ("" if lang == "en" else f".{lang}"), "lang": lang}
            for name in systems:
                t0 = time.perf_counter()
                out = (
                    summarize(items, args.words, settings)
                    if name == "global24"
                    else sumy_summary(name, [d["text"] for d in docs], args.words, lang)
                )
                secs[name] += time.perf_counter() - t0
                out = cut(out, args.words, lang)
                row[name] = {
                    "rouge1": rouge_recall(out, refs, 1, lang),
                    "rouge2": rouge_recall(out, refs, 2, lang),
                    "words": tx.word_count(out, lang),
                }
            per_topic.append(row)
    if not per_topic:
        print(f"skip: no topic in {path} has both articles and references")
        return 0
    mean = {
        n: {m: sum(r[n][m] for r in per_topic) / len(per_topic) for m in ("rouge1", "rouge2")}
        for n in systems
    }
    print(f"ROUGE recall, {args.words}-word summaries, {len(per_topic)} topic sets ({path.name})")
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'R-2 / LexRank':>14} {'seconds':>8}")
    for n in systems:
        ratio = mean[n]["rouge2"] / mean["lexrank"]["rouge2"] if mean["lexrank"]["rouge2"] else float("nan")
        print(f"{n:<10} {mean[n]['rouge1']:8.4f} {mean[n]['rouge2']:8.4f} {ratio:14.2f} {secs[n]:8.2f}")
    by_lang: dict[str, dict] = {}
    for lang in sorted({r["lang"] for r in per_topic}):
        rows = [r for r in per_topic if r["lang"] == lang]
        by_lang[lang] = {
            n: {m: sum(r[n][m] for r in rows) / len(rows) for m in ("rouge1", "rouge2")} for n in systems
        }
        by_lang[lang]["topics"] = len(rows)
    if len(by_lang) > 1:
        print(f"{'language':<10} {'topics':>6} " + " ".join(f"{n + ' R-2':>13}" for n in systems) + " R-2 / LexRank")
        for lang, m in by_lang.items():
            lex = m["lexrank"]["rouge2"]
            r = f"{m['global24']['rouge2'] / lex:.2f}" if lex else "nan"
            print(f"{lang:<10} {m['topics']:>6} " + " ".join(f"{m[n]['rouge2']:13.4f}" for n in systems) + f" {r:>13}")
    print(
        "per topic ROUGE-2: "
        + "; ".join(
            f"{r['topic']} " + " ".join(f"{n}={r[n]['rouge2']:.3f}" for n in systems) for r in per_topic
        )
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    ratio = mean["global24"]["rouge2"] / mean["lexrank"]["rouge2"] if mean["lexrank"]["rouge2"] else None
    args.out.write_text(
        json.dumps(
            {
                "data": str(path),
                "words": args.words,
                "mean": mean,
                "by_language": by_lang,
                "per_topic": per_topic,
                "rouge2_ratio_vs_lexrank": ratio,
                "target": 1.10,
                "seconds": dict(secs),
            },
            indent=2,
        )
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
