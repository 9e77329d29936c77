"""Generation through the cache: pay only for samples no earlier run finished."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

from tqdm import tqdm

from r1_assets.llm.budgets import BudgetPlan, joined, plan_smaller_budgets, sampling_setting
from r1_assets.llm.cache import LLMCache
from r1_assets.llm.engines import Engine
from r1_assets.llm.types import Completion, Request


@dataclass
class GenerationStats:
    requested: int = 0
    cache_hits: int = 0
    budget_reused: int = 0  # finished under a smaller max_tokens: reused as they are
    budget_continued: int = 0  # cut at a smaller max_tokens: only the rest generated
    budget_tokens_reused: int = 0
    generated: int = 0
    failed: int = 0
    prompt_tokens: int = 0  # of the generated samples: what was paid for
    completion_tokens: int = 0
    cost_usd: float | None = None  # at the resource's prices, when it has them
    seconds: float = 0.0

    def __add__(self, other: GenerationStats) -> GenerationStats:
        """Two calls' stats as one (several teachers, adaptive rounds)."""
        summed = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name != "cost_usd"
        }
        costs = [c for c in (self.cost_usd, other.cost_usd) if c is not None]
        return GenerationStats(**summed, cost_usd=sum(costs) if costs else None)

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds else 0.0

    def as_metadata(self) -> dict[str, float | int]:
        return {
            "llm_requests": self.requested,
            "llm_cache_hits": self.cache_hits,
            "llm_reused_from_smaller_budget": self.budget_reused,
            "llm_continued_from_smaller_budget": self.budget_continued,
            "llm_tokens_reused_from_smaller_budget": self.budget_tokens_reused,
            "llm_cache_misses": self.generated + self.failed,
            "llm_failed": self.failed,
            "llm_prompt_tokens": self.prompt_tokens,
            "llm_completion_tokens": self.completion_tokens,
            "llm_tokens_per_second": round(self.tokens_per_second, 1),
            **({} if self.cost_usd is None else {"llm_cost_usd": round(self.cost_usd, 6)}),
        }


@dataclass
class CachePlan:
    """What a call would cost before it is made: the requests' keys, the cached completions,
    the distinct keys missing, and which of those a smaller budget's sample answers."""

    keys: list[str]
    found: dict[str, Completion]
    missing: dict[str, Request]
    budget: BudgetPlan

    @property
    def to_generate(self) -> list[tuple[str, Request]]:
        """(key, request) to send: the misses no smaller budget finished, a cut sample's
        continuation in place of its request."""
        continued = self.budget.continued
        return [
            (key, continued[key][1] if key in continued else request)
            for key, request in self.missing.items()
            if key not in self.budget.reused
        ]


def plan_cached(
    cache: LLMCache, model_id: str, requests: Sequence[Request], register: bool = True
) -> CachePlan:
    """Looks ``requests`` up in the cache and among smaller budgets' samples. ``register``
    records the requests' budgets (a real call does; a dry run writes nothing)."""
    keys = [r.key(model_id) for r in requests]
    found = cache.get(keys)
    missing: dict[str, Request] = {}
    for key, request in zip(keys, requests, strict=True):
        if key not in found and key not in missing:
            missing[key] = request
    budget = BudgetPlan()
    if missing:
        if register:
            budgets = {
                (sampling_setting(r.sampling), r.sampling.max_tokens) for r in missing.values()
            }
            cache.register_budgets(model_id, budgets)
        registered = cache.budgets_by_setting(model_id)
        budget = plan_smaller_budgets(missing, model_id, registered, cache.get)
    return CachePlan(keys, found, missing, budget)


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
    samples are cached every ``flush_every`` completions, while the engine goes on. A miss that a
    smaller budget's sample answers is reused or continued (``llm.budgets``)."""
    cached = plan_cached(cache, model_id, requests)
    keys, found, missing, plan = cached.keys, cached.found, cached.missing, cached.budget
    stats = GenerationStats(requested=len(requests))
    stats.cache_hits = sum(k in found for k in keys)
    results: dict[str, Completion] = dict(found)
    if missing:
        if plan.reused:
            cache.put(model_id, list(plan.reused.items()))  # found by their own key next time
            results.update(plan.reused)
        stats.budget_reused = len(plan.reused)
        stats.budget_continued = len(plan.continued)
        stats.budget_tokens_reused = plan.tokens_reused
    todo = cached.to_generate
    if todo:
        engine = load_engine()
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
                    if completion.ok:
                        stats.generated += 1
                        stats.prompt_tokens += completion.prompt_tokens  # paid now
                        stats.completion_tokens += completion.completion_tokens
                    else:
                        stats.failed += 1
                    if key in plan.continued:
                        completion = joined(plan.continued[key][0], completion)
                    results[key] = completion
                    pending.append((key, completion))
                    bar.update(1)
                    if len(pending) >= flush_every:
                        flush()
            finally:  # whatever happens to the engine, finished samples are kept
                if pending:
                    flush()
        stats.seconds = time.perf_counter() - started
    return [results[k] for k in keys], stats
