"""What a training run will do, before it runs: the data after encoding and packing, the steps
the Trainer will take, the model's size, and the memory its weights, gradients and optimizer take
per GPU under an accelerate launch config. ``python -m r1_assets.train.sft --dry-run`` prints it.
No weights are read (the model is built on the meta device from its config.json), so a 32B
student's run is checked on a laptop before it is launched on a cluster."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

from r1_assets.train.batches import pack
from r1_assets.train.encode import IGNORE, encode_rows
from r1_assets.train.settings import SFTSettings

GIB = 1024**3
# bytes per trained parameter: fp32 master weight, fp32 gradient, two fp32 Adam moments (bf16
# autocast keeps fp32 masters, so mixed precision does not shrink this)
TRAINED_BYTES = 4 + 4 + 8
FROZEN_BYTES = 4  # a LoRA run's base weights, fp32 as the trainer loads them
SHARDING_STRATEGIES = ("FULL_SHARD", "HYBRID_SHARD", "1", "4")  # FSDP1's names and numbers


@dataclass(frozen=True)
class Launch:
    """The parts of an accelerate launch config a plan needs."""

    source: str
    processes: int  # across all machines
    machines: int
    distributed: str  # NO, MULTI_GPU, FSDP, DEEPSPEED, MULTI_CPU
    mixed_precision: str
    shards_weights: bool  # weights split across processes too (FSDP full shard, ZeRO-3)
    shards_optimizer: bool  # gradients and optimizer state split (FSDP, ZeRO-2/3)


def read_launch(path: Path | None) -> Launch:
    """An accelerate config file (``accelerate config`` writes one), or one plain process."""
    if path is None:
        return Launch("one process (no launch config)", 1, 1, "NO", "no", False, False)
    from accelerate.commands.config.config_args import load_config_from_file

    config = load_config_from_file(str(path))
    distributed = str(config.distributed_type.value)
    weights = optimizer = False
    if distributed == "FSDP":
        fsdp = config.fsdp_config or {}
        if int(fsdp.get("fsdp_version", 1)) == 2:
            weights = bool(fsdp.get("fsdp_reshard_after_forward", True))
        else:
            weights = str(fsdp.get("fsdp_sharding_strategy", "FULL_SHARD")) in SHARDING_STRATEGIES
        optimizer = True
    elif distributed == "DEEPSPEED":
        stage = int((config.deepspeed_config or {}).get("zero_stage", 0))
        weights, optimizer = stage >= 3, stage >= 2
    return Launch(
        str(path),
        int(config.num_processes),
        int(config.num_machines),
        distributed,
        str(config.mixed_precision),
        weights,
        optimizer,
    )


@dataclass(frozen=True)
class TrainPlan:
    rows: int
    trained_examples: int
    skipped: dict[str, int]
    truncated: int
    units: int  # examples, or packed blocks
    tokens: int  # every token of the kept examples
    label_tokens: int
    fill: float  # tokens / (units x max_length): how full the packed blocks are
    processes: int
    global_batch: int  # units per optimizer step, all processes
    steps_per_epoch: int
    total_steps: int
    warmup_steps: int
    save_steps: int
    checkpoints: int  # resumable checkpoints written on the way
    parameters: int
    trained_parameters: int
    max_position_embeddings: int | None
    state_gib_per_process: float  # weights, gradients and optimizer state, activations not
    checkpoint_gib: float  # one resumable checkpoint: weights and optimizer state
    gpu_gib: float
    problems: list[str]  # what would fail or waste the run, one line each

    def lines(self, launch: Launch) -> list[str]:
        per_unit = "blocks" if self.units != self.trained_examples else "examples"
        skipped = ", ".join(f"{k} {v}" for k, v in self.skipped.items()) or "none"
        return [
            f"data: {self.trained_examples:,} of {self.rows:,} rows kept (skipped: {skipped}; "
            f"{self.truncated:,} truncated), {self.tokens:,} tokens, {self.label_tokens:,} "
            f"trained on; {self.units:,} {per_unit}, {100 * self.fill:.0f}% full",
            f"launch: {launch.source}: {launch.distributed}, {self.processes} process(es) on "
            f"{launch.machines} machine(s), mixed precision {launch.mixed_precision}",
            f"steps: {self.global_batch:,} {per_unit} per optimizer step, "
            f"{self.steps_per_epoch:,} per epoch, {self.total_steps:,} in all "
            f"({self.warmup_steps:,} warming up); a resumable checkpoint every "
            f"{self.save_steps:,} steps: {self.checkpoints:,} of {self.checkpoint_gib:,.1f} GiB",
            f"model: {self.parameters / 1e9:,.2f}B parameters, "
            f"{self.trained_parameters / 1e9:,.3f}B trained",
            f"memory per process: {self.state_gib_per_process:,.1f} GiB of weights, gradients "
            f"and optimizer state (activations come on top) of {self.gpu_gib:,.0f} GiB",
            *(f"problem: {p}" for p in self.problems),
        ]

    def as_dict(self) -> dict:
        return asdict(self)


def plan_training(
    base: Path,
    rows: list[dict],
    settings: SFTSettings,
    launch: Launch,
    gpu_gib: float = 80.0,
) -> TrainPlan:
    """The run ``train`` would do with these rows and settings under ``launch``, counted the
    Trainer's way (ragged last batches padded across processes, steps rounded up)."""
    from transformers import AutoConfig, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base)
    examples, stats = encode_rows(tokenizer, rows, settings.max_length, settings.overlong)
    units = pack(examples, settings.max_length) if settings.packing else examples
    tokens = sum(len(e.input_ids) for e in examples)
    processes = launch.processes
    batches = math.ceil(len(units) / (settings.batch_size * processes)) if units else 0
    steps_per_epoch = max(math.ceil(batches / settings.grad_accum), 1) if units else 0
    total = settings.max_steps or settings.epochs * steps_per_epoch
    config = AutoConfig.from_pretrained(base)
    parameters, trained = _parameters(config, settings)
    frozen = parameters - trained
    weights = frozen * FROZEN_BYTES + trained * 4
    moving = trained * (TRAINED_BYTES - 4)  # gradients and Adam moments
    state = weights / (processes if launch.shards_weights else 1) + moving / (
        processes if launch.shards_optimizer else 1
    )
    positions = getattr(config, "max_position_embeddings", None)
    problems = []
    if not units:
        problems.append(f"no example fits max_length {settings.max_length}: {stats.skipped}")
    elif len(units) < settings.batch_size * processes:
        problems.append(f"{len(units)} units make fewer than one batch per process")
    if positions and settings.max_length > positions:
        problems.append(
            f"max_length {settings.max_length} is beyond the model's "
            f"max_position_embeddings {positions}"
        )
    if state > 0.9 * gpu_gib * GIB:
        hint = (
            "use more processes"
            if launch.shards_weights
            else ("shard them across processes (configs/accelerate_fsdp.yaml)")
        )
        hint += "" if settings.lora_r else ", or train LoRA (lora_r)"
        problems.append(
            f"weights, gradients and optimizer state alone need {state / GIB:,.0f} GiB per "
            f"process, more than 90% of {gpu_gib:,.0f} GiB: {hint}"
        )
    return TrainPlan(
        rows=stats.rows,
        trained_examples=stats.kept,
        skipped=stats.skipped,
        truncated=stats.truncated,
        units=len(units),
        tokens=tokens,
        label_tokens=sum(sum(label != IGNORE for label in e.labels[1:]) for e in examples),
        fill=tokens / (len(units) * settings.max_length) if units else 0.0,
        processes=processes,
        global_batch=settings.batch_size * processes * settings.grad_accum,
        steps_per_epoch=steps_per_epoch,
        total_steps=total,
        warmup_steps=math.ceil(total * settings.warmup_ratio),
        save_steps=settings.save_steps,
        checkpoints=total // settings.save_steps,
        parameters=parameters,
        trained_parameters=trained,
        max_position_embeddings=positions,
        state_gib_per_process=state / GIB,
        # a LoRA checkpoint holds the adapter, not the base it is trained over
        checkpoint_gib=((trained * 4 if settings.lora_r else weights) + trained * 8) / GIB,
        gpu_gib=gpu_gib,
        problems=problems,
    )


def _parameters(config, settings: SFTSettings) -> tuple[int, int]:
    """Every parameter and the trained ones, of the model built on the meta device (no memory,
    no weights read); LoRA's adapters counted as peft adds them."""
    import torch
    from transformers import AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    if settings.lora_r is None:
        total = sum(p.numel() for p in model.parameters())
        return total, total
    from r1_assets.train.trainer import with_lora

    adapted = with_lora(model, settings)
    trained, total = adapted.get_nb_trainable_parameters()
    return total, trained
