"""Markdown and standalone HTML renderings of an article."""

from __future__ import annotations

import re

from global24.models import Article, Citation, Section, Sentence
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
    assert n_sources == len(cited)


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
