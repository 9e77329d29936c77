"""The item every benchmark format maps its rows onto (:data:`ITEM_SCHEMA`), its quarantine,
and the pieces the formats share: the parsed item, the format shape, answer and problem text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from r1_assets.catalog.kernel import Format, Row, RowError
from r1_assets.catalog.schema import TEST_CASE_DTYPE, clean_text

Scorer = Literal["math_verify", "sandbox", "choice"]
SCORERS: tuple[str, ...] = ("math_verify", "sandbox", "choice")
CHOICE_LETTERS = "ABCD"

ITEM_SCHEMA = pl.Schema(
    {
        "benchmark": pl.String,
        "item_id": pl.String,
        "problem": pl.String,  # the question as the benchmark states it (contamination checks)
        "prompt": pl.String,  # the full user prompt to send to the model
        "reference": pl.String,  # answer string; the correct letter for choice; null for code
        "choices": pl.List(pl.String),  # options in the order shown as A-D (choice only)
        "test_cases": pl.List(TEST_CASE_DTYPE),  # public then private (sandbox only)
        "starter_code": pl.String,
        # run after the model's program, before its tests (MBPP's test_setup_code builds the
        # fixtures its asserts use: the tests see the program's objects only through handles)
        "setup_code": pl.String,
        "scorer": pl.String,  # math_verify | sandbox | choice
        "metadata": pl.String,  # JSON: location and the benchmark's other fields of interest
    }
)

QUARANTINE_SCHEMA = pl.Schema(
    {
        "benchmark": pl.String,
        "item_id": pl.String,
        "location": pl.String,  # file:line (file:row for CSV and Parquet)
        "reason": pl.String,  # one of QUARANTINE_REASONS
        "field": pl.String,
        "detail": pl.String,
        "raw": pl.String,  # the start of the raw row
    }
)

QUARANTINE_REASONS = {
    "missing_answer": "no reference answer (or no correct option): the item cannot be scored",
    "missing_field": "a required field is absent or null",
    "wrong_type": "a field has the wrong type",
    "malformed_json": "the line is not valid JSON, or not a JSON object",
    "malformed_field": "a field's content cannot be parsed",
    "unsupported_encoding": "a field is encoded in a form we refuse to decode (LiveCodeBench's "
    "base64+zlib+pickle private tests: unpickling untrusted data can run code)",
    "no_tests": "a code item without any runnable test case",
    "duplicate_item_id": "an earlier item of the benchmark has the same item id",
    "oversized": "the row exceeds the size limit",
    "source_missing": "the catalog location matches no file",
    "source_unreadable": "a benchmark file could not be read",
    "invalid_catalog_entry": "the catalog entry for this benchmark is invalid",
}


@dataclass
class ParsedItem:
    """What a format extracts from one row, before the benchmark name and metadata are added."""

    problem: str
    prompt: str
    item_id: str | None = None
    reference: str | None = None
    choices: list[str] | None = None
    test_cases: list[dict[str, Any]] = field(default_factory=list)
    starter_code: str | None = None
    setup_code: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class BenchmarkFormat(Format[ParsedItem]):
    """A benchmark format: the shared format shape plus the scorer its items need."""

    scorer: str


def answer_text(row: Row) -> str:
    """The reference answer as the benchmark writes it: "025" stays "025" (math-verify compares
    the numbers; the string is what the benchmark published)."""
    answer = row.scalar_text("answer")
    if answer is None or not answer.strip():
        raise RowError("missing_answer", row.column("answer"), "no reference answer")
    return answer.strip()


def problem_text(row: Row, role: str = "problem") -> str:
    text = clean_text(row.text(role, required=True) or "")
    if not text:
        raise RowError("missing_field", row.column(role), "the problem text is empty")
    return text
