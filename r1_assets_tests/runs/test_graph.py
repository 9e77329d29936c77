"""The Definitions read into the plan's data: each asset's dimension as declared, not guessed."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from r1_assets import partitions, settings
from r1_assets.definitions import build_definitions
from r1_assets.evaluate.benchmarks import load_benchmark_catalog
from r1_assets.runs.graph import asset_nodes, partition_keys
from r1_assets.runs.plan import BENCHMARK, SHARD, SOURCE, UNPARTITIONED, plan_runs


def test_equal_keys_keep_their_declared_dimension() -> None:
    by_source = partitions.source_partitions(["demo_math"])
    by_benchmark = partitions.benchmark_partitions(["demo_math"])
    assert by_source == by_benchmark  # Dagster compares them by keys
    assert partitions.dimensions(by_source) == (SOURCE,)
    assert partitions.dimensions(by_benchmark) == (BENCHMARK,)
    assert partitions.dimensions(None) == ()
    with pytest.raises(ValueError, match="not made by"):
        partitions.dimensions(dg.StaticPartitionsDefinition(["demo_math"]))


def test_a_source_named_like_a_benchmark_is_routed_as_a_source(
    make_catalog, tmp_path: Path
) -> None:
    benchmark = load_benchmark_catalog(settings.benchmarks_path()).names[0]
    catalog = make_catalog({"name": benchmark, "format": "generic", "location": "x.jsonl"})
    defs = build_definitions(catalog, tmp_path / "data")
    nodes = {node.name: node for node in asset_nodes(defs)}
    assert nodes["raw_problems"].dimensions == (SHARD, SOURCE)
    assert nodes["contamination_report"].dimensions == (BENCHMARK,)
    assert nodes["deduped_pool"].op == nodes["dedup_pairs"].op == "deduped_pool"
    keys = partition_keys(defs)
    assert keys[SOURCE] == [benchmark]
    plan = plan_runs(
        asset_nodes(defs),
        keys,
        select=["raw_problems", "deduped_pool", "contamination_report"],
        benchmarks=[benchmark],
    )
    assert [[(run.partition, run.assets[0]) for run in stage] for stage in plan.stages] == [
        [({SOURCE: benchmark, SHARD: "0000"}, "raw_problems")],
        [(None, "dedup_pairs")],
        [({BENCHMARK: benchmark}, "contamination_report")],
    ]
    assert plan.stages[1][0].label == UNPARTITIONED
