"""The SFT command line: fine-tune a causal LM on AM-DeepSeek-R1-Distilled rows from a JSONL or
Parquet export, on CPU here or on GPUs in production, with the same code as ``trained_model``:

    python -m r1_assets.train.sft --dataset train.jsonl --base-model PATH --output DIR
    accelerate launch --config_file configs/accelerate_multi_gpu.yaml -m r1_assets.train.sft \\
        --dataset train.jsonl --base-model PATH --output DIR --config configs/sft_production.yaml

``--dry-run --launch-config configs/accelerate_fsdp.yaml`` prints what that launch would do (data,
steps, parameters, memory per GPU, problems) without reading weights or training; it exits 1 when
it finds a problem.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from r1_assets.train.settings import SFTSettings, load_settings
from r1_assets.train.trainer import check_base_model, train


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
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan; read no weights, train nothing"
    )
    parser.add_argument(
        "--launch-config", type=Path, help="with --dry-run: the accelerate config to plan for"
    )
    parser.add_argument(
        "--gpu-memory-gib", type=float, default=80.0, help="with --dry-run: memory of one GPU"
    )
    args = parser.parse_args(argv)

    settings = load_settings(args.config) if args.config else SFTSettings()
    base = check_base_model(args.base_model)  # before reading a large dataset
    rows = read_rows(args.dataset)
    if args.dry_run:
        from r1_assets.train.plan import plan_training, read_launch

        launch = read_launch(args.launch_config)
        plan = plan_training(base, rows, settings, launch, args.gpu_memory_gib)
        print("\n".join(plan.lines(launch)))
        print(json.dumps(plan.as_dict()))
        return 1 if plan.problems else 0
    rank = int(os.environ.get("RANK", "0"))

    def say(message: str) -> None:
        if rank == 0:
            print(message, flush=True)

    result = train(args.base_model, rows, settings, args.output, log=say)
    say(json.dumps({k: result.summary[k] for k in ("steps", "final_loss", "wall_seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
