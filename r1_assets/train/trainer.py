"""The SFT run on transformers' ``Trainer``, fed with the project's own examples (assistant-only
labels, optional packing, ``encode`` and ``batches``): checkpoints every ``save_steps`` and resume
after a kill, LoRA as an option, ``report_to`` trackers, a progress bar. The same ``train`` runs
in-process on CPU and under ``accelerate launch`` (DDP, FSDP, DeepSpeed) on GPUs."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from r1_assets.train.batches import Block, collate, pack
from r1_assets.train.encode import Example, encode_rows
from r1_assets.train.output import (
    SUMMARY,
    TRAIN_LOG,
    checkpoint_step,
    finish_partial,
    last_whole_checkpoint,
    partial_dir,
    prepare_partial,
    publish,
)
from r1_assets.train.settings import TRAINER_VERSION, SFTSettings


@dataclass
class TrainResult:
    output_dir: Path  # the checkpoint: from_pretrained(output_dir) loads model and tokenizer
    log_path: Path  # train_log.jsonl
    summary_path: Path  # train_summary.json
    losses: list[float]  # one per optimizer step
    steps: int
    examples: int  # rows given
    trained_examples: int  # rows kept after encoding
    skipped: dict[str, int]  # reason -> rows
    truncated: int
    wall_seconds: float
    summary: dict[str, Any]
    resumed_from: int  # the step a killed run's checkpoint restarted it at (0: from the start)


def check_base_model(base_model: str) -> Path:
    path = Path(base_model).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(f"base model folder {path} does not exist")
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"base model folder {path} holds no config.json")
    return path


def _check_packing_support() -> None:
    try:
        from transformers.masking_utils import find_packed_sequence_indices  # noqa: F401
    except ImportError as error:
        raise RuntimeError(
            "packing needs transformers.masking_utils.find_packed_sequence_indices "
            "(transformers 5): without it attention crosses packed examples"
        ) from error


def _check_installed(settings: SFTSettings) -> None:
    """What the settings ask for is installed, said in one line before any work: the trackers by
    transformers' own list of the integrations it finds (their package names differ from theirs:
    azure_ml, flyte ...), LoRA by peft."""
    import importlib.util

    from transformers.integrations import get_available_reporting_integrations

    installed = get_available_reporting_integrations()
    missing = sorted(set(settings.report_to) - {"none", "all"} - set(installed))
    if missing:
        raise RuntimeError(
            f"report_to {missing}: no such tracker is installed here (installed: "
            f"{', '.join(installed) or 'none'}; e.g. pip install trackio)"
        )
    if settings.lora_r is not None and importlib.util.find_spec("peft") is None:
        raise RuntimeError("lora_r needs the peft package: pip install peft")


def train(
    base_model: str,
    rows: list[dict],
    settings: SFTSettings,
    output_dir: Path,
    log: Callable[[str], None] | None = None,
    on_step: Callable[[dict], None] | None = None,
) -> TrainResult:
    """Fine-tune ``base_model`` (a local folder) on AM rows; write the checkpoint (the model, or
    the LoRA adapter), train_log.jsonl and train_summary.json to ``output_dir``.

    The run works in a sibling ``.<name>.partial`` folder renamed into place at the end, so
    ``output_dir`` only ever holds a finished run. Every ``save_steps`` it writes a resumable
    checkpoint there; a rerun of the same run (same base, data and settings) after a kill
    continues from the last whole one, and anything else in the folder is discarded.
    ``log`` and ``on_step`` (each step's train_log record) are called on the main process."""
    base = check_base_model(base_model).resolve()  # a LoRA adapter names its base by this path
    if not rows:
        raise ValueError("training set is empty after reading: no rows given")
    if settings.packing:
        _check_packing_support()
    _check_installed(settings)

    import torch

    previous_threads = torch.get_num_threads()
    if settings.threads:
        torch.set_num_threads(settings.threads)
    try:
        return _train(base, rows, settings, Path(output_dir), log, on_step)
    finally:
        torch.set_num_threads(previous_threads)


def _train(
    base: Path,
    rows: list[dict],
    settings: SFTSettings,
    output_dir: Path,
    log: Callable[[str], None] | None,
    on_step: Callable[[dict], None] | None,
) -> TrainResult:
    import torch
    import transformers
    from accelerate import PartialState
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainingArguments
    from transformers.trainer_callback import ProgressCallback

    from r1_assets.train.hf_trainer import (
        QuietProgress,
        RunLog,
        SFTTrainer,
        Units,
        checkpointing_argument,
        read_log,
        token_count,
    )

    started = time.monotonic()
    partial = partial_dir(output_dir)
    # the arguments set the process group up, from `accelerate launch` / torchrun (or none)
    args = TrainingArguments(
        output_dir=str(partial),
        per_device_train_batch_size=settings.batch_size,
        gradient_accumulation_steps=settings.grad_accum,
        learning_rate=settings.learning_rate,
        weight_decay=settings.weight_decay,  # never on biases and norm weights
        max_grad_norm=settings.max_grad_norm or 0.0,  # 0: no clipping
        lr_scheduler_type="linear",
        warmup_steps=settings.warmup_ratio,  # a float below 1: the share of the steps
        num_train_epochs=settings.epochs,
        max_steps=settings.max_steps or -1,
        seed=settings.seed,
        data_seed=settings.seed,
        logging_strategy="steps",
        logging_steps=1,  # train_log.jsonl has every step
        save_strategy="steps",
        save_steps=settings.save_steps,
        save_total_limit=settings.save_total_limit,
        report_to=settings.report_to or "none",
        run_name=output_dir.name,  # the checkpoint key under trained_model
        project="r1-assets",  # Trackio's project
        remove_unused_columns=False,  # the units are the project's, not a datasets table
        dataloader_num_workers=0,
        dataloader_pin_memory=torch.cuda.is_available(),
        log_level="warning",
        **{checkpointing_argument(): settings.gradient_checkpointing},
    )
    state = PartialState()
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world != state.num_processes:
        # each process would train alone and all would write the same output folder
        raise RuntimeError(
            f"launched as {world} processes (WORLD_SIZE) but accelerate set up "
            f"{state.num_processes}: on CPU-only machines set ACCELERATE_USE_CPU=1 "
            "(torchrun) or launch with a MULTI_CPU accelerate config"
        )
    main = state.is_main_process

    def say(message: str) -> None:
        if log and main:
            log(message)

    if args.device.type == "cpu" and args.mixed_precision == "bf16":
        say("warning: bf16 on CPU is only fast with AVX512-BF16/AMX; fp32 is the safe choice")

    tokenizer = AutoTokenizer.from_pretrained(base)
    examples, stats = encode_rows(tokenizer, rows, settings.max_length, settings.overlong)
    if not examples:
        raise ValueError(
            f"training set is empty after tokenization: all {stats.rows} rows were skipped "
            f"({stats.skipped})"
        )
    units: list[Example] | list[Block] = (
        pack(examples, settings.max_length) if settings.packing else examples
    )
    say(
        f"{stats.kept} of {stats.rows} rows to train on ({stats.truncated} truncated to "
        f"{settings.max_length} tokens, skipped: {stats.skipped or 'none'})"
        + (f", packed into {len(units)} blocks" if settings.packing else "")
    )
    if len(units) < settings.batch_size * state.num_processes:
        raise ValueError(
            f"training set is empty after batching: {len(units)} examples/blocks make fewer "
            f"than {state.num_processes} batches of {settings.batch_size} (one per process)"
        )

    identity = _run_identity(base, settings, units)
    resume = prepare_partial(partial, identity) if main else None
    state.wait_for_everyone()
    resume = resume if main else last_whole_checkpoint(partial)
    resumed_from = checkpoint_step(resume) if resume else 0
    if resume:
        say(f"resuming from {resume.name}: a run of the same data and settings was stopped there")

    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    model = AutoModelForCausalLM.from_pretrained(
        base, dtype=torch.float32, attn_implementation=settings.attn_implementation
    )
    model.config.use_cache = False  # a KV cache is useless in training and costs memory
    if settings.lora_r is not None:
        model = with_lora(model, settings)
        say(_trainable(model))

    run_log = RunLog(partial / TRAIN_LOG, say if main else None, on_step, settings.log_every)
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=Units(units),
        data_collator=lambda batch: collate(batch, pad_id) | token_count(batch),
        callbacks=[run_log],
    )
    run_log.trainer = trainer
    trainer.remove_callback(ProgressCallback)  # the bar stays; run_log says each step's line
    trainer.add_callback(QuietProgress)
    output = trainer.train(resume_from_checkpoint=str(resume) if resume else None)

    unwrapped = trainer.accelerator.unwrap_model(trainer.model)
    unwrapped.config.use_cache = True  # the checkpoint is for generation
    trainer.save_model(str(partial))  # every process: FSDP and DeepSpeed gather shards here
    losses = [record["loss"] for record in read_log(partial / TRAIN_LOG)] if main else []
    steps = trainer.state.global_step
    wall = time.monotonic() - started
    summary = {
        "done": True,
        "base_model": str(base),
        "settings": settings.model_dump(),
        "settings_fingerprint": settings.fingerprint(),
        "examples": stats.rows,
        "trained_examples": stats.kept,
        "skipped": stats.skipped,
        "truncated": stats.truncated,
        "packed_blocks": len(units) if settings.packing else None,
        "steps": steps,
        "epochs": round(trainer.state.epoch or 0.0, 4),
        "final_loss": losses[-1] if losses else None,
        "train_loss": output.training_loss,
        "resumed_from_step": resumed_from,
        "adapter": settings.lora_r is not None,
        "wall_seconds": round(wall, 2),
        "processes": state.num_processes,
        "distributed": str(trainer.accelerator.distributed_type.value),
        "mixed_precision": args.mixed_precision,
        "device": str(args.device.type),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
    }
    if main:
        finish_partial(partial)
        tokenizer.save_pretrained(partial)
        (partial / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n")
        publish(partial, output_dir)
    state.wait_for_everyone()
    if main:
        say(f"{steps} steps in {wall:.1f} s, final loss {losses[-1]:.4f}: {output_dir}")
    return TrainResult(
        output_dir=output_dir,
        log_path=output_dir / TRAIN_LOG,
        summary_path=output_dir / SUMMARY,
        losses=losses,
        steps=steps,
        examples=stats.rows,
        trained_examples=stats.kept,
        skipped=stats.skipped,
        truncated=stats.truncated,
        wall_seconds=wall,
        summary=summary,
        resumed_from=resumed_from,
    )


def _run_identity(base: Path, settings: SFTSettings, units: Sequence[Example | Block]) -> str:
    """What a partial folder's checkpoints were trained from: the base folder and its config,
    the settings and the exact token ids and labels. Only the same identity resumes."""
    digest = hashlib.sha256()
    head = [str(base.resolve()), settings.fingerprint(), TRAINER_VERSION]
    digest.update(json.dumps(head).encode())
    digest.update((base / "config.json").read_bytes())
    for unit in units:
        digest.update(json.dumps([unit.input_ids, unit.labels]).encode())
    return digest.hexdigest()


def with_lora(model: Any, settings: SFTSettings) -> Any:
    from peft import LoraConfig, get_peft_model

    targets = settings.lora_target_modules
    config = LoraConfig(
        r=settings.lora_r,
        lora_alpha=settings.lora_alpha,
        lora_dropout=settings.lora_dropout,
        target_modules=targets if targets == "all-linear" else targets.split(","),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)


def _trainable(model: Any) -> str:
    trainable, total = model.get_nb_trainable_parameters()
    return f"LoRA: {trainable:,} of {total:,} parameters trained ({100 * trainable / total:.2f}%)"
