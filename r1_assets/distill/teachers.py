"""Teachers: a named (model, sampling, samples per problem), several per distillation run, and how
their samples compare.

Later recipes distill from several teachers and keep the better response per problem (AM's "Not
All Correct Answers Are Equal": three teachers, the choice by length and perplexity; OpenThoughts3:
the teacher matters more than the source mix). Every response row names its teacher, so the
choice can be made after verification (``dataset.mixture``) and the teachers compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from r1_assets.llm.types import Sampling


@dataclass(frozen=True)
class Teacher:
    name: str  # what every response row calls it (teacher_name)
    model_id: str  # the model and its fingerprint (teacher)
    sampling: Sampling
    n_samples: int  # samples per problem (the most, under adaptive sampling)


def check_teachers(teachers: list[Teacher]) -> None:
    """Names are unique and no two teachers are the same (model, sampling): their samples would
    be the same cached completions under two names."""
    if not teachers:
        raise ValueError("no teacher: name at least one")
    names = [t.name for t in teachers]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"teacher names must be unique, repeated: {repeated}")
    bad = [t.name for t in teachers if not t.name or t.name.startswith("source:")]
    if bad:
        raise ValueError(
            f"a teacher name is non-empty and not source:… (those are the sources'), got {bad}"
        )
    seen: dict[tuple, str] = {}
    for teacher in teachers:
        if teacher.n_samples < 0:
            raise ValueError(f"teacher {teacher.name!r}: n_samples must be >= 0")
        same = (teacher.model_id, teacher.sampling)
        if same in seen:
            raise ValueError(
                f"teachers {seen[same]!r} and {teacher.name!r} are the same model with the same "
                "sampling: their samples would be the same; change one's sampling or drop it"
            )
        seen[same] = teacher.name


def teacher_comparison(responses: pl.DataFrame) -> pl.DataFrame:
    """One row per (teacher_name, domain) of ``distilled_responses`` rows: samples, share cut at
    the budget, share with a closed reasoning block, completion tokens (mean, median, p90) and
    response length in characters. Source responses are compared as the teacher they name."""
    return (
        responses.group_by("teacher_name", "domain")
        .agg(
            pl.len().alias("samples"),
            (pl.col("finish_reason") == "length").mean().round(3).alias("truncated"),
            pl.col("answer").is_not_null().mean().round(3).alias("closed_think"),
            pl.col("completion_tokens").mean().round(1).alias("tokens_mean"),
            pl.col("completion_tokens").median().alias("tokens_median"),
            pl.col("completion_tokens").quantile(0.9, "nearest").alias("tokens_p90"),
            pl.col("content").str.len_chars().median().alias("chars_median"),
        )
        .sort("teacher_name", "domain")
    )


def pass_rate_by_teacher(decided: pl.DataFrame) -> pl.DataFrame:
    """One row per (teacher_name, domain) of decided responses (``verdicts.decide``): responses,
    accepted, pass rate, the median length of the accepted ones, and problems with at least one
    accepted response of that teacher."""
    return (
        decided.group_by("teacher_name", "domain")
        .agg(
            pl.len().alias("responses"),
            pl.col("accepted").sum().alias("accepted"),
            pl.col("accepted").mean().round(3).alias("pass_rate"),
            pl.col("problem_uid").filter(pl.col("accepted")).n_unique().alias("problems_solved"),
            pl.col("content")
            .filter(pl.col("accepted"))
            .str.len_chars()
            .median()
            .alias("accepted_chars_median"),
        )
        .sort("teacher_name", "domain")
    )
