"""What a user needs to choose a threshold: pairs per similarity band, the dedup rate per source,
and what the number guard changed."""

from __future__ import annotations

import itertools

import polars as pl

BANDS = (0.75, 0.80, 0.85, 0.90, 0.95, 0.98, 1.0001)


def rate_by_source(decisions: pl.DataFrame) -> pl.DataFrame:
    return (
        decisions.group_by("source")
        .agg(
            pl.len().alias("rows"),
            (pl.col("decision") == "kept").sum().alias("kept"),
            (pl.col("method") == "exact").sum().alias("exact_dups"),
            (pl.col("method") == "semantic").sum().alias("semantic_dups"),
            (pl.col("method") == "answer").sum().alias("answer_dups"),
            (pl.col("method") == "tests").sum().alias("test_dups"),
        )
        .with_columns(((1 - pl.col("kept") / pl.col("rows")) * 100).round(1).alias("dedup_%"))
        .sort("source")
    )


def band_samples(pairs: pl.DataFrame, texts: pl.DataFrame, per_band: int = 3) -> pl.DataFrame:
    """Up to ``per_band`` pairs from each similarity band, highest first, with both texts.
    ``texts`` maps problem_uid → problem."""
    if pairs.is_empty():
        return pl.DataFrame()
    labels = [f"{lo:.2f}–{min(hi, 1.0):.2f}" for lo, hi in itertools.pairwise(BANDS)]
    pairs = pairs.filter(pl.col("similarity") >= BANDS[0])  # tests pairs reach down to 0.5
    if pairs.is_empty():
        return pl.DataFrame()
    banded = pairs.with_columns(
        pl.col("similarity")
        .cut(list(BANDS[1:-1]), labels=labels, left_closed=True)
        .cast(pl.String)
        .alias("band")
    )
    sample = (
        banded.sort(["band", "similarity"], descending=[True, True])
        .group_by("band", maintain_order=True)
        .head(per_band)
    )
    return with_texts(sample, texts).select(
        "band", pl.col("similarity").round(3), "verdict", "numbers_differ", "a", "b"
    )


def ground_truth_decided(pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs that answers or tests decided — merged by a shared answer or shared tests, or
    kept apart by a conflict — with ``decided_by`` (answer | tests | ground_truth_conflict)."""
    return pairs.filter(
        pl.col("method").is_in(["answer", "tests"]) | (pl.col("verdict") == "ground_truth_conflict")
    ).with_columns(pl.coalesce("method", "verdict").alias("decided_by"))


def ground_truth_samples(
    pairs: pl.DataFrame, texts: pl.DataFrame, per_kind: int = 4
) -> pl.DataFrame:
    """What answers and tests decided (see ``ground_truth_decided``): up to ``per_kind`` pairs
    of each kind — merges least similar first, conflicts most similar first: where the wording
    alone would have decided otherwise."""
    decided = ground_truth_decided(pairs)
    if decided.is_empty():
        return pl.DataFrame()
    conflict = pl.col("verdict") == "ground_truth_conflict"
    telling = pl.when(conflict).then(-pl.col("similarity")).otherwise(pl.col("similarity"))
    sample = (
        decided.sort([pl.col("decided_by"), telling])
        .group_by("decided_by", maintain_order=True)
        .head(per_kind)
    )
    return with_texts(sample, texts).select(
        "decided_by",
        pl.col("similarity").round(3),
        "shared_tests",
        "shared_outputs",
        "conflicting_tests",
        "answers_agree",
        "a",
        "b",
    )


def with_texts(pairs: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """Pairs (a_uid, b_uid) with both problems' texts as a and b; ``texts`` maps problem_uid →
    problem."""
    lookup = texts.select("problem_uid", "problem")
    return pairs.join(
        lookup.rename({"problem_uid": "a_uid", "problem": "a"}), on="a_uid", how="left"
    ).join(lookup.rename({"problem_uid": "b_uid", "problem": "b"}), on="b_uid", how="left")
