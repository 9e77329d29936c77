"""``raw_problems`` through Dagster: partitions from the catalog, metadata, checks, storage."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from r1_assets.assets.keys import RAW_PROBLEMS, RAW_QUARANTINE
from r1_assets.definitions import build_definitions
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.conftest import shard_partition, write_jsonl

ROWS = [
    {"problem": "What is 2+3?", "solution": r"$2+3=5$, so \boxed{5}", "source": "orca_math"},
    '{"problem": broken json',
    {"problem": "Compute 7*8.", "solution": r"\boxed{56}", "source": "cn_k12"},
    {"problem": ""},
]


@pytest.fixture
def catalog(make_catalog, tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "numina" / "train.jsonl", ROWS)
    write_jsonl(
        tmp_path / "gsm" / "train.jsonl",
        [{"question": "Tom has 3 apples and buys 4. How many?", "answer": "3+4=7\n#### 7"}],
    )
    return make_catalog(
        {"name": "numina", "format": "numina_math", "location": "numina/*.jsonl"},
        {"name": "gsm", "format": "gsm8k", "location": "gsm/train.jsonl"},
        {"name": "missing", "format": "gsm8k", "location": "nothing/here.jsonl"},
    )


def run(defs: dg.Definitions, source: str, shard: str = "0000") -> dg.ExecuteInProcessResult:
    instance = dg.DagsterInstance.ephemeral()
    return defs.resolve_job_def("raw_problems_job").execute_in_process(
        partition_key=shard_partition(instance, source, shard),
        instance=instance,
        raise_on_error=False,
    )


def materialization(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def checks(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {c.check_name: c.passed for c in result.get_asset_check_evaluations()}


def source_keys(defs: dg.Definitions) -> list[str]:
    partitions = defs.resolve_assets_def(RAW_PROBLEMS).partitions_def
    (sources,) = [d.partitions_def for d in partitions.partitions_defs if d.name == "source"]
    return sources.get_partition_keys()


def test_one_partition_per_catalog_source_and_shard(catalog: Path, data_dir: Path) -> None:
    defs = build_definitions(catalog, data_dir)
    partitions = defs.resolve_assets_def(RAW_PROBLEMS).partitions_def
    assert source_keys(defs) == ["numina", "gsm", "missing"]
    assert set(partitions.partition_dimension_names) == {"source", "shard"}


def test_adding_a_source_is_one_catalog_entry(catalog: Path, data_dir: Path, tmp_path) -> None:
    write_jsonl(tmp_path / "extra.jsonl", [{"problem": "New?", "answer": "yes"}])
    document = yaml.safe_load(catalog.read_text())
    document["sources"].append(
        {
            "name": "extra",
            "domain": "chat",
            "format": "generic",
            "location": "extra.jsonl",
            "priority": 1,
            "license": "CC0",
        }
    )
    catalog.write_text(yaml.safe_dump(document))
    defs = build_definitions(catalog, data_dir)  # what a code location reload does
    assert "extra" in source_keys(defs)
    assert run(defs, "extra").success
    assert Warehouse(data_dir).read("raw_problems", ["extra.0000"])["domain"].to_list() == ["chat"]


def test_materialize_writes_problems_quarantine_metadata_and_checks(catalog, data_dir) -> None:
    result = run(build_definitions(catalog, data_dir), "numina")
    assert result.success
    problems_md = materialization(result, RAW_PROBLEMS)
    assert problems_md["dagster/row_count"] == 2
    assert problems_md["quarantined"] == 2 and problems_md["rows_read"] == 4
    assert problems_md["domain/math"] == 2
    assert "| math | 2 | 100.0 |" in problems_md["domains"]
    assert "What is 2+3?" in problems_md["preview"]
    assert problems_md["path"].endswith("warehouse/raw_problems/numina.0000.parquet")
    assert (problems_md["license"], problems_md["catalog_format"]) == ("test", "numina_math")
    assert len(problems_md["source_revision"]) == 16
    quarantine_md = materialization(result, RAW_QUARANTINE)
    assert "malformed_json" in quarantine_md["reasons"]
    assert "empty_problem" in quarantine_md["reasons"]
    assert "train.jsonl:2" in quarantine_md["preview"]
    assert checks(result) == {
        "canonical_schema": True,
        "rows_unique": True,
        "source_read_completely": True,
    }

    warehouse = Warehouse(data_dir)
    stored = warehouse.read("raw_problems", ["numina.0000"])
    assert stored["reference_answer"].to_list() == ["5", "56"]
    assert warehouse.query("SELECT count(*) AS n FROM raw_problems_quarantine")["n"][0] == 2


def data_version(result: dg.ExecuteInProcessResult) -> str:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == RAW_PROBLEMS]
    return event.materialization.tags["dagster/data_version"]


def test_data_version_follows_files_catalog_and_config(catalog, data_dir, tmp_path) -> None:
    defs = build_definitions(catalog, data_dir)
    first, again = data_version(run(defs, "gsm")), data_version(run(defs, "gsm"))
    assert first == again  # nothing changed: downstream stays fresh
    job = defs.resolve_job_def("raw_problems_job")
    instance = dg.DagsterInstance.ephemeral()
    limited = job.execute_in_process(
        partition_key=shard_partition(instance, "gsm"),
        instance=instance,
        run_config={"ops": {"raw_problems": {"config": {"max_problem_chars": 1000}}}},
    )
    assert data_version(limited) != first
    with (tmp_path / "gsm" / "train.jsonl").open("a") as handle:
        handle.write('{"question": "One more?", "answer": "#### 1"}\n')
    assert data_version(run(defs, "gsm")) != first


def test_missing_source_succeeds_with_a_failed_check(catalog, data_dir) -> None:
    result = run(build_definitions(catalog, data_dir), "missing")
    assert result.success  # the run does not crash…
    assert checks(result)["source_read_completely"] is False  # …but the UI shows it red
    quarantine = Warehouse(data_dir).read("raw_problems_quarantine", ["missing.0000"])
    assert quarantine["reason"].to_list() == ["source_missing"]
    assert "missing" not in Warehouse(data_dir).partitions("raw_problems")


def test_vanished_source_keeps_its_last_good_partition(catalog, data_dir, tmp_path) -> None:
    defs = build_definitions(catalog, data_dir)
    assert run(defs, "gsm").success
    (tmp_path / "gsm" / "train.jsonl").unlink()  # e.g. an unmounted disk
    result = run(defs, "gsm")
    assert result.success and checks(result)["source_read_completely"] is False
    assert RAW_PROBLEMS not in {e.asset_key for e in result.get_asset_materialization_events()}
    warehouse = Warehouse(data_dir)
    assert warehouse.read("raw_problems", ["gsm.0000"]).height == 1  # not wiped
    assert warehouse.read("raw_problems_quarantine", ["gsm.0000"])["reason"].to_list() == [
        "source_missing"
    ]


def test_partitions_are_independent(catalog, data_dir) -> None:
    defs = build_definitions(catalog, data_dir)
    assert run(defs, "numina").success and run(defs, "gsm").success
    frame = Warehouse(data_dir).query(
        "SELECT source, count(*) AS n FROM raw_problems GROUP BY 1 ORDER BY 1"
    )
    assert frame.rows() == [("gsm", 1), ("numina", 2)]


def test_config_limits_apply(catalog, data_dir) -> None:
    defs = build_definitions(catalog, data_dir)
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("raw_problems_job").execute_in_process(
        partition_key=shard_partition(instance, "numina"),
        instance=instance,
        run_config={"ops": {"raw_problems": {"config": {"max_problem_chars": 11}}}},
    )
    quarantine = Warehouse(data_dir).read("raw_problems_quarantine", ["numina.0000"])
    assert result.success
    assert quarantine.filter(pl.col("reason") == "oversized").height == 2  # both are 12 chars


def test_shards_are_registered_by_the_sensor_and_each_run_loads_its_window(
    make_catalog, data_dir, tmp_path
) -> None:
    from r1_assets.assets.shards import register_shards, source_shards_sensor

    write_jsonl(
        tmp_path / "many.jsonl",
        [{"question": f"What is {i} + {i}?", "answer": f"#### {2 * i}"} for i in range(7)],
    )
    catalog = make_catalog(
        {"name": "many", "format": "gsm8k", "location": "many.jsonl", "shard_rows": 3},
        {"name": "one", "format": "gsm8k", "location": "many.jsonl"},
    )
    defs = build_definitions(catalog, data_dir)
    instance = dg.DagsterInstance.ephemeral()
    source_catalog = defs.resources["source_catalog"]
    context = dg.build_sensor_context(
        instance=instance, resources={"source_catalog": source_catalog}
    )
    result = source_shards_sensor(context)
    [request] = result.dynamic_partitions_requests
    assert request.partition_keys == ["0000", "0001", "0002"]
    assert register_shards(instance, source_catalog) == {
        "many": ["0000", "0001", "0002"],
        "one": ["0000"],
    }
    assert not source_shards_sensor(context).dynamic_partitions_requests  # nothing new
    job = defs.resolve_job_def("raw_problems_job")
    for shard in ("0000", "0001", "0002"):
        key = dg.MultiPartitionKey({"source": "many", "shard": shard})
        assert job.execute_in_process(partition_key=key, instance=instance).success
    warehouse = Warehouse(data_dir)
    heights = [warehouse.read("raw_problems", [f"many.000{i}"]).height for i in range(3)]
    assert heights == [3, 3, 1]
    answers = warehouse.read("raw_problems")["reference_answer"].to_list()
    assert answers == [str(2 * i) for i in range(7)]
    # "one" has one shard; its cell in shard 0001 of the grid is an empty partition, not an error
    beyond = dg.MultiPartitionKey({"source": "one", "shard": "0001"})
    assert job.execute_in_process(partition_key=beyond, instance=instance).success
    assert warehouse.read("raw_problems", ["one.0001"]).is_empty()
