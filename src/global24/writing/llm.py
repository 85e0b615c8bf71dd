"""The llm writer: any OpenAI-compatible chat completions endpoint writes the prose.

One request per prose section of the outline (small prompts suit small models):
the prompt hands over that section's evidence as numbered sentences [n]; the
answer is parsed into sentences whose [n] markers become citations of the exact
evidence spans. A section whose answer cites nothing stays extractive. The timeline and where-sources-differ sections stay
extractive (they are structured lists). Requests have a timeout, retries with
exponential back-off and a token budget; any failure raises WriterError and the
engine falls back to the extractive writer. Verification then drops whatever the
model made up.
"""

from __future__ import annotations

import re
import time

import httpx

from global24 import text as tx
from global24.models import Citation, Section, Sentence
from global24.settings import Settings
from global24.writing.base import Draft, WriterError, citations_for, register, sentence_for
from global24.writing.evidence import Evidence
from global24.writing.labels import language_name
from global24.writing.planned import Outline, PlannedSection

STRUCTURED = {"timeline", "differ"}
_MARK = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_HEAD = re.compile(r"^\s*(?:#{1,6}\s.*|#{1,6}|\*\*[^*]+\*\*:?)\s*$")  # heading lines the model may add

SYSTEM = (
    "You write short, factual news analysis. Use only the numbered evidence you are given. "
    "End every sentence with the numbers of the evidence it rests on, in square brackets, like [2] or [1][4]. "
    "Never add a name, number, date or claim that is not in the cited evidence. Do not address the reader.\n"
    "Example of the format:\n## Budget vote\nThe council approved the budget on Monday [1]. "
    "Two members voted against it [2][3]."
)
# "… sentence. [1][2]" → "… sentence [1][2]." so markers stay with the sentence they close
_ECHO = re.compile(r"^\([^()]{1,60}\)\s*")
_TRAILING = re.compile(r"([.!?])\s*((?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+)")


def _evidence_block(
    ev: Evidence, sections: list[PlannedSection], budget_chars: int
) -> tuple[str, dict[int, int]]:
    """Numbered evidence lines within the budget; returns the text and number -> unit id."""
    lines, numbering, used = [], {}, 0
    for ps in sections:
        for uid in ps.units():
            if uid in numbering.values():
                continue
            u = ev.units[uid]
            line = f"[{len(numbering) + 1}] ({u.source}) {u.text}"
            if used + len(line) > budget_chars:
                break
            numbering[len(numbering) + 1] = uid
            lines.append(line)
            used += len(line) + 1
    return "\n".join(lines), numbering


def section_prompt(ev: Evidence, ps: PlannedSection, settings: Settings) -> tuple[list[dict], dict[int, int]]:
    """Chat messages asking for one section from its own numbered evidence, and the numbering."""
    budget = max(600, settings.llm_prompt_tokens * 4)  # about four characters a token
    block, numbering = _evidence_block(ev, [ps], budget)
    user = (
        f"Evidence:\n{block}\n\n"
        f'Write the section "{ps.heading}" of a news analysis: two to four sentences that restate the '
        "evidence above, each ending with the numbers of the evidence it uses in square brackets, "
        "like [1] or [2][3]. Write only the sentences."
    )
    if ev.lang and ev.lang != "en":  # the evidence is in another language: so is the article
        user += f" Write in {language_name(ev.lang)}, the language of the evidence."
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}], numbering


def complete(messages: list[dict], settings: Settings, client: httpx.Client | None = None) -> str:
    """POST to {llm_base_url}/chat/completions with retries and back-off; the answer's text."""
    url = settings.llm_base_url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json"}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    body = {
        "model": settings.llm_model or "default",
        "messages": messages,
        "temperature": 0.2,
        "max_tokens": settings.llm_max_tokens,
        "stream": False,
    }
    own = client is None
    client = client or httpx.Client(timeout=httpx.Timeout(settings.llm_timeout), trust_env=False)
    last = "no attempt"
    try:
        for attempt in range(settings.llm_retries + 1):
            if attempt:
                time.sleep(min(settings.llm_backoff * 2 ** (attempt - 1), 30.0))
            try:
                r = client.post(url, json=body, headers=headers)
            except httpx.TimeoutException:
                last = f"timed out after {settings.llm_timeout:g}s"
                continue
            except httpx.HTTPError as exc:
                last = f"connection failed: {type(exc).__name__}: {exc}"
                continue
            if r.status_code >= 500 or r.status_code == 429:
                last = f"HTTP {r.status_code}"
                continue
            if r.status_code >= 400:
                raise WriterError(f"HTTP {r.status_code}: {r.text[:200]}")
            try:
                content = r.json()["choices"][0]["message"]["content"]
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise WriterError(f"malformed answer ({type(exc).__name__})") from exc
            if not isinstance(content, str) or not content.strip():
                raise WriterError("empty answer")
            return content
    finally:
        if own:
            client.close()
    raise WriterError(f"{last} after {settings.llm_retries + 1} attempts")


def parse_section(answer: str, ev: Evidence, numbering: dict[int, int], ps: PlannedSection) -> Section:
    """One section of cited sentences from the model's answer ([n] markers → evidence spans)."""
    lines = [ln for ln in answer.splitlines() if not _HEAD.match(ln)]
    body = _TRAILING.sub(lambda m: " " + m.group(2).strip() + m.group(1) + " ", "\n".join(lines))
    sents: list[Sentence] = []
    for sp in tx.sentences(body):
        nums = [int(n) for m in _MARK.finditer(sp.text) for n in re.split(r"\s*[,;]\s*", m.group(1))]
        clean = re.sub(r"\s+([.,;:!?])", r"\1", _MARK.sub("", sp.text)).strip(" -*•")
        clean = _ECHO.sub("", clean)  # the model echoing the evidence format: "(Meridian Wire) …"
        if not clean or len(clean.split()) < 3:
            continue
        cites: list[Citation] = []
        seen = set()
        for n in nums:
            uid = numbering.get(n)
            if uid is None:
                continue
            for c in citations_for(ev, uid):
                if (c.item_id, c.start) not in seen:
                    seen.add((c.item_id, c.start))
                    cites.append(c)
        sents.append(Sentence(clean, cites))
    return Section(ps.heading, ps.kind, [sents[i : i + 3] for i in range(0, len(sents), 3)])


@register("llm")
class LLMWriter:
    """Prose by a chat model, citations mapped back to evidence spans."""

    def __init__(self, settings: Settings) -> None:
        self.name = f"llm:{settings.llm_model or 'default'}"

    def draft(self, ev: Evidence, outline: Outline, settings: Settings) -> Draft:
        """One request per prose section (small prompts suit small models); failures raise."""
        sections: list[Section] = []
        written = kept_extractive = sent = 0
        for ps in outline.sections:
            extractive = Section(
                ps.heading, ps.kind, [[sentence_for(ev, p) for p in para] for para in ps.paragraphs]
            )
            if ps.kind in STRUCTURED:
                sections.append(extractive)
                continue
            messages, numbering = section_prompt(ev, ps, settings)
            if not numbering:
                sections.append(extractive)
                continue
            sent += len(numbering)
            sec = parse_section(complete(messages, settings), ev, numbering, ps)
            if any(s.citations for p in sec.paragraphs for s in p):
                sections.append(sec)
                written += 1
            else:
                sections.append(extractive)
                kept_extractive += 1
        if not written:
            raise WriterError("the answer had no sentence with a usable [n] citation")
        note = f"{written} sections written by {self.name} from {sent} evidence sentences"
        if kept_extractive:
            note += f"; {kept_extractive} kept extractive (answers without usable [n] citations)"
        return Draft(sections, self.name, [note])
