"""The settings of one SFT run: declared once (``TrainConfig`` inherits them), read from YAML for
the command line, and fingerprinted into every trained checkpoint's key."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

# Part of every trained checkpoint's key: bump on any change in r1_assets.train that changes what
# a run trains (formatting, labels, packing, truncation, the loop). 2: transformers' Trainer.
TRAINER_VERSION = "2"

# how a run goes, not what it trains: left out of the fingerprint (more threads is not stale)
_RUN_ONLY = ("threads", "log_every", "save_steps", "save_total_limit", "report_to")
# what only a LoRA run (lora_r set) trains with: left out of a full fine-tune's fingerprint
_LORA_ONLY = ("lora_alpha", "lora_dropout", "lora_target_modules")


class SFTSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    learning_rate: float = Field(
        default=1e-5, gt=0, description="peak AdamW learning rate (linear warmup, linear decay)"
    )
    epochs: int = Field(default=1, ge=1, description="passes over the data, unless max_steps")
    max_steps: int | None = Field(
        default=None,
        ge=1,
        description="when set, exactly this many optimizer steps (epochs cycle); null: the "
        "epochs decide",
    )
    max_length: int = Field(
        default=512,
        ge=1,
        description="tokens per example, or per block when packing (see overlong)",
    )
    overlong: Literal["drop", "truncate"] = Field(
        default="drop",
        description="an example longer than max_length: drop it, or keep its beginning (which "
        "teaches a reasoning model never to close </think> nor to answer)",
    )
    batch_size: int = Field(
        default=1, ge=1, description="examples (or blocks) per forward pass, per process"
    )
    grad_accum: int = Field(default=1, ge=1, description="forward passes per optimizer step")
    packing: bool = Field(
        default=False,
        description="pack examples into max_length blocks (attention stays within each example)",
    )
    warmup_ratio: float = Field(
        default=0.0, ge=0.0, lt=1.0, description="share of the steps warming the learning rate up"
    )
    weight_decay: float = Field(
        default=0.0, description="AdamW weight decay (never on biases and norm weights)"
    )
    max_grad_norm: float | None = Field(
        default=1.0, description="clip the gradient norm to this (null: no clipping)"
    )
    gradient_checkpointing: bool = Field(
        default=False,
        description="recompute activations in the backward pass: less memory, more compute",
    )
    attn_implementation: str | None = Field(
        default=None,
        description="transformers attention (sdpa, eager, flash_attention_2); null: its default",
    )
    seed: int = Field(default=0, description="seeds the example order and the run's randomness")
    threads: int = Field(
        default=0, ge=0, description="torch intra-op threads; 0 leaves torch's default"
    )
    log_every: int = Field(
        default=1,
        ge=1,
        description="how often the log hears of a step; train_log.jsonl has every step",
    )
    save_steps: int = Field(
        default=50,
        ge=1,
        description="write a resumable checkpoint (weights, optimizer, scheduler, RNG, data "
        "position) every N optimizer steps: a killed run restarts from the last one",
    )
    save_total_limit: int = Field(
        default=2,
        ge=2,
        description="resumable checkpoints kept (two, so one is whole while the next is written)",
    )
    report_to: list[str] = Field(
        default=["tensorboard"],
        description="trackers the Trainer logs to: tensorboard (event files in the run's "
        "folder), trackio (a local project; pip install trackio), wandb, mlflow, ...; [] for none",
    )
    lora_r: int | None = Field(
        default=None,
        ge=1,
        description="train a LoRA adapter of this rank instead of every weight (null: full "
        "fine-tune); the checkpoint is then the adapter, loaded over the base for evaluation",
    )
    lora_alpha: int = Field(default=32, ge=1, description="LoRA scaling (alpha / r)")
    lora_dropout: float = Field(default=0.05, ge=0.0, lt=1.0, description="dropout on LoRA inputs")
    lora_target_modules: str = Field(
        default="all-linear",
        description="the layers LoRA adapts: all-linear, or comma-separated module names "
        "(q_proj,v_proj)",
    )

    @model_validator(mode="after")
    def _flash_packing_needs_one_row(self) -> SFTSettings:
        flash = (self.attn_implementation or "").startswith("flash_attention")
        if self.packing and flash and self.batch_size != 1:
            # flash-attention reads packed position_ids only from a single-row batch: with more
            # rows, attention would silently cross the packed examples
            raise ValueError("packing with flash-attention needs batch_size 1 (use grad_accum)")
        return self

    def fingerprint(self) -> str:
        """What the trained weights depend on: every setting but how the run goes (threads,
        logging, checkpoints, trackers); the LoRA settings only for a LoRA run."""
        skipped = _RUN_ONLY + (_LORA_ONLY if self.lora_r is None else ())
        payload = {k: v for k, v in self.model_dump().items() if k not in skipped and k != "lora_r"}
        if self.lora_r is not None:
            payload["lora_r"] = self.lora_r
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def load_settings(path: Path) -> SFTSettings:
    """Settings from a YAML mapping of SFTSettings fields. Unknown keys are errors (a typo must not
    silently train with a default); values are validated (PyYAML reads ``1e-5`` as a string)."""
    import yaml

    values = yaml.safe_load(Path(path).read_text()) or {}
    if not isinstance(values, dict):
        raise ValueError(f"{path}: expected a mapping of SFT settings, got {type(values).__name__}")
    try:
        return SFTSettings.model_validate(values)
    except ValidationError as error:
        raise ValueError(f"{path}: {_one_line(error)}") from None


def _one_line(error: ValidationError) -> str:
    """Each problem of a validation as ``field: what is wrong (got value)``, on one line."""
    unknown = [str(e["loc"][0]) for e in error.errors() if e["type"] == "extra_forbidden"]
    problems = []
    if unknown:
        known = sorted(SFTSettings.model_fields)
        problems.append(f"unknown SFT settings {unknown}; known: {known}")
    for e in error.errors():
        if e["type"] == "extra_forbidden":
            continue
        message = e["msg"].removeprefix("Value error, ")
        if e["loc"]:
            message = f"SFT setting {'.'.join(map(str, e['loc']))}: {message} (got {e['input']!r})"
        problems.append(message)
    return "; ".join(problems)
