"""Markdown and standalone HTML renderings of an article."""

from __future__ import annotations

import re

from global24.models import Article, Citation, Section, Sentence, syndicated_originals
from global24.writing import article_to_html, article_to_markdown


def test_markdown_has_the_pages_parts(tokyo_article):
    md = article_to_markdown(tokyo_article)
    assert md.startswith(f"# {tokyo_article.headline}\n")
    assert "🔥 95" in md and tokyo_article.attribution in md
    assert md.count("## ") >= len(tokyo_article.sections) + 1
    assert re.search(r"1 / \d+ · .+ — .+", md)
    assert re.search(r"- \*\*\d{1,2} \w{3} 2025\*\* — ", md)  # dated timeline
    n_sources = len(re.findall(r"^\d+\. ", md.split("## Sources")[1], flags=re.M))
    cited = {c.item_id for s in tokyo_article.sentences() for c in s.citations}
    copies = syndicated_originals(tokyo_article.sources)  # listed under their original
    assert copies and n_sources == len(cited - set(copies))


def test_html_escapes_and_links_citations():
    s = Sentence("Officials said <b>5</b> people & 2 dogs were rescued.", [Citation("i1", "x", 0, 1)])
    a = Article(
        story_id="s",
        headline="Fire <script>alert(1)</script>",
        sections=[Section("Lead & more", "lead", [[s]])],
        sources=[{"item_id": "i1", "source": "Wire", "url": "http://127.0.0.1/a?b=1&c=2", "title": "T"}],
    )
    html = article_to_html(a)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;5&lt;/b&gt; people &amp; 2 dogs" in html
    assert '<sup><a href="#src-1">1</a></sup>' in html and 'id="src-1"' in html
    assert "b=1&amp;c=2" in html


def test_syndicated_copies_take_their_originals_number_in_both_renderings():
    """The wire and the papers that ran its story are one source: one number, the papers named once."""
    from global24.models import Article, Citation, Section, Sentence
    from global24.writing import article_to_html, article_to_markdown

    sources = [
        {"item_id": "w", "source": "Wire", "title": "Palace meeting", "published": "2025-10-27"},
        {"item_id": "p1", "source": "Harbor Ledger", "title": "Palace meeting", "duplicate_of": "w"},
        {"item_id": "p2", "source": "Quarry Times", "title": "Palace meeting", "duplicate_of": "p1"},
        {"item_id": "o", "source": "Atlas", "title": "Half an hour"},
        {"item_id": "x", "source": "Lone Copy", "title": "A copy", "duplicate_of": "not-listed"},
        {"item_id": "w2", "source": "Wire", "title": "Palace meeting", "duplicate_of": "w"},  # its own rerun
    ]
    para = [
        Sentence("They met.", [Citation("p1", "They met."), Citation("w", "They met."), Citation("p2", "They met.")]),
        Sentence("It lasted half an hour.", [Citation("o", "half an hour"), Citation("x", "half an hour")]),
    ]
    art = Article(story_id="st", headline="H", sections=[Section("Lead", "lead", [para])], sources=sources)
    md = article_to_markdown(art)
    assert "They met.[1] It lasted half an hour.[2][3]" in md
    assert "1. Wire — Palace meeting (2025-10-27); also carried by Harbor Ledger, Quarry Times\n" in md  # not Wire itself
    assert "\n2. Atlas — Half an hour" in md and "\n3. Lone Copy — A copy" in md
    assert "\n4. " not in md
    html = article_to_html(art)
    assert html.count('<sup><a href="#src-1">1</a></sup>') == 1
    assert "; also carried by Harbor Ledger, Quarry Times</li>" in html
