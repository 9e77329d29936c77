"""Difficulty from pass rate: how many of a problem's teacher samples were verified correct.

The LLM's difficulty label is a guess from reading the problem; the recipes after AM measure it
instead (DeepDistill, Light-R1, OpenThoughts3): sample k responses, verify them against ground
truth, and call a problem hard when few pass. Here every teacher sample of a problem with ground
truth (math with a reference answer, code with tests) counts; a sample rejected for any reason,
a rule included (truncated, looping), counts as a failure: the model did not produce a verified
answer. The source's own reasoning chains do not count: they are not the model's samples.

With k samples a pass rate is coarse, so each comes with its Wilson 95% interval; the level
(1 = easy .. 5 = hard, the LLM label's scale) cuts the pass rate at configurable thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

PASS_RATE_SCHEMA = pl.Schema(
    {
        "problem_uid": pl.String,
        "source": pl.String,
        "source_row_id": pl.String,
        "domain": pl.String,
        "samples": pl.Int32,  # teacher samples verified against ground truth
        "accepted": pl.Int32,
        "pass_rate": pl.Float64,
        "pass_rate_low": pl.Float64,  # Wilson 95% interval
        "pass_rate_high": pl.Float64,
        "pass_rate_difficulty": pl.Int8,  # 1 (all pass) .. 5 (none pass), from the thresholds
        "llm_difficulty": pl.Int8,  # problem_labels' difficulty, beside it (null: unknown)
    }
)
# a pass rate at or above the first threshold is level 1, ..., below the last level 5
DEFAULT_THRESHOLDS = (0.8, 0.6, 0.4, 0.2)
Z_95 = 1.959964


def wilson(accepted: int, samples: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (bounded, sane at 0 and n)."""
    if samples == 0:
        return 0.0, 1.0
    p = accepted / samples
    denominator = 1 + z * z / samples
    center = (p + z * z / (2 * samples)) / denominator
    half = z * math.sqrt(p * (1 - p) / samples + z * z / (4 * samples * samples)) / denominator
    return max(0.0, center - half), min(1.0, center + half)


def level(pass_rate: float, thresholds: Sequence[float] = DEFAULT_THRESHOLDS) -> int:
    return 1 + sum(pass_rate < t for t in thresholds)


def check_thresholds(thresholds: Sequence[float]) -> None:
    if len(thresholds) != 4 or list(thresholds) != sorted(thresholds, reverse=True):
        raise ValueError(f"four decreasing pass-rate thresholds (levels 1-5), got {thresholds}")
    if not all(0 <= t <= 1 for t in thresholds):
        raise ValueError(f"pass-rate thresholds are shares in [0, 1], got {thresholds}")


def pass_rates(
    accepted: pl.DataFrame,
    rejected: pl.DataFrame,
    labels: pl.DataFrame,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
) -> pl.DataFrame:
    """One row per problem with ground truth and at least one teacher sample. ``accepted`` and
    ``rejected`` are verified_set and rejected_responses rows (response_uid, problem_uid,
    source_row_id, origin), ``labels`` problem_labels rows (has_reference, has_tests, domain,
    difficulty)."""
    check_thresholds(thresholds)
    keys = ["problem_uid", "source_row_id"]
    samples = pl.concat(
        [
            accepted.select(*keys, "origin", pl.lit(True).alias("ok")),
            rejected.select(*keys, "origin", pl.lit(False).alias("ok")),
        ]
    ).filter(pl.col("origin") == "teacher")
    truth = labels.filter(
        ((pl.col("domain") == "math") & pl.col("has_reference"))
        | ((pl.col("domain") == "code") & pl.col("has_tests"))
    ).select(*keys, "source", "domain", pl.col("difficulty").alias("llm_difficulty"))
    counted = (
        samples.group_by(keys)
        .agg(pl.len().alias("samples"), pl.col("ok").sum().alias("accepted"))
        .join(truth.unique(keys), on=keys, how="inner")
    )
    rows = []
    for row in counted.iter_rows(named=True):
        low, high = wilson(row["accepted"], row["samples"])
        rate = row["accepted"] / row["samples"]
        rows.append(
            row
            | {
                "pass_rate": rate,
                "pass_rate_low": round(low, 4),
                "pass_rate_high": round(high, 4),
                "pass_rate_difficulty": level(rate, thresholds),
            }
        )
    return (
        pl.DataFrame(rows, schema=PASS_RATE_SCHEMA)
        if rows
        else pl.DataFrame(schema=PASS_RATE_SCHEMA)
    ).sort(keys)


def label_agreement(rates: pl.DataFrame) -> tuple[pl.DataFrame, float | None]:
    """Problems per (LLM label, pass-rate level), and Spearman's rank correlation of the two
    where both exist (None with fewer than three, or no spread)."""
    table = (
        rates.with_columns(pl.col("llm_difficulty").cast(pl.String).fill_null("unknown"))
        .group_by("llm_difficulty", "pass_rate_difficulty")
        .len()
        .sort("llm_difficulty", "pass_rate_difficulty")
    )
    both = rates.drop_nulls("llm_difficulty")
    if both.height < 3 or both["llm_difficulty"].n_unique() < 2:
        return table, None
    if both["pass_rate_difficulty"].n_unique() < 2:
        return table, None
    rho = both.select(pl.corr("llm_difficulty", "pass_rate_difficulty", method="spearman")).item()
    return table, None if rho is None or math.isnan(rho) else round(float(rho), 3)
