"""Writing: evidence → outline → draft → verify → Article, plus renderings and batch commands.

Public entry points (the pipeline and CLI call these):
``write_article``, ``summarize``, ``should_rewrite``, ``verify_article``,
``article_to_markdown``, ``article_to_html``, ``write_jsonl``, ``summarize_jsonl``.
"""

from global24.writing.batch import items_from_jsonl, summarize_jsonl, verify_file, verify_json, write_jsonl
from global24.writing.engine import change_note, should_rewrite, summarize, write_article
from global24.writing.render import article_to_html, article_to_markdown
from global24.writing.verify import verify_article

__all__ = [
    "write_article", "summarize", "should_rewrite", "change_note", "verify_article", "verify_json", "verify_file",
    "article_to_markdown", "article_to_html", "write_jsonl", "summarize_jsonl", "items_from_jsonl",
]  # fmt: skip
