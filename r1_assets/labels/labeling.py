"""Turn problems into labeler requests, and the labeler's answers into label rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import polars as pl

from r1_assets.labels.prompts import (
    CATEGORIES,
    CATEGORY,
    DIFFICULTY,
    LABELER_VERSION,
    PROBLEM_CHARS,
    QUALITY,
    parse_category,
)
from r1_assets.llm.types import Completion, Request, Sampling, user
from r1_assets.text.language import detect_language
from r1_assets.text.rating import parse_level

LABEL_SCHEMA = pl.Schema(
    {
        "problem_uid": pl.String,
        "source": pl.String,
        "source_row_id": pl.String,
        "source_revision": pl.String,
        "domain": pl.String,
        "decision": pl.String,  # from deduped_pool: kept | duplicate
        "duplicate_of": pl.String,
        "difficulty": pl.Int8,  # 1-5, null = unknown (see difficulty_raw)
        "difficulty_raw": pl.String,
        "category": pl.String,  # null = unknown (see category_raw)
        "category_raw": pl.String,
        "quality": pl.Int8,  # 1-5, null = unknown
        "quality_raw": pl.String,
        "language": pl.String,  # ISO 639-1, "und" when too little prose
        "language_score": pl.Float64,
        "has_reference": pl.Boolean,
        "has_tests": pl.Boolean,
        "labeler": pl.String,  # model id of the LLM labeler
        "labeler_version": pl.String,  # prompt + parser version
        "labeler_error": pl.String,  # the LLM call failed (not a bad answer): not selected
        "selected": pl.Boolean,
        "selection_reason": pl.String,
    }
)
LABEL_SAMPLING = Sampling(temperature=0.0, top_p=1.0, max_tokens=8)
LEVELS = ("1", "2", "3", "4", "5")
_PROMPTS = {"difficulty": DIFFICULTY, "category": CATEGORY, "quality": QUALITY}
# the answers each question allows: engines that can constrain decoding answer with exactly one
# (the transformers engine, vLLM); the parsers still read free text from the others
_CHOICES = {"difficulty": LEVELS, "category": CATEGORIES, "quality": LEVELS}


def label_requests(problems: Sequence[str]) -> list[Request]:
    """Three requests per problem, in the order difficulty, category, quality."""
    return [
        Request(
            user(_PROMPTS[name].format(problem=text[:PROBLEM_CHARS])),
            replace(LABEL_SAMPLING, choices=_CHOICES[name]),
        )
        for text in problems
        for name in _PROMPTS
    ]


def build_labels(
    problems: pl.DataFrame, completions: list[Completion], labeler: str
) -> pl.DataFrame:
    """Label rows for ``problems`` (raw rows joined with their dedup decision). ``completions``
    come from label_requests on the rows to label (decision "kept"), three per row; duplicates get
    no LLM labels (they will not be selected)."""
    to_label = problems["decision"] == "kept"
    answers = iter(completions)
    raw: dict[str, list[str | None]] = {name: [] for name in _PROMPTS}
    errors: list[str | None] = []
    for labeled in to_label:
        failed = []
        for name in _PROMPTS:
            completion = next(answers) if labeled else None
            raw[name].append(completion.text if completion is not None and completion.ok else None)
            if completion is not None and not completion.ok:
                failed.append(f"{name}: {completion.error}")
        errors.append("; ".join(failed)[:500] or None)
    languages = [detect_language(text) for text in problems["problem"]]
    frame = problems.select(
        "problem_uid",
        "source",
        "source_row_id",
        "source_revision",
        "domain",
        "decision",
        "duplicate_of",
        pl.col("reference_answer").is_not_null().alias("has_reference"),
        (pl.col("test_cases").list.len() > 0).fill_null(False).alias("has_tests"),
    ).with_columns(
        pl.Series("difficulty_raw", raw["difficulty"], dtype=pl.String),
        pl.Series("category_raw", raw["category"], dtype=pl.String),
        pl.Series("quality_raw", raw["quality"], dtype=pl.String),
        pl.Series("labeler_error", errors, dtype=pl.String),
        pl.Series("language", [lang for lang, _ in languages], dtype=pl.String),
        pl.Series("language_score", [score for _, score in languages], dtype=pl.Float64),
        pl.lit(labeler).alias("labeler"),
        pl.lit(LABELER_VERSION).alias("labeler_version"),
    )
    return frame.with_columns(
        pl.col("difficulty_raw")
        .map_elements(parse_level, return_dtype=pl.Int8, skip_nulls=True)
        .alias("difficulty"),
        pl.col("category_raw")
        .map_elements(parse_category, return_dtype=pl.String, skip_nulls=True)
        .alias("category"),
        pl.col("quality_raw")
        .map_elements(parse_level, return_dtype=pl.Int8, skip_nulls=True)
        .alias("quality"),
    )
