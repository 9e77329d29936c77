"""The code location as Dagster's own tools load it, and partitions materialized in parallel
processes through the Dagster CLI."""

from __future__ import annotations

import subprocess
from pathlib import Path

from r1_assets import settings
from r1_assets.assets.keys import RAW_PROBLEMS
from r1_assets.catalog.spec import load_catalog
from r1_assets.definitions import defs
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.conftest import (
    VENV_BIN,
    materialize_in_parallel,
    subprocess_env,
    write_jsonl,
)


def test_shipped_definitions_have_one_partition_per_catalog_source() -> None:
    catalog = load_catalog(settings.DEFAULT_CATALOG_PATH, strict=True)
    partitions = defs.resolve_assets_def(RAW_PROBLEMS).partitions_def
    (sources,) = [d.partitions_def for d in partitions.partitions_defs if d.name == "source"]
    assert sources.get_partition_keys() == catalog.names
    assert len(catalog.names) >= 8


def test_each_op_is_named_after_an_asset_it_computes() -> None:
    # run config names ops: `ops: deduped_pool:` configures the deduped_pool asset
    for assets_def in defs.assets:
        assert assets_def.op.name in {key.to_user_string() for key in assets_def.keys}


def test_dagster_definitions_validate(tmp_path: Path) -> None:
    env = subprocess_env(settings.DEFAULT_CATALOG_PATH, tmp_path / "data", tmp_path / "home")
    (tmp_path / "home").mkdir()
    result = subprocess.run(
        [
            str(VENV_BIN / "dagster"),
            "definitions",
            "validate",
            "-w",
            str(settings.PROJECT_ROOT / "workspace.yaml"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr


def test_two_partitions_in_parallel_processes(make_catalog, tmp_path: Path) -> None:
    names = ["left", "right"]
    for name in names:
        write_jsonl(
            tmp_path / f"{name}.jsonl",
            [{"problem": f"{name} problem {i}?", "answer": str(i)} for i in range(50)],
        )
    catalog = make_catalog(
        *({"name": n, "format": "generic", "location": f"{n}.jsonl"} for n in names)
    )
    data = tmp_path / "data"
    env = subprocess_env(catalog, data, tmp_path / "home")
    results = materialize_in_parallel("raw_problems,raw_problems_quarantine", names, env, 300)
    for returncode, output in results:
        assert returncode == 0, output
        assert "Could not set lock" not in output
    counts = Warehouse(data).query(
        "SELECT source, count(*) AS n FROM raw_problems GROUP BY 1 ORDER BY 1"
    )
    assert counts.rows() == [("left", 50), ("right", 50)]
