"""Where a trained checkpoint lives: a folder keyed by everything that decides its weights, so
rematerializing an unchanged setup reuses it and any change trains a new one."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from r1_assets.train.output import SUMMARY
from r1_assets.train.settings import TRAINER_VERSION, SFTSettings


def checkpoint_key(dataset_hash: str, base_model_id: str, settings: SFTSettings) -> str:
    """The key of the checkpoint trained on this data from this base with these settings."""
    import transformers

    # everything that decides what the checkpoint holds: data, base weights, settings, trainer
    return hashlib.sha256(
        json.dumps(
            [
                dataset_hash,
                base_model_id,
                settings.fingerprint(),
                TRAINER_VERSION,
                transformers.__version__,
            ]
        ).encode()
    ).hexdigest()[:16]


def checkpoint_dir(models_root: Path, key: str) -> Path:
    return models_root / "trained" / key


def is_trained(folder: Path) -> bool:
    """Whether a run finished in ``folder`` (its summary says done)."""
    summary = folder / SUMMARY
    return summary.exists() and bool(json.loads(summary.read_text()).get("done"))
