"""Token budgets that grow: raising ``max_tokens`` pays only for the samples the old budget cut.

A request's cache key holds its budget (``Request.key``), so a raised ``max_tokens`` alone would
miss every cached sample. The LLM cache therefore keeps a registry of the budgets it generated
under, per model and sampling setting (``LLMCache.budgets_below``). A request that misses is looked
up under each smaller registered budget, largest first, and the first sample found decides:

- it **finished by itself** (``stop``): the larger budget would have drawn the same sample
  (generation is the same up to its end), so it is reused as it is;
- it was **cut at its budget** (``length``): it is continued — its text becomes the prefill of a
  request for the remaining tokens — so the result is one sample under the new budget, and only
  the new tokens are paid for.

Both keep each sample a draw from the new budget's distribution. Drawing a cut sample afresh
instead would not: the finished samples kept plus fresh draws (which finish early as often
again) would lean toward short responses. For the same reason only smaller budgets are read: a
sample drawn under a larger budget that ran past the new one would have to be cut at a token
boundary the cache does not keep, so lowering a budget generates anew.

The continued text is tokenized again from its characters; where a tokenizer would split those
characters differently than the engine produced them, the continuation starts from that other
(equivalent) token sequence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from r1_assets.llm.types import Completion, Request, Sampling


def sampling_setting(sampling: Sampling) -> str:
    """What a sample's distribution depends on besides its budget."""
    setting = sampling.fields()
    del setting["max_tokens"]
    return json.dumps(setting)


def under_budget(request: Request, max_tokens: int) -> Request:
    return replace(request, sampling=replace(request.sampling, max_tokens=max_tokens))


def continuation(request: Request, cut: Completion, budget: int) -> Request:
    """The request that goes on from a sample cut at ``budget`` tokens, up to ``request``'s (a
    cut sample used its whole budget, whatever count a server reported)."""
    messages = request.messages
    if request.prefill:  # the cut text starts with the prefill: it replaces that turn
        messages = messages[:-1]
    return Request(
        messages=(*messages, {"role": "assistant", "content": cut.text}),
        sampling=replace(request.sampling, max_tokens=request.sampling.max_tokens - budget),
        sample_index=request.sample_index,
    )


def joined(cut: Completion, rest: Completion) -> Completion:
    """The cut sample and its continuation as one completion (the continuation's text holds the
    cut text as its prefill already)."""
    if not rest.ok:
        return rest
    return Completion(
        text=rest.text,
        finish_reason=rest.finish_reason,
        prompt_tokens=cut.prompt_tokens,
        completion_tokens=cut.completion_tokens + rest.completion_tokens,
        latency_s=cut.latency_s + rest.latency_s,
    )


@dataclass
class BudgetPlan:
    """For requests the cache missed: samples of smaller budgets reused as they are (by key),
    and samples to continue (key -> (the cut sample, the continuation request))."""

    reused: dict[str, Completion] = field(default_factory=dict)
    continued: dict[str, tuple[Completion, Request]] = field(default_factory=dict)

    @property
    def tokens_reused(self) -> int:
        done = [*self.reused.values(), *(cut for cut, _ in self.continued.values())]
        return sum(c.completion_tokens for c in done)


def plan_smaller_budgets(
    missing: dict[str, Request],
    model_id: str,
    budgets: dict[str, list[int]],
    lookup,
) -> BudgetPlan:
    """Which missing requests (key -> request) a sample of a smaller budget answers.

    ``budgets`` maps a sampling setting to the budgets the cache generated under;
    ``lookup(keys)`` returns the cached completions among ``keys``."""
    candidates: dict[str, list[str]] = {}
    for key, request in missing.items():
        smaller = [
            b
            for b in budgets.get(sampling_setting(request.sampling), [])
            if b < request.sampling.max_tokens
        ]
        candidates[key] = [
            (under_budget(request, b).key(model_id), b) for b in sorted(smaller, reverse=True)
        ]
    found = lookup(sorted({k for keys in candidates.values() for k, _ in keys}))
    plan = BudgetPlan()
    for key, keys in candidates.items():
        hit = next(((found[k], b) for k, b in keys if k in found), None)
        if hit is None:
            continue
        cached, budget = hit
        if cached.finish_reason == "length":
            plan.continued[key] = (cached, continuation(missing[key], cached, budget))
        else:
            plan.reused[key] = cached
    return plan
