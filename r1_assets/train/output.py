"""A run's output folder: the checkpoint, its training log and summary, written into a hidden
``.<name>.partial`` sibling and renamed into place when finished, so the folder only ever holds a
finished run."""

from __future__ import annotations

import shutil
from pathlib import Path

SUMMARY = "train_summary.json"
TRAIN_LOG = "train_log.jsonl"


def start_partial(output_dir: Path) -> Path:
    """An empty ``.<name>.partial`` folder beside ``output_dir`` (what a killed run left there is
    removed)."""
    partial = output_dir.parent / f".{output_dir.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    return partial


def publish(partial: Path, output_dir: Path) -> None:
    """Move the finished run into place; a previous run there is removed only after."""
    old = output_dir.parent / f".{output_dir.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if output_dir.exists():
        output_dir.rename(old)
    partial.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)
