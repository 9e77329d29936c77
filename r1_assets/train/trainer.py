"""The SFT loop: plain torch + ``accelerate.Accelerator`` (TRL is not a dependency), so the same
``train`` runs in-process on CPU and under ``accelerate launch`` on many GPUs."""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from r1_assets.train.batches import Block, collate, epoch_batches, pack
from r1_assets.train.encode import IGNORE, Example, encode_rows
from r1_assets.train.output import SUMMARY, TRAIN_LOG, publish, start_partial
from r1_assets.train.settings import SFTSettings

if TYPE_CHECKING:  # torch and transformers are slow to import: only train() pays for them
    import torch


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


def _param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    # biases and norm weights (1-D) are not decayed: shrinking them toward 0 only hurts
    decay = [p for p in model.parameters() if p.requires_grad and p.ndim >= 2]
    rest = [p for p in model.parameters() if p.requires_grad and p.ndim < 2]
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": rest, "weight_decay": 0.0},
    ]


def train(
    base_model: str,
    rows: list[dict],
    settings: SFTSettings,
    output_dir: Path,
    log: Callable[[str], None] | None = None,
    on_step: Callable[[dict], None] | None = None,
) -> TrainResult:
    """Fine-tune ``base_model`` (a local folder) on AM rows; write the checkpoint, train_log.jsonl
    and train_summary.json to ``output_dir``. The run writes into a sibling ``.<name>.partial``
    folder renamed into place at the end, so ``output_dir`` only ever holds a finished run.
    ``log`` and ``on_step`` (the step's train_log record) are called on the main process only."""
    base = check_base_model(base_model)
    if not rows:
        raise ValueError("training set is empty after reading: no rows given")
    if settings.packing:
        _check_packing_support()

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
    from accelerate import Accelerator
    from accelerate.utils import set_seed
    from transformers import AutoModelForCausalLM, AutoTokenizer, get_linear_schedule_with_warmup

    started = time.monotonic()
    # mixed precision and the process group come from `accelerate launch` (or none: fp32, 1 process)
    accelerator = Accelerator()
    main = accelerator.is_main_process
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world != accelerator.num_processes:
        # each process would train alone and all would write the same output folder
        raise RuntimeError(
            f"launched as {world} processes (WORLD_SIZE) but accelerate set up "
            f"{accelerator.num_processes}: on CPU-only machines set ACCELERATE_USE_CPU=1 "
            "(torchrun) or launch with a MULTI_CPU accelerate config"
        )

    def say(message: str) -> None:
        if log and main:
            log(message)

    if accelerator.device.type == "cpu" and accelerator.mixed_precision == "bf16":
        say("warning: bf16 on CPU is only fast with AVX512-BF16/AMX; fp32 is the safe choice")
    set_seed(settings.seed)

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

    processes, rank = accelerator.num_processes, accelerator.process_index
    micro_per_epoch = len(epoch_batches(len(units), settings.batch_size, 0, 0, processes, rank))
    if micro_per_epoch == 0:
        raise ValueError(
            f"training set is empty after batching: {len(units)} examples/blocks make fewer "
            f"than {processes} batches of {settings.batch_size} (one per process)"
        )
    steps_per_epoch = math.ceil(micro_per_epoch / settings.grad_accum)
    total_steps = settings.max_steps or settings.epochs * steps_per_epoch

    model = AutoModelForCausalLM.from_pretrained(
        base, dtype=torch.float32, attn_implementation=settings.attn_implementation
    )
    model.config.use_cache = False  # a KV cache is useless in training and costs memory
    if settings.gradient_checkpointing:
        model.gradient_checkpointing_enable()
    # the model is prepared before the optimizer sees its parameters: FSDP replaces them
    model = accelerator.prepare(model)
    optimizer = torch.optim.AdamW(
        _param_groups(model, settings.weight_decay), lr=settings.learning_rate
    )
    optimizer = accelerator.prepare(optimizer)
    # stepped once per optimizer step by hand: accelerate's wrapper would step it once per process
    scheduler = get_linear_schedule_with_warmup(
        optimizer, round(settings.warmup_ratio * total_steps), total_steps
    )
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    partial = start_partial(output_dir) if main else None
    accelerator.wait_for_everyone()
    log_file = (partial / TRAIN_LOG).open("w", encoding="utf-8") if main else None

    losses: list[float] = []
    step, epoch = 0, 0
    model.train()
    try:
        while step < total_steps:
            batches = epoch_batches(
                len(units), settings.batch_size, settings.seed, epoch, processes, rank
            )
            for first in range(0, len(batches), settings.grad_accum):
                window = batches[first : first + settings.grad_accum]
                record = _optimizer_step(
                    accelerator, model, optimizer, scheduler, settings, units, window, pad_id
                )
                step += 1
                losses.append(record["loss"])
                record = {
                    "step": step,
                    "epoch": round(epoch + (first + len(window)) / len(batches), 4),
                    **record,
                }
                if main:
                    log_file.write(json.dumps(record) + "\n")
                    log_file.flush()  # a long run can be followed with tail -f
                    if on_step:
                        on_step(record)
                    if step % settings.log_every == 0 or step == total_steps:
                        say(
                            f"step {step}/{total_steps}: loss {record['loss']:.4f}, "
                            f"lr {record['learning_rate']:.2e}, {record['seconds']:.1f} s"
                        )
                if not math.isfinite(record["loss"]):
                    raise FloatingPointError(f"loss is {record['loss']} at step {step}")
                if step >= total_steps:
                    break
            epoch += 1
    finally:
        if log_file:
            log_file.close()

    accelerator.wait_for_everyone()
    unwrapped = accelerator.unwrap_model(model)
    unwrapped.config.use_cache = True  # the checkpoint is for generation
    state_dict = accelerator.get_state_dict(model)  # every process: FSDP gathers shards here
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
        "steps": step,
        "epochs": round(step / steps_per_epoch, 4),
        "final_loss": losses[-1],
        "wall_seconds": round(wall, 2),
        "processes": processes,
        "mixed_precision": accelerator.mixed_precision,
        "device": accelerator.device.type,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
    }
    if main:
        unwrapped.save_pretrained(partial, state_dict=state_dict)
        tokenizer.save_pretrained(partial)
        (partial / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n")
        publish(partial, output_dir)
    accelerator.wait_for_everyone()
    say(f"{step} steps in {wall:.1f} s, final loss {losses[-1]:.4f}: {output_dir}")
    return TrainResult(
        output_dir=output_dir,
        log_path=output_dir / TRAIN_LOG,
        summary_path=output_dir / SUMMARY,
        losses=losses,
        steps=step,
        examples=stats.rows,
        trained_examples=stats.kept,
        skipped=stats.skipped,
        truncated=stats.truncated,
        wall_seconds=wall,
        summary=summary,
    )


def _optimizer_step(
    accelerator: Any,
    model: torch.nn.Module,
    optimizer: Any,
    scheduler: Any,
    settings: SFTSettings,
    units: Sequence[Example | Block],
    window: list[list[int]],
    pad_id: int,
) -> dict[str, Any]:
    """One optimizer step over ``window`` (grad_accum batches). The loss is the mean over every
    labelled token of the window — not a mean of per-batch means, which would weigh a short
    answer's tokens more than a long one's. Across processes DDP averages the per-process means."""
    import torch

    tick = time.monotonic()
    learning_rate = scheduler.get_last_lr()[0]
    batches = [collate([units[i] for i in indices], pad_id) for indices in window]
    # the model shifts labels by one: position 0's label is never predicted
    labelled = sum(int((b["labels"][:, 1:] != IGNORE).sum()) for b in batches)
    tokens = sum(len(units[i].input_ids) for indices in window for i in indices)
    count = torch.tensor(labelled, device=accelerator.device)
    loss_sum = torch.zeros((), device=accelerator.device)
    for index, batch in enumerate(batches):
        batch = {k: v.to(accelerator.device) for k, v in batch.items()}
        last = index == len(batches) - 1
        # gradients are all-reduced once per step, on its last forward/backward
        sync = contextlib.nullcontext() if last else accelerator.no_sync(model)
        with sync:
            # use_cache=False matters: with a KV cache transformers ignores packed position_ids
            loss = model(**batch, num_items_in_batch=count, use_cache=False).loss
            accelerator.backward(loss)
        loss_sum += loss.detach().float()
    grad_norm = None
    if settings.max_grad_norm:
        grad_norm = float(accelerator.clip_grad_norm_(model.parameters(), settings.max_grad_norm))
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)
    mean_loss = float(accelerator.reduce(loss_sum, reduction="mean"))
    totals = accelerator.reduce(
        torch.tensor([tokens, labelled], device=accelerator.device), reduction="sum"
    )
    return {
        "loss": mean_loss,
        "learning_rate": learning_rate,
        "tokens": int(totals[0]),
        "label_tokens": int(totals[1]),
        "grad_norm": grad_norm,
        "seconds": round(time.monotonic() - tick, 3),
    }
