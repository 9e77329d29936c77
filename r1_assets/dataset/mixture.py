"""The SFT mixture: accepted (problem, response) pairs across sources, weighted per source and
downsampled per difficulty, deterministic under a seed.

A source weight w keeps each row floor(w) times plus once more with probability w - floor(w)
(0 drops the source, 0.5 keeps half, 2 repeats every row twice); a difficulty keep rate keeps
that share of the rows of that level. Every draw is a hash of (seed, response_uid, purpose): the
same row gets the same decision in every run, and adding a source changes no other row's fate.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from r1_assets.labels.selection import keep_draw
from r1_assets.storage.warehouse import Warehouse
from r1_assets.verify.verdicts import VERIFIED_SCHEMA


@dataclass(frozen=True)
class MixturePolicy:
    source_weights: dict[str, float] = field(default_factory=dict)  # default 1.0 per source
    difficulty_keep: dict[int, float] = field(default_factory=dict)  # default 1.0 per level
    max_responses_per_problem: int | None = None  # None: every accepted response of a problem
    max_responses_per_teacher: int | None = None  # per problem and teacher_name (1: one each)
    prefer: str = "random"  # which of a problem's responses the caps keep first: PREFERENCES
    seed: int = 0


# the order in which a problem's accepted responses are kept under a cap (ties: the seeded draw)
PREFERENCES = {
    "random": None,
    "shortest": "response_chars",  # "Not All Correct Answers Are Equal": shorter, same answer
    "lowest_perplexity": "perplexity",  # the most fluent under the reference model
}


def choose_per_problem(rated: pl.DataFrame, policy: MixturePolicy) -> pl.DataFrame:
    """The rows the per-problem and per-teacher caps keep, preferred as ``policy.prefer`` says:
    the caps apply in that order, so "one per teacher, shortest first" keeps each teacher's
    shortest accepted response of a problem."""
    if policy.prefer not in PREFERENCES:
        raise ValueError(f"prefer is one of {sorted(PREFERENCES)}, got {policy.prefer!r}")
    for name in ("max_responses_per_problem", "max_responses_per_teacher"):
        cap = getattr(policy, name)
        if cap is not None and cap < 1:
            raise ValueError(f"{name} must be >= 1 (null: no cap), got {cap}")
    if policy.max_responses_per_problem is None and policy.max_responses_per_teacher is None:
        return rated
    key = PREFERENCES[policy.prefer]
    if key and rated.height and rated[key].is_null().all():
        raise ValueError(
            f"prefer {policy.prefer!r} needs {key}, and no accepted response has one"
            + (
                " (the perplexity verifier is off: set response_verdicts' perplexity model)"
                if key == "perplexity"
                else ""
            )
        )
    ordered = rated.with_columns(
        _draw=pl.col("response_uid").map_elements(
            lambda uid: keep_draw(f"cap:{uid}", policy.seed), pl.Float64
        )
    ).sort([key, "_draw"] if key else ["_draw"], nulls_last=True)
    for cap, group in (
        (policy.max_responses_per_teacher, ["problem_uid", "teacher_name"]),
        (policy.max_responses_per_problem, ["problem_uid"]),
    ):
        if cap is not None:
            ordered = ordered.filter(pl.int_range(pl.len()).over(group) < cap)
    return ordered.drop("_draw")


def build_mixture(
    verified: pl.DataFrame, labels: pl.DataFrame, policy: MixturePolicy
) -> pl.DataFrame:
    """``verified`` rows (verified_set, all sources) with their problem's difficulty and category
    from ``labels``, each kept row repeated as its source weight says (``copy`` 0, 1, ...)."""
    bad = {s: w for s, w in policy.source_weights.items() if w < 0 or not math.isfinite(w)}
    if bad:
        raise ValueError(f"source weights must be finite and >= 0, got {bad}")
    bad_levels = {k: v for k, v in policy.difficulty_keep.items() if k not in range(1, 6)}
    bad_rates = {k: v for k, v in policy.difficulty_keep.items() if not 0 <= v <= 1}
    if bad_levels or bad_rates:
        raise ValueError(
            f"difficulty_keep takes levels 1-5 and rates in [0, 1], got {bad_levels or bad_rates}"
        )
    rated = verified.join(
        labels.select("problem_uid", "source_row_id", "difficulty", "category").unique(
            ["problem_uid", "source_row_id"]
        ),
        on=["problem_uid", "source_row_id"],
        how="left",
    )
    rated = choose_per_problem(rated, policy)
    # columnar: one draw per row and purpose, then each kept row repeated ``copies`` times (a
    # Python dict per row costs several times the frame; docs/benchmarks.md "Scale")
    uids = rated["response_uid"].to_list()
    levels = rated["difficulty"].to_list()
    keep = pl.Series(
        [1.0 if level is None else policy.difficulty_keep.get(int(level), 1.0) for level in levels],
        dtype=pl.Float64,
    )
    draws = [keep_draw(f"difficulty:{uid}", policy.seed) for uid in uids]
    kept = pl.Series(draws, dtype=pl.Float64) < keep
    weight = rated["source"].replace_strict(
        policy.source_weights, default=1.0, return_dtype=pl.Float64
    )
    whole = weight.floor()
    draws = [keep_draw(f"weight:{uid}", policy.seed) for uid in uids]
    extra = pl.Series(draws, dtype=pl.Float64) < weight - whole
    copies = (whole.cast(pl.Int64) + extra.cast(pl.Int64)).alias("_copies")
    schema = {**rated.schema, "copy": pl.Int32}
    return (
        rated.with_columns(copies)
        .filter(kept & (pl.col("_copies") > 0))
        .with_columns(pl.int_ranges(0, pl.col("_copies"), dtype=pl.Int32).alias("copy"))
        .explode("copy")
        .drop("_copies")
        .select(list(schema))
        .cast(schema)
        .sort("source", "response_uid", "copy")
    )


def mixture_counts(verified: pl.DataFrame, mixture: pl.DataFrame) -> pl.DataFrame:
    """Rows per source before and after weighting and downsampling."""
    before = verified.group_by("source").agg(pl.len().alias("accepted"))
    after = mixture.group_by("source").agg(
        pl.len().alias("rows"), pl.col("response_uid").n_unique().alias("distinct_responses")
    )
    return (
        before.join(after, on="source", how="left")
        .with_columns(pl.col("rows", "distinct_responses").fill_null(0))
        .sort("source")
    )


SHARD_FILE = "_shard_file"  # which verified_set file a mixture row's messages are in
SFT_SCHEMA = pl.Schema(
    {**VERIFIED_SCHEMA, "difficulty": pl.Int8, "category": pl.String, "copy": pl.Int32}
)


def accepted_rows(store: Warehouse, partitions: list[str]) -> pl.DataFrame:
    """These verified_set partitions without the messages (the bulk of a row), each row naming
    its file: what the mixture is decided on."""
    return (
        store.scan("verified_set", partitions, SHARD_FILE, schema=VERIFIED_SCHEMA)
        .select(*[c for c in VERIFIED_SCHEMA if c != "messages"], SHARD_FILE)
        .collect()
    )


def mixture_with_messages(store: Warehouse, mixture: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """The mixture's rows with their messages, one verified_set file at a time, in the
    mixture's order (source, then shard, then response): memory bounded by one shard."""
    ordered = mixture.sort("source", SHARD_FILE, "response_uid", "copy", maintain_order=True)
    for (shard_file,), rows in ordered.group_by(SHARD_FILE, maintain_order=True):
        messages = store.scan("verified_set", [shard_file]).select("response_uid", "messages")
        messages = messages.filter(
            pl.col("response_uid").is_in(rows["response_uid"].unique().implode())
        ).collect()
        yield rows.join(messages, on="response_uid", how="left", maintain_order="left").select(
            list(SFT_SCHEMA)
        )
