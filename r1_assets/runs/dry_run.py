"""``r1-assets materialize --dry-run``: before anything runs, what each LLM stage of the plan
would send — requests, what the cache already holds, what a smaller budget's samples answer, what
is left to generate — with tokens and cost estimated from it.

A stage is planned from the inputs materialized now (the same request builders its asset calls).
Where an earlier run of the same plan rematerializes one of its inputs, the counts are of the
current inputs, and say so; where an input is missing, the stage cannot be planned, and says why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from r1_assets.assets import distill, evaluate, labels
from r1_assets.llm.ledger import cost_usd
from r1_assets.resources.llm import PlannedCall
from r1_assets.runs.plan import AssetNode, Plan

Planner = Callable[[dict[str, str], dict, dict], list[PlannedCall]]
PLANNERS: dict[str, Planner] = {
    "problem_labels": labels.planned_calls,
    "distilled_responses": distill.planned_calls,
    "eval_scores": evaluate.planned_calls,
}
# stages whose LLM calls depend on what earlier work in the same run decides
NOT_PLANNED = {
    "response_verdicts": "judge calls (LLM judge, math judge) depend on the rules' and "
    "math-verify's verdicts: not planned",
    "contamination_report": "judge calls only on borderline pairs, when judge_borderline is on: "
    "not planned",
}
CHARS_PER_TOKEN = 4  # a prompt's tokens, estimated without loading a tokenizer

PLAN_SCHEMA = {
    "run": pl.String,
    "stage": pl.String,
    "model": pl.String,
    "requests": pl.Int64,
    "cached": pl.Int64,
    "budget_reused": pl.Int64,
    "budget_continued": pl.Int64,
    "to_generate": pl.Int64,
    "prompt_tokens_est": pl.Int64,
    "completion_tokens_max": pl.Int64,
    "cost_usd_max": pl.Float64,
    "note": pl.String,
}


def dry_run(
    plan: Plan,
    nodes: list[AssetNode],
    resources: Mapping,
    ops_config: Mapping,
) -> pl.DataFrame:
    """One row per LLM call of the plan's runs (see the module's docstring)."""
    graph = {node.name: node for node in nodes}
    rows: list[dict] = []
    earlier: set[str] = set()
    for run in plan.runs:
        for asset in run.assets:
            node = graph[asset]
            keys = dict(run.partition or {})
            if asset in NOT_PLANNED:
                rows.append(_row(run.label, asset, note=NOT_PLANNED[asset]))
            elif asset in PLANNERS:
                note = ""
                changed = sorted(_ancestors(graph, asset) & earlier)
                if changed:
                    note = f"counted on the current {', '.join(changed)} (rematerialized earlier)"
                config = dict((ops_config.get(node.step) or {}).get("config") or {})
                try:
                    calls = PLANNERS[asset](keys, config, dict(resources))
                except Exception as error:  # a missing input: the stage cannot be planned yet
                    reason = f"{type(error).__name__}: {error}".splitlines()[0][:200]
                    rows.append(_row(run.label, asset, note=f"not planned: {reason}"))
                    continue
                rows += [_call_row(run.label, call, note) for call in calls]
        earlier.update(run.assets)
    return pl.DataFrame(rows, schema=PLAN_SCHEMA)


def _ancestors(graph: Mapping[str, AssetNode], name: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[name].parents)
    while todo:
        parent = todo.pop()
        if parent not in seen and parent in graph:
            seen.add(parent)
            todo += graph[parent].parents
    return seen


def _call_row(run: str, call: PlannedCall, note: str) -> dict:
    cached = call.llm.plan(call.requests)
    sent = cached.to_generate
    prompt_chars = sum(sum(len(m["content"]) for m in request.messages) for _, request in sent)
    prompt_tokens = prompt_chars // CHARS_PER_TOKEN
    completion_tokens = sum(request.sampling.max_tokens for _, request in sent)
    notes = [n for n in (call.note, note) if n]
    return {
        "run": run,
        "stage": call.stage,
        "model": call.llm.model_id,
        "requests": len(call.requests),
        "cached": sum(key in cached.found for key in cached.keys),
        "budget_reused": len(cached.budget.reused),
        "budget_continued": len(cached.budget.continued),
        "to_generate": len(sent),
        "prompt_tokens_est": prompt_tokens,
        "completion_tokens_max": completion_tokens,
        "cost_usd_max": cost_usd(dict(call.llm.prices), prompt_tokens, completion_tokens),
        "note": "; ".join(notes),
    }


def _row(run: str, stage: str, note: str) -> dict:
    return {"run": run, "stage": stage, "note": note}


def totals(planned: pl.DataFrame) -> pl.DataFrame:
    """Per stage (labeling, distilling:<teacher>, evaluating) across runs."""
    counted = planned.filter(pl.col("requests").is_not_null())
    return counted.group_by("stage", maintain_order=True).agg(
        pl.len().alias("runs"),
        *[
            pl.col(c).sum()
            for c in (
                "requests",
                "cached",
                "budget_reused",
                "budget_continued",
                "to_generate",
                "prompt_tokens_est",
                "completion_tokens_max",
            )
        ],
        # null, not 0, when no call has a price
        pl.when(pl.col("cost_usd_max").is_not_null().any())
        .then(pl.col("cost_usd_max").sum())
        .alias("cost_usd_max"),
    )
