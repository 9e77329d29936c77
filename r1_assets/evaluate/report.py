"""The evaluation report: each evaluated (benchmark, model) summarized from its per-problem
scores, marked comparable or not, beside the scores its catalog entry says were published."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from r1_assets.catalog.kernel import InvalidEntry
from r1_assets.evaluate.benchmarks import BenchmarkCatalog, BenchmarkSpec
from r1_assets.evaluate.metrics import bootstrap_ci


def report_table(scores: pl.DataFrame) -> pl.DataFrame:
    """One row per (benchmark, model) of ``eval_scores``: pass@1 in percent with its bootstrap 95%
    CI over problems, pass@k, cons@k, and whether the benchmark's models are ``comparable``."""
    rows = []
    for (benchmark, model), group in scores.group_by("benchmark", "model", maintain_order=True):
        low, high = bootstrap_ci(group["pass@1"].to_list())
        cons = group["cons@k"].drop_nulls()
        rows.append(
            {
                "benchmark": benchmark,
                "model": model,
                "model_id": group["model_id"][0],
                "problems": group.height,
                "k": int(group["k"][0]),
                "pass@1": round(100 * float(group["pass@1"].mean()), 2),
                "pass@1_ci95": f"[{100 * low:.1f}, {100 * high:.1f}]",
                "pass@k": round(100 * float(group["pass@k"].mean()), 2),
                "cons@k": round(100 * float(cons.mean()), 2) if cons.len() else None,
            }
        )
    # the models of one benchmark compare only on the same items, k and benchmark revision
    setup = scores.group_by("benchmark", "model").agg(
        pl.col("item_id").sort().str.join(",").alias("_items"),
        pl.col("k").first().alias("_k"),
        pl.col("benchmark_revision").first().alias("_revision"),
    )
    comparable = setup.group_by("benchmark").agg(
        (
            (pl.col("_items").n_unique() == 1)
            & (pl.col("_k").n_unique() == 1)
            & (pl.col("_revision").n_unique() == 1)
        ).alias("comparable")
    )
    return (
        pl.DataFrame(rows).join(comparable, on="benchmark", how="left").sort("benchmark", "model")
    )


def published_scores(
    entry: BenchmarkSpec | InvalidEntry | None,
) -> dict[str, dict[str, float]]:
    """model -> metric -> published score of a catalog entry ({} when it names none)."""
    return entry.published.scores if isinstance(entry, BenchmarkSpec) and entry.published else {}


def published_reference(catalog: BenchmarkCatalog, benchmarks: Iterable[str]) -> pl.DataFrame:
    """One row per (benchmark, reference model) with its published metrics; empty when none of
    ``benchmarks`` names any."""
    published = [
        {"benchmark": name, "model": model, **metrics}
        for name in benchmarks
        for model, metrics in published_scores(catalog.entries.get(name)).items()
    ]
    return pl.DataFrame(published, infer_schema_length=None) if published else pl.DataFrame()
