"""Benchmark: ROUGE-1/2 recall of Global24's 100-word lead against sumy's LexRank and TextRank.

Data: MultiLing 2011 sample (``mds/multiling2011.jsonl``: topics of ten WikiNews
articles with human reference summaries). Every system gets the same input (the
topic's articles, title + text) and the same sentence splitter; every output and
every reference is cut to the first N words; ROUGE-N recall pools clipped n-gram
matches over all references of a topic (Porter stemming, lower case, no stop-word
removal), and topic scores are averaged.

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
from global24.models import Item
from global24.settings import Settings
from global24.writing import summarize

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = [
    Path("/work/shared/data/mds/multiling2011.jsonl"),
    ROOT.parent / "shared/data/mds/multiling2011.jsonl",
]
_STEM = PorterStemmer()


def tokens(text: str) -> list[str]:
    return [_STEM.stem(t) for t in re.findall(r"[a-z0-9]+", text.lower())]


def cut(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def ngrams(toks: list[str], n: int) -> Counter:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def rouge_recall(summary: str, references: list[str], n: int) -> float:
    """Pooled ROUGE-N recall: clipped matches over all references / reference n-grams."""
    s = ngrams(tokens(summary), n)
    hit = total = 0
    for ref in references:
        r = ngrams(tokens(ref), n)
        hit += sum(min(c, s[g]) for g, c in r.items())
        total += sum(r.values())
    return hit / total if total else 0.0


class _Tokenizer:
    """sumy tokenizer duck type using the project's sentence splitter (no NLTK data needed)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s.text for s in tx.sentences(paragraph)]

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"[\w'’-]+", sentence)


def sumy_summary(kind: str, docs: list[str], words: int) -> str:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    parser = PlaintextParser.from_string("\n\n".join(docs), _Tokenizer())
    cls = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer
    summ = cls(Stemmer("english"))
    summ.stop_words = get_stop_words("english")
    out, count = [], 0
    for sent in summ(parser.document, 30):
        out.append(str(sent))
        count += len(str(sent).split())
        if count >= words:
            break
    return " ".join(out)


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
        items = [
            Item(
                id=d["id"],
                source_id=d["id"],
                source_name=d["id"],
                title=d.get("title"),
                text=d["text"],
                lang="en",
            )
            for d in t["items"]
        ]
        docs = [d["text"] for d in t["items"]]
        refs = [cut(r, args.words) for r in t["references"]]
        row = {"topic": t["topic"]}
        for name in systems:
            t0 = time.perf_counter()
            out = (
                summarize(items, args.words, settings)
                if name == "global24"
                else sumy_summary(name, docs, args.words)
            )
            secs[name] += time.perf_counter() - t0
            out = cut(out, args.words)
            row[name] = {
                "rouge1": rouge_recall(out, refs, 1),
                "rouge2": rouge_recall(out, refs, 2),
                "words": len(out.split()),
            }
        per_topic.append(row)
    mean = {
        n: {m: sum(r[n][m] for r in per_topic) / len(per_topic) for m in ("rouge1", "rouge2")}
        for n in systems
    }
    print(f"ROUGE recall, {args.words}-word summaries, {len(topics)} topics ({path.name})")
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'R-2 / LexRank':>14} {'seconds':>8}")
    for n in systems:
        ratio = mean[n]["rouge2"] / mean["lexrank"]["rouge2"] if mean["lexrank"]["rouge2"] else float("nan")
        print(f"{n:<10} {mean[n]['rouge1']:8.4f} {mean[n]['rouge2']:8.4f} {ratio:14.2f} {secs[n]:8.2f}")
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
