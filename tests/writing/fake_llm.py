"""An OpenAI-compatible chat completions server on 127.0.0.1 for the llm writer's tests.

Each request takes the next action from a script (then ``default``): ``answer`` (the
prompt's numbered evidence restated with [n] markers, plus a sentence with an invented figure),
``garbage`` (200 with a non-JSON body), ``nocite`` (prose without [n] markers),
``500`` (server error), ``slow`` (answers after a delay longer than the client waits).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INVENTED = "Officials confirmed that 4,321 people were evacuated from Lisbon overnight [1]."


def answer_from_prompt(prompt: str) -> str:
    """A model that restates its numbered evidence faithfully, and invents one sentence."""
    evidence = re.findall(r"^\[(\d+)\] \([^)]*\) (.+)$", prompt, flags=re.M)
    out = []
    for n, sent in evidence[:3]:
        sent = sent.rstrip()
        out.append(f"{sent[:-1] if sent.endswith('.') else sent} [{n}].")
    out.insert(1, INVENTED)
    return " ".join(out)


class FakeLLM:
    def __init__(self, script: list[str], delay: float = 2.0, default: str = "answer") -> None:
        self.script = list(script)
        self.default = default
        self.delay = delay
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append(body)
                fake.headers.append(dict(self.headers))
                action = fake.script.pop(0) if fake.script else fake.default
                if self.path != "/v1/chat/completions":
                    return self._send(404, b'{"error": "not found"}')
                if action == "500":
                    return self._send(500, b'{"error": "boom"}')
                if action == "slow":
                    time.sleep(fake.delay)
                    action = "answer"
                if action == "garbage":
                    return self._send(200, b"<html>definitely not json</html>")
                prompt = body["messages"][-1]["content"]
                content = (
                    answer_from_prompt(prompt)
                    if action == "answer"
                    else ("Everything went well and everyone was happy about the outcome of the day.")
                )
                payload = {
                    "id": "x",
                    "object": "chat.completion",
                    "model": body.get("model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                }
                self._send(200, json.dumps(payload).encode())

            def _send(self, code: int, data: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeLLM:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
