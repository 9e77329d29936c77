"""The demo sources shipped in data/sources: every one loads, the planted relations and bad rows
are where the manifest says, and the code problems' tests really run."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

import polars as pl
import pytest

from r1_assets import settings
from r1_assets.catalog.loader import LoadResult, load_source
from r1_assets.catalog.spec import load_catalog
from r1_assets_tests.conftest import DEMO_SOURCES

CATALOG = load_catalog(settings.DEFAULT_CATALOG_PATH, strict=True)
MANIFEST = json.loads((DEMO_SOURCES / "demo_manifest.json").read_text())


@cache
def loaded(source: str) -> LoadResult:
    return load_source(CATALOG.get(source), CATALOG)


def find_problem(source: str, row: str) -> dict:
    frame = loaded(source).problems.filter(pl.col("source_row_id") == row)
    assert frame.height == 1, f"{source} {row} not among the problems"
    return frame.row(0, named=True)


@pytest.mark.parametrize("source", CATALOG.names)
def test_every_demo_source_loads_without_losing_rows(source: str) -> None:
    result = loaded(source)
    assert not result.source_failed, result.quarantine.to_dicts()
    assert result.problems.height >= 15
    assert result.problems.height + result.quarantine.height == result.rows_read


def test_demo_covers_every_domain_and_carries_reasoning() -> None:
    problems = pl.concat([loaded(s).problems for s in CATALOG.names])
    assert set(problems["domain"]) == {"math", "code", "science", "chat"}
    responses = problems["responses"].explode().drop_nulls()
    with_think = responses.struct.field("think").drop_nulls()
    assert with_think.len() >= 20
    assert problems.filter(pl.col("domain") == "code")["test_cases"].list.len().min() > 0


@pytest.mark.parametrize("bad", MANIFEST["bad_rows"], ids=lambda b: f"{b['source']}:{b['row']}")
def test_planted_bad_row_is_quarantined_with_its_reason(bad: dict) -> None:
    quarantine = loaded(bad["source"]).quarantine
    hit = quarantine.filter(
        (pl.col("location") == bad["row"]) | (pl.col("source_row_id") == bad["row"])
    )
    assert hit["reason"].to_list() == [bad["reason"]], quarantine.to_dicts()


def within_source_duplicates() -> list[dict]:
    return [
        p
        for p in MANIFEST["pairs"]
        if p["relation"] == "exact" and p["a"]["source"] == p["b"]["source"]
    ]


def test_planted_bad_rows_are_the_only_quarantined_rows() -> None:
    planted = {(b["source"], b["row"], b["reason"]) for b in MANIFEST["bad_rows"]}
    quarantined = pl.concat([loaded(s).quarantine for s in CATALOG.names])
    found = {
        (
            row["source"],
            row["location"]
            if row["location"] in {r for _, r, _ in planted}
            else row["source_row_id"],
            row["reason"],
        )
        for row in quarantined.iter_rows(named=True)
    }
    assert found == planted


def test_a_within_source_duplicate_is_loaded_for_the_pool_to_decide() -> None:
    [pair] = within_source_duplicates()
    problems = loaded(pair["b"]["source"]).problems
    uids = {
        row: problems.filter(pl.col("metadata").str.contains(f'"location": "{row}"', literal=True))[
            "problem_uid"
        ].to_list()
        for row in (pair["a"]["row"], pair["b"]["row"])
    }
    assert len(uids[pair["a"]["row"]]) == 1 and uids[pair["a"]["row"]] == uids[pair["b"]["row"]]


@pytest.mark.parametrize("relation", ["exact", "reworded", "number_variant"])
def test_planted_pairs(relation: str) -> None:
    pairs = [
        p
        for p in MANIFEST["pairs"]
        if p["relation"] == relation and p not in within_source_duplicates()
    ]
    assert len(pairs) >= 6
    for pair in pairs:
        a = find_problem(pair["a"]["source"], pair["a"]["row"])
        b = find_problem(pair["b"]["source"], pair["b"]["row"])
        if relation == "exact":  # formatting differences only: the same uid across sources
            assert a["problem_uid"] == b["problem_uid"], (a["problem"], b["problem"])
        else:
            assert a["problem_uid"] != b["problem_uid"]


def _run(code: str, stdin: str, timeout: float = 10) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_code_problems_reference_solutions_pass_their_tests() -> None:
    code = pl.concat([loaded(s).problems for s in CATALOG.names]).filter(
        pl.col("reference_solution").is_not_null() & (pl.col("domain") == "code")
    )
    assert code.height >= 20
    checked = 0
    for row in code.iter_rows(named=True):
        for test in row["test_cases"][:3]:
            if test["kind"] == "stdio":
                output = _run(row["reference_solution"], test["input"])
                assert output.split() == test["output"].split(), row["source_row_id"]
            elif test["kind"] == "call":
                program = (
                    f"{row['reference_solution']}\nimport json\n"
                    f"print(json.dumps({test['fn_name']}(*json.loads({test['input']!r}))))"
                )
                expected = json.loads(test["output"])
                got = json.loads(_run(program, ""))
                assert got == expected or [got] == expected, row["source_row_id"]
            checked += 1
    assert checked >= 40
