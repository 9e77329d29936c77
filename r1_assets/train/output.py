"""A run's output folder: the checkpoint, its training log and summary, written into a hidden
``.<name>.partial`` sibling and renamed into place when finished, so the folder only ever holds a
finished run. The partial folder also holds the run's resumable checkpoints, marked with the
run's identity so that only the same run resumes from them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

SUMMARY = "train_summary.json"
TRAIN_LOG = "train_log.jsonl"


RUN_IDENTITY = "run.json"  # in the partial folder: which run its checkpoints belong to
CHECKPOINT_PREFIX = "checkpoint-"
TRAINER_STATE = "trainer_state.json"  # written last into a checkpoint: its presence means whole


def partial_dir(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.partial"


def prepare_partial(partial: Path, identity: str) -> Path | None:
    """The checkpoint to resume from: the last whole one of a run with this identity. A partial
    folder of another run (other data or settings, or one from before checkpoints) is removed,
    and so are the checkpoints a kill left half-written."""
    marker = partial / RUN_IDENTITY
    same = marker.exists() and json.loads(marker.read_text()).get("identity") == identity
    if not same:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        marker.write_text(json.dumps({"identity": identity}) + "\n")
        return None
    last = last_whole_checkpoint(partial)
    for folder in partial.glob(f"{CHECKPOINT_PREFIX}*"):
        if last is None or checkpoint_step(folder) > checkpoint_step(last):
            shutil.rmtree(folder)
    return last


def last_whole_checkpoint(partial: Path) -> Path | None:
    whole = [
        folder
        for folder in partial.glob(f"{CHECKPOINT_PREFIX}*")
        if (folder / TRAINER_STATE).exists() and folder.name[len(CHECKPOINT_PREFIX) :].isdigit()
    ]
    return max(whole, key=checkpoint_step, default=None)


def checkpoint_step(folder: Path) -> int:
    return int(folder.name[len(CHECKPOINT_PREFIX) :])


def finish_partial(partial: Path) -> None:
    """A finished run keeps its model, not the resumable checkpoints nor the run's mark."""
    for folder in partial.glob(f"{CHECKPOINT_PREFIX}*"):
        shutil.rmtree(folder)
    (partial / RUN_IDENTITY).unlink(missing_ok=True)


def publish(partial: Path, output_dir: Path) -> None:
    """Move the finished run into place; a previous run there is removed only after."""
    old = output_dir.parent / f".{output_dir.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if output_dir.exists():
        output_dir.rename(old)
    partial.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)
