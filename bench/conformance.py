"""Feed conformance: what `global24 parse-feed` makes of feedparser's conformance feeds.

Each file of the suite names in a header comment what a parser should find
(``Expect: not bozo and entries[0]['title'] == 'Item 1 title'``), written
against feedparser's own result dict. An Item carries a subset of that: its
title, its text (the entry's content, else its summary/description, as plain
text), its link and its author. This benchmark takes every expectation about
those entry fields (and its date) and checks it against the Item JSON that `global24 parse-feed`
prints (``parse_feed`` + ``item_to_json``, the code the CLI and the desk's
fetcher share). Like feedparser's own harness, each file is read as if served
from ``http://127.0.0.1:8097/<path>`` with the HTTP headers its ``Header:`` lines
name. feedparser runs on the same bytes and headers as the peer, so a clause this
script misreads shows up as a feedparser failure rather than as ours.

Expected HTML is compared as text (``html_to_text``) unless feedparser says the
field is plain text, because an Item's title and text are plain text: a
sanitizer test expecting ``'safe <b>description</b>'`` passes when the Item's
text is ``safe description`` and fails if anything of a removed script is left.
Links are compared after our URL canonicalisation. An entry whose only content
has no text (a title that is just an ``<img>``) passes when parse-feed skips it as
empty, which is what it does with an entry that has nothing to show. Not counted: a clause on the
summary (or content) of an entry that has both, because an Item's text is the
richer of the two by design, and a clause on an entry that has nothing but an
author or a date, which parse-feed skips as empty. Every file must also parse without an
exception; files that expect nothing about entries still count there.

    python bench/conformance.py [FEEDS_DIR] [--out bench/results/conformance.json] [-v]

FEEDS_DIR is ../shared/data/feeds/feedparser (default); exits 0 with a message
when it is absent.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import feedparser

from global24.models import Source
from global24.normalize import canonical_url
from global24.sources.base import html_to_text
from global24.sources.feeds import parse_feed
from global24.sources.jsonl import item_to_json

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = [
    REPO.parent / "shared" / "data" / "feeds" / "feedparser",
    Path("/work/shared/data/feeds/feedparser"),
]
EXPECT = re.compile(r"^Expect:\s*(.+?)\s*$", re.M)
HEADER = re.compile(r"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.M)
DOCROOT = "http://127.0.0.1:8097/"
# entries[0]['title'] == '...'  /  entries[0]['content'][0]['value'] == """..."""
CLAUSE = re.compile(
    r"entries\[0\]\[['\"](?P<field>title|description|summary|link|author|"
    r"published_parsed|updated_parsed|created_parsed)['\"]\]"
    r"|entries\[0\]\[['\"]content['\"]\]\[0\]\[['\"]value['\"]\]"
)
FIELD_OF = {"title": "title", "description": "text", "summary": "text", "content": "text",
            "link": "url", "author": "author", "published_parsed": "published",
            "updated_parsed": "published", "created_parsed": "published"}  # fmt: skip


def header_of(content: bytes) -> str:
    """The file's header comment (Description, Expect, Header lines) as text."""
    return content[:8000].decode("utf-8", "replace")


def expectations(head: str) -> list[tuple[str, object]]:
    """The ``entries[0][field] == literal`` clauses of the header's Expect expression."""
    m = EXPECT.search(head)
    if not m:
        return []
    expr = m.group(1)
    out: list[tuple[str, object]] = []
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
            continue
        left = ast.get_source_segment(expr, node.left) or ""
        cm = CLAUSE.fullmatch(left.replace(" ", ""))
        if not cm:
            continue
        try:
            value = ast.literal_eval(node.comparators[0])
        except ValueError:
            continue
        out.append((cm.group("field") or "content", value))
    return out


def headers_of(head: str) -> dict[str, str]:
    return {k.lower(): v for k, v in HEADER.findall(head)}


def feedparser_value(parsed: dict, field: str) -> object:
    entries = parsed.get("entries") or []
    if not entries:
        return None
    e = entries[0]
    if field == "content":
        return (e.get("content") or [{}])[0].get("value")
    return e.get(field)


def applies(parsed: dict, field: str) -> bool:
    """False for the clauses an Item does not carry by design (see the module docstring)."""
    entries = parsed.get("entries") or []
    if not entries:
        return True
    e = entries[0]
    bodies = {c.get("value") for c in e.get("content") or [] if c.get("value")}
    if e.get("summary"):
        bodies.add(e["summary"])
    if FIELD_OF[field] == "text" and len(bodies) > 1:
        return False
    # an Item's date is the first of published, updated, created that the entry has
    dates = [f for f in ("published_parsed", "updated_parsed", "created_parsed") if e.get(f)]
    if FIELD_OF[field] == "published" and dates and dates[0] != field:
        return False
    # an entry with nothing to show is skipped: its author or date alone is no Item
    return FIELD_OF[field] not in ("author", "published") or bool(e.get("title") or e.get("link") or bodies)


def as_text(value: object, plain: bool = False) -> str:
    if value is None:
        return ""
    return " ".join((str(value) if plain else html_to_text(str(value))).split())


def ours_matches(row: dict | None, field: str, expected: object, plain: bool) -> bool:
    if row is None:  # an entry with nothing to show is skipped on purpose
        return field != "link" and as_text(expected, plain) == ""
    got = row.get(FIELD_OF[field])
    if field == "link":
        want = canonical_url(str(expected)) or str(expected)
        return got in (want, expected)
    if FIELD_OF[field] == "published":
        try:
            when = datetime.fromisoformat(str(got).replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            return False
        return isinstance(expected, tuple) and when.timetuple()[:6] == expected[:6]
    if field == "author":
        return bool(got) and bool(expected) and (got == expected or str(got) in str(expected))
    return " ".join(str(got or "").split()) == as_text(expected, plain)


def is_plain(parsed: dict, field: str) -> bool:
    """feedparser's view: is this field plain text (so '<blink>' is literally in it)?"""
    entries = parsed.get("entries") or []
    if not entries:
        return False
    e = entries[0]
    detail = (e.get("content") or [{}])[0] if field == "content" else e.get(f"{field}_detail") or {}
    if field == "description":
        detail = e.get("summary_detail") or {}
    return (detail.get("type") or "") == "text/plain"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "conformance.json")
    ap.add_argument("-v", "--verbose", action="store_true", help="list our failures")
    args = ap.parse_args(argv)
    root = args.data or next((d for d in DEFAULT_DIRS if d.is_dir()), None)
    if root is None or not root.is_dir():
        print("feed conformance data not found; skipping (pass FEEDS_DIR)")
        return 0
    files = sorted(p for p in root.rglob("*") if p.is_file())
    checked: Counter[str] = Counter()
    ours_ok: Counter[str] = Counter()
    peer_ok: Counter[str] = Counter()
    crashes: list[str] = []
    skipped: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    failures: dict[str, list[str]] = defaultdict(list)
    t_ours = t_peer = 0.0
    for path in files:
        group = str(path.parent.relative_to(root))
        content = path.read_bytes()
        head = header_of(content)
        clauses, headers = expectations(head), headers_of(head)
        url = DOCROOT + str(path.relative_to(root))
        t = time.perf_counter()
        items: list[dict] = []
        try:
            result = parse_feed(content, headers, url, Source(id="conformance", kind="feed", url=url))
            items = [item_to_json(it) for it in result.items]
            errors[group] += bool(result.error)
        except Exception as exc:  # the contract is: never raise
            crashes.append(f"{path.relative_to(root)}: {type(exc).__name__}: {exc}")
        t_ours += time.perf_counter() - t
        if not clauses:
            continue
        t = time.perf_counter()
        peer_headers = {"content-location": url, **headers}
        parsed = feedparser.parse(content, response_headers=peer_headers)
        t_peer += time.perf_counter() - t
        for field, expected in clauses:
            if not applies(parsed, field):
                skipped[group] += 1
                continue
            checked[group] += 1
            peer_ok[group] += feedparser_value(parsed, field) == expected
            if ours_matches(items[0] if items else None, field, expected, is_plain(parsed, field)):
                ours_ok[group] += 1
            else:
                got = items[0].get(FIELD_OF[field]) if items else "(no item)"
                failures[group].append(f"{path.name}: {field} expected {expected!r} got {got!r}")

    head = f"{'group':<24} {'clauses':>8} {'global24':>9} {'feedparser':>11}"
    print(f"Feed conformance on {len(files)} files from {root}")
    print(head)
    print("-" * len(head))
    groups = sorted(checked)
    for g in groups:
        print(f"{g:<24} {checked[g]:>8} {ours_ok[g] / checked[g]:>9.1%} {peer_ok[g] / checked[g]:>11.1%}")
    total, ours, peer = sum(checked.values()), sum(ours_ok.values()), sum(peer_ok.values())
    print("-" * len(head))
    print(f"{'all':<24} {total:>8} {ours / max(1, total):>9.1%} {peer / max(1, total):>11.1%}")
    print(
        f"clauses not counted (richer body chosen; entry with only an author or a date): {sum(skipped.values())}"
    )
    print(f"files that raised: {len(crashes)} of {len(files)}; files reported as not a feed / unreadable: "
          f"{sum(errors.values())}")  # fmt: skip
    print(
        f"time: global24 parse-feed path {t_ours:.2f} s for all files; feedparser {t_peer:.2f} s for the checked ones"
    )
    if args.verbose:
        for g in groups:
            for line in failures[g]:
                print(f"  [{g}] {line}")
        for line in crashes:
            print("  raised:", line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "benchmark": "conformance",
                "files": len(files),
                "clauses": total,
                "not_counted": sum(skipped.values()),
                "global24_pass": ours,
                "feedparser_pass": peer,
                "by_group": {
                    g: {"clauses": checked[g], "global24": ours_ok[g], "feedparser": peer_ok[g]}
                    for g in groups
                },  # fmt: skip
                "raised": crashes,
                "errors_by_group": dict(errors),
                "failures": {g: failures[g] for g in groups},
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
