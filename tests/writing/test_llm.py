"""The llm writer against a real OpenAI-compatible HTTP server on 127.0.0.1: protocol and failures."""

from __future__ import annotations

import pytest

from global24.writing import verify_article, write_article
from global24.writing.batch import items_from_jsonl
from global24.writing.evidence import build_evidence
from global24.writing.llm import parse_section, section_prompt
from global24.writing.outline import plan_outline
from tests.writing.fake_llm import FakeLLM, answer_from_prompt
from tests.writing.test_batch import RIO


@pytest.fixture(scope="module")
def items():
    return items_from_jsonl(RIO)


def llm_settings(wsettings, fake: FakeLLM, **kw):
    base = {
        "writer": "llm",
        "llm_base_url": fake.base_url,
        "llm_model": "fake-1",
        "llm_api_key": "sekret",
        "llm_timeout": 0.8,
        "llm_retries": 2,
        "llm_backoff": 0.05,
        "llm_max_tokens": 321,
    }
    base.update(kw)
    return wsettings.replace(**base)


def test_prompt_numbers_the_sections_evidence_within_budget(items, wsettings):
    ev = build_evidence(items)
    outline = plan_outline(ev)
    ps = outline.sections[0]
    messages, numbering = section_prompt(ev, ps, wsettings)
    user = messages[-1]["content"]
    assert messages[0]["role"] == "system" and "[2]" in messages[0]["content"]
    assert ps.heading in user
    assert set(numbering.values()) == set(ps.units())
    for n, uid in numbering.items():
        assert f"[{n}] ({ev.units[uid].source}) {ev.units[uid].text}" in user
    big = max(outline.sections, key=lambda p: len(p.units()))
    small = section_prompt(ev, big, wsettings.replace(llm_prompt_tokens=10))[1]
    assert 0 < len(small) < len(big.units())


def test_parse_maps_markers_to_exact_spans(items, wsettings):
    ev = build_evidence(items)
    ps = plan_outline(ev).sections[0]
    messages, numbering = section_prompt(ev, ps, wsettings)
    answer = "## " + ps.heading + "\n" + answer_from_prompt(messages[-1]["content"])
    sec = parse_section(answer, ev, numbering, ps)
    sents = [s for p in sec.paragraphs for s in p]
    assert sec.heading == ps.heading and len(sents) == min(3, len(numbering)) + 1
    invented = [s for s in sents if "4,321" in s.text]
    assert len(invented) == 1 and invented[0].citations  # cited, but its figure is in no source
    by_id = {it.id: it for it in items}
    for s in sents:
        assert "[" not in s.text and not s.text.startswith("#")
        for c in s.citations:
            assert by_id[c.item_id].text[c.start : c.end] == c.quote


def test_llm_article_drops_the_invented_sentence(items, wsettings):
    with FakeLLM(["answer"]) as fake:
        s = llm_settings(wsettings, fake)
        a = write_article(None, items, s)
    assert a.writer == "llm:fake-1"
    req = fake.requests[0]
    assert req["model"] == "fake-1" and req["max_tokens"] == 321 and req["messages"][0]["role"] == "system"
    assert fake.headers[0]["Authorization"] == "Bearer sekret"
    texts = [x.text for x in a.sentences()]
    assert not any("4,321" in t for t in texts)
    assert a.grounding["dropped"] >= 1
    assert any(r["check"] == "number" and "4,321" in r["reason"] for r in a.grounding["reasons"])
    assert verify_article(a, items)["unsupported"] == 0
    assert any(sec.kind == "differ" for sec in a.sections)  # structured sections kept


def test_retries_after_server_errors_then_succeeds(items, wsettings):
    with FakeLLM(["500", "500", "answer"]) as fake:
        a = write_article(None, items, llm_settings(wsettings, fake))
    prose = [s for s in a.sections if s.kind not in ("timeline", "differ")]
    assert a.writer == "llm:fake-1"
    assert len(fake.requests) == 2 + len(prose)  # two failed tries, then one request per section


@pytest.mark.parametrize(
    "script, why",
    [
        (["500", "500", "500"], "HTTP 500 after 3 attempts"),
        (["garbage"], "malformed answer"),
        (["slow", "slow", "slow"], "timed out"),
        ([], "no sentence with a usable [n] citation"),  # every answer cites nothing
    ],
)
def test_failures_fall_back_to_extractive_and_say_why(items, wsettings, script, why):
    with FakeLLM(script, delay=1.5, default="answer" if script else "nocite") as fake:
        a = write_article(None, items, llm_settings(wsettings, fake))
    assert a.writer == "extractive"
    notes = " ".join(a.grounding["writer_notes"])
    assert why in notes and "fell back to the extractive writer" in notes
    assert "fell back" in a.change_note
    assert a.sentences() and verify_article(a, items)["unsupported"] == 0
    if script and script[0] in ("500", "slow"):
        assert len(fake.requests) == 3  # one try and two retries, then no further section is tried


def test_dead_endpoint_falls_back(items, wsettings):
    s = wsettings.replace(
        writer="llm", llm_base_url="http://127.0.0.1:9/v1", llm_retries=1, llm_backoff=0.01, llm_timeout=1.0
    )
    a = write_article(None, items, s)
    assert a.writer == "extractive" and "connection failed" in " ".join(a.grounding["writer_notes"])


def test_markers_after_the_full_stop_stay_with_their_sentence(items, wsettings):
    ev = build_evidence(items)
    ps = plan_outline(ev).sections[0]
    _, numbering = section_prompt(ev, ps, wsettings)
    uid = numbering[1]
    answer = f"**{ps.heading}**\n{ev.units[uid].text} [1]\nA second sentence that cites nothing at all."
    first, second = parse_section(answer, ev, numbering, ps).paragraphs[0]
    assert first.text == ev.units[uid].text and first.citations[0].item_id == ev.units[uid].item_id
    assert second.citations == []
