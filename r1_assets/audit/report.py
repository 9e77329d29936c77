"""The contamination report of one benchmark: which training-bound problems overlap its items, and
how far each of them travelled through the pipeline (dedup, responses, verdicts, SFT).

Matching runs once over the distinct problem texts of ``raw_problems`` (every training-bound row
starts there, and every later stage carries the same ``problem_uid``), then each hit is expanded
to its raw rows and joined on ids to every later stage: the joins are exact, no text is matched
twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from r1_assets.audit.overlap import (
    EMBEDDING_THRESHOLD,
    JUDGE_FLOOR,
    MAX_NGRAM_ROWS,
    MIN_COVERAGE_8,
    find_overlaps,
)
from r1_assets.llm.types import Completion, Request, Sampling, user


class AuditSettings(BaseModel):
    """What counts as overlap; one definition shared by the report, the SFT exclusion and the
    blocking check on the SFT dataset (``ContaminationAuditResource`` inherits it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ngram_sizes: list[int] = Field(
        default=[8, 13],
        description="word n-gram sizes; the smallest needs min_coverage of the item's n-grams, "
        "any larger one counts with a single shared n-gram (the GPT-3 13-gram rule)",
    )
    min_coverage: float = Field(
        default=MIN_COVERAGE_8, description="share of the item's smallest n-grams in the row"
    )
    threshold: float = Field(
        default=EMBEDDING_THRESHOLD,
        description="embedding cosine at or above which a pair is a hit",
    )
    k: int = Field(default=5, description="nearest training problems searched per item")
    max_ngram_rows: int | None = Field(
        default=MAX_NGRAM_ROWS,
        description="an n-gram held by more training rows than this is boilerplate and ignored",
    )
    judge_borderline: bool = Field(
        default=False,
        description="ask the judge LLM about pairs between judge_floor and threshold",
    )
    judge_floor: float = Field(
        default=JUDGE_FLOOR,
        description="embedding cosine from which a pair below threshold goes to the judge LLM",
    )
    exclude_number_variants: bool = Field(
        default=False,
        description="also count rows that copy an item's wording with other numbers",
    )

    @model_validator(mode="after")
    def _consistent(self) -> AuditSettings:
        if not self.ngram_sizes or min(self.ngram_sizes) < 1:
            raise ValueError(f"ngram_sizes must be positive, got {self.ngram_sizes}")
        if not 0 < self.min_coverage <= 1:
            raise ValueError(f"min_coverage must be in (0, 1], got {self.min_coverage}")
        if not -1 <= self.judge_floor <= self.threshold <= 1:
            raise ValueError(
                f"need -1 <= judge_floor ({self.judge_floor}) <= threshold ({self.threshold}) <= 1"
            )
        return self

    def counts(self, verdict: pl.Expr) -> pl.Expr:
        """Whether a hit with this verdict is contamination to remove."""
        if self.exclude_number_variants:
            return verdict.is_in(["contaminated", "number_variant"])
        return verdict == "contaminated"


REPORT_SCHEMA = pl.Schema(
    {
        "benchmark": pl.String,
        "item_id": pl.String,
        "item_problem": pl.String,
        "problem_uid": pl.String,
        "source": pl.String,
        "source_row_id": pl.String,
        "source_revision": pl.String,
        "problem": pl.String,
        "methods": pl.List(pl.String),
        "coverage": pl.Float64,
        "similarity": pl.Float64,
        "numbers_differ": pl.Boolean,
        "verdict": pl.String,  # contaminated | number_variant
        "dedup_decision": pl.String,  # kept | duplicate | null (no deduped_pool yet)
        "duplicate_of": pl.String,
        "response_uids": pl.List(pl.String),  # distilled for this raw row
        "accepted_response_uids": pl.List(pl.String),  # in verified_set
        "rejections": pl.List(pl.String),  # "<response_uid>: <reason>" from rejected_responses
        "sft_rows": pl.Int64,  # rows of sft_dataset for this raw row when the report ran
        "reached": pl.String,  # the furthest stage: raw_problems ... sft_dataset
    }
)

COLUMN_DESCRIPTIONS = {
    "item_id": "the benchmark item's id (its unique_id / id / question_id)",
    "problem_uid": "the overlapping training problem (raw_problems.problem_uid)",
    "methods": "evidence, strongest first: ngram13, ngram8, embedding, llm_judge",
    "coverage": "share of the item's n-grams found in the row (best size); null: no n-gram hit",
    "similarity": "cosine of the item and row embeddings; null without embeddings",
    "numbers_differ": "an item number is missing from the row (a number-only variant)",
    "verdict": "contaminated, or number_variant (reported, excluded only when configured)",
    "reached": "furthest stage the row reached: raw_problems, deduped_pool, distilled_responses, "
    "verified_set or sft_dataset",
}


def distinct_problems(raw: pl.DataFrame) -> pl.DataFrame:
    """One row per problem_uid (same uid, same normalized text), the text to match."""
    return (
        raw.select("problem_uid", "problem")
        .unique("problem_uid", keep="first", maintain_order=True)
        .sort("problem_uid")
    )


def vector_matrix(uids: Sequence[str], embeddings: pl.DataFrame) -> np.ndarray | None:
    """Vectors aligned with ``uids`` from a (problem_uid, embedding) frame; a zero vector (never a
    hit) where a uid has none. None when there is no vector at all."""
    present = embeddings.filter(pl.col("embedding").is_not_null()).unique(
        "problem_uid", keep="first"
    )
    if present.is_empty():
        return None
    dim = len(present["embedding"][0])
    order = pl.DataFrame({"problem_uid": list(uids)}, schema={"problem_uid": pl.String})
    aligned = order.join(present.select("problem_uid", "embedding"), on="problem_uid", how="left")
    filled = aligned["embedding"].fill_null(pl.lit([0.0] * dim, dtype=pl.List(pl.Float32)))
    return np.asarray(filled.to_list(), dtype=np.float32).reshape(len(uids), dim)


def match_items(
    items: pl.DataFrame,
    problems: pl.DataFrame,
    settings: AuditSettings,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
    judge: Callable[[list[tuple[str, str]]], list[bool]] | None = None,
) -> pl.DataFrame:
    """(item_id, problem_uid) pairs with evidence: :data:`overlap.OVERLAP_SCHEMA` with row_id
    renamed to problem_uid. ``vectors`` are (item vectors, problem vectors) in frame order."""
    hits = find_overlaps(
        items.select("item_id", "problem"),
        problems.select(pl.col("problem_uid").alias("row_id"), pl.col("problem").alias("text")),
        ngram_sizes=settings.ngram_sizes,
        min_coverage=settings.min_coverage,
        threshold=settings.threshold,
        k=settings.k,
        vectors=vectors,
        max_ngram_rows=settings.max_ngram_rows,
        judge=judge if settings.judge_borderline else None,
        judge_floor=settings.judge_floor,
    )
    return hits.rename({"row_id": "problem_uid"})


def _per_row(frame: pl.DataFrame | None, columns: dict[str, pl.Expr]) -> pl.DataFrame | None:
    """Aggregate a later stage per raw row (problem_uid, source, source_row_id)."""
    if frame is None:
        return None
    return frame.group_by("problem_uid", "source", "source_row_id").agg(**columns)


def attach_lineage(
    benchmark: str,
    hits: pl.DataFrame,
    items: pl.DataFrame,
    raw: pl.DataFrame,
    stages: dict[str, pl.DataFrame | None],
) -> pl.DataFrame:
    """One report row per (item, raw row) of every hit, with what happened to that raw row.

    ``stages`` holds the materialized later assets (None when not materialized): deduped_pool,
    distilled_responses, verified_set, rejected_responses, sft_dataset.
    """
    keys = ["problem_uid", "source", "source_row_id"]
    rows = hits.join(
        items.select("item_id", pl.col("problem").alias("item_problem")), on="item_id"
    ).join(
        raw.select(*keys, "source_revision", "problem"),
        on="problem_uid",
    )
    joins = {
        "deduped_pool": _per_row(
            stages.get("deduped_pool"),
            {
                "dedup_decision": pl.col("decision").first(),
                "duplicate_of": pl.col("duplicate_of").first(),
            },
        ),
        "distilled_responses": _per_row(
            stages.get("distilled_responses"),
            {"response_uids": pl.col("response_uid").unique().sort()},
        ),
        "verified_set": _per_row(
            stages.get("verified_set"),
            {"accepted_response_uids": pl.col("response_uid").unique().sort()},
        ),
        "rejected_responses": _per_row(
            stages.get("rejected_responses"),
            {
                "rejections": (
                    pl.col("response_uid") + ": " + pl.col("rejection_reason").fill_null("")
                ).sort()
            },
        ),
        "sft_dataset": _per_row(stages.get("sft_dataset"), {"sft_rows": pl.len()}),
    }
    for frame in joins.values():
        if frame is not None:
            rows = rows.join(frame, on=keys, how="left")
    rows = rows.with_columns(pl.lit(benchmark).alias("benchmark"))
    for name, dtype in REPORT_SCHEMA.items():
        if name not in rows.columns:
            rows = rows.with_columns(pl.lit(None, dtype).alias(name))
    rows = rows.with_columns(
        pl.col("response_uids", "accepted_response_uids", "rejections").fill_null([]),
        pl.col("sft_rows").fill_null(0),
    ).with_columns(
        pl.when(pl.col("sft_rows") > 0)
        .then(pl.lit("sft_dataset"))
        .when(pl.col("accepted_response_uids").list.len() > 0)
        .then(pl.lit("verified_set"))
        .when(pl.col("response_uids").list.len() > 0)
        .then(pl.lit("distilled_responses"))
        .when(pl.col("dedup_decision").is_not_null())
        .then(pl.lit("deduped_pool"))
        .otherwise(pl.lit("raw_problems"))
        .alias("reached")
    )
    return rows.select(list(REPORT_SCHEMA)).cast(REPORT_SCHEMA).sort("item_id", *keys)


def contaminated(report: pl.DataFrame, settings: AuditSettings) -> pl.DataFrame:
    """The report rows that count as contamination under ``settings``."""
    return report.filter(settings.counts(pl.col("verdict")))


def per_item(report: pl.DataFrame, settings: AuditSettings) -> pl.DataFrame:
    """One row per contaminated item: where its copies are and how far they got."""
    hits = contaminated(report, settings)
    if hits.is_empty():
        return pl.DataFrame(
            schema={
                "item_id": pl.String,
                "item_problem": pl.String,
                "rows": pl.UInt32,
                "sources": pl.String,
                "methods": pl.String,
                "max_similarity": pl.Float64,
                "in_sft": pl.Int64,
            }
        )
    return (
        hits.group_by("item_id")
        .agg(
            pl.col("item_problem").first(),
            pl.len().alias("rows"),
            pl.col("source").unique().sort().str.join(", ").alias("sources"),
            pl.col("methods")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .unique()
            .sort()
            .str.join(", ")
            .alias("methods"),
            pl.col("similarity").max().alias("max_similarity"),
            pl.col("sft_rows").sum().alias("in_sft"),
        )
        .sort("item_id")
    )


def per_source(report: pl.DataFrame, settings: AuditSettings) -> pl.DataFrame:
    """Contaminated rows and items per source, and how many of them reached each stage."""
    hits = contaminated(report, settings)
    return (
        hits.group_by("source")
        .agg(
            pl.len().alias("rows"),
            pl.col("item_id").n_unique().alias("items"),
            (pl.col("dedup_decision") == "kept").sum().alias("kept_by_dedup"),
            (pl.col("accepted_response_uids").list.len() > 0).sum().alias("in_verified_set"),
            (pl.col("sft_rows") > 0).sum().alias("in_sft_dataset"),
        )
        .sort("rows", "source", descending=[True, False])
    )


# The optional judge on borderline pairs: one greedy yes/no per pair, cached like every LLM call.
SAME_PROBLEM_SAMPLING = Sampling(temperature=0.0, top_p=1.0, max_tokens=4)
SAME_PROBLEM_PROMPT = (
    "Are these two problems the same problem, possibly reworded? Different numbers or a "
    "different question make them different problems.\n\nProblem A:\n{a}\n\nProblem B:\n{b}\n\n"
    "Answer with one word: yes or no."
)


def same_problem_requests(pairs: Sequence[tuple[str, str]]) -> list[Request]:
    return [
        Request(user(SAME_PROBLEM_PROMPT.format(a=a, b=b)), SAME_PROBLEM_SAMPLING) for a, b in pairs
    ]


def same_problem_answers(completions: Sequence[Completion]) -> list[bool]:
    """A pair is the same problem only on a clear yes; failed calls and anything else are no."""
    return [c.ok and c.text.strip().lower().startswith("yes") for c in completions]


class Generator(Protocol):
    """What the judge needs of an LLM (the LLM resource provides it)."""

    def generate(
        self, requests: Sequence[Request], log: Callable[[str], None] | None, desc: str
    ) -> tuple[list[Completion], object]: ...


def judge_function(
    judge: Generator, log: Callable[[str], None]
) -> Callable[[list[tuple[str, str]]], list[bool]]:
    """The borderline-pair judge :func:`match_items` takes: one cached yes/no call per pair."""

    def same_problem(pairs: list[tuple[str, str]]) -> list[bool]:
        completions, _ = judge.generate(
            same_problem_requests(pairs), log=log, desc="judging borderline pairs"
        )
        return same_problem_answers(completions)

    return same_problem


def decontaminate(
    rows: pl.DataFrame, reports: pl.DataFrame, settings: AuditSettings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows kept, rows removed) — a row is removed when its problem_uid is a counted hit of any
    report; the removed rows carry ``overlaps``, the "benchmark:item_id" they match."""
    flagged = (
        contaminated(reports, settings)
        .select("problem_uid", pl.concat_str("benchmark", "item_id", separator=":").alias("hit"))
        .group_by("problem_uid")
        .agg(pl.col("hit").unique().sort().alias("overlaps"))
    )
    return (
        rows.join(flagged, on="problem_uid", how="anti"),
        rows.join(flagged, on="problem_uid", how="inner"),
    )
