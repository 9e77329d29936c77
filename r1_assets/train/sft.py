"""Supervised fine-tuning of a causal LM on AM-DeepSeek-R1-Distilled rows.

Each row's final assistant turn is trained as ``<think>\\n{think}\\n</think>\\n\\n{answer}`` (the
DeepSeek-R1-Distill format: reasoning inside the think block, the answer after it) and rendered
with the student tokenizer's own chat template. The loss covers the assistant tokens only: the
rendered prompt (system/user turns and the assistant header) and padding are labelled -100.

The loop is plain torch + ``accelerate.Accelerator`` (TRL is not a dependency), so the same
``train`` runs in-process on CPU and under ``accelerate launch`` on many GPUs:

    python -m r1_assets.train.sft --dataset train.jsonl --base-model PATH --output DIR
    accelerate launch --config_file configs/accelerate_multi_gpu.yaml -m r1_assets.train.sft \\
        --dataset train.jsonl --base-model PATH --output DIR --config configs/sft_production.yaml

Packing concatenates examples into ``max_length`` blocks with position_ids restarting at 0 per
example and *no* 2D attention mask. transformers 5 turns such position_ids into a block-diagonal
causal mask for sdpa/eager/flex attention (``masking_utils.find_packed_sequence_indices``; its
presence is checked at run time) and into variable-length sequences for flash-attention 2, so
attention never crosses examples. Position_ids alone would not be enough elsewhere, and this
detection is switched off by a 2D attention mask, by a KV cache (hence ``use_cache=False`` in
every forward) and, for flash-attention 2, by a batch of more than one row (hence packing with
flash-attention requires batch_size 1). Packed batches therefore carry no attention mask: their
padding sits at the right end of a causal sequence, where nothing real attends to it. The tests
check that a packed batch's logits equal each example's logits computed alone.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import dataclasses
import hashlib
import json
import math
import os
import re
import shutil
import sys
import time
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # torch/transformers load in ~5 s: only train() pays for them
    import torch
    from transformers import PreTrainedTokenizerBase

IGNORE = -100  # the label torch's cross-entropy skips
SUMMARY = "train_summary.json"
TRAIN_LOG = "train_log.jsonl"


# --- settings -----------------------------------------------------------------------------------


# Part of every trained checkpoint's key: bump on any change here that changes what a run
# trains (formatting, labels, packing, truncation, the loop).
TRAINER_VERSION = "1"


@dataclass(frozen=True)
class SFTSettings:
    learning_rate: float = 1e-5
    epochs: int = 1
    max_steps: int | None = None  # when set, exactly this many optimizer steps (epochs cycle)
    max_length: int = 512  # tokens per example, or per block when packing
    batch_size: int = 1  # examples (or blocks) per forward pass, per process
    grad_accum: int = 1  # forward passes per optimizer step
    packing: bool = False
    warmup_ratio: float = 0.0
    weight_decay: float = 0.0
    max_grad_norm: float | None = 1.0
    gradient_checkpointing: bool = False  # trades ~30% compute for activation memory
    attn_implementation: str | None = None  # None: transformers' default (sdpa)
    seed: int = 0
    threads: int = 0  # torch intra-op threads; 0 leaves torch's default
    log_every: int = 1  # how often `log` hears of a step; train_log.jsonl has every step

    def __post_init__(self) -> None:
        positive = ("epochs", "max_length", "batch_size", "grad_accum", "log_every")
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"SFTSettings.{name} must be >= 1, got {getattr(self, name)}")
        if self.max_steps is not None and self.max_steps < 1:
            raise ValueError(f"SFTSettings.max_steps must be >= 1 or None, got {self.max_steps}")
        if self.learning_rate <= 0:
            raise ValueError(f"SFTSettings.learning_rate must be > 0, got {self.learning_rate}")
        if not 0.0 <= self.warmup_ratio < 1.0:
            raise ValueError(f"SFTSettings.warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        if self.threads < 0:
            raise ValueError(f"SFTSettings.threads must be >= 0, got {self.threads}")
        flash = (self.attn_implementation or "").startswith("flash_attention")
        if self.packing and flash and self.batch_size != 1:
            # flash-attention reads packed position_ids only from a single-row batch: with more
            # rows, attention would silently cross the packed examples
            raise ValueError("packing with flash-attention needs batch_size 1 (use grad_accum)")

    def fingerprint(self) -> str:
        """What the trained weights depend on. threads and log_every only change how a run goes,
        not what it trains, so they are left out (a rerun with more threads is not stale)."""
        payload = {k: v for k, v in dataclasses.asdict(self).items() if k not in _RUN_ONLY}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> SFTSettings:
        """Settings from a YAML/JSON mapping. Unknown keys are errors (a typo must not silently
        train with a default), and values are coerced: PyYAML reads ``1e-5`` as a string."""
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - fields)
        if unknown:
            raise ValueError(f"unknown SFT settings {unknown}; known: {sorted(fields)}")
        hints = typing.get_type_hints(cls)
        return cls(**{name: _coerce(name, hints[name], value) for name, value in values.items()})


_RUN_ONLY = ("threads", "log_every")


def _coerce(name: str, hint: Any, value: Any) -> Any:
    args = typing.get_args(hint)
    if value is None:
        if type(None) in args:
            return None
        raise ValueError(f"SFT setting {name} cannot be null")
    kind = next((a for a in args if a is not type(None)), hint) if args else hint
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise ValueError(f"SFT setting {name} must be true or false, got {value!r}")
    try:
        converted = kind(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"SFT setting {name}: {value!r} is not a {kind.__name__}") from error
    if kind is int and converted != float(value):
        raise ValueError(f"SFT setting {name} must be an integer, got {value!r}")
    return converted


def load_settings(path: Path) -> SFTSettings:
    import yaml

    values = yaml.safe_load(Path(path).read_text()) or {}
    if not isinstance(values, dict):
        raise ValueError(f"{path}: expected a mapping of SFT settings, got {type(values).__name__}")
    return SFTSettings.from_mapping(values)


# --- chat formatting and label masking ----------------------------------------------------------


class ChatTemplateError(ValueError):
    """The tokenizer's chat template does not render the prompt as a prefix of the conversation,
    so the assistant's tokens cannot be told apart from the prompt's."""


def assistant_text(message: dict) -> str:
    """An AM assistant turn as the student learns it: ``<think>\\n…\\n</think>\\n\\n{answer}``.
    think/answer come from info (the AM export fills them); a row without them is parsed from
    its content (``<think>…</think>`` then optional ``<answer>…</answer>``); content without a
    think block is trained as it is."""
    info = message.get("info") or {}
    think, answer = info.get("think_content"), info.get("answer_content")
    if think is None and answer is None:
        think, answer = _split_content(message.get("content") or "")
    if think is None:
        return answer or ""
    return f"<think>\n{think.strip()}\n</think>\n\n{(answer or '').strip()}"


_THINK = re.compile(r"^\s*<think>(.*?)</think>(.*)$", re.DOTALL)
_ANSWER = re.compile(r"^\s*<answer>(.*?)</answer>\s*$", re.DOTALL)


def _split_content(content: str) -> tuple[str | None, str]:
    match = _THINK.match(content)
    if not match:
        return None, content.strip()
    think, rest = match.group(1).strip(), match.group(2)
    answer = _ANSWER.match(rest)
    return think, (answer.group(1) if answer else rest).strip()


def training_conversation(messages: Sequence[dict]) -> list[dict[str, str]] | None:
    """role/content turns ending with the assistant turn to learn, or None when the row has
    no final assistant turn with text. Earlier assistant turns keep only their answer: R1-style
    chat history carries no reasoning."""
    if not messages or (messages[-1] or {}).get("role") != "assistant":
        return None
    turns = []
    for message in messages[:-1]:
        content = message.get("content") or ""
        if message.get("role") == "assistant":
            content = _split_content(content)[1]
        turns.append({"role": message["role"], "content": content})
    target = assistant_text(messages[-1])
    if not target.strip():
        return None
    return [*turns, {"role": "assistant", "content": target}]


def tokenize_with_prompt(
    tokenizer: PreTrainedTokenizerBase, prompt_text: str, full_text: str
) -> tuple[list[int], int, str]:
    """Token ids of ``full_text`` and the index of its first assistant token, with the method
    that found it: ``prefix`` when the prompt's own tokens are a token-prefix of the full
    rendering (the usual case), ``offsets`` when BPE merged across the boundary and the split
    comes from character offsets (the first token carrying any character past the prompt)."""
    if not full_text.startswith(prompt_text):
        raise ChatTemplateError(
            "the chat template renders the prompt (add_generation_prompt=True) differently from "
            "the start of the full conversation, so the assistant's tokens cannot be found; "
            f"prompt ends {prompt_text[-80:]!r}, conversation has "
            f"{full_text[len(prompt_text) - 80 : len(prompt_text) + 40]!r}"
        )
    full = tokenizer(full_text, add_special_tokens=False)["input_ids"]
    prompt = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    if full[: len(prompt)] == prompt:
        return full, len(prompt), "prefix"
    if not getattr(tokenizer, "is_fast", False):
        raise ChatTemplateError(
            "the prompt's tokens are not a prefix of the conversation's and this slow "
            "tokenizer has no character offsets to split them by"
        )
    encoded = tokenizer(full_text, add_special_tokens=False, return_offsets_mapping=True)
    boundary = len(prompt_text)
    for index, (_, end) in enumerate(encoded["offset_mapping"]):
        if end > boundary:
            return encoded["input_ids"], index, "offsets"
    return encoded["input_ids"], len(encoded["input_ids"]), "offsets"


@dataclass(frozen=True)
class Example:
    input_ids: list[int]
    labels: list[int]  # IGNORE outside the assistant turn
    truncated: bool


def encode_example(
    tokenizer: PreTrainedTokenizerBase, messages: Sequence[dict], max_length: int
) -> tuple[Example | None, str | None]:
    """One row as token ids and labels, or (None, reason) when it cannot be trained on.

    Labelled: the assistant turn's tokens through the end-of-turn token (the tokenizer's eos,
    which the model must learn to stop with); the template's whitespace after it is not — the
    model never has to produce it. Truncation drops the end."""
    conversation = training_conversation(messages)
    if conversation is None:
        return None, "no_assistant_turn"
    prompt_text = tokenizer.apply_chat_template(
        conversation[:-1], tokenize=False, add_generation_prompt=True
    )
    full_text = tokenizer.apply_chat_template(conversation, tokenize=False)
    ids, start, _ = tokenize_with_prompt(tokenizer, prompt_text, full_text)
    end = len(ids)
    eos = tokenizer.eos_token_id
    if eos is not None and eos in ids[start:]:
        end = len(ids) - ids[::-1].index(eos)
    labels = [IGNORE] * start + ids[start:end] + [IGNORE] * (len(ids) - end)
    truncated = len(ids) > max_length
    ids, labels = ids[:max_length], labels[:max_length]
    if all(label == IGNORE for label in labels):
        return None, "no_assistant_token_after_truncation"
    return Example(ids, labels, truncated), None


@dataclass
class EncodeStats:
    rows: int = 0
    kept: int = 0
    truncated: int = 0  # kept examples that lost their end to max_length
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows


def encode_rows(
    tokenizer: PreTrainedTokenizerBase, rows: Iterable[dict], max_length: int
) -> tuple[list[Example], EncodeStats]:
    examples: list[Example] = []
    stats = EncodeStats()
    skipped: Counter[str] = Counter()
    for row in rows:
        stats.rows += 1
        example, reason = encode_example(tokenizer, row.get("messages") or [], max_length)
        if example is None:
            skipped[reason or "unknown"] += 1
            continue
        examples.append(example)
        stats.truncated += example.truncated
    stats.kept = len(examples)
    stats.skipped = dict(skipped)
    return examples, stats


# --- packing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """Examples packed into one sequence: position_ids restart at 0 for each."""

    input_ids: list[int]
    labels: list[int]
    position_ids: list[int]
    members: tuple[int, ...]  # indices of the packed examples, in block order


def pack(examples: Sequence[Example], max_length: int) -> list[Block]:
    """Best-fit decreasing: longest example first, each into the fullest block it still fits
    (fewer blocks, so less padding, than filling blocks in order). Examples are never split:
    a split example's second half would learn to continue text it cannot see."""
    order = sorted(range(len(examples)), key=lambda i: (-len(examples[i].input_ids), i))
    contents: list[list[int]] = []
    free: list[tuple[int, int]] = []  # (room left, block index), sorted
    for i in order:
        size = len(examples[i].input_ids)
        if size > max_length:
            raise ValueError(f"example {i} has {size} tokens, more than max_length {max_length}")
        slot = bisect.bisect_left(free, (size, -1))
        if slot < len(free):
            room, block = free.pop(slot)
            contents[block].append(i)
        else:
            room, block = max_length, len(contents)
            contents.append([i])
        if room - size > 0:
            bisect.insort(free, (room - size, block))
    blocks = []
    for members in contents:
        ids: list[int] = []
        labels: list[int] = []
        positions: list[int] = []
        for i in members:
            example = examples[i]
            ids += example.input_ids
            # the first token's label would be predicted from the previous example's last token
            labels += [IGNORE, *example.labels[1:]]
            positions += range(len(example.input_ids))
        blocks.append(Block(ids, labels, positions, tuple(members)))
    return blocks


# --- batching -----------------------------------------------------------------------------------


def epoch_batches(
    units: int, batch_size: int, seed: int, epoch: int, processes: int = 1, rank: int = 0
) -> list[list[int]]:
    """This process's batches for one epoch: a seeded shuffle (the same order on every process
    and every rerun), cut into batches, dealt round-robin. Batches that would leave the
    processes with unequal counts are dropped: DDP waits for every process at every step."""
    import torch

    generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    order = torch.randperm(units, generator=generator).tolist()
    batches = [order[i : i + batch_size] for i in range(0, units, batch_size)]
    usable = len(batches) - len(batches) % processes
    return batches[rank:usable:processes]


def collate(units: Sequence[Example | Block], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded tensors. Plain examples get an attention mask; packed blocks get
    position_ids and no attention mask (see the module docstring), their padding a segment of
    its own."""
    import torch

    width = max(len(u.input_ids) for u in units)
    ids, labels, extra = [], [], []
    for unit in units:
        pad = width - len(unit.input_ids)
        ids.append(unit.input_ids + [pad_id] * pad)
        labels.append(unit.labels + [IGNORE] * pad)
        if isinstance(unit, Block):
            extra.append(unit.position_ids + list(range(pad)))
        else:
            extra.append([1] * len(unit.input_ids) + [0] * pad)
    batch = {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels)}
    key = "position_ids" if isinstance(units[0], Block) else "attention_mask"
    batch[key] = torch.tensor(extra)
    return batch


# --- training -----------------------------------------------------------------------------------


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


def _check_base_model(base_model: str) -> Path:
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
    base = _check_base_model(base_model)
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
    examples, stats = encode_rows(tokenizer, rows, settings.max_length)
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

    partial = output_dir.parent / f".{output_dir.name}.partial"
    if main:
        shutil.rmtree(partial, ignore_errors=True)  # what a killed run left behind
        partial.mkdir(parents=True)
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
        "settings": dataclasses.asdict(settings),
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
        _replace(partial, output_dir)
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


def _replace(partial: Path, output_dir: Path) -> None:
    """Move the finished run into place; a previous run there is removed only after."""
    old = output_dir.parent / f".{output_dir.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if output_dir.exists():
        output_dir.rename(old)
    partial.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)


# --- CLI ----------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[dict]:
    """AM rows from the SFT export: JSONL (one row a line) or Parquet."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"dataset {path} does not exist")
    if path.suffix == ".parquet":
        import polars as pl

        return pl.read_parquet(path).to_dicts()
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not a JSON row ({error})") from error
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m r1_assets.train.sft",
        description="Fine-tune a causal LM on AM-format rows (loss on the assistant turn only).",
    )
    parser.add_argument("--dataset", type=Path, required=True, help="JSONL or Parquet of AM rows")
    parser.add_argument("--base-model", required=True, help="local model folder")
    parser.add_argument("--output", type=Path, required=True, help="checkpoint folder to write")
    parser.add_argument("--config", type=Path, help="YAML of SFTSettings fields")
    args = parser.parse_args(argv)

    settings = load_settings(args.config) if args.config else SFTSettings()
    _check_base_model(args.base_model)  # before reading a large dataset
    rows = read_rows(args.dataset)
    rank = int(os.environ.get("RANK", "0"))

    def say(message: str) -> None:
        if rank == 0:
            print(message, flush=True)

    result = train(args.base_model, rows, settings, args.output, log=say)
    say(json.dumps({k: result.summary[k] for k in ("steps", "final_loss", "wall_seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
