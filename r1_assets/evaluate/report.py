"""The evaluation report: each evaluated (benchmark, model) summarized from its per-problem
scores, marked comparable or not, beside the scores its catalog entry says were published."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from r1_assets.catalog.kernel import InvalidEntry
from r1_assets.evaluate.benchmarks import BenchmarkCatalog, BenchmarkSpec
from r1_assets.evaluate.codeforces import estimate_rating
from r1_assets.evaluate.metrics import bootstrap_ci


def report_table(scores: pl.DataFrame) -> pl.DataFrame:
    """One row per (benchmark, model) of ``eval_scores``: pass@1 in percent with its bootstrap 95%
    CI over problems, pass@k, cons@k, the format measures (closed ``<think>``, an answer the
    scorer could read, each in percent with its CI; mean length in tokens), the Codeforces
    rating where the problems are rated, and whether the benchmark's models are
    ``comparable``."""
    for column in ("closed_think", "answer_found", "mean_tokens", "rating"):
        if column not in scores.columns:  # scored before these existed
            scores = scores.with_columns(pl.lit(None, pl.Float64).alias(column))
    rows = []
    for (benchmark, model), group in scores.group_by("benchmark", "model", maintain_order=True):
        cons = group["cons@k"].drop_nulls()
        rows.append(
            {
                "benchmark": benchmark,
                "model": model,
                "model_id": group["model_id"][0],
                "problems": group.height,
                "k": int(group["k"][0]),
                **_percent_with_ci("pass@1", group["pass@1"]),
                "pass@k": round(100 * float(group["pass@k"].mean()), 2),
                "cons@k": round(100 * float(cons.mean()), 2) if cons.len() else None,
                **_percent_with_ci("closed_think", group["closed_think"]),
                **_percent_with_ci("answer_found", group["answer_found"]),
                "mean_tokens": _rounded(group["mean_tokens"].mean(), 1),
                **_codeforces(group),
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


def _percent_with_ci(name: str, values: pl.Series) -> dict[str, object]:
    """``name`` in percent and ``name_ci95``, the bootstrap interval over problems (None when no
    problem has a value)."""
    present = values.drop_nulls()
    if present.is_empty():
        return {name: None, f"{name}_ci95": None}
    low, high = bootstrap_ci(present.to_list())
    return {
        name: round(100 * float(present.mean()), 2),
        f"{name}_ci95": f"[{100 * low:.1f}, {100 * high:.1f}]",
    }


def _rounded(value, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _codeforces(group: pl.DataFrame) -> dict[str, object]:
    """The Codeforces rating the rated problems' pass@1 give (``codeforces``), with its interval;
    None for a benchmark without ratings."""
    rated = group.filter(pl.col("rating").is_not_null())
    if rated.is_empty():
        return {"codeforces_rating": None, "codeforces_rating_ci95": None, "rating_bound": None}
    found = estimate_rating(rated["rating"].to_list(), rated["pass@1"].to_list())
    interval = None if found.bound else f"[{found.low:.0f}, {found.high:.0f}]"
    return {
        "codeforces_rating": round(found.rating),
        "codeforces_rating_ci95": interval,
        # "lower": every rated problem solved, the rating is at least this; "upper": none
        "rating_bound": found.bound,
    }


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
