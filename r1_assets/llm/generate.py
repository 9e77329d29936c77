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
    samples are cached every ``flush_every`` requests, before the next batch starts."""
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
        started = time.perf_counter()
        with tqdm(total=len(todo), desc=desc, unit="sample") as bar:
            for start in range(0, len(todo), flush_every):
                chunk = todo[start : start + flush_every]
                completions = engine.generate([r for _, r in chunk])
                finished = list(zip([k for k, _ in chunk], completions, strict=True))
                cache.put(model_id, finished)
                for key, completion in finished:
                    results[key] = completion
                    if completion.ok:
                        stats.generated += 1
                        stats.completion_tokens += completion.completion_tokens
                    else:
                        stats.failed += 1
                bar.update(len(chunk))
                stats.seconds = time.perf_counter() - started
                if log:
                    log(
                        f"{desc}: {start + len(chunk):,}/{len(todo):,} new samples, "
                        f"{stats.tokens_per_second:.1f} tok/s, {stats.failed} failed, "
                        f"{stats.cache_hits:,} from cache"
                    )
    return [results[k] for k in keys], stats
