"""A remote teacher on 127.0.0.1: an OpenAI-compatible chat server answering known problems in
R1's shape, right or wrong as told. A real HTTP server speaking the real protocol: the hosted
teachers it stands in for (DeepSeek-R1 behind an API) cannot exist on this machine, and the
embedded SmolLM2 never closes its reasoning within a CPU test's budget, so nothing of it verifies.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler

from r1_assets_tests.llm.chat_server import LocalServer


class TeacherServer(LocalServer):
    """``answers``: problem text -> its answer. A request whose user turn starts with a known
    problem gets reasoning and ``\\boxed{answer}`` — the right one unless ``wrong`` (a set of
    (model, problem) pairs) names it, then a wrong one. ``requests`` counts (model, problem)."""

    def __init__(self, answers: dict[str, str], wrong: set[tuple[str, str]] = frozenset()) -> None:
        self.answers = answers
        self.wrong = set(wrong)
        self.requests: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        self._serve()

    def content(self, model: str, text: str) -> str:
        problem = next((p for p in self.answers if text.startswith(p)), None)
        if problem is None:
            return "I am not sure about this one.\n</think>\n\nI cannot answer."
        with self.lock:
            self.requests[(model, problem)] += 1
        answer = self.answers[problem]
        if (model, problem) in self.wrong:
            answer = f"{answer}1"
        return (
            f"The question asks: {problem} Working it out carefully, the result is {answer}.\n"
            f"</think>\n\nThe answer is \\boxed{{{answer}}}."
        )

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                text = body["messages"][0]["content"]
                content = owner.content(body["model"], text)
                words = len(content.split())
                payload = {
                    "id": "chatcmpl-teacher",
                    "object": "chat.completion",
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": len(text.split()),
                        "completion_tokens": words,
                        "total_tokens": len(text.split()) + words,
                    },
                }
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
