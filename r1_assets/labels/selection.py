"""The selection policy: which labeled problems go on to distillation, each with its reason."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class SelectionPolicy:
    # domains whose answers can only be verified against ground truth
    require_ground_truth: tuple[str, ...] = ("math", "code")
    languages: tuple[str, ...] = ()  # empty: any language
    categories: tuple[str, ...] = ()  # empty: any category (unknown included)
    # AM-style downsampling of easy and medium problems: keep rate per difficulty level
    keep_rate: dict[int, float] = field(default_factory=lambda: {1: 0.5, 2: 0.8})
    min_quality: int = 0  # 0: no quality floor; unknown quality always passes
    seed: int = 0


def keep_draw(problem_uid: str, seed: int) -> float:
    """A uniform draw in [0, 1) fixed by the problem and the seed: the same problem gets the same
    decision in every run and partition."""
    digest = hashlib.sha256(f"{seed}:{problem_uid}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def select(labels: pl.DataFrame, policy: SelectionPolicy) -> pl.DataFrame:
    """Add ``selected`` and ``selection_reason`` (the first rule that drops a row, else
    "selected"). Expects decision, duplicate_of, labeler_error, domain, has_reference, has_tests,
    language, category, difficulty, quality, problem_uid."""
    rates = policy.keep_rate
    draws = pl.Series([keep_draw(u, policy.seed) for u in labels["problem_uid"]], dtype=pl.Float64)
    rate = pl.col("difficulty").replace_strict(
        {int(k): float(v) for k, v in rates.items()}, default=1.0, return_dtype=pl.Float64
    )
    rules: list[tuple[pl.Expr, pl.Expr]] = [
        (
            pl.col("decision") == "duplicate",
            pl.lit("duplicate (its kept copy is in duplicate_of)"),  # one reason, countable
        ),
        # a failed call is not an unknown label: it must not send the problem on unchecked
        (pl.col("labeler_error").is_not_null(), pl.lit("labeler error (rerun to retry)")),
        (
            pl.col("domain").is_in(list(policy.require_ground_truth))
            & ~pl.col("has_reference")
            & ~pl.col("has_tests"),
            pl.format("no reference answer or test cases ({} needs them)", pl.col("domain")),
        ),
    ]
    if policy.languages:
        rules.append(
            (
                ~pl.col("language").is_in(list(policy.languages)),
                pl.format(
                    "language {} not in {}", pl.col("language"), pl.lit(",".join(policy.languages))
                ),
            )
        )
    if policy.categories:
        rules.append(
            (
                ~pl.col("category").is_in(list(policy.categories)).fill_null(False),
                pl.format("category {} not selected", pl.col("category").fill_null("unknown")),
            )
        )
    if policy.min_quality:
        rules.append(
            (
                (pl.col("quality") < policy.min_quality).fill_null(False),
                pl.format("quality {} below {}", pl.col("quality"), pl.lit(policy.min_quality)),
            )
        )
    rules.append(
        (
            pl.col("_draw") >= rate.fill_null(1.0),
            pl.format("downsampled: difficulty {} keeps {}", pl.col("difficulty"), rate),
        )
    )
    reason = pl.lit("selected")
    for condition, text in reversed(rules):  # the first matching rule wins
        reason = pl.when(condition.fill_null(False)).then(text).otherwise(reason)
    return (
        labels.with_columns(draws.alias("_draw"))
        .with_columns(reason.alias("selection_reason"))
        .with_columns((pl.col("selection_reason") == "selected").alias("selected"))
        .drop("_draw")
    )


def uninformative_labels(
    labels: pl.DataFrame, share: float = 0.9, min_rows: int = 20
) -> dict[str, str]:
    """Labels that cannot tell problems apart: per label column, the one value that at least
    ``share`` of the (at least ``min_rows``) labeled rows hold — a labeler that answers "1" to
    everything makes difficulty downsampling a random cut."""
    found = {}
    for column in ("difficulty", "category", "quality"):
        values = labels[column].drop_nulls()
        if values.len() < min_rows:
            continue
        top = values.value_counts(sort=True).row(0)
        if top[1] / values.len() >= share:
            found[column] = str(top[0])
    return found
