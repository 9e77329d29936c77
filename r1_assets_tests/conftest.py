"""Shared fixtures: temporary catalogs and data roots, so no test touches the project's data/."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from r1_assets import settings

FIXTURES = Path(__file__).parent / "fixtures"
REAL_ROWS = FIXTURES / "real"
DEMO_SOURCES = settings.PROJECT_ROOT / "data" / "sources"
VENV_BIN = Path(sys.executable).parent
# the embedded teacher is converted once (~30-60 s) and shared by every test and subprocess
MODELS_DIR = settings.PROJECT_ROOT / "data" / "models"


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    """Rows may be dicts (encoded as JSON) or raw strings (written as they are)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def make_catalog(tmp_path: Path) -> Callable[..., Path]:
    """Write a catalog YAML under tmp_path; entries get sensible defaults for omitted keys."""

    def make(*entries: dict[str, Any], base_dir: Path | None = None) -> Path:
        sources = [{"priority": 10, "license": "test", "domain": "math", **e} for e in entries]
        path = tmp_path / "catalog" / "sources.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"base_dir": str(base_dir or tmp_path), "sources": sources}
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        return path

    return make


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def materialize_in_parallel(
    select: str, partitions: list[str], env: dict[str, str], timeout: float = 600
) -> list[tuple[int, str]]:
    """Run `dagster asset materialize` for each source's first shard at once, as a backfill's
    run workers do; (exit code, output) per partition. DAGSTER_HOME is prepared first, as
    `r1-assets` does (dagster.yaml, storage, pool slots: each races when two processes create it
    at once)."""
    import dagster as dg

    from r1_assets.runs.instance import prepare_dagster_home

    prepare_dagster_home(Path(env["DAGSTER_HOME"]))
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        partitions = [str(shard_partition(instance, source)) for source in partitions]
    processes = [
        subprocess.Popen(
            [
                str(VENV_BIN / "dagster"),
                "asset",
                "materialize",
                "-m",
                "r1_assets.definitions",
                "--select",
                select,
                "--partition",
                partition,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for partition in partitions
    ]
    outputs = [p.communicate(timeout=timeout)[0] for p in processes]
    return [(p.returncode, out) for p, out in zip(processes, outputs, strict=True)]


def subprocess_env(catalog: Path, data: Path, dagster_home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "R1_ASSETS_CATALOG": str(catalog),
        "R1_ASSETS_DATA_DIR": str(data),
        "DAGSTER_HOME": str(dagster_home),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "R1_ASSETS_MODELS_DIR": str(MODELS_DIR),
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
    }
    return env


@pytest.fixture(scope="session", autouse=True)
def shared_models_dir() -> Path:
    """Every in-process Definitions reuses the one converted teacher."""
    previous = os.environ.get("R1_ASSETS_MODELS_DIR")
    os.environ["R1_ASSETS_MODELS_DIR"] = str(MODELS_DIR)
    yield MODELS_DIR
    if previous is None:
        os.environ.pop("R1_ASSETS_MODELS_DIR", None)
    else:
        os.environ["R1_ASSETS_MODELS_DIR"] = previous


def partition_for(defs, asset: str, key, instance):
    """``key`` as the partition of ``asset``'s runs: a source name becomes the source's first
    shard (registered in ``instance``) for per-shard stages; other keys pass as they are."""
    import dagster as dg

    from r1_assets.partitions import SHARD, dimensions

    definition = defs.resolve_assets_def(dg.AssetKey.from_user_string(asset)).partitions_def
    if isinstance(key, str) and SHARD in dimensions(definition):
        return shard_partition(instance, key)
    return key


def shard_partition(instance, source: str, shard: str = "0000"):
    """The (source, shard) partition key of a per-source stage, its shard registered in
    ``instance`` (as the source_shards sensor or `r1-assets materialize` would)."""
    import dagster as dg

    from r1_assets.partitions import SHARD

    if not instance.has_dynamic_partition(SHARD, shard):
        instance.add_dynamic_partitions(SHARD, [shard])
    return dg.MultiPartitionKey({"source": source, SHARD: shard})


def stop_process_group(process: subprocess.Popen, grace: float = 20) -> None:
    """SIGINT to the whole group (dagster dev ignores a plain SIGTERM on its children; for
    PostgreSQL it is the fast shutdown), then SIGKILL; returns when no process of it is left."""
    group = process.pid
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, 10)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            process.poll()
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
