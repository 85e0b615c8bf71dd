"""The llm writer: any OpenAI-compatible chat completions endpoint writes the prose.

The prompt hands over the outline's evidence as numbered sentences [n]; the answer
is parsed into sections and sentences whose [n] markers become citations of the
exact evidence spans. The timeline and where-sources-differ sections stay
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
from global24.writing.outline import Outline, PlannedSection

STRUCTURED = {"timeline", "differ"}
_MARK = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_HEAD = re.compile(r"^\s*(?:#{1,4}\s*|\*\*)(.+?)(?:\*\*)?\s*$")

SYSTEM = (
    "You write short, factual news analysis. Use only the numbered evidence you are given. "
    "End every sentence with the numbers of the evidence it rests on, in square brackets, like [2] or [1][4]. "
    "Never add a name, number, date or claim that is not in the cited evidence. Do not address the reader.\n"
    "Example of the format:\n## Budget vote\nThe council approved the budget on Monday [1]. "
    "Two members voted against it [2][3]."
)
# "… sentence. [1][2]" → "… sentence [1][2]." so markers stay with the sentence they close
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


def build_prompt(
    ev: Evidence, outline: Outline, settings: Settings
) -> tuple[list[dict], dict[int, int], list[PlannedSection]]:
    """Chat messages for the outline's prose sections, and the evidence numbering."""
    prose = [ps for ps in outline.sections if ps.kind not in STRUCTURED]
    budget = max(1000, settings.llm_prompt_tokens * 4)  # about four characters a token
    block, numbering = _evidence_block(ev, prose, budget)
    inverse = {uid: n for n, uid in numbering.items()}
    plan_lines = []
    for ps in prose:
        nums = [inverse[u] for u in ps.units() if u in inverse]
        if nums:
            plan_lines.append(f"## {ps.heading}\n(use evidence {', '.join(map(str, nums))})")
    user = (
        f"Evidence:\n{block}\n\n"
        "Write the article in these sections, in this order. Start each section with its '## ' heading line, "
        "then two to five sentences, each ending with its evidence numbers in brackets.\n\n"
        + "\n".join(plan_lines)
    )
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]
    return messages, numbering, prose


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


def _blocks(answer: str) -> list[tuple[str, str]]:
    """(heading, body) pairs of a markdown-ish answer; text before any heading has heading ''."""
    blocks: list[tuple[str, list[str]]] = [("", [])]
    for line in answer.splitlines():
        m = _HEAD.match(line)
        if (
            m
            and (line.lstrip().startswith("#") or line.strip().endswith("**"))
            and len(m.group(1).split()) <= 12
        ):
            blocks.append((m.group(1).strip(" #*:"), []))
        else:
            blocks[-1][1].append(line)
    return [(h, "\n".join(b).strip()) for h, b in blocks if h or "\n".join(b).strip()]


def _match(heading: str, prose: list[PlannedSection], taken: set[int]) -> int | None:
    toks = set(heading.lower().split())
    best, best_score = None, 0.0
    for k, ps in enumerate(prose):
        if k in taken:
            continue
        other = set(ps.heading.lower().split())
        score = len(toks & other) / max(1, len(toks | other))
        if score > best_score:
            best, best_score = k, score
    return best if best_score >= 0.3 else None


def parse_answer(
    answer: str, ev: Evidence, numbering: dict[int, int], prose: list[PlannedSection]
) -> list[Section]:
    """Sections of cited sentences from the model's answer ([n] markers → evidence spans)."""
    sections: dict[int, Section] = {}
    taken: set[int] = set()
    order = 0
    for heading, body in _blocks(answer):
        k = _match(heading, prose, taken) if heading else None
        if k is None:
            while order in taken and order < len(prose):
                order += 1
            if order >= len(prose):
                break
            k = order
        taken.add(k)
        ps = prose[k]
        sents: list[Sentence] = []
        body = _TRAILING.sub(lambda m: " " + m.group(2).strip() + m.group(1) + " ", body)
        for sp in tx.sentences(body):
            nums = [int(n) for m in _MARK.finditer(sp.text) for n in re.split(r"\s*[,;]\s*", m.group(1))]
            clean = re.sub(r"\s+([.,;:!?])", r"\1", _MARK.sub("", sp.text)).strip()
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
        if sents:
            sections[k] = Section(ps.heading, ps.kind, [sents[i : i + 3] for i in range(0, len(sents), 3)])
    return [sections[k] for k in sorted(sections)]


@register("llm")
class LLMWriter:
    """Prose by a chat model, citations mapped back to evidence spans."""

    def __init__(self, settings: Settings) -> None:
        self.name = f"llm:{settings.llm_model or 'default'}"

    def draft(self, ev: Evidence, outline: Outline, settings: Settings) -> Draft:
        messages, numbering, prose = build_prompt(ev, outline, settings)
        if not numbering:
            raise WriterError("no evidence to hand to the model")
        answer = complete(messages, settings)
        sections = parse_answer(answer, ev, numbering, prose)
        if not any(s.citations for sec in sections for p in sec.paragraphs for s in p):
            raise WriterError("the answer had no sentence with a usable [n] citation")
        structured = {ps.kind: ps for ps in outline.sections if ps.kind in STRUCTURED}
        for kind in ("differ", "timeline"):
            ps = structured.get(kind)
            if ps is not None:
                sections.append(
                    Section(
                        ps.heading, ps.kind, [[sentence_for(ev, p) for p in para] for para in ps.paragraphs]
                    )
                )
        return Draft(sections, self.name, [f"{len(numbering)} evidence sentences sent to {self.name}"])
