"""problem_labels and distilled_responses through Dagster with the real embedded teacher, and a
distillation run killed mid-partition and resumed."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from r1_assets.definitions import build_definitions
from r1_assets.llm.cache import LLMCache
from r1_assets.llm.ledger import Ledger
from r1_assets.resources import reconfigured
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.conftest import (
    VENV_BIN,
    materialize_in_parallel,
    partition_for,
    subprocess_env,
    write_jsonl,
)

ALPHA = [
    {"id": "a1", "problem": "What is 12 times 7?", "answer": "84"},
    {"id": "a2", "problem": "Solve for x: 3x + 5 = 20.", "answer": "5"},
    {"id": "a3", "problem": "How many sides does a hexagon have?", "answer": "6"},
    {"id": "a4", "problem": "Prove that there are infinitely many primes."},  # no answer
]
BETA = [
    {"id": "b1", "problem": "What is 12 times 7?", "answer": "84"},  # exact copy of a1
    {
        "id": "b2",
        "problem": "What is the capital of France? Answer in one word.",
        "answer": "Paris",
    },
]
TINY = {"max_tokens": 12, "n_samples": 2}


@pytest.fixture
def catalog(make_catalog, tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "alpha.jsonl", ALPHA)
    write_jsonl(tmp_path / "beta.jsonl", BETA)
    return make_catalog(
        {"name": "alpha", "format": "generic", "location": "alpha.jsonl", "priority": 20},
        {"name": "beta", "format": "generic", "location": "beta.jsonl", "priority": 10},
    )


def resources(defs: dg.Definitions, **llm) -> dict:
    teacher = reconfigured(defs.resources["llm"], backend="transformers", **llm)
    return {**defs.resources, "llm": teacher}


def materialize(defs, instance, selection, partition=None, run_config=None, **llm):
    result = dg.materialize(
        list(defs.assets),
        instance=instance,
        resources=resources(defs, **llm),
        selection=selection,
        partition_key=partition_for(defs, selection[0], partition, instance),
        run_config=run_config or {},
    )
    return {
        e.asset_key.to_user_string(): {k: v.value for k, v in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
    }


def prepare(defs, instance) -> None:
    for source in ("alpha", "beta"):
        materialize(
            defs,
            instance,
            ["raw_problems", "raw_problems_quarantine", "problem_embeddings"],
            source,
        )
    materialize(defs, instance, ["deduped_pool", "dedup_pairs"])


def test_labels_and_distillation_end_to_end(catalog: Path, tmp_path: Path) -> None:
    defs = build_definitions(catalog, tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    prepare(defs, instance)
    keep_all = {"ops": {"problem_labels": {"config": {"keep_rate": {}}}}}
    meta = {}
    for source in ("alpha", "beta"):
        meta[source] = materialize(defs, instance, ["problem_labels"], source, keep_all)
    store = Warehouse(tmp_path / "data")
    labels = store.read("problem_labels")
    reasons = dict(zip(labels["source_row_id"], labels["selection_reason"], strict=True))
    assert reasons["a4"] == "no reference answer or test cases (math needs them)"
    assert reasons["b1"].startswith("duplicate")
    b1 = labels.filter(pl.col("source_row_id") == "b1").row(0, named=True)
    assert b1["duplicate_of"] == labels.filter(pl.col("source_row_id") == "a1")["problem_uid"][0]
    assert {reasons["a1"], reasons["a2"], reasons["b2"]} == {"selected"}
    assert labels.filter(pl.col("decision") == "duplicate")["difficulty_raw"].is_null().all()
    kept = labels.filter(pl.col("decision") == "kept")
    assert kept["difficulty_raw"].is_not_null().all()  # every kept problem asked, answer kept
    # unknown is null beside the raw answer, never invented
    assert kept.filter(pl.col("difficulty").is_null())["difficulty_raw"].is_not_null().all()
    assert set(labels["language"]) <= {"en", "und"}
    alpha = meta["alpha"]["problem_labels"]
    assert alpha["llm_cache_misses"] == 3 * 4 and alpha["llm_cache_hits"] == 0
    assert alpha["llm_failed"] == 0 and labels["labeler_error"].is_null().all()
    png = alpha["difficulty_plot"].split("base64,", 1)[1].rstrip(")")
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert "no reference answer" in alpha["selection_reasons"]

    distill = {"ops": {"distilled_responses": {"config": TINY}}}
    first = materialize(defs, instance, ["distilled_responses"], "alpha", distill)
    responses = store.read("distilled_responses", ["alpha.0000"])
    assert responses.height == 3 * 2  # a1, a2, a3 selected, two samples each
    assert set(responses["origin"]) == {"teacher"}
    assert responses["content"].str.starts_with("<think>\n").all()
    assert responses["prompt"].str.ends_with("within \\boxed{}.").all()
    assert responses["response_uid"].n_unique() == 6
    assert (responses["completion_tokens"] <= 12).all()
    assert first["distilled_responses"]["llm_cache_misses"] == 6
    again = materialize(defs, instance, ["distilled_responses"], "alpha", distill)
    assert again["distilled_responses"]["llm_cache_misses"] == 0  # zero LLM calls on a rerun
    assert again["distilled_responses"]["llm_cache_hits"] == 6
    assert store.read("distilled_responses", ["alpha.0000"]).equals(responses)
    more = {"ops": {"distilled_responses": {"config": {**TINY, "n_samples": 3}}}}
    third = materialize(defs, instance, ["distilled_responses"], "alpha", more)
    assert third["distilled_responses"]["llm_cache_misses"] == 3  # only the new sample index
    # a raised budget generates exactly the samples the smaller one cut, each continued
    before = store.read("distilled_responses", ["alpha.0000"])
    cut = before.filter(pl.col("finish_reason") == "length")
    grown = {"ops": {"distilled_responses": {"config": {**TINY, "n_samples": 3, "max_tokens": 20}}}}
    fourth = materialize(defs, instance, ["distilled_responses"], "alpha", grown)
    grown_meta = fourth["distilled_responses"]
    assert cut.height and grown_meta["llm_cache_misses"] == cut.height
    assert grown_meta["llm_continued_from_smaller_budget"] == cut.height
    assert grown_meta["llm_reused_from_smaller_budget"] == before.height - cut.height
    after = store.read("distilled_responses", ["alpha.0000"])
    joined = before.join(after, on=["problem_uid", "sample_index"], suffix="_grown")
    assert joined.height == before.height  # the same samples, grown
    assert all(
        grown_text.startswith(text) and grown_n > n
        for text, grown_text, n, grown_n in joined.filter(pl.col("finish_reason") == "length")
        .select("content", "content_grown", "completion_tokens", "completion_tokens_grown")
        .iter_rows()
    )

    # the cost ledger: one row per call, named by asset, partition and stage; a price table
    # turns the tokens paid for into dollars
    priced = {"ops": {"distilled_responses": {"config": {**TINY, "n_samples": 4}}}}
    fifth = materialize(
        defs,
        instance,
        ["distilled_responses"],
        "alpha",
        priced,
        prices={"prompt": 1, "completion": 2},
    )["distilled_responses"]
    assert fifth["llm_cache_misses"] == 3  # sample index 3 of each problem
    paid = fifth["llm_prompt_tokens"] * 1 + fifth["llm_completion_tokens"] * 2
    assert fifth["llm_prompt_tokens"] > 0 and fifth["llm_cost_usd"] == pytest.approx(paid / 1e6)
    ledger = Ledger(tmp_path / "data" / "ledger" / "llm").read_all().sort("created_at")
    calls = ledger.filter(pl.col("asset") == "distilled_responses")
    assert calls["generated"].to_list() == [6, 0, 3, cut.height, 3]
    assert calls["stage"].unique().to_list() == ["distilling:teacher"]
    assert all("alpha" in p for p in calls["partition"]) and calls["run_id"].n_unique() == 5
    assert calls["cost_usd"].to_list()[:4] == [None] * 4
    assert calls["cost_usd"][-1] == pytest.approx(paid / 1e6)
    labeled = ledger.filter(pl.col("asset") == "problem_labels")
    assert (
        labeled["generated"].sum()
        == alpha["llm_cache_misses"] + meta["beta"]["problem_labels"]["llm_cache_misses"]
    )
    summary = Ledger(tmp_path / "data" / "ledger" / "llm").summary(["asset"])
    total = summary.filter(pl.col("asset") == "total").row(0, named=True)
    assert total["generated"] == ledger["generated"].sum() and total["cost_usd"] is None


@pytest.mark.timeout(1200)  # ~1 min on a quiet machine, ~10 under heavy load
def test_a_killed_distillation_resumes_without_paying_twice(catalog: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    defs = build_definitions(catalog, data)
    instance = dg.DagsterInstance.ephemeral()
    prepare(defs, instance)
    materialize(
        defs,
        instance,
        ["problem_labels"],
        "alpha",
        {"ops": {"problem_labels": {"config": {"keep_rate": {}}}}},
    )
    run_config = tmp_path / "run.yaml"
    n_samples = 8  # 3 problems x 8 samples, flushed every 2
    run_config.write_text(
        yaml.safe_dump(
            {
                "ops": {
                    "distilled_responses": {"config": {"max_tokens": 24, "n_samples": n_samples}}
                },
                "resources": {
                    "llm": {
                        "config": {"backend": "transformers", "flush_every": 2, "batch_size": 2}
                    }
                },
            }
        )
    )
    env = subprocess_env(catalog, data, tmp_path / "home")
    (tmp_path / "home").mkdir()
    command = [
        str(VENV_BIN / "r1-assets"),
        "materialize",
        "--select",
        "distilled_responses",
        "--source",
        "alpha",
        "--config",
        str(run_config),
    ]
    cache = LLMCache(data / "cache" / "llm")
    labels_calls = cache.count()
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while cache.count() < labels_calls + 4:  # two flushes done
            assert process.poll() is None, "finished before it could be killed: make it longer"
            assert time.monotonic() < deadline
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    before_kill = cache.count() - labels_calls
    assert 4 <= before_kill < 3 * n_samples
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    stored = cache.read_all()
    assert stored["writes"].max() == 1  # no finished sample generated (and stored) twice
    assert cache.writes() == stored.height
    responses = Warehouse(data).read("distilled_responses", ["alpha.0000"])
    assert responses.height == 3 * n_samples  # none missing
    assert set(responses["request_hash"]) <= set(stored["key"])
    remaining = 3 * n_samples - before_kill
    assert f"(generated {remaining}, cached {before_kill})" in rerun.stdout
    # the killed run held the llm pool's slot: the rerun failed it and freed the slot first
    assert "lost its process (killed?)" in rerun.stdout


def test_two_partitions_label_at_once_within_the_llm_pool(catalog: Path, tmp_path: Path) -> None:
    data, home = tmp_path / "data", tmp_path / "home"
    defs = build_definitions(catalog, data)
    prepare(defs, dg.DagsterInstance.ephemeral())
    results = materialize_in_parallel(
        "problem_labels", ["alpha", "beta"], subprocess_env(catalog, data, home)
    )
    assert [code for code, _ in results] == [0, 0], "".join(out[-2000:] for _, out in results)
    assert set(Warehouse(data).partitions("problem_labels")) == {"alpha.0000", "beta.0000"}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        windows = []
        for run in instance.get_runs():
            times = {
                record.event_log_entry.dagster_event.event_type_value: record.timestamp
                for record in instance.get_records_for_run(run.run_id).records
                if record.event_log_entry.dagster_event is not None
            }
            assert run.status == dg.DagsterRunStatus.SUCCESS
            windows.append((times["STEP_START"], times["STEP_SUCCESS"]))
    (_, a_end), (b_start, _) = sorted(windows)
    assert a_end <= b_start  # pool "llm" (limit 1): the second labeling step waited for the first


def test_one_cli_command_materializes_the_graph_in_stage_order(catalog: Path, tmp_path: Path):
    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir()
    run_config = tmp_path / "run.yaml"
    run_config.write_text(
        yaml.safe_dump(
            {
                "ops": {"distilled_responses": {"config": {"max_tokens": 8}}},
                "resources": {"llm": {"config": {"backend": "transformers"}}},
            }
        )
    )
    result = subprocess.run(
        [
            str(VENV_BIN / "r1-assets"),
            "materialize",
            "--config",
            str(run_config),
            # the graph up to rejection sampling: this source ships no reasoning and the 8-token
            # samples never pass, so there is nothing to train on (test_train_eval goes on)
            "--select",
            "raw_problems,raw_problems_quarantine,problem_embeddings,deduped_pool,dedup_pairs,"
            "problem_labels,distilled_responses,response_verdicts,verified_set,rejected_responses",
        ],
        env=subprocess_env(catalog, data, home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    order = [
        line.split()[1] for line in result.stdout.splitlines() if line.startswith("materializing")
    ]
    # per-source ingest, the cross-source pool, then per-source labels, distillation, verification
    assert order == ["0000|alpha", "0000|beta", "(unpartitioned)", "0000|alpha", "0000|beta"]
    store = Warehouse(data)
    labels = store.read("problem_labels")
    assert labels.filter(pl.col("decision") == "duplicate").height == 1  # b1, from this run's pool
    assert store.read("distilled_responses").height == labels["selected"].sum()
    # the 8-token samples are all cut off: every one rejected, a warning (not a failure) says so
    assert store.read("verified_set").height == 0
    assert store.read("rejected_responses").height == labels["selected"].sum()
    assert "warning: check verified_set:pass_rate_in_band did not pass" in result.stdout
