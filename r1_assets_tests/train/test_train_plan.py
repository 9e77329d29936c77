"""The training dry-run: the steps it predicts are the steps the Trainer takes, and the shipped
production recipe (a 32B student, DDP vs FSDP) is checked here without a GPU or its weights."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from r1_assets import settings as project_settings
from r1_assets.train.plan import plan_training, read_launch
from r1_assets.train.settings import SFTSettings, load_settings
from r1_assets.train.trainer import train
from r1_assets_tests.conftest import MODELS_DIR, write_jsonl
from r1_assets_tests.train.test_sft import am_row, gsm8k_rows
from r1_assets_tests.train.test_trainer_runs import ROWS, tiny_model  # noqa: F401 - a fixture

CONFIGS = project_settings.PROJECT_ROOT / "configs"
# Qwen2.5-32B's published architecture (its config.json), the production recipe's student
QWEN_32B = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 5120,
            "intermediate_size": 27648, "num_hidden_layers": 64, "num_attention_heads": 40,
            "num_key_value_heads": 8, "vocab_size": 152064, "max_position_embeddings": 32768,
            "tie_word_embeddings": False, "rms_norm_eps": 1e-6, "rope_theta": 1e6}  # fmt: skip


def test_the_plan_counts_the_steps_the_trainer_takes(tiny_model: Path, tmp_path) -> None:  # noqa: F811
    settings = SFTSettings(learning_rate=1e-3, epochs=3, max_length=128, batch_size=2,
                           grad_accum=2, warmup_ratio=0.3, save_steps=2, threads=1,
                           report_to=[])  # fmt: skip
    plan = plan_training(tiny_model, ROWS, settings, read_launch(None))
    result = train(str(tiny_model), ROWS, settings, tmp_path / "student")
    # 5 examples, batches of 2: 3 a epoch, 2 per step -> 2 steps an epoch, 6 in all
    assert (plan.steps_per_epoch, plan.total_steps) == (2, 6) == (2, result.steps)
    assert plan.warmup_steps == 2 and plan.checkpoints == 3 and plan.problems == []
    log = [json.loads(line) for line in result.log_path.read_text().splitlines()]
    assert plan.label_tokens * 3 == sum(r["label_tokens"] for r in log)  # every token, 3 epochs
    assert plan.tokens * 3 == sum(r["tokens"] for r in log)
    assert log[0]["learning_rate"] < log[2]["learning_rate"]  # the 2 warmup steps the plan said
    packed = plan_training(tiny_model, ROWS, settings.model_copy(update={"packing": True}),
                           read_launch(None))  # fmt: skip
    assert packed.units < plan.units and packed.fill > plan.fill


@pytest.fixture(scope="module")
def qwen_32b(tmp_path_factory) -> Path:
    """Qwen2.5-32B's config.json with a tokenizer and no weights: all a dry-run reads."""
    folder = tmp_path_factory.mktemp("qwen") / "Qwen2.5-32B"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(QWEN_32B))
    smollm2 = MODELS_DIR / "SmolLM2-135M-Instruct"
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        (folder / name).write_bytes((smollm2 / name).read_bytes())
    return folder


def dry_run(base: Path, dataset: Path, launch: Path, tmp_path: Path, *extra: str):
    command = [sys.executable, "-m", "r1_assets.train.sft", "--dry-run", "--dataset",
               str(dataset), "--base-model", str(base), "--output", str(tmp_path / "out"),
               "--config", str(CONFIGS / "sft_production.yaml"), "--launch-config", str(launch),
               *extra]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert not (tmp_path / "out").exists()
    return done.returncode, done.stdout.splitlines()[:-1], json.loads(done.stdout.splitlines()[-1])


def test_the_production_recipe_is_checked_without_gpus(qwen_32b: Path, tmp_path) -> None:
    """A 32B student under the shipped configs: plain DDP cannot hold it on 80 GiB GPUs and the
    dry-run says so; FSDP over 16 GPUs can."""
    # ~550k tokens in long traces (real GSM8K work, repeated): some 17 full 32k blocks, one per
    # process of the FSDP launch and then some
    work = " ".join(row["messages"][1]["content"] for row in gsm8k_rows()) * 6
    rows = [am_row(f"Problem {i}: add up the work below.", work, "\\boxed{1}") for i in range(330)]
    dataset = write_jsonl(tmp_path / "train.jsonl", rows)
    code, lines, plan = dry_run(qwen_32b, dataset, CONFIGS / "accelerate_multi_gpu.yaml", tmp_path)
    # the command line: refused, saying why, exit 1
    assert 32.7e9 < plan["parameters"] < 32.8e9  # Qwen2.5-32B: 32.76B
    assert plan["processes"] == 8 and plan["global_batch"] == 64  # 8 GPUs x 1 block x 8
    assert plan["state_gib_per_process"] == pytest.approx(plan["parameters"] * 16 / 1024**3)
    assert code == 1 and any("shard them across processes" in line for line in lines)

    production = load_settings(CONFIGS / "sft_production.yaml")
    fsdp = read_launch(CONFIGS / "accelerate_fsdp.yaml")
    plan = plan_training(qwen_32b, rows, production, fsdp).as_dict()
    assert plan["problems"] == [], plan["problems"]
    assert plan["processes"] == 16 and plan["state_gib_per_process"] < 32  # 16 B/param / 16
    assert plan["units"] >= 16 and plan["fill"] > 0.9  # packed blocks nearly full
    assert plan["total_steps"] == 3 * plan["steps_per_epoch"]  # the recipe's 3 epochs
    assert production.save_steps and "tensorboard" in production.report_to

    lora = plan_training(qwen_32b, rows, production.model_copy(update={"lora_r": 64}), fsdp)
    # LoRA on every linear layer at rank 64: 64 x (in + out) per layer (q, k, v, o, gate, up,
    # down: 10240 + 6144 + 6144 + 10240 + 3 x 32768) x 64 layers = 536,870,912 trained
    assert lora.trained_parameters == 536_870_912 and lora.problems == []
    assert lora.state_gib_per_process < 12  # the frozen fp32 base sharded, 16 B/trained param
    assert lora.checkpoint_gib == pytest.approx(536_870_912 * 12 / 1024**3)  # adapter + Adam
