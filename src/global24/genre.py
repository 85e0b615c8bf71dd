"""What kind of piece an item is: a report of an event, or comment around it.

A desk headlines a story with what happened, not with the explainer, the column or
the Q&A written about it. Outlets say which is which, and this reads what they say:

- a label in the title or the feed's categories ("Analysis:", "Opinion |", ", explained");
- a section in the link (``/opinion/``, ``/analysis/``, ``/explainers/``);
- a title put as a question or a how/why/what ("Why the talks keep failing").

Whatever carries no such sign counts as a report. (Whether the opening names a day was
tried as a sign too: too many reports in other languages and styles do not.)
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from global24.models import Item

REPORT, COMMENT = "report", "comment"

_LABELS = (
    "analysis|opinion|comment|commentary|explainer|explained|editorial|column|review|perspective|viewpoint|"
    "fact ?check|factbox|q ?& ?a|interview|podcast|newsletter|letters?|essay|"
    "analyse|tribune|éditorial|chronique|décryptage|entretien|"  # fr
    "análisis|opinión|columna|tribuna|entrevista|"  # es
    "análise|opinião|coluna|"  # pt
    "kommentar|meinung|leitartikel|hintergrund|"  # de
    "commento|editoriale|opinione|"  # it
    "opinie|achtergrond|"  # nl
    "analýza|komentář|názor|"  # cs
    "анализ|мнение|колонка|комментарий|"  # ru
    "ανάλυση|γνώμη|άποψη|σχόλιο|"  # el
    "تحليل|رأي|مقال رأي|"  # ar
    "ניתוח|דעה|פרשנות|"  # he
    "विश्लेषण|राय|संपादकीय|"  # hi
    "解説|社説|コラム|分析|論評|オピニオン|評論|社评|评论|观点|분석|사설|칼럼"  # ja, zh, ko
)
# "Analysis: …", "OPINION | …", "Explainer – …"; and "…, explained" / "…, answered" at the end
_LABEL_TITLE = re.compile(
    rf"^\s*(?:{_LABELS})\s*[:：|–—]\s*|^\s*[【〈《\[「]\s*(?:{_LABELS})\s*[】〉》\]」]|,?\s+(?:explained|answered)\s*$",
    re.IGNORECASE,
)
_LABEL_TAG = re.compile(rf"^(?:{_LABELS})$", re.IGNORECASE)
# a title asked rather than told ("Will …?" ends in its mark); case-sensitive, so the WHO stays out
_ASKED = re.compile(
    r"^(?:How|Why|What|Who|Where|When|Which|Your|Inside|"
    r"Pourquoi|Comment|Qu'est-ce|Quel|Quelle|Por qué|Cómo|Qué|Quién|Por que|O que|Warum|Wie|Was|Wer|Perché)\b"
    r"|:\s+(?:how|why|what|who|where|the [a-z]+ behind)\b"
    r"|\b(?:what we know|what to know|things to know|what it means|the story behind)\b"
    r"|\?\s*(?:$|[A-Z])"
)
_SECTION = re.compile(
    r"/(?:opinions?|analysis|commentary|comment|commentisfree|explainers?|editorials?|columns?|columnists?|"
    r"blogs?|features?|long-?reads?|reviews?|podcasts?|letters|magazine|perspectives?|ideas|essays?|"
    r"meinung|kommentar|tribunes?|chroniques?|opinion-[a-z]+|analise|analisis|opiniao|opinion)(?:/|$)",
    re.IGNORECASE,
)


def genre(item: Item) -> str:
    """ "comment" where the outlet marks the item as such (see the module docstring), else "report"."""
    title = (item.title or "").strip()
    tags = item.extra.get("tags") if isinstance(item.extra, dict) else None
    if title and (_LABEL_TITLE.search(title) or _ASKED.search(title)):
        return COMMENT
    if isinstance(tags, list) and any(isinstance(t, str) and _LABEL_TAG.match(t.strip()) for t in tags):
        return COMMENT
    if item.url and _SECTION.search(_path(item.url)):
        return COMMENT
    return REPORT


def _path(url: str) -> str:
    try:
        return urlsplit(url).path or ""
    except ValueError:  # "http://[::1/…": an unbalanced IPv6 host; the item is still classified
        return ""


def rank(kind: str) -> int:
    """Preference for headline, dek and lead: a report (0) before comment (1)."""
    return 0 if kind == REPORT else 1
