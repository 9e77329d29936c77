"""Issue 19: kill -9 one shard's run in the middle of its stage, rerun that shard: nothing lost,
nothing paid twice, and the source's other shard untouched."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from r1_assets.dedup.cache import EmbeddingCache
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.conftest import VENV_BIN, subprocess_env, write_jsonl

SHARD_ROWS = 300
STAGE = "raw_problems,raw_problems_quarantine,problem_embeddings"


def problems(n: int) -> list[dict]:
    animals = ["cats", "dogs", "owls", "bees", "fish", "goats", "ducks", "frogs"]
    return [
        {
            "problem": f"Problem {i}: a farm has {i % 97 + 2} {animals[i % 8]} and buys "
            f"{i // 97 + 3} more {animals[(i // 8) % 8]}. How many animals are there in total?",
            "solution": f"\\boxed{{{i % 97 + i // 97 + 5}}}",
        }
        for i in range(n)
    ]


@pytest.mark.timeout(900)
def test_a_killed_shard_resumes_alone_without_paying_twice(make_catalog, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "big.jsonl", problems(2 * SHARD_ROWS))
    catalog = make_catalog(
        {"name": "big", "format": "numina_math", "location": "big.jsonl", "shard_rows": SHARD_ROWS}
    )
    data, home = tmp_path / "data", tmp_path / "home"
    env = subprocess_env(catalog, data, home)
    config = tmp_path / "run.yaml"  # a cache flush every 20 texts: a kill lands between flushes
    config.write_text(
        yaml.safe_dump(
            {"resources": {"embedder": {"config": {"chunk_size": 20, "batch_size": 20}}}}
        )
    )
    command = [str(VENV_BIN / "r1-assets"), "materialize", "--select", STAGE, "--config", config]
    process = subprocess.Popen(
        [str(part) for part in command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    store = Warehouse(data)
    first = Path(store.partition_path("problem_embeddings", "big.0000"))
    caches = data / "cache" / "embeddings"

    def cached() -> int:
        folders = [p for p in caches.iterdir() if p.is_dir()] if caches.exists() else []
        return sum(EmbeddingCache(caches, folder.name).count() for folder in folders)

    try:
        deadline = time.monotonic() + 600
        # shard 0000 done, and shard 0001 two flushes into its embeddings
        while not (first.exists() and cached() >= SHARD_ROWS + 40):
            assert process.poll() is None, "finished before it could be killed: make it longer"
            assert time.monotonic() < deadline
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    before = cached()
    assert SHARD_ROWS + 40 <= before < 2 * SHARD_ROWS
    assert not Path(store.partition_path("problem_embeddings", "big.0001")).exists()
    untouched = (first.stat().st_mtime_ns, first.read_bytes())

    # the killed shard alone, as the UI's re-execution of its failed run does
    rerun = subprocess.run(
        [
            str(VENV_BIN / "dagster"),
            "asset",
            "materialize",
            "-m",
            "r1_assets.definitions",
            "--select",
            STAGE,
            "--partition",
            "0001|big",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    [folder] = [p for p in caches.iterdir() if p.is_dir()]
    cache = EmbeddingCache(caches, folder.name)
    assert cache.count() == 2 * SHARD_ROWS == cache.writes()  # none lost, none embedded twice
    second = store.read("problem_embeddings", ["big.0001"])
    assert second.height == SHARD_ROWS and second["embedding"].null_count() == 0
    assert (first.stat().st_mtime_ns, first.read_bytes()) == untouched  # the other shard
    assert store.read("raw_problems")["source_row_id"].n_unique() == 2 * SHARD_ROWS
