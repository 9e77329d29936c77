"""Issue 20: the pipeline on a shared PostgreSQL instance with its runs on a 2-node Ray cluster,
backfilled from the UI's GraphQL API as the UI sends it; rows equal the embedded default's."""

from __future__ import annotations

import itertools
import subprocess
import time
from pathlib import Path

import pytest

from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.cluster.servers import PostgresServer, RayCluster
from r1_assets_tests.conftest import VENV_BIN, free_port, subprocess_env, write_jsonl
from r1_assets_tests.test_webserver_e2e import (
    BACKFILL,
    dagster_dev,
    graphql,
    sharded_source_rows,
    wait_for_location,
    wait_for_partitions,
)

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(1800)]

STAGES = ["raw_problems", "raw_problems_quarantine", "problem_embeddings"]
RUNS = """
query Runs($tags: [ExecutionTag!]) { runsOrError(filter: {tags: $tags}) {
  ... on Runs { results { runId status startTime endTime tags { key value } } } } }"""


def two_sources(tmp_path: Path, make_catalog) -> tuple[Path, set[str]]:
    """Two sources of 3 shards each (10 records per shard)."""
    write_jsonl(tmp_path / "a.jsonl", sharded_source_rows(30))
    other = [
        {"problem": f"A train covers {i + 40} km in {i + 2} hours. Its speed?", "solution": "x"}
        for i in range(25)
    ]
    write_jsonl(tmp_path / "b.jsonl", other)
    catalog = make_catalog(
        {"name": "a", "format": "numina_math", "location": "a.jsonl", "shard_rows": 10},
        {"name": "b", "format": "numina_math", "location": "b.jsonl", "shard_rows": 10},
    )
    return catalog, {f"000{i}|{s}" for s in "ab" for i in range(3)}


def backfill(url: str, partitions: set[str], log: Path, timeout: float = 900) -> list[dict]:
    params = {  # what the UI's launch dialog sends for these assets and partitions
        "assetSelection": [{"path": [stage]} for stage in STAGES],
        "partitionNames": sorted(partitions),
        "fromFailure": False,
        "tags": [],
    }
    launched = graphql(url, BACKFILL, {"backfillParams": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    tags = [{"key": "dagster/backfill", "value": launched["backfillId"]}]
    deadline, runs = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        runs = graphql(url, RUNS, {"tags": tags})["runsOrError"]["results"]
        failed = [r for r in runs if r["status"] in ("FAILURE", "CANCELED")]
        assert not failed, log.read_text()[-4000:]
        if len(runs) == len(partitions) and all(r["status"] == "SUCCESS" for r in runs):
            return runs
        time.sleep(2)
    raise AssertionError(f"backfill not done in {timeout}s: {runs}\n{log.read_text()[-4000:]}")


def embedded_rows(catalog: Path, root: Path) -> Warehouse:
    """The same stages materialized by the embedded default: SQLite, local processes."""
    env = subprocess_env(catalog, root / "data", root / "home")
    done = subprocess.run(
        [str(VENV_BIN / "r1-assets"), "materialize", "--select", ",".join(STAGES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Warehouse(root / "data")


def same_rows(left: Warehouse, right: Warehouse, asset: str, key: str) -> None:
    a, b = left.read(asset), right.read(asset)
    drop = [c for c in ("materialized_at", "run_id") if c in a.columns]
    assert a.height > 0
    assert a.drop(drop).sort(key).equals(b.drop(drop).sort(key)), asset


def test_a_backfill_of_two_sources_runs_on_both_ray_nodes_with_postgres(
    postgres: PostgresServer, make_catalog, tmp_path: Path
) -> None:
    from ray.job_submission import JobSubmissionClient

    catalog, partitions = two_sources(tmp_path, make_catalog)
    data = tmp_path / "cluster" / "data"
    env = subprocess_env(catalog, data, tmp_path / "cluster" / "home")
    ray = RayCluster(
        {
            "head": {"num_cpus": 1, "resources": {"head_node": 1}},
            "worker": {"num_cpus": 1, "resources": {"worker_node": 1}},
        },
        {**env, "RAY_USAGE_STATS_ENABLED": "0"},
        tmp_path,
    )
    env |= {
        "R1_ASSETS_POSTGRES_URL": postgres.url,
        "R1_ASSETS_RAY_ADDRESS": ray.address,
        "R1_ASSETS_MAX_CONCURRENT_RUNS": "2",
    }
    log = tmp_path / "dagster_dev.log"
    ray.start()
    try:
        with dagster_dev(env, free_port(), log) as url:
            wait_for_location(url)
            wait_for_partitions(url, partitions)
            runs = backfill(url, partitions, log)
        jobs = JobSubmissionClient(ray.address).list_jobs()
        nodes = ray.node_ids()
    finally:
        ray.stop()

    # one Ray job per shard run, on both nodes (each run reserves the CPU a node has)
    run_ids = {r["runId"] for r in runs}
    placed = {j.metadata.get("dagster/run-id"): j.driver_node_id for j in jobs}
    assert run_ids <= set(placed), (run_ids, placed)
    assert {placed[r] for r in run_ids} == set(nodes.values())
    # the coordinator let two run at once
    spans = sorted((r["startTime"], r["endTime"]) for r in runs)
    assert any(b[0] < a[1] for a, b in itertools.pairwise(spans)), spans

    embedded = embedded_rows(catalog, tmp_path / "embedded")
    cluster = Warehouse(data)
    assert cluster.partitions("raw_problems") == embedded.partitions("raw_problems")
    same_rows(cluster, embedded, "raw_problems", "problem_uid")
    same_rows(cluster, embedded, "problem_embeddings", "problem_uid")
