"""Where things live on disk: the project root, the data root and the two catalogs.

Both locations can be moved with environment variables so the same code runs against another
data root (tests, a shared disk) without editing anything:

- ``R1_ASSETS_DATA_DIR``: the data root (default: ``<project>/data``).
- ``R1_ASSETS_CATALOG``: the source catalog YAML (default: ``r1_assets/catalog/sources.yaml``).
- ``R1_ASSETS_BENCHMARKS``: the benchmark catalog YAML (default:
  ``r1_assets/evaluate/benchmarks.yaml``).
- ``R1_ASSETS_MODELS_DIR``: converted local models (default: ``<data root>/models``), so several
  data roots can share one converted teacher.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DEFAULT_CATALOG_PATH = PACKAGE_DIR / "catalog" / "sources.yaml"
DEFAULT_BENCHMARKS_PATH = PACKAGE_DIR / "evaluate" / "benchmarks.yaml"


def data_dir() -> Path:
    return Path(os.environ.get("R1_ASSETS_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def catalog_path() -> Path:
    return Path(os.environ.get("R1_ASSETS_CATALOG", DEFAULT_CATALOG_PATH)).resolve()


def benchmarks_path() -> Path:
    return Path(os.environ.get("R1_ASSETS_BENCHMARKS", DEFAULT_BENCHMARKS_PATH)).resolve()


def models_dir(data_root: Path | None = None) -> Path:
    default = (data_root or data_dir()) / "models"
    return Path(os.environ.get("R1_ASSETS_MODELS_DIR", default)).resolve()
