"""What goes into an LLM call and what comes out, independent of the engine."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

Message = dict[str, str]  # {"role": "user" | "assistant" | "system", "content": ...}


@dataclass(frozen=True)
class Sampling:
    """Sampling parameters. The DeepSeek-R1 recipe is the default: temperature 0.6, top-p 0.95."""

    temperature: float = 0.6
    top_p: float = 0.95
    max_tokens: int = 1024
    # the answer must be one of these strings, where the engine can constrain decoding (a
    # logits restriction in transformers, guided choice in vLLM); None: free text
    choices: tuple[str, ...] | None = None

    def fields(self) -> dict:
        """The parameters as a dict, without ``choices`` when there are none: free-text samples
        keep the cache keys and sampling records they had before choices existed."""
        fields = asdict(self)
        if fields["choices"] is None:
            del fields["choices"]
        return fields


@dataclass(frozen=True)
class Request:
    """One sample of one conversation. A final assistant message is a prefill: the engine
    continues it (e.g. "<think>\\n", as DeepSeek recommends for R1) and the completion's text
    starts with it."""

    messages: tuple[Message, ...]
    sampling: Sampling = field(default_factory=Sampling)
    sample_index: int = 0

    @property
    def prefill(self) -> str:
        last = self.messages[-1]
        return last["content"] if last["role"] == "assistant" else ""

    def seed(self) -> int:
        """A per-sample seed, so sample i of a conversation is reproducible where the engine
        honours seeds (vLLM, most servers)."""
        return int(self.key("seed")[:8], 16)

    def key(self, model_id: str) -> str:
        """The cache key: model, messages, sampling parameters and sample index."""
        payload = {
            "model": model_id,
            "messages": [dict(m) for m in self.messages],
            "sampling": self.sampling.fields(),
            "sample_index": self.sample_index,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def user(content: str, prefill: str = "") -> tuple[Message, ...]:
    """A single-turn conversation with no system prompt (the R1 recipe), optionally prefilled."""
    messages: tuple[Message, ...] = ({"role": "user", "content": content},)
    if prefill:
        messages += ({"role": "assistant", "content": prefill},)
    return messages


@dataclass
class Completion:
    text: str
    finish_reason: str  # stop | length | error
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    error: str | None = None  # set only when finish_reason is "error" (never cached)

    @property
    def ok(self) -> bool:
        return self.finish_reason != "error"
