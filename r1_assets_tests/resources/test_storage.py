"""Downstream assets read raw_problems through the warehouse IO manager."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from r1_assets.definitions import build_definitions
from r1_assets.resources import WarehouseIOManager
from r1_assets_tests.conftest import shard_partition, write_jsonl


@dg.asset(ins={"raw_problems": dg.AssetIn()})
def problem_count(raw_problems: pl.DataFrame) -> pl.DataFrame:
    return raw_problems.group_by("source").len().sort("source")


@pytest.fixture
def defs(make_catalog, tmp_path: Path, data_dir: Path) -> dg.Definitions:
    for name, n in (("one", 2), ("two", 3)):
        write_jsonl(
            tmp_path / f"{name}.jsonl",
            [{"problem": f"{name} {i}?", "answer": str(i)} for i in range(n)],
        )
    catalog = make_catalog(
        {"name": "one", "format": "generic", "location": "one.jsonl"},
        {"name": "two", "format": "generic", "location": "two.jsonl"},
    )
    return build_definitions(catalog, data_dir)


def materialize_partitions(defs: dg.Definitions, instance, *names: str) -> None:
    job = defs.resolve_job_def("raw_problems_job")
    for name in names:
        partition = shard_partition(instance, name)
        assert job.execute_in_process(partition_key=partition, instance=instance).success


def test_unpartitioned_downstream_reads_every_partition(defs, data_dir) -> None:
    instance = dg.DagsterInstance.ephemeral()
    materialize_partitions(defs, instance, "one", "two")
    result = dg.materialize(
        [*defs.assets, problem_count],
        instance=instance,
        resources={**defs.resources},
        selection=[problem_count],
    )
    counts = result.output_for_node("problem_count")
    assert counts.rows() == [("one", 2), ("two", 3)]
    stored = WarehouseIOManager(root=str(data_dir)).warehouse.read("problem_count")
    assert stored.rows() == [("one", 2), ("two", 3)]


def test_missing_upstream_partition_is_named(defs) -> None:
    instance = dg.DagsterInstance.ephemeral()
    materialize_partitions(defs, instance, "one")
    with pytest.raises(
        FileNotFoundError,
        match=r"raw_problems: no materialized partition\(s\) "
        r"\['two.0000'\]",
    ):
        dg.materialize(
            [*defs.assets, problem_count],
            instance=instance,
            resources={**defs.resources},
            selection=[problem_count],
        )


@dg.asset(
    ins={"raw_problems": dg.AssetIn(metadata={"columns": ["problem_uid", "problem"]})},
    key="problem_texts",
)
def problem_texts(raw_problems: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame(
        {"columns": [",".join(raw_problems.columns)], "rows": [raw_problems.height]}
    )


@dg.asset(ins={"raw_problems": dg.AssetIn(metadata={"drop_columns": ["responses", "metadata"]})})
def without_responses(raw_problems: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame(
        {"columns": [",".join(raw_problems.columns)], "rows": [raw_problems.height]}
    )


def test_an_input_reads_only_the_columns_it_names(defs, data_dir) -> None:
    instance = dg.DagsterInstance.ephemeral()
    materialize_partitions(defs, instance, "one", "two")
    result = dg.materialize(
        [*defs.assets, problem_texts, without_responses],
        instance=instance,
        resources=defs.resources,
        selection=["problem_texts", "without_responses"],
    )
    texts = result.output_for_node("problem_texts")
    assert texts.row(0) == ("problem_uid,problem", 5)
    rest = result.output_for_node("without_responses")["columns"][0].split(",")
    assert "responses" not in rest and "metadata" not in rest and "problem" in rest
