"""Long runs on the Trainer: a run killed with SIGKILL resumes from its last checkpoint and ends
where an unbroken run ends; a LoRA run's adapter loads for evaluation; TensorBoard gets every
step. On a tiny real Llama (SmolLM2's tokenizer and architecture, 2 small layers, random
weights): the mechanics are the model's size-independent part, and a step takes milliseconds."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import yaml

from r1_assets.llm.models import LLMModelError, ensure_default_model, model_id, resolve_llm
from r1_assets.train.output import prepare_partial
from r1_assets.train.settings import SFTSettings
from r1_assets.train.trainer import train
from r1_assets_tests.conftest import MODELS_DIR, write_jsonl
from r1_assets_tests.train.test_sft import SHORT_ROWS, am_row

ROWS = [*SHORT_ROWS, am_row("What is 3+3?", "3 and 3 make 6.", "\\boxed{6}")]
RUN = SFTSettings(
    learning_rate=1e-3,
    max_steps=60,
    max_length=128,
    batch_size=2,
    save_steps=10,
    threads=1,
    seed=5,
    report_to=[],
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    smollm2 = ensure_default_model(MODELS_DIR)
    config = AutoConfig.from_pretrained(smollm2)
    config.update({"num_hidden_layers": 2, "hidden_size": 64, "intermediate_size": 128,
                   "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16})  # fmt: skip
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny") / "tiny-llama"
    AutoModelForCausalLM.from_config(config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(smollm2).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def unbroken(tiny_model: Path, tmp_path_factory):
    """The reference: the same run, never interrupted, in this process."""
    return train(str(tiny_model), ROWS, RUN, tmp_path_factory.mktemp("unbroken") / "student")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli(tiny_model: Path, tmp_path: Path, output: Path, settings: SFTSettings) -> list[str]:
    dataset = write_jsonl(tmp_path / "train.jsonl", ROWS)
    config = tmp_path / f"sft-{settings.learning_rate}.yaml"
    config.write_text(yaml.safe_dump(settings.model_dump()))
    arguments = sft_arguments(dataset, tiny_model, output, config)
    return [sys.executable, "-m", "r1_assets.train.sft", *arguments]


def sft_arguments(dataset: Path, base: Path, output: Path, config: Path) -> list[str]:
    return ["--dataset", str(dataset), "--base-model", str(base), "--output", str(output),
            "--config", str(config)]  # fmt: skip


def kill_after_checkpoint(command: list[str], partial: Path, step: int) -> None:
    """Start the run in its own process group and SIGKILL the group once checkpoint-``step`` is
    whole (its trainer_state.json, written last, is there)."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    marker = partial / f"checkpoint-{step}" / "trainer_state.json"
    deadline = time.monotonic() + 240
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"the run ended before its checkpoint: {process.stderr.read()}")
        assert time.monotonic() < deadline, "no checkpoint within 240 s"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


def test_a_killed_run_resumes_and_ends_where_an_unbroken_run_ends(tiny_model, unbroken, tmp_path):
    output = tmp_path / "student"
    partial = tmp_path / ".student.partial"
    command = cli(tiny_model, tmp_path, output, RUN)
    kill_after_checkpoint(command, partial, step=20)
    assert not output.exists()  # nothing published by a killed run
    logged = [json.loads(line) for line in (partial / "train_log.jsonl").read_text().splitlines()]
    assert logged[-1]["step"] >= 20  # it may have logged steps past the checkpoint: redone

    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resuming from checkpoint-" in done.stdout
    summary = json.loads((output / "train_summary.json").read_text())
    assert 20 <= summary["resumed_from_step"] < RUN.max_steps
    log = [json.loads(line) for line in (output / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == list(range(1, RUN.max_steps + 1))  # each step once
    # the same data order, optimizer and RNG state after the restart: the same losses (CPU,
    # one thread; the tolerance is for kernels that sum in another order elsewhere)
    losses = [r["loss"] for r in log]
    assert losses == pytest.approx(unbroken.losses, rel=1e-5, abs=1e-6)
    assert summary["final_loss"] == pytest.approx(unbroken.losses[-1], rel=1e-5)
    assert unbroken.losses[-1] < unbroken.losses[0] - 1  # it learned: the comparison is not idle
    assert not list(output.glob("checkpoint-*"))  # the finished folder keeps the model, not resumes
    assert "ETA" in done.stdout


def test_only_the_same_run_resumes_and_only_from_a_whole_checkpoint(tmp_path) -> None:
    partial = tmp_path / ".student.partial"
    assert prepare_partial(partial, "run-a") is None  # a new run: marked, nothing to resume
    for step, whole in ((10, True), (20, True), (30, False)):  # 30: killed while writing
        folder = partial / f"checkpoint-{step}"
        folder.mkdir()
        if whole:
            (folder / "trainer_state.json").write_text("{}")
    assert prepare_partial(partial, "run-a") == partial / "checkpoint-20"
    assert not (partial / "checkpoint-30").exists() and (partial / "checkpoint-10").exists()
    assert prepare_partial(partial, "run-b") is None  # other data or settings: start over
    assert not list(partial.glob("checkpoint-*"))
    stale = tmp_path / ".old.partial"  # what a run from before checkpoints left: no mark
    (stale / "checkpoint-5").mkdir(parents=True)
    (stale / "checkpoint-5" / "trainer_state.json").write_text("{}")
    assert prepare_partial(stale, "run-a") is None and not (stale / "checkpoint-5").exists()


def test_tensorboard_gets_every_step(tiny_model, tmp_path) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    settings = RUN.model_copy(update={"max_steps": 6, "report_to": ["tensorboard"]})
    result = train(str(tiny_model), ROWS, settings, tmp_path / "student")
    (events,) = result.output_dir.glob("runs/*/events.out.tfevents.*")
    scalars = EventAccumulator(str(events)).Reload().Scalars("train/loss")
    assert [s.step for s in scalars] == [1, 2, 3, 4, 5, 6]
    assert [s.value for s in scalars] == pytest.approx(result.losses, rel=1e-5)


def test_a_lora_adapter_trains_and_loads_for_evaluation(tiny_model, tmp_path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from r1_assets.llm.backends.transformers import TransformersEngine
    from r1_assets.llm.types import Request, Sampling, user

    settings = RUN.model_copy(update={"max_steps": 8, "lora_r": 4, "learning_rate": 1e-2})
    result = train(str(tiny_model), ROWS, settings, tmp_path / "student")
    files = {p.name for p in result.output_dir.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "tokenizer.json"} <= files
    assert "model.safetensors" not in files  # the adapter only: a few MB over a shared base
    assert result.summary["adapter"] is True
    assert result.losses[-1] < result.losses[0]
    adapter = json.loads((result.output_dir / "adapter_config.json").read_text())
    assert adapter["r"] == 4 and Path(adapter["base_model_name_or_path"]) == tiny_model.resolve()

    # the evaluation's path: the folder resolves, has an identity of its own, loads and answers
    assert resolve_llm(str(result.output_dir), MODELS_DIR) == str(result.output_dir.resolve())
    location = str(result.output_dir)
    assert model_id(location, location) != model_id(str(tiny_model), str(tiny_model))
    engine = TransformersEngine(location, threads=1)
    assert any("lora_A" in name for name, _ in engine.model.named_modules())
    request = Request(user("What is 2+3?", "<think>\n"), Sampling(0.0, 1.0, 6))
    assert engine.generate([request])[0].ok
    # its weights are the trained adapter's over the base: the logits PEFT's own loader gives
    base = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()
    ids = torch.tensor([engine.tokenizer(engine.prompt(request))["input_ids"]])
    with torch.no_grad():
        plain = base(ids).logits
        tuned = engine.model(ids).logits
        reference = PeftModel.from_pretrained(base, location).eval()(ids).logits
    assert torch.allclose(tuned, reference, atol=1e-5)
    assert (tuned - plain).abs().max() > 1e-2  # and the adapter moved them

    (result.output_dir / "adapter_config.json").write_text(
        json.dumps(adapter | {"base_model_name_or_path": str(tmp_path / "gone")})
    )
    with pytest.raises(LLMModelError, match="was trained on"):
        resolve_llm(location, MODELS_DIR)


def test_trackio_records_the_run_offline(tiny_model, tmp_path, monkeypatch) -> None:
    """Trackio without a Space: a local project database, nothing sent anywhere."""
    monkeypatch.setenv("TRACKIO_DIR", str(tmp_path / "trackio"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = RUN.model_copy(update={"max_steps": 4, "report_to": ["trackio"]})
    result = train(str(tiny_model), ROWS, settings, tmp_path / "student")
    from trackio.sqlite_storage import SQLiteStorage

    logs = [row for row in SQLiteStorage.get_logs("r1-assets", "student") if "train/loss" in row]
    assert [row["train/loss"] for row in logs] == pytest.approx(result.losses)
    assert (tmp_path / "trackio" / "r1-assets.db").exists()


def test_two_processes_train_as_one_with_the_same_global_batch(tiny_model, tmp_path) -> None:
    """The production path on CPU: torchrun with two processes (DDP over gloo), one example
    each per step, gives the losses of one process taking both — the loss is normalised by the
    labelled tokens of all processes, not averaged per process."""
    rows = [*ROWS, am_row("What is 8/2?", "8 halved is 4.", "\\boxed{4}")]  # 6: no ragged batch
    settings = RUN.model_copy(update={"max_steps": 6, "batch_size": 1, "save_steps": 3})
    one = train(str(tiny_model), rows, settings.model_copy(update={"batch_size": 2}),
                tmp_path / "one")  # fmt: skip
    dataset = write_jsonl(tmp_path / "rows.jsonl", rows)
    config = tmp_path / "sft.yaml"
    config.write_text(yaml.safe_dump(settings.model_dump()))
    output = tmp_path / "two"
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
               "--master_port", str(free_port()), "-m", "r1_assets.train.sft",
               *sft_arguments(dataset, tiny_model, output, config)]  # fmt: skip
    env = {**os.environ, "ACCELERATE_USE_CPU": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((output / "train_summary.json").read_text())
    assert summary["processes"] == 2 and summary["distributed"] == "MULTI_CPU"
    log = [json.loads(line) for line in (output / "train_log.jsonl").read_text().splitlines()]
    alone = [json.loads(line) for line in one.log_path.read_text().splitlines()]
    assert [r["label_tokens"] for r in log] == [r["label_tokens"] for r in alone]
    assert [r["loss"] for r in log] == pytest.approx(one.losses, rel=1e-4)
    assert done.stdout.count("step 6/6") == 1  # one process speaks


def test_a_tracker_that_is_not_installed_fails_before_any_work(tiny_model, tmp_path) -> None:
    settings = RUN.model_copy(update={"report_to": ["tensorbord"]})  # a typo, or not installed
    with pytest.raises(RuntimeError, match=r"report_to \['tensorbord'\].*installed: tensorboard"):
        train(str(tiny_model), ROWS, settings, tmp_path / "student")
    assert not list(tmp_path.iterdir())
