"""Data-quality rules for raw problems, as plain functions (the Dagster checks wrap them)."""

from __future__ import annotations

import polars as pl

from r1_assets.catalog.schema import DOMAINS, PROBLEM_SCHEMA, TEST_CASE_KINDS

REQUIRED_COLUMNS = ("problem_uid", "source", "source_row_id", "domain", "problem")


def schema_violations(frame: pl.DataFrame) -> list[str]:
    """Everything wrong with ``frame`` against the canonical schema; empty when it conforms."""
    problems = []
    for name, dtype in PROBLEM_SCHEMA.items():
        if name not in frame.schema:
            problems.append(f"missing column {name!r}")
        elif frame.schema[name] != dtype:
            problems.append(f"column {name!r} is {frame.schema[name]}, expected {dtype}")
    extra = sorted(set(frame.columns) - set(PROBLEM_SCHEMA))
    if extra:
        problems.append(f"unexpected columns {extra}")
    if problems:
        return problems
    for name in REQUIRED_COLUMNS:
        nulls = frame[name].null_count() + frame.filter(pl.col(name) == "").height
        if nulls:
            problems.append(f"{nulls} row(s) with empty {name!r}")
    bad_domains = frame.filter(~pl.col("domain").is_in(DOMAINS))["domain"].unique().to_list()
    if bad_domains:
        problems.append(f"domains outside {DOMAINS}: {bad_domains}")
    kinds = frame["test_cases"].explode().struct.field("kind").drop_nulls().unique().to_list()
    bad_kinds = sorted(set(kinds) - set(TEST_CASE_KINDS))
    if bad_kinds:
        problems.append(f"test case kinds outside {TEST_CASE_KINDS}: {bad_kinds}")
    return problems


def duplicate_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """(problem_uid, source_row_id) pairs that occur more than once, with their counts: what
    later stages join a problem's rows on."""
    return (
        frame.group_by("problem_uid", "source_row_id")
        .len()
        .filter(pl.col("len") > 1)
        .sort("len", descending=True)
    )
