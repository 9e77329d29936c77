"""End to end through the real webserver: `r1-assets dev` (dagster dev: webserver + daemon) on
127.0.0.1, a materialization launched through its GraphQL API, rows read back, every process
stopped."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.conftest import (
    VENV_BIN,
    free_port,
    stop_process_group,
    subprocess_env,
    write_jsonl,
)

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""
RUN_STATUS = """
query Status($id: ID!) { runOrError(runId: $id) { __typename ... on Run { status } } }"""
RUN_LOGS = """
query Logs($id: ID!) { logsForRun(runId: $id) {
  __typename ... on EventConnection { events { ... on MessageEvent { message } } } } }"""
PARTITIONS = """
query { assetNodeOrError(assetKey: {path: ["raw_problems"]}) {
  __typename ... on AssetNode { partitionKeys } } }"""
LOCATION = """
query { workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    response = requests.post(
        f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


@contextmanager
def dagster_dev(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "r1-assets"), "dev", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process_group(process)


def wait_for_location(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            entries = graphql(url, LOCATION)["workspaceOrError"]["locationEntries"]
            if entries and entries[0]["loadStatus"] == "LOADED":
                assert entries[0]["locationOrLoadError"]["__typename"] == "RepositoryLocation", (
                    entries[0]
                )
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} did not load the code location in {timeout}s")


def test_materialize_a_partition_through_the_webserver(make_catalog, tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "demo.jsonl",
        [
            {
                "question": "Ann has 2 pens and buys 5 more. How many pens?",
                "answer": "2+5=7\n#### 7",
            },
            "{not json",
            {"question": "A box holds 6 eggs. How many eggs in 3 boxes?", "answer": "18\n#### 18"},
        ],
    )
    catalog = make_catalog(
        {"name": "web_demo", "format": "gsm8k", "location": "demo.jsonl"},
        {"name": "other", "format": "gsm8k", "location": "demo.jsonl"},
    )
    data, home = tmp_path / "data", tmp_path / "home"
    env = subprocess_env(catalog, data, home)
    with dagster_dev(env, free_port(), tmp_path / "dagster_dev.log") as url:
        wait_for_location(url)
        # one per (catalog source, shard), the shards registered by the source_shards sensor
        assert wait_for_partitions(url, {"0000|web_demo", "0000|other"}) == {
            "0000|web_demo",
            "0000|other",
        }
        params = {
            "selector": {
                "repositoryLocationName": "r1_assets",
                "repositoryName": "__repository__",
                "jobName": "raw_problems_job",
            },
            "runConfigData": {},
            "executionMetadata": {
                "tags": [
                    {"key": "dagster/partition", "value": "0000|web_demo"},
                    {"key": "dagster/partition/shard", "value": "0000"},
                    {"key": "dagster/partition/source", "value": "web_demo"},
                ]
            },
        }
        launched = graphql(url, LAUNCH, {"params": params})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        status, deadline = None, time.monotonic() + 240
        while time.monotonic() < deadline:
            status = graphql(url, RUN_STATUS, {"id": run_id})["runOrError"]["status"]
            if status in ("SUCCESS", "FAILURE", "CANCELED"):
                break
            time.sleep(1)
        assert status == "SUCCESS", (tmp_path / "dagster_dev.log").read_text()[-3000:]
        messages = graphql(url, RUN_LOGS, {"id": run_id})["logsForRun"]["events"]
        # the steps ran in the run worker (no process per step, no busy wait on a pool)
        assert any("Executing steps in process" in (e["message"] or "") for e in messages)

    warehouse = Warehouse(data)
    problems = warehouse.query("SELECT * FROM raw_problems ORDER BY source_row_id")
    assert problems["source"].to_list() == ["web_demo", "web_demo"]
    assert problems["reference_answer"].to_list() == ["7", "18"]
    assert warehouse.read("raw_problems_quarantine")["reason"].to_list() == ["malformed_json"]
    assert warehouse.partitions("raw_problems") == ["web_demo.0000"]  # only the launched one


def wait_for_partitions(url: str, wanted: set[str], timeout: float = 120) -> set[str]:
    """raw_problems' partition keys once they include ``wanted`` (the sensor adds shards)."""
    deadline, keys = time.monotonic() + timeout, set()
    while time.monotonic() < deadline:
        keys = set(graphql(url, PARTITIONS)["assetNodeOrError"]["partitionKeys"])
        if wanted <= keys:
            return keys
        time.sleep(1)
    raise AssertionError(f"partitions {sorted(wanted - keys)} never appeared (have {keys})")


def launch(url: str, job: str, partition: dict[str, str] | None, run_config: dict) -> str:
    tags = []
    if partition:
        tags.append({"key": "dagster/partition", "value": "|".join(partition.values())})
        tags += [{"key": f"dagster/partition/{k}", "value": v} for k, v in partition.items()]
    params = {
        "selector": {
            "repositoryLocationName": "r1_assets",
            "repositoryName": "__repository__",
            "jobName": job,
        },
        "runConfigData": run_config,
        "executionMetadata": {"tags": tags},
    }
    launched = graphql(url, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def wait_for_runs(url: str, run_ids: list[str], log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    pending = set(run_ids)
    while pending and time.monotonic() < deadline:
        for run_id in list(pending):
            status = graphql(url, RUN_STATUS, {"id": run_id})["runOrError"]["status"]
            assert status not in ("FAILURE", "CANCELED"), log.read_text()[-3000:]
            if status == "SUCCESS":
                pending.discard(run_id)
        time.sleep(1)
    assert not pending, f"runs {pending} did not finish in {timeout}s"


def test_evaluate_base_and_trained_models_through_the_webserver(
    make_catalog, tmp_path: Path
) -> None:
    """The journey of issue 6: with a trained student in the warehouse, evaluate the base and the
    trained model as two partitions of eval_scores from the UI's API, then the report."""
    import dagster as dg
    import polars as pl

    from r1_assets.definitions import build_definitions
    from r1_assets.verify.verdicts import am_messages

    write_jsonl(tmp_path / "demo.jsonl", [{"question": "1 + 1?", "answer": "2\n#### 2"}])
    catalog = make_catalog({"name": "web_demo", "format": "gsm8k", "location": "demo.jsonl"})
    data, home = tmp_path / "data", tmp_path / "home"
    rows = [
        {
            "response_uid": f"r{i}",
            "problem_uid": f"p{i}",
            "source": "web_demo",
            "source_row_id": str(i),
            "source_revision": "rev",
            "messages": am_messages(
                {
                    "source": "web_demo",
                    "problem": f"What is {i} + {i}?",
                    "think": f"{i} and {i} make {2 * i}.",
                    "answer": f"$\\boxed{{{2 * i}}}$",
                }
            ),
        }
        for i in range(4)
    ]
    Warehouse(data).write("sft_dataset", pl.DataFrame(rows), None)
    defs = build_definitions(catalog, data)
    train = {"ops": {"trained_model": {"config": {"max_steps": 1, "max_length": 128}}}}
    dg.materialize(
        list(defs.assets),
        resources=defs.resources,
        selection=["trained_model"],
        run_config=train,
        instance=dg.DagsterInstance.ephemeral(),
    )

    env = subprocess_env(catalog, data, home)
    log = tmp_path / "dagster_dev.log"
    config = {"ops": {"eval_scores": {"config": {"k": 1, "max_tokens": 8, "max_items": 2}}}}
    with dagster_dev(env, free_port(), log) as url:
        wait_for_location(url)
        runs = [
            launch(url, "evaluate_job", {"benchmark": "demo_gpqa", "model": model}, config)
            for model in ("base", "trained")
        ]
        wait_for_runs(url, runs, log)
        wait_for_runs(url, [launch(url, "eval_report_job", None, {})], log)

    report = Warehouse(data).read("eval_report")
    assert sorted(report["model"]) == ["base", "trained"]
    assert set(report["benchmark"]) == {"demo_gpqa"}
    assert report["problems"].to_list() == [2, 2]
    assert report["model_id"].n_unique() == 2  # the trained checkpoint, not the base model


BACKFILL = """
mutation LaunchPartitionBackfill($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on PartitionKeysNotFoundError { message }
  }
}"""
BACKFILL_RUNS = """
query Runs($tags: [ExecutionTag!]) { runsOrError(filter: {tags: $tags}) {
  ... on Runs { results { runId status tags { key value } } } } }"""


def sharded_source_rows(n: int) -> list[dict]:
    """Math problems (number variants of one template, never merged) and a rewording of row 1
    three shards later."""
    rows = [
        {
            "problem": f"A farmer has {i} cows and buys {i + 3} more. How many cows now?",
            "solution": f"\\boxed{{{2 * i + 3}}}",
        }
        for i in range(n)
    ]
    rows[n - 2] = {  # a rewording of row 1
        "problem": "A farmer owns 1 cow and then purchases 4 more. How many cows does he have now?",
        "solution": "\\boxed{5}",
    }
    return rows


def decisions_of(data: Path, catalog: Path, instance, partitions):
    import dagster as dg

    from r1_assets.definitions import build_definitions

    defs = build_definitions(catalog, data)
    for partition in partitions:
        dg.materialize(
            list(defs.assets),
            instance=instance,
            resources=defs.resources,
            selection=["raw_problems", "raw_problems_quarantine", "problem_embeddings"],
            partition_key=partition,
        )
    dg.materialize(
        list(defs.assets),
        instance=instance,
        resources=defs.resources,
        selection=["deduped_pool", "dedup_pairs"],
    )
    return Warehouse(data).read("deduped_pool")


def test_a_sources_shards_backfill_from_the_ui_as_separate_runs(
    make_catalog, tmp_path: Path
) -> None:
    """Issue 19: a source of 4 shards is one backfill selection in the UI, run as one run per
    shard; the pool's decisions equal those of the same source loaded as one shard."""
    import dagster as dg
    import polars as pl

    from r1_assets_tests.conftest import shard_partition

    write_jsonl(tmp_path / "big.jsonl", sharded_source_rows(40))  # small repeats its row 0
    big = sharded_source_rows(40)
    write_jsonl(
        tmp_path / "small.jsonl", [{"problem": "What is 6 times 7?", "solution": "42"}, big[0]]
    )
    entries = [
        {"name": "big", "format": "numina_math", "location": "big.jsonl", "shard_rows": 10},
        {"name": "small", "format": "numina_math", "location": "small.jsonl", "priority": 1},
    ]
    catalog = make_catalog(*entries)
    data, home = tmp_path / "data", tmp_path / "home"
    env = subprocess_env(catalog, data, home)
    log = tmp_path / "dagster_dev.log"
    wanted = {f"000{i}|big" for i in range(4)}
    with dagster_dev(env, free_port(), log) as url:
        wait_for_location(url)
        keys = wait_for_partitions(url, wanted | {"0000|small"})
        assert {k for k in keys if k.endswith("|big")} == wanted  # 40 records, 10 per shard
        params = {  # what the UI's launch dialog sends for "source big, every shard"
            "assetSelection": [
                {"path": ["raw_problems"]},
                {"path": ["raw_problems_quarantine"]},
                {"path": ["problem_embeddings"]},
            ],
            "partitionNames": sorted(wanted),
            "fromFailure": False,
            "tags": [],
        }
        launched = graphql(url, BACKFILL, {"backfillParams": params})["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        tags = [{"key": "dagster/backfill", "value": launched["backfillId"]}]
        deadline, runs = time.monotonic() + 400, []
        while time.monotonic() < deadline:
            runs = graphql(url, BACKFILL_RUNS, {"tags": tags})["runsOrError"]["results"]
            assert all(r["status"] not in ("FAILURE", "CANCELED") for r in runs), log.read_text()[
                -3000:
            ]
            if len(runs) == 4 and all(r["status"] == "SUCCESS" for r in runs):
                break
            time.sleep(2)
        partitions = sorted(
            t["value"] for r in runs for t in r["tags"] if t["key"] == "dagster/partition"
        )
        assert partitions == sorted(wanted), runs  # one run per shard

    warehouse = Warehouse(data)
    assert warehouse.partitions("raw_problems") == [f"big.000{i}" for i in range(4)]
    assert [warehouse.read("raw_problems", [f"big.000{i}"]).height for i in range(4)] == [10] * 4
    instance = dg.DagsterInstance.ephemeral()
    sharded = decisions_of(data, catalog, instance, [shard_partition(instance, "small")])
    whole_catalog = make_catalog(*[{**e, "shard_rows": 1000} for e in entries])
    whole_instance = dg.DagsterInstance.ephemeral()
    whole = decisions_of(
        tmp_path / "whole",
        whole_catalog,
        whole_instance,
        [shard_partition(whole_instance, name) for name in ("big", "small")],
    )
    columns = [c for c in whole.columns if c != "shard"]
    order = ["source", "source_row_id"]
    assert sharded.select(columns).sort(order).equals(whole.select(columns).sort(order))
    duplicates = sharded.filter(pl.col("decision") == "duplicate")
    assert duplicates.height == 2 and "exact" in duplicates["method"].to_list()
    assert sharded["shard"].unique().sort().to_list() == ["0000", "0001", "0002", "0003"]
