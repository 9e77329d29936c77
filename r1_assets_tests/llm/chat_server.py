"""A local OpenAI-compatible chat server that misbehaves on purpose (429, 500, slow, 400), to
test the OpenAI backend's retries. A real HTTP server on 127.0.0.1 speaking the real protocol:
the remote APIs it stands in for cannot exist on this machine."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer:
    """A threaded HTTP server on a free port of 127.0.0.1, serving ``self._handler()`` while
    used as a context manager."""

    def _serve(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self):
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class ChatServer(LocalServer):
    """Behaviour per conversation, chosen by the user message's first word:

    - ``429x2``: two 429s (Retry-After 0), then an answer; ``500x2``: two 500s, then an answer;
    - ``slow``: the first attempt sleeps past the client's timeout, then answers at once;
    - ``bad``: 400 (not retryable); ``down``: 503 forever; ``reason``: the chain comes apart in
      ``reasoning_content`` (DeepSeek's API); ``filtered``: finish reason ``content_filter``;
      ``garbled``: a 200 whose body is not JSON; anything else answers at once.

    A request held to choices is answered with its last choice: vLLM's ``structured_outputs``
    choice as the text, OpenAI's ``response_format`` JSON schema as ``{"answer": ...}``.

    ``style="deepseek"`` answers as DeepSeek's API does about a prefilled assistant turn: only
    with ``"prefix": true`` on it (prefix completion), and vLLM's ``continue_final_message`` is
    an unknown field (400).
    """

    def __init__(
        self, slow_s: float = 2.0, answer_delay_s: float = 0.0, style: str = "vllm"
    ) -> None:
        self.style = style
        self.attempts: Counter[str] = Counter()
        self.auth: list[str | None] = []
        self.bodies: list[dict] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.slow_s = slow_s
        self.answer_delay_s = answer_delay_s
        self.lock = threading.Lock()
        self._serve()

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
                self._send_raw(status, json.dumps(payload).encode(), headers)

            def _send_raw(self, status: int, data: bytes, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                # the client may have given up (timeout): expected for "slow"
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                text = body["messages"][0]["content"]
                mode = text.split()[0]
                with owner.lock:
                    owner.attempts[text] += 1
                    attempt = owner.attempts[text]
                    owner.auth.append(self.headers.get("Authorization"))
                    owner.bodies.append(body)
                    owner.in_flight += 1
                    owner.max_in_flight = max(owner.max_in_flight, owner.in_flight)
                try:
                    self._answer(mode, attempt, body, text)
                finally:
                    with owner.lock:
                        owner.in_flight -= 1

            def _answer(self, mode: str, attempt: int, body: dict, text: str) -> None:
                last = body["messages"][-1]
                if owner.style == "deepseek" and (
                    "continue_final_message" in body
                    or (last["role"] == "assistant" and not last.get("prefix"))
                ):
                    return self._send(400, {"error": "assistant prefill needs prefix: true"})
                if mode == "429x2" and attempt <= 2:
                    return self._send(429, {"error": "rate limited"}, {"Retry-After": "0"})
                if mode == "500x2" and attempt <= 2:
                    return self._send(500, {"error": "internal"})
                if mode == "slow" and attempt == 1:
                    time.sleep(owner.slow_s)
                if mode == "bad":
                    return self._send(400, {"error": "bad request"})
                if mode == "down":
                    return self._send(503, {"error": "unavailable"})
                if mode == "garbled":
                    return self._send_raw(200, b"<html>upstream proxy error</html>")
                time.sleep(owner.answer_delay_s)
                budget = body.get("max_tokens") or body["max_completion_tokens"]
                words = f"echo {text} sample".split()[:budget]
                finish = "length" if len(words) >= budget else "stop"
                if "structured_outputs" in body:
                    words, finish = [body["structured_outputs"]["choice"][-1]], "stop"
                elif "response_format" in body:
                    schema = body["response_format"]["json_schema"]["schema"]
                    words = [json.dumps({"answer": schema["properties"]["answer"]["enum"][-1]})]
                    finish = "stop"
                if mode == "filtered":
                    finish = "content_filter"
                return self._send(
                    200,
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "model": body["model"],
                        "choices": [
                            {
                                "index": 0,
                                "message": {
                                    "role": "assistant",
                                    "content": " ".join(words),
                                    **(
                                        {"reasoning_content": "step one, step two"}
                                        if mode == "reason"
                                        else {}
                                    ),
                                },
                                "finish_reason": finish,
                            }
                        ],
                        "usage": {
                            "prompt_tokens": len(text.split()),
                            "completion_tokens": len(words),
                            "total_tokens": len(text.split()) + len(words),
                        },
                    },
                )

        return Handler
