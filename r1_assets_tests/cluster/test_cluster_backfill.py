"""Issue 20: the pipeline on a shared PostgreSQL instance with its runs on a 2-node Ray cluster
(and, in the first test, its warehouse in S3), backfilled from the UI's GraphQL API as the UI
sends it; rows equal the embedded default's."""

from __future__ import annotations

import itertools
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import requests

from r1_assets.storage.cache import KeyValueCache
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.cluster.servers import PostgresServer, RayCluster, S3Server
from r1_assets_tests.conftest import VENV_BIN, free_port, subprocess_env, write_jsonl
from r1_assets_tests.test_webserver_e2e import (
    BACKFILL,
    dagster_dev,
    graphql,
    launch,
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


def launch_backfill(url: str, partitions: set[str]) -> str:
    params = {  # what the UI's launch dialog sends for these assets and partitions
        "assetSelection": [{"path": [stage]} for stage in STAGES],
        "partitionNames": sorted(partitions),
        "fromFailure": False,
        "tags": [],
    }
    launched = graphql(url, BACKFILL, {"backfillParams": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    return launched["backfillId"]


def backfill_runs(url: str, backfill_id: str) -> list[dict]:
    tags = [{"key": "dagster/backfill", "value": backfill_id}]
    return graphql(url, RUNS, {"tags": tags})["runsOrError"]["results"]


def all_runs(url: str) -> list[dict] | None:
    """Every run, or None while the webserver cannot answer (its database just came back)."""
    try:
        return graphql(url, RUNS, {"tags": []})["runsOrError"]["results"]
    except (requests.HTTPError, AssertionError, KeyError):
        return None


def wait_until_every_shard_succeeded(
    url: str, partitions: set[str], log: Path, timeout: float = 900
) -> tuple[list[dict], int]:
    """Every run once each partition's newest run succeeded, and how many polls failed."""
    deadline, runs, errors = time.monotonic() + timeout, [], 0
    while time.monotonic() < deadline:
        found = all_runs(url)
        if found is None:
            errors += 1
        else:
            runs = found
            latest = latest_per_partition(runs)
            if set(latest) == partitions and all(r["status"] == "SUCCESS" for r in latest.values()):
                return runs, errors
        time.sleep(3)
    raise AssertionError(f"not every shard succeeded: {runs}\n{log.read_text()[-6000:]}")


def started_steps(url: str, run_id: str) -> list[str]:
    query = """query Logs($id: ID!) { logsForRun(runId: $id) { __typename
      ... on EventConnection { events { __typename
        ... on ExecutionStepStartEvent { stepKey } } } } }"""
    events = graphql(url, query, {"id": run_id})["logsForRun"]["events"]
    return [e["stepKey"] for e in events if e["__typename"] == "ExecutionStepStartEvent"]


def tag(run: dict, key: str) -> str | None:
    return next((t["value"] for t in run["tags"] if t["key"] == key), None)


def latest_per_partition(runs: list[dict]) -> dict[str, dict]:
    """Partition -> its newest run (retries included)."""
    latest: dict[str, dict] = {}
    for run in sorted(runs, key=lambda r: r["startTime"] or float("inf")):
        partition = tag(run, "dagster/partition")
        if partition:
            latest[partition] = run
    return latest


def backfill(url: str, partitions: set[str], log: Path, timeout: float = 900) -> list[dict]:
    backfill_id = launch_backfill(url, partitions)
    deadline, runs = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        runs = backfill_runs(url, backfill_id)
        failed = [r for r in runs if r["status"] in ("FAILURE", "CANCELED")]
        assert not failed, log.read_text()[-4000:]
        if len(runs) == len(partitions) and all(r["status"] == "SUCCESS" for r in runs):
            return runs
        time.sleep(2)
    raise AssertionError(f"backfill not done in {timeout}s: {runs}\n{log.read_text()[-4000:]}")


def assert_rows_as_embedded(catalog: Path, data: Path | Warehouse, root: Path) -> None:
    """The cluster's partitions and rows (in ``data``, a data root or a warehouse) equal those the
    embedded default (SQLite, local processes, under ``root``) materializes for the same stages,
    row for row."""
    env = subprocess_env(catalog, root / "data", root / "home")
    done = subprocess.run(
        [str(VENV_BIN / "r1-assets"), "materialize", "--select", ",".join(STAGES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    cluster = data if isinstance(data, Warehouse) else Warehouse(data)
    embedded = Warehouse(root / "data")
    assert cluster.partitions("raw_problems") == embedded.partitions("raw_problems")
    for asset in ("raw_problems", "problem_embeddings"):
        a, b = cluster.read(asset), embedded.read(asset)
        drop = [c for c in ("materialized_at", "run_id", "embedding") if c in a.columns]
        a, b = a.sort("problem_uid"), b.sort("problem_uid")
        assert a.height > 0
        assert a.drop(drop).equals(b.drop(drop)), asset
        if "embedding" in a.columns:
            # the same vectors up to float32 rounding: the Ray worker (one CPU) and the local run
            # compute them in processes set up differently (seen: max |diff| 1.5e-7 on unit
            # vectors, 2026-12-05), far below any similarity threshold
            assert a["embedding"].is_null().equals(b["embedding"].is_null())
            x, y = (np.stack(f["embedding"].drop_nulls().to_numpy()) for f in (a, b))
            assert np.allclose(x, y, rtol=0, atol=1e-5), float(np.abs(x - y).max())


def assert_nothing_paid_twice(database: str, data: Path) -> None:
    """Every cache the runs wrote (in PostgreSQL) holds each key once, written once: what a
    killed run finished, its retry looked up rather than paid for again."""
    from r1_assets.storage.cache_postgres import cache_names  # psycopg2: the cluster extra

    names = cache_names(database)
    assert any(name.startswith("embeddings/") for name in names), names
    for name in names:
        with KeyValueCache.open(data / "cache" / name, database=database) as cache:
            assert cache.count() > 0 and cache.writes() == cache.count(), name


TWO_NODES = {
    "head": {"num_cpus": 1, "resources": {"head_node": 1}},
    "worker": {"num_cpus": 1, "resources": {"worker_node": 1}},
}


@contextmanager
def cluster_ui(
    postgres: PostgresServer,
    catalog: Path,
    tmp_path: Path,
    nodes: dict = TWO_NODES,
    settings: dict[str, str] | None = None,
) -> Iterator[tuple[str, RayCluster, Path]]:
    """PostgreSQL + a 2-node Ray cluster (one CPU each, so two runs at once use both) +
    `r1-assets dev` configured for them: (UI url, the cluster, the data root)."""
    data = tmp_path / "cluster" / "data"
    env = subprocess_env(catalog, data, tmp_path / "cluster" / "home")
    ray = RayCluster(nodes, {**env, "RAY_USAGE_STATS_ENABLED": "0"}, tmp_path)
    env |= {
        "R1_ASSETS_POSTGRES_URL": postgres.url,
        "R1_ASSETS_CACHE_URL": postgres.url,  # the caches shared by both nodes
        "R1_ASSETS_RAY_ADDRESS": ray.address,
        "R1_ASSETS_MAX_CONCURRENT_RUNS": "2",
        **(settings or {}),
    }
    try:
        ray.start()
        with dagster_dev(env, free_port(), tmp_path / "dagster_dev.log") as url:
            wait_for_location(url)
            yield url, ray, data
    finally:
        ray.stop()


def ray_jobs(ray: RayCluster) -> dict[str, object]:
    """Dagster run id -> its Ray job (the newest, if a run was submitted twice)."""
    from ray.job_submission import JobSubmissionClient

    jobs = sorted(JobSubmissionClient(ray.address).list_jobs(), key=lambda j: j.start_time or 0)
    return {j.metadata.get("dagster/run-id"): j for j in jobs}


def test_a_backfill_of_two_sources_runs_on_both_ray_nodes_with_postgres_and_s3(
    postgres: PostgresServer, s3: S3Server, make_catalog, tmp_path: Path
) -> None:
    """The whole shared setup at once: PostgreSQL storage, runs as Ray jobs on two nodes, the
    warehouse in S3; `r1-assets sql` and `r1-assets lineage` answer from the bucket."""
    catalog, partitions = two_sources(tmp_path, make_catalog)
    log = tmp_path / "dagster_dev.log"
    bucket = f"s3://{s3.BUCKET}/pipeline"
    settings = {"R1_ASSETS_WAREHOUSE_URL": bucket, **s3.env()}
    with cluster_ui(postgres, catalog, tmp_path, settings=settings) as (url, ray, data):
        wait_for_partitions(url, partitions)
        runs = backfill(url, partitions, log)
        jobs = ray_jobs(ray)
        nodes = ray.node_ids()
    assert not (data / "warehouse").exists()  # every partition went to the bucket

    # one Ray job per shard run, on both nodes (each run reserves the CPU a node has)
    run_ids = {r["runId"] for r in runs}
    assert run_ids <= set(jobs), (run_ids, jobs)
    assert {jobs[r].driver_node_id for r in run_ids} == set(nodes.values())
    # the coordinator let two run at once
    spans = sorted((r["startTime"], r["endTime"]) for r in runs)
    assert any(b[0] < a[1] for a, b in itertools.pairwise(spans)), spans

    warehouse = Warehouse(bucket, s3.options())
    assert_rows_as_embedded(catalog, warehouse, tmp_path / "embedded")

    # the CLI, configured as the cluster is, reads the same bucket
    env = subprocess_env(catalog, tmp_path / "elsewhere", tmp_path / "cli-home")
    env |= settings

    def cli(*args: str) -> subprocess.CompletedProcess:
        command = [str(VENV_BIN / "r1-assets"), *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    counted = cli("sql", "SELECT source, count(*) AS n FROM raw_problems GROUP BY 1 ORDER BY 1")
    assert counted.returncode == 0, counted.stderr
    expected = warehouse.read("raw_problems").group_by("source").len().sort("source")
    for source, n in expected.iter_rows():
        assert re.search(rf"│ {source}\s+┆ {n}\s+│", counted.stdout), counted.stdout
    row = warehouse.read("raw_problems").filter(pl.col("source") == "b").row(0, named=True)
    traced = cli("lineage", row["problem_uid"])
    assert traced.returncode == 0, traced.stdout + traced.stderr
    assert f"raw_problems[b]  row {row['source_row_id']}" in traced.stdout, traced.stdout


def test_a_ray_node_killed_mid_run_its_run_is_retried_on_the_other_node(
    postgres: PostgresServer, make_catalog, tmp_path: Path
) -> None:
    """The worker node dies (every process of it, at once) while one of its runs is embedding:
    run monitoring fails that run, run retries launch it again on the head, the other shards
    finish untouched; the rows equal the embedded default's."""
    catalog, partitions = two_sources(tmp_path, make_catalog)
    log = tmp_path / "dagster_dev.log"
    with cluster_ui(postgres, catalog, tmp_path) as (url, ray, data):
        wait_for_partitions(url, partitions)
        backfill_id = launch_backfill(url, partitions)
        nodes = ray.node_ids()
        deadline, victim = time.monotonic() + 300, None
        while victim is None and time.monotonic() < deadline:
            jobs = ray_jobs(ray)
            for run in backfill_runs(url, backfill_id):
                job = jobs.get(run["runId"])
                on_worker = job is not None and job.driver_node_id == nodes["worker"]
                # in its longest step (loading MiniLM, embedding): killed mid-stage
                running = on_worker and run["status"] == "STARTED"
                if running and "problem_embeddings" in started_steps(url, run["runId"]):
                    victim = run
                    ray.kill_node("worker")
                    break
            time.sleep(0.2)
        assert victim is not None, "no run ever reached a step on the worker node"
        runs, _ = wait_until_every_shard_succeeded(url, partitions, log)
        jobs = ray_jobs(ray)

    by_id = {r["runId"]: r for r in runs}
    assert by_id[victim["runId"]]["status"] == "FAILURE"
    retry = next(r for r in runs if tag(r, "dagster/parent_run_id") == victim["runId"])
    assert retry["status"] == "SUCCESS" and jobs[retry["runId"]].driver_node_id == nodes["head"]
    failed = [r for r in runs if r["status"] == "FAILURE"]
    assert [r["runId"] for r in failed] == [victim["runId"]]  # the other shards: untouched
    assert_nothing_paid_twice(postgres.url, data)
    assert_rows_as_embedded(catalog, data, tmp_path / "embedded")


def test_postgres_stopped_mid_backfill_the_backfill_finishes_once_it_is_back(
    postgres: PostgresServer, make_catalog, tmp_path: Path
) -> None:
    """The instance's database goes away while shard runs are running and comes back 20 s later:
    the daemon says why it cannot work, and every shard ends materialized, rows as embedded."""
    catalog, partitions = two_sources(tmp_path, make_catalog)
    log = tmp_path / "dagster_dev.log"
    with cluster_ui(postgres, catalog, tmp_path) as (url, _, data):
        wait_for_partitions(url, partitions)
        backfill_id = launch_backfill(url, partitions)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if any(r["status"] == "STARTED" for r in backfill_runs(url, backfill_id)):
                break
            time.sleep(0.5)
        else:
            raise AssertionError("no shard run started")
        postgres.stop()
        time.sleep(20)
        postgres.start()
        runs, errors = wait_until_every_shard_succeeded(url, partitions, log)
    assert errors < 5, "the webserver kept failing after PostgreSQL was back"
    # a run whose step lost the database failed, and its one retry succeeded
    for run in (r for r in runs if r["status"] == "FAILURE"):
        retries = [r for r in runs if tag(r, "dagster/parent_run_id") == run["runId"]]
        assert [r["status"] for r in retries] == ["SUCCESS"], (run, retries)
    assert re.search(r'connection to server at "127\.0\.0\.1", port \d+ failed', log.read_text())
    assert_rows_as_embedded(catalog, data, tmp_path / "embedded")


def test_a_run_with_an_llm_pool_step_asks_ray_for_the_llm_resource(
    postgres: PostgresServer, make_catalog, tmp_path: Path
) -> None:
    """With the `llm` pool mapped to Ray's `llm` resource, which only the worker node has (the
    GPU node of a real cluster), an evaluation run (its step is in the pool) is placed there and
    says what it asked for; a loading run asks for nothing more than its CPU."""
    catalog, _ = two_sources(tmp_path, make_catalog)
    nodes = {**TWO_NODES, "worker": {"num_cpus": 1, "resources": {"worker_node": 1, "llm": 1}}}
    mapping = {"R1_ASSETS_RAY_POOL_RESOURCES": '{"llm": {"llm": 1}}'}
    with cluster_ui(postgres, catalog, tmp_path, nodes, mapping) as (url, ray, _):
        wait_for_partitions(url, {"0000|a"})
        plain = launch(url, "raw_problems_job", {"shard": "0000", "source": "a"}, {})
        engine = launch(url, "evaluate_job", {"benchmark": "demo_gpqa", "model": "base"}, {})
        deadline, jobs = time.monotonic() + 300, {}
        while time.monotonic() < deadline:
            jobs = ray_jobs(ray)
            if all(r in jobs and jobs[r].driver_node_id for r in (plain, engine)):
                break
            time.sleep(1)
        ids = ray.node_ids()
        events = {run: run_messages(url, run) for run in (plain, engine)}
    assert engine in jobs and plain in jobs, f"runs never submitted to Ray: {jobs}"
    assert jobs[engine].driver_node_id == ids["worker"], jobs
    wanted = 'Ray resources requested for the pool steps (llm): {"llm": 1}'
    assert any(m.endswith(wanted) for m in events[engine]), events[engine]
    assert not any("Ray resources requested" in m for m in events[plain])


def run_messages(url: str, run_id: str) -> list[str]:
    query = """query Logs($id: ID!) { logsForRun(runId: $id) { __typename
      ... on EventConnection { events { __typename ... on MessageEvent { message } } } } }"""
    return [e["message"] for e in graphql(url, query, {"id": run_id})["logsForRun"]["events"]]
