"""Generation through the cache: pay only for samples no earlier run finished."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tqdm import tqdm

from r1_assets.llm.cache import LLMCache
from r1_assets.llm.engines import Engine
from r1_assets.llm.types import Completion, Request


@dataclass
class GenerationStats:
    requested: int = 0
    cache_hits: int = 0
    generated: int = 0
    failed: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds else 0.0

    def as_metadata(self) -> dict[str, float | int]:
        return {
            "llm_requests": self.requested,
            "llm_cache_hits": self.cache_hits,
            "llm_cache_misses": self.generated + self.failed,
            "llm_failed": self.failed,
            "llm_completion_tokens": self.completion_tokens,
            "llm_tokens_per_second": round(self.tokens_per_second, 1),
        }


def generate_cached(
    load_engine: Callable[[], Engine],
    cache: LLMCache,
    model_id: str,
    requests: Sequence[Request],
    flush_every: int = 16,
    log: Callable[[str], None] | None = None,
    desc: str = "generating",
) -> tuple[list[Completion], GenerationStats]:
    """Completions for ``requests`` in order. The engine is loaded only on a cache miss; finished
    samples are cached every ``flush_every`` completions, while the engine goes on."""
    keys = [r.key(model_id) for r in requests]
    found = cache.get(keys)
    stats = GenerationStats(requested=len(requests))
    stats.cache_hits = sum(k in found for k in keys)
    missing: dict[str, Request] = {}
    for key, request in zip(keys, requests, strict=True):
        if key not in found and key not in missing:
            missing[key] = request
    results: dict[str, Completion] = dict(found)
    if missing:
        engine = load_engine()
        todo = list(missing.items())
        pending: list[tuple[str, Completion]] = []
        started = time.perf_counter()

        def flush() -> None:
            cache.put(model_id, pending)
            stats.seconds = time.perf_counter() - started
            if log:
                done = stats.generated + stats.failed
                log(
                    f"{desc}: {done:,}/{len(todo):,} new samples, "
                    f"{stats.tokens_per_second:.1f} tok/s, {stats.failed} failed, "
                    f"{stats.cache_hits:,} from cache"
                )
            pending.clear()

        with tqdm(total=len(todo), desc=desc, unit="sample") as bar:
            try:
                # the engine keeps its whole batch in flight; finished samples are flushed as they
                # come, so a kill loses at most flush_every of them
                for index, completion in engine.stream([r for _, r in todo]):
                    key = todo[index][0]
                    results[key] = completion
                    pending.append((key, completion))
                    if completion.ok:
                        stats.generated += 1
                        stats.completion_tokens += completion.completion_tokens
                    else:
                        stats.failed += 1
                    bar.update(1)
                    if len(pending) >= flush_every:
                        flush()
            finally:  # whatever happens to the engine, finished samples are kept
                if pending:
                    flush()
        stats.seconds = time.perf_counter() - started
    return [results[k] for k in keys], stats
