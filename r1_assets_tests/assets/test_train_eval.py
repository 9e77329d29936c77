"""sft_dataset → trained_model → eval_scores (base and trained partitions) → eval_report, through
Dagster with the real embedded student, on the verified rows of a tiny AM-format source."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from r1_assets.audit.lineage import trace
from r1_assets.definitions import build_definitions
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.assets.test_llm_stage import materialize
from r1_assets_tests.assets.test_verify_stage import (  # noqa: F401 (catalog: a fixture)
    catalog,
    distilled_pipeline,
)
from r1_assets_tests.conftest import VENV_BIN, subprocess_env


def verified_pipeline(defs, instance) -> None:
    distilled_pipeline(defs, instance)
    materialize(defs, instance, ["response_verdicts", "verified_set", "rejected_responses"], "am")


def test_sft_train_and_evaluate_base_and_trained(catalog: Path, tmp_path: Path) -> None:  # noqa: F811
    defs = build_definitions(catalog, tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    verified_pipeline(defs, instance)
    store = Warehouse(tmp_path / "data")
    accepted = store.read("verified_set")
    assert accepted.height >= 3

    meta = materialize(defs, instance, ["sft_dataset"])["sft_dataset"]
    mixture = store.read("sft_dataset")
    assert mixture.height == accepted.height
    export = Path(meta["export_folder"])
    lines = (export / "train.jsonl").read_text().splitlines()
    assert len(lines) == mixture.height
    assert json.loads(lines[0])["messages"][1]["content"].startswith("<think>\n")
    card = (export / "README.md").read_text()
    assert meta["content_hash"] in card
    assert "| am " in card and "test" in card  # the source and its catalog license
    # a Hugging Face dataset folder: every config loads, the card's metadata is the Hub's
    from datasets import load_dataset
    from huggingface_hub import DatasetCard

    data = DatasetCard.load(export / "README.md").data
    assert data.license == "other" and data.task_categories == ["text-generation"]
    for config in (c["config_name"] for c in data.configs):
        rows = load_dataset(str(export), config, split="train", cache_dir=str(tmp_path / "hf"))
        assert rows.num_rows == mixture.height
        assert set(rows.column_names) >= {"messages", "response_uid", "source_revision"}

    # lineage: from a piece of text to the raw row, its dedup decision, responses, verdicts, SFT
    chain = trace(store, "12 times 7").render()
    for expected in (
        "raw_problems[am]",
        "deduped_pool: 1 row(s)",
        "decision=kept",
        "origin=source:messages[1]",
        "verifier=math_verify",
        "passed=True",
        "sft_dataset: 1 row(s)",
    ):
        assert expected in chain, chain
    teacher = store.read("distilled_responses").filter(pl.col("origin") == "teacher")
    by_response = trace(store, teacher["response_uid"][0]).render()
    assert "rejected_responses: 1 row(s)" in by_response and "truncated" in by_response
    assert trace(store, "no such problem anywhere").problems.is_empty()

    train = {"ops": {"trained_model": {"config": {"max_steps": 2, "max_length": 128}}}}
    trained = materialize(defs, instance, ["trained_model"], run_config=train)["trained_model"]
    assert trained["steps"] == 2 and trained["final_loss"] > 0
    assert "base64," in trained["loss_curve"]
    checkpoint = Path(trained["model_path"])
    assert (checkpoint / "config.json").exists()
    # an unchanged dataset and settings reuse the checkpoint
    again = materialize(defs, instance, ["trained_model"], run_config=train)["trained_model"]
    assert again["model_path"] == trained["model_path"]

    evaluate = {
        "ops": {
            "eval_scores": {"config": {"k": 2, "max_tokens": 16, "max_items": 2}},
        }
    }
    scores = {}
    for model in ("base", "trained"):
        key = dg.MultiPartitionKey({"benchmark": "demo_math", "model": model})
        scores[model] = materialize(defs, instance, ["eval_scores", "eval_samples"], key, evaluate)
    base, tuned = scores["base"]["eval_scores"], scores["trained"]["eval_scores"]
    assert base["k"] == tuned["k"] == 2 and base["samples"] == 4
    assert base["model_id"] != tuned["model_id"]  # the trained partition used the checkpoint
    assert tuned["model_path"] == trained["model_path"]
    for value in (base["pass@1"], tuned["pass@1"]):
        assert 0 <= value <= 100
    samples = store.read("eval_samples")
    assert samples.height == 8 and set(samples["model"]) == {"base", "trained"}
    assert samples["status"].is_not_null().all()

    # the CLI runs the evaluation stage per (benchmark, model) partition, then the report
    home = tmp_path / "home"
    home.mkdir()
    run_config = tmp_path / "run.yaml"
    run_config.write_text(
        yaml.safe_dump(
            {"ops": {"eval_scores": {"config": {"k": 1, "max_tokens": 8, "max_items": 1}}}}
        )
    )
    cli = subprocess.run(
        [
            str(VENV_BIN / "r1-assets"),
            "materialize",
            "--select",
            "eval_scores,eval_report",  # eval_samples comes along: one multi-asset
            "--benchmark",
            "demo_gpqa",
            "--config",
            str(run_config),
        ],
        env=subprocess_env(catalog, tmp_path / "data", home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert cli.returncode == 0, cli.stdout[-2000:] + cli.stderr[-2000:]
    order = [line.split()[1] for line in cli.stdout.splitlines() if line.startswith("materializ")]
    assert order == ["demo_gpqa|base", "demo_gpqa|trained", "(unpartitioned)"]
    assert set(store.read("eval_report")["benchmark"]) == {"demo_math", "demo_gpqa"}

    report = materialize(defs, instance, ["eval_report"])["eval_report"]
    table = store.read("eval_report")
    assert set(zip(table["benchmark"], table["model"], strict=True)) == {
        (benchmark, model)
        for benchmark in ("demo_math", "demo_gpqa")
        for model in ("base", "trained")
    }
    assert "pass@1" in report["scores"]
    # base and trained ran on the same items with the same k: comparable
    assert table.filter(pl.col("benchmark") == "demo_math")["comparable"].all()
    # the format measures are there for every row; no demo_math item is rated
    assert table["closed_think"].is_not_null().all() and table["mean_tokens"].min() > 0
    assert table["codeforces_rating"].is_null().all()

    # a LoRA student: the checkpoint is its adapter, and the `trained` evaluation loads it over
    # the base; the full fine-tune's scores stay beside it
    lora = {"ops": {"trained_model": {"config": {"max_steps": 2, "max_length": 128,
                                                 "lora_r": 4}}}}  # fmt: skip
    adapter = materialize(defs, instance, ["trained_model"], run_config=lora)["trained_model"]
    assert adapter["adapter"] is True and adapter["model_path"] != trained["model_path"]
    assert (Path(adapter["model_path"]) / "adapter_config.json").exists()
    key = dg.MultiPartitionKey({"benchmark": "demo_math", "model": "trained"})
    rescored = materialize(defs, instance, ["eval_scores", "eval_samples"], key, evaluate)
    assert rescored["eval_scores"]["model_path"] == adapter["model_path"]
    assert tuned["model_id"] in rescored["eval_scores"]["earlier_models"]


def test_a_benchmark_that_cannot_be_read_fails_clearly(
    catalog: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = tmp_path / "benchmarks.yaml"
    broken.write_text(
        "base_dir: .\nbenchmarks:\n  - {name: gone, format: math500, location: nowhere.jsonl, "
        "scorer: math_verify, license: test}\n"
    )
    monkeypatch.setenv("R1_ASSETS_BENCHMARKS", str(broken))
    defs = build_definitions(catalog, tmp_path / "data")
    key = dg.MultiPartitionKey({"benchmark": "gone", "model": "base"})
    with pytest.raises(dg.Failure, match="cannot be evaluated: source_missing"):
        dg.materialize(
            list(defs.assets),
            resources=defs.resources,
            selection=["eval_scores", "eval_samples"],
            partition_key=key,
        )


def test_bad_model_paths_and_an_empty_mixture_fail_clearly(
    catalog: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    from r1_assets.llm.models import LLMModelError

    defs = build_definitions(catalog, tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    key = dg.MultiPartitionKey({"benchmark": "demo_gpqa", "model": "base"})
    missing = {"ops": {"eval_scores": {"config": {"base_model": str(tmp_path / "no-model")}}}}
    with pytest.raises(LLMModelError, match="no-model"):
        materialize(defs, instance, ["eval_scores", "eval_samples"], key, missing)
    trained = dg.MultiPartitionKey({"benchmark": "demo_gpqa", "model": "trained"})
    with pytest.raises(dg.Failure, match="need trained_model"):
        materialize(defs, instance, ["eval_scores", "eval_samples"], trained)

    verified_pipeline(defs, instance)
    drop_all = {"ops": {"sft_dataset": {"config": {"source_weights": {"am": 0.0}}}}}
    with pytest.raises(dg.Failure, match="the SFT mixture is empty"):
        materialize(defs, instance, ["sft_dataset"], run_config=drop_all)
    # difficulty from pass rate: no teacher sample (12 tokens) passed, so every problem with
    # ground truth is level 5 and dropped; the chat problem keeps its LLM label
    by_pass_rate = {"difficulty_from": "pass_rate", "difficulty_keep": {"5": 0.0}}
    by_pass_rate = {"ops": {"sft_dataset": {"config": by_pass_rate}}}
    with pytest.raises(dg.Failure, match="needs problem_pass_rates"):
        materialize(defs, instance, ["sft_dataset"], run_config=by_pass_rate)
    materialize(defs, instance, ["problem_pass_rates"], "am")
    store = Warehouse(tmp_path / "data")
    rated = set(store.read("problem_pass_rates")["problem_uid"])
    try:
        materialize(defs, instance, ["sft_dataset"], run_config=by_pass_rate)
        left = set(store.read("sft_dataset")["problem_uid"])
    except dg.Failure as exc:  # the chat response may have been rejected: nothing left
        assert "the SFT mixture is empty" in str(exc)
        left = set()
    assert len(rated) == 4 and not left & rated
    assert left <= set(store.read("verified_set").filter(pl.col("domain") == "chat")["problem_uid"])
    materialize(defs, instance, ["sft_dataset"])
    bad_base = {"ops": {"trained_model": {"config": {"base_model": str(tmp_path / "nope")}}}}
    with pytest.raises(LLMModelError, match="nope"):
        materialize(defs, instance, ["trained_model"], run_config=bad_base)
