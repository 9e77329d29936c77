"""The pieces ``trainer.train`` gives transformers' Trainer: the project's units as a dataset, a
Trainer that counts tokens, and the callback writing train_log.jsonl. Imported only inside
``train`` (transformers is slow to import)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from transformers import Trainer, TrainerCallback, TrainingArguments
from transformers.trainer_callback import ProgressCallback

from r1_assets.train.batches import Block
from r1_assets.train.encode import IGNORE, Example


class Units(torch.utils.data.Dataset):
    """The encoded examples (or packed blocks) as the Trainer's map-style dataset."""

    def __init__(self, units: Sequence[Example | Block]) -> None:
        self.units = units

    def __len__(self) -> int:
        return len(self.units)

    def __getitem__(self, index: int) -> Example | Block:
        return self.units[index]


def token_count(batch: Sequence[Example | Block]) -> dict[str, torch.Tensor]:
    """The batch's real (unpadded) tokens, for the log; taken out before the forward pass."""
    return {"num_tokens": torch.tensor(sum(len(unit.input_ids) for unit in batch))}


def checkpointing_argument() -> str:
    """The TrainingArguments name of activation (gradient) checkpointing: transformers 5.2x
    renamed ``gradient_checkpointing`` (the old name warns, and goes in 6)."""
    renamed = "activation_checkpointing" in TrainingArguments.__dataclass_fields__
    return "activation_checkpointing" if renamed else "gradient_checkpointing"


class QuietProgress(ProgressCallback):
    """The Trainer's progress bar (steps, speed, ETA) without its printing of every log dict."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        return


def read_log(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class SFTTrainer(Trainer):
    """Counts each step's tokens and labelled tokens for the log. The loss is the mean over every
    labelled token of the step's gradient-accumulation window (the Trainer's
    ``num_items_in_batch``), not a mean of per-batch means."""

    tokens = 0
    label_tokens = 0

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        self.tokens += int(inputs.pop("num_tokens"))
        # the model shifts labels by one: position 0's label is never predicted
        self.label_tokens += int((inputs["labels"][:, 1:] != IGNORE).sum())
        # use_cache=False matters: with a KV cache transformers ignores packed position_ids
        inputs["use_cache"] = False
        return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)


class RunLog(TrainerCallback):
    """train_log.jsonl (one record a step, kept across a resume), the step callback, and a line
    with loss, speed and ETA for the log every ``log_every`` steps. ``say`` is None on the other
    processes of a multi-process run: they only join the token count."""

    def __init__(
        self,
        path: Path,
        say: Callable[[str], None] | None,
        on_step: Callable[[dict], None] | None,
        log_every: int,
    ) -> None:
        self.path, self.say, self.on_step, self.log_every = path, say, on_step, log_every
        self.trainer: Any = None
        self.first_step = 0
        self.started = self.tick = time.monotonic()

    def on_train_begin(self, args, state, control, **kwargs):
        self.first_step = state.global_step  # a resumed run starts at its checkpoint's step
        self.started = self.tick = time.monotonic()
        if self.say is not None:  # steps a killed run logged after its checkpoint are redone
            kept = [r for r in read_log(self.path) if r["step"] <= state.global_step]
            self.path.write_text("".join(json.dumps(r) + "\n" for r in kept))

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs or "loss" not in logs:  # the end-of-training summary has train_loss
            return
        trainer = self.trainer
        counts = torch.tensor([trainer.tokens, trainer.label_tokens], device=args.device)
        counts = trainer.accelerator.reduce(counts, reduction="sum")  # every process is here
        trainer.tokens = trainer.label_tokens = 0
        now = time.monotonic()
        step, total = state.global_step, state.max_steps
        record = {
            "step": step,
            "epoch": round(state.epoch or 0.0, 4),
            "loss": float(logs["loss"]),
            "learning_rate": float(logs.get("learning_rate", 0.0)),
            "tokens": int(counts[0]),
            "label_tokens": int(counts[1]),
            "grad_norm": None if logs.get("grad_norm") is None else float(logs["grad_norm"]),
            "seconds": round(now - self.tick, 3),
        }
        self.tick = now
        if not math.isfinite(record["loss"]):  # the same mean on every process: all stop
            raise FloatingPointError(f"loss is {record['loss']} at step {step}")
        if self.say is None:
            return
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")  # a long run can be followed with tail -f
        if self.on_step:
            self.on_step(record)
        if step % self.log_every == 0 or step == total:
            per_step = (now - self.started) / max(step - self.first_step, 1)
            self.say(
                f"step {step}/{total}: loss {record['loss']:.4f}, "
                f"lr {record['learning_rate']:.2e}, {per_step:.1f} s/step, "
                f"ETA {clock((total - step) * per_step)}"
            )


def clock(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
