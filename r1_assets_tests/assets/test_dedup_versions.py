"""Easy and hard versions of contest problems through Dagster: never merged, whatever the
settings; the same statement listed twice (other tags, other spacing) still is; retention never
keeps the easy version over the hard one. Codeforces-format rows written for this test."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from r1_assets_tests.assets.test_dedup import materialize_sources, pool_outputs

SETTINGS = [
    "You are given an array $$$a$$$ of $$$n$$$ integers. Count the pairs $$$(i, j)$$$ with "
    "$$$i < j$$$ such that $$$a_i + a_j$$$ is divisible by $$$k$$$.",
    "A robot stands on a grid of $$$n$$$ rows and $$$m$$$ columns and must reach the bottom right "
    "cell moving only right or down. Some cells are blocked. Count the paths modulo "
    "$$$10^9+7$$$.",
    "You are given a string $$$s$$$ of lowercase letters. In one move you may delete a "
    "palindromic substring. Find the minimum number of moves to delete the whole string.",
]
BOUNDS = [("2000", "2 \\cdot 10^5"), ("100", "1000"), ("500", "10^5")]


def version(index: int, hard: bool, tags: list[str], spacing: str = " ") -> dict:
    name = "hard" if hard else "easy"
    bound = BOUNDS[index][1 if hard else 0]
    description = (
        f"This is the {name} version of the problem. The only difference between the versions is "
        f"the constraint on $$$n$$$.{spacing}{SETTINGS[index]}"
    )
    examples = [{"input": f"3 2\n1 2 {index + 3}\n", "output": f"{index + 1}\n"}]
    examples.append({"input": f"1 5\n{index}\n", "output": "0\n"})
    # the official tests start with the examples, then a small edge case both versions share
    official = [*examples, {"input": "2 1\n1 1\n", "output": "1\n"}]
    official.append({"input": f"4 {index + 2}\n{'7 ' * 4}\n", "output": f"{6 if hard else 5}\n"})
    return {
        "id": f"{1500 + index}{'F2' if hard else 'F1'}",
        "title": f"Problem {index} ({name} version)",
        "description": description,
        "input_format": "The first line contains $$$n$$$ and $$$k$$$ "
        f"($$$1 \\le n \\le {bound}$$$, $$$1 \\le k \\le 10^9$$$).",
        "output_format": "Print one integer.",
        "examples": examples,
        "official_tests": official,
        "rating": 2400 if hard else 1700,
        "tags": tags,
        "time_limit": 2.0,
        "memory_limit": 256.0,
    }


def write_catalog(root: Path) -> Path:
    rows_a = [version(i, hard, ["math"]) for i in range(3) for hard in (False, True)]
    # the same statements listed again by another source: other tags and spacing
    rows_b = [version(i, True, ["combinatorics", "dp"], spacing="  \n") for i in range(3)]
    rows_b += [version(0, False, ["brute force"])]
    for name, rows in (("contest_a", rows_a), ("contest_b", rows_b)):
        folder = root / name
        folder.mkdir(parents=True)
        (folder / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    catalog = {
        "base_dir": str(root),
        "sources": [
            {
                "name": name,
                "domain": "code",
                "format": "codeforces",
                "location": f"{name}/*.jsonl",
                "priority": priority,
                "license": "CC0-1.0",
            }
            # the other listing has the higher priority: retention must still follow versions
            for name, priority in (("contest_a", 50), ("contest_b", 60))
        ],
    }
    path = root / "sources.yaml"
    path.write_text(yaml.safe_dump(catalog))
    return path


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("versions")
    catalog = write_catalog(root / "sources")
    data, cache = root / "data", root / "cache"
    instance = dg.DagsterInstance.ephemeral()
    materialize_sources(data, cache, ["contest_a", "contest_b"], instance, catalog)

    def run(**config) -> tuple[pl.DataFrame, pl.DataFrame]:
        return pool_outputs(data, cache, instance, catalog, **config)

    return {"run": run}


def cluster(decisions: pl.DataFrame, row_id: str) -> set[str]:
    """The row ids in the cluster of ``row_id`` (over both sources)."""
    rows = decisions.filter(pl.col("source_row_id") == row_id)
    targets = {t or u for t, u in zip(rows["duplicate_of"], rows["problem_uid"], strict=True)}
    members = decisions.filter(
        pl.col("duplicate_of").is_in(list(targets)) | pl.col("problem_uid").is_in(list(targets))
    )
    return set(members["source_row_id"])


@pytest.mark.parametrize(
    "config",
    [{}, {"number_guard": False}, {"number_guard": False, "threshold": 0.5}],
    ids=["defaults", "ground_truth_alone", "ground_truth_alone_low_threshold"],
)
def test_easy_and_hard_versions_are_never_merged(pool, config) -> None:
    decisions, pairs = pool["run"](**config)
    for index in range(3):
        easy, hard = f"{1500 + index}F1", f"{1500 + index}F2"
        assert easy not in cluster(decisions, hard), (config, index)
    # they were near each other, and the reason is on record
    conflicts = pairs.filter(pl.col("verdict") == "variant_conflict")
    assert conflicts.height >= 3 and conflicts["variants_differ"].all()


def test_the_same_statement_listed_twice_is_merged_and_the_hard_one_kept(pool) -> None:
    decisions, _ = pool["run"]()
    duplicates = decisions.filter(pl.col("decision") == "duplicate")
    # the three hard statements and the first easy one, each listed by both sources
    assert duplicates.height == 4
    for row in duplicates.iter_rows(named=True):
        assert row["source_row_id"] == row["duplicate_of_row_id"]  # the same problem id
        assert row["duplicate_of_source"] == "contest_b"  # the higher priority
    kept = decisions.filter(pl.col("decision") == "kept")
    hard_ids = {f"{1500 + i}F2" for i in range(3)}
    assert hard_ids <= set(kept["source_row_id"])  # no hard version was dropped for an easy one
