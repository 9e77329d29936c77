"""The OpenAI-compatible backend: chat completions through the official ``openai`` client against
any server that speaks the API, with bounded concurrency, retries with backoff (honouring
Retry-After) and a per-request timeout."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import random
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Literal

from r1_assets.llm.engines import CollectingEngine
from r1_assets.llm.types import Completion, Request

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Provider:
    """What one kind of server needs that the chat completions API leaves open."""

    # how a prefilled assistant turn is continued: vLLM's continue_final_message extension,
    # DeepSeek's prefix completion ("prefix": true on the last message, its /beta base URL), or
    # not at all (the server starts its own turn; the prefill is not sent)
    prefill: Literal["continue_final_message", "prefix", "none"]
    token_limit: str  # the body field of the completion budget
    # how an answer is held to a request's choices (labels): vLLM's structured outputs choice,
    # OpenAI's structured outputs (a JSON schema whose one field is an enum), or not at all
    choices: Literal["structured_outputs", "json_schema", "none"] = "none"
    ignores_sampling: tuple[str, ...] = ()  # models that ignore temperature and top_p


PROVIDERS = {
    "vllm": Provider("continue_final_message", "max_tokens", "structured_outputs"),  # SGLang too
    "deepseek": Provider("prefix", "max_tokens", ignores_sampling=("deepseek-reasoner",)),
    # max_tokens is deprecated on OpenAI's chat completions; o-series models refuse it
    "openai": Provider("none", "max_completion_tokens", "json_schema"),
}
CHOICE_FIELD = "answer"  # the one field of the JSON schema a constrained OpenAI answer fills


class OpenAIEngine(CollectingEngine):
    """Chat completions against ``{base_url}/chat/completions`` with the ``openai`` client.

    The API key is read from the environment variable named by ``api_key_env`` when the first
    request is made; it is never stored in config, logs or metadata. ``provider``
    (``PROVIDERS``) says how a prefilled assistant turn is continued, which field carries the
    token budget and how an answer is held to a request's choices. Retries are this engine's
    own (the client's are off): counted, with jittered backoff and the server's Retry-After.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 8,
        timeout_s: float = 600.0,
        max_retries: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        provider: str = "vllm",
    ) -> None:
        if provider not in PROVIDERS:
            raise ValueError(f"unknown provider {provider!r}: one of {sorted(PROVIDERS)}")
        self.base_url = base_url.rstrip("/")
        self.url = self.base_url + "/chat/completions"
        self.model = model
        self.provider = PROVIDERS[provider]
        if model in self.provider.ignores_sampling:
            logging.getLogger(__name__).warning(
                f"{model} ignores temperature and top_p: the sampling recipe does not apply, "
                "its samples follow the provider's own settings"
            )
        self.api_key_env = api_key_env
        self.max_concurrency = max_concurrency
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._client = None
        self.attempts = 0  # total HTTP attempts, retries included (for metadata and tests)
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # no client, no key
        return f"OpenAIEngine(url={self.url!r}, model={self.model!r})"

    def client(self):
        """One client for every thread (it is thread-safe and pools connections), made at the
        first request with the key the environment holds then. A server without keys (a local
        vLLM) is sent the placeholder its docs use."""
        with self._lock:
            if self._client is None:
                from openai import OpenAI

                key = os.environ.get(self.api_key_env, "") if self.api_key_env else ""
                self._client = OpenAI(
                    base_url=self.base_url,
                    api_key=key or "EMPTY",
                    timeout=self.timeout_s,
                    max_retries=0,
                )
            return self._client

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, Completion]]:
        """At most max_concurrency requests in flight; each yielded as soon as it is answered."""
        if not requests:
            return
        pool = ThreadPoolExecutor(max_workers=max(1, self.max_concurrency))
        try:
            futures = {pool.submit(self._one, r): i for i, r in enumerate(requests)}
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:  # the caller stopped early or something raised: drop what has not started
            pool.shutdown(wait=True, cancel_futures=True)

    def _arguments(self, request: Request) -> dict:
        """``chat.completions.create``'s arguments; what the API does not name goes in
        ``extra_body`` (vLLM's extensions)."""
        messages = [dict(m) for m in request.messages]
        extra: dict = {}
        arguments = {
            "model": self.model,
            "messages": messages,
            "temperature": request.sampling.temperature,
            "top_p": request.sampling.top_p,
            self.provider.token_limit: request.sampling.max_tokens,
            "seed": request.seed() & 0x7FFFFFFF,
        }
        if request.prefill:
            if self.provider.prefill == "continue_final_message":
                extra.update(continue_final_message=True, add_generation_prompt=False)
            elif self.provider.prefill == "prefix":
                messages[-1]["prefix"] = True
            else:
                messages.pop()
        choices = list(request.sampling.choices or ())
        if choices and self.provider.choices == "structured_outputs":
            extra["structured_outputs"] = {"choice": choices}
        elif choices and self.provider.choices == "json_schema":
            schema = {
                "type": "object",
                "properties": {CHOICE_FIELD: {"type": "string", "enum": choices}},
                "required": [CHOICE_FIELD],
                "additionalProperties": False,
            }
            arguments["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "choice", "strict": True, "schema": schema},
            }
        if extra:
            arguments["extra_body"] = extra
        return arguments

    def _one(self, request: Request) -> Completion:
        import openai

        arguments = self._arguments(request)
        error = "no attempt made"
        started = time.perf_counter()
        for attempt in range(self.max_retries + 1):
            with self._lock:
                self.attempts += 1
            retry_after = None
            try:
                response = self.client().chat.completions.create(**arguments)
            except openai.APIStatusError as exc:
                text = exc.response.text[:300]
                if exc.status_code not in RETRY_STATUS:  # 400, 401, 404 …: it would fail again
                    return Completion(
                        "",
                        "error",
                        latency_s=time.perf_counter() - started,
                        error=f"HTTP {exc.status_code}: {text}",
                    )
                error = f"HTTP {exc.status_code}: {text[:200]}"
                retry_after = exc.response.headers.get("Retry-After")
            except openai.APIError as exc:  # timeouts, dropped connections, unreadable bodies
                error = f"{type(exc).__name__}: {str(exc)[:200]}"
            except ValueError as exc:  # a 200 whose body is not JSON (a proxy's error page)
                error = f"unparsable response: {exc!r}"
            else:
                try:
                    sent = self.provider.prefill != "none"
                    return self._parse(request, response.model_dump(), started, sent)
                except (ValueError, KeyError, IndexError, TypeError) as exc:
                    error = f"unparsable response: {exc!r}: {str(response)[:200]}"
            if attempt < self.max_retries:
                time.sleep(self._delay(attempt, retry_after))
        return Completion(
            "",
            "error",
            latency_s=time.perf_counter() - started,
            error=f"gave up after {self.max_retries + 1} attempts: {error}",
        )

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                delay = float(retry_after)
            except ValueError:
                delay = float("nan")
            if math.isfinite(delay):
                return min(max(delay, 0.0), self.max_backoff_s)
        # exponential backoff with jitter, so concurrent workers do not retry in lockstep
        return min(self.backoff_s * 2**attempt, self.max_backoff_s) * random.uniform(0.5, 1.0)

    @staticmethod
    def _parse(
        request: Request, payload: dict, started: float, sent_prefill: bool = True
    ) -> Completion:
        """The completion in R1's shape; a prefill the server never saw (``sent_prefill``
        false) is not put in front of its answer."""
        prefill = request.prefill if sent_prefill else ""
        choice = payload["choices"][0]
        usage = payload.get("usage") or {}
        finish = choice.get("finish_reason") or "stop"
        message = choice["message"]
        content = message.get("content") or ""
        if request.sampling.choices and content.lstrip().startswith("{"):
            # an OpenAI structured output: the choice is the schema's one field
            with contextlib.suppress(ValueError, AttributeError):
                content = str(json.loads(content).get(CHOICE_FIELD, content))
        # DeepSeek's API and vLLM's reasoning parsers return the chain apart from the answer:
        # put it back in R1's own shape (the think prefill is then part of it already)
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        if reasoning:
            if prefill.strip() == "<think>":
                head, chain = "<think>\n", reasoning.strip()
            elif prefill.lstrip().startswith("<think>"):  # a cut chain continued
                head, chain = prefill, reasoning.rstrip()
            else:
                head, chain = f"{prefill}<think>\n", reasoning.strip()
            # a chain cut inside the reasoning never closed it: no closing tag is made up
            cut = finish == "length" and not content
            text = head + chain + ("" if cut else f"\n</think>\n\n{content.lstrip()}")
        else:
            text = prefill + content
        return Completion(
            text=text,
            finish_reason=finish,  # as the server says: stop, length, content_filter …
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            latency_s=time.perf_counter() - started,
        )
