"""The README's commands: headless materialization of the whole graph, catalog check, SQL."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import polars as pl
import pytest

from r1_assets import settings
from r1_assets.catalog.spec import load_catalog
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.conftest import VENV_BIN, subprocess_env, write_jsonl


def r1_assets(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "r1-assets"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=settings.PROJECT_ROOT,
    )


INGEST_AND_DEDUP = (
    "raw_problems,raw_problems_quarantine,problem_embeddings,deduped_pool,dedup_pairs"
)


def test_materialize_the_demo_sources_and_pool_headless(tmp_path: Path) -> None:
    # the LLM stages of the whole demo take minutes on CPU: test_llm_stage covers them on a small
    # catalog, and test_the_whole_demo_graph (slow) runs everything
    env = subprocess_env(settings.DEFAULT_CATALOG_PATH, tmp_path / "data", tmp_path / "home")
    result = r1_assets("materialize", "--select", INGEST_AND_DEDUP, env=env)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    names = load_catalog(settings.DEFAULT_CATALOG_PATH).names
    for name in names:
        assert f"\n0000|{name} " in result.stdout  # one summary line per source shard
    # and the wall time of the whole command, for the user to see where minutes go
    assert f"{len(names) + 1} run(s) in " in result.stdout  # per source, then the pool
    warehouse = Warehouse(tmp_path / "data")
    assert warehouse.partitions("raw_problems") == sorted(f"{name}.0000" for name in names)
    per_source = warehouse.query("SELECT source, count(*) AS n FROM raw_problems GROUP BY 1")
    assert set(per_source["source"]) == set(names) and per_source["n"].min() > 0
    # the runs went to the instance the UI reads
    assert (tmp_path / "home" / "dagster.yaml").exists()
    assert any((tmp_path / "home" / "history").rglob("*.db"))

    sql = r1_assets("sql", "SELECT count(DISTINCT source) AS n FROM raw_problems", env=env)
    assert sql.returncode == 0, sql.stderr
    assert f"│ {len(names)} " in sql.stdout

    def semantic_duplicates() -> int:
        pool = warehouse.read("deduped_pool")
        return int((pool["method"] == "semantic").sum())

    default = semantic_duplicates()
    config = tmp_path / "run.yaml"
    config.write_text("ops:\n  deduped_pool:\n    config: {threshold: 0.99}\n")
    strict = r1_assets(
        "materialize", "--select", "deduped_pool,dedup_pairs", "--config", str(config), env=env
    )
    assert strict.returncode == 0, strict.stdout + strict.stderr[-2000:]
    assert 0 <= semantic_duplicates() < default  # the run config reached the dedup run


def test_materialize_exits_nonzero_when_a_source_is_broken(make_catalog, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "ok.jsonl", [{"problem": "Fine?"}])
    catalog = make_catalog(
        {"name": "ok", "format": "generic", "location": "ok.jsonl"},
        {"name": "gone", "format": "generic", "location": "gone.jsonl"},
    )
    env = subprocess_env(catalog, tmp_path / "data", tmp_path / "home")
    result = r1_assets("materialize", env=env)
    assert result.returncode == 1
    assert "check raw_problems:source_read_completely did not pass" in result.stdout
    assert Warehouse(tmp_path / "data").read("raw_problems", ["ok.0000"]).height == 1


def test_catalog_check(make_catalog, tmp_path: Path) -> None:
    shipped = r1_assets(
        "catalog",
        "check",
        env=subprocess_env(settings.DEFAULT_CATALOG_PATH, tmp_path / "data", tmp_path / "home"),
    )
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    catalog = make_catalog(
        {"name": "typo", "format": "maht", "location": "x.jsonl"},
        {"name": "nofile", "format": "math", "location": "none.jsonl"},
    )
    broken = r1_assets("catalog", "check", env=subprocess_env(catalog, tmp_path, tmp_path))
    assert broken.returncode == 1
    assert "source 'typo', field 'format': unknown format 'maht'" in broken.stdout
    assert "source 'nofile', field 'location'" in broken.stdout


@pytest.mark.parametrize("broken", ["sources", "benchmarks"])
def test_a_broken_catalog_is_one_line_from_every_command(
    broken: str, make_catalog, tmp_path: Path
) -> None:
    catalog = make_catalog({"name": "ok", "format": "generic", "location": "ok.jsonl"})
    env = subprocess_env(catalog, tmp_path / "data", tmp_path / "home")
    unreadable = tmp_path / "broken.yaml"
    unreadable.write_text("[]\n")  # YAML, but not a catalog
    env["R1_ASSETS_CATALOG" if broken == "sources" else "R1_ASSETS_BENCHMARKS"] = str(unreadable)
    commands = [("materialize", "--select", "raw_problems"), ("prune",), ("catalog", "check")]
    for command in [*commands, ("dev", "--port", "1")]:  # dev stops before starting anything
        result = r1_assets(*command, env=env)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert result.stderr == f"error: broken.yaml: expected a mapping with a '{broken}' list\n"


def test_prune_removes_partitions_of_sources_dropped_from_the_catalog_and_shrunk_shards(
    make_catalog, tmp_path: Path
) -> None:
    for name in ("keep", "drop"):
        write_jsonl(tmp_path / f"{name}.jsonl", [{"problem": f"{name} {i}?"} for i in range(3)])
    entries = [
        {"name": "keep", "format": "generic", "location": "keep.jsonl", "shard_rows": 1},
        {"name": "drop", "format": "generic", "location": "drop.jsonl"},
    ]
    both = make_catalog(*entries)
    env = subprocess_env(both, tmp_path / "data", tmp_path / "home")
    ingest = r1_assets("materialize", "--select", "raw_problems,raw_problems_quarantine", env=env)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    warehouse = Warehouse(tmp_path / "data")
    assert warehouse.partitions("raw_problems") == [
        "drop.0000",
        "keep.0000",
        "keep.0001",
        "keep.0002",
    ]
    # a multi-dimensional partition (benchmark|model) is stored as benchmark.model: not stale
    warehouse.write("eval_scores", pl.DataFrame({"x": [1]}), "demo_math.base")
    write_jsonl(tmp_path / "keep.jsonl", [{"problem": "keep 0?"}, {"problem": "keep 1?"}])
    make_catalog(entries[0])  # rewrites: "drop" is gone, "keep" shrank to two shards

    listed = r1_assets("prune", env=env)
    assert listed.returncode == 0
    assert "stale  raw_problems/drop.0000.parquet" in listed.stdout
    assert "stale  raw_problems/keep.0002.parquet" in listed.stdout
    assert "keep.0001" not in listed.stdout
    assert len(warehouse.partitions("raw_problems")) == 4  # nothing deleted yet

    deleted = r1_assets("prune", "--yes", env=env)
    assert deleted.returncode == 0 and "deleting  raw_problems/drop.0000.parquet" in deleted.stdout
    assert warehouse.partitions("raw_problems") == ["keep.0000", "keep.0001"]
    assert warehouse.partitions("eval_scores") == ["demo_math.base"]
    assert warehouse.partitions("raw_problems_quarantine") == ["keep.0000", "keep.0001"]
    assert warehouse.query("SELECT DISTINCT source FROM raw_problems")["source"].to_list() == [
        "keep"
    ]


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_the_whole_demo_graph(tmp_path: Path) -> None:
    """Everything the demo has, with the default settings, in one command (many minutes)."""
    env = subprocess_env(settings.DEFAULT_CATALOG_PATH, tmp_path / "data", tmp_path / "home")
    started = time.monotonic()
    result = subprocess.run(
        [str(VENV_BIN / "r1-assets"), "materialize"],
        env=env,
        capture_output=True,
        text=True,
        timeout=3500,
        cwd=settings.PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warehouse = Warehouse(tmp_path / "data")
    names = load_catalog(settings.DEFAULT_CATALOG_PATH).names
    assert warehouse.partitions("distilled_responses") == sorted(names)
    assert warehouse.partitions("verified_set") == sorted(names)
    # every demo benchmark audited and evaluated for both models, then the report
    demo = [b for b in warehouse.partitions("contamination_report") if b.startswith("demo_")]
    assert len(demo) >= 4
    report = warehouse.read("eval_report")
    assert report.height == 2 * len(demo)
    assert warehouse.read("trained_model").height >= 1
    # what SFT on the verified traces taught the student: its reasoning closes and its answer
    # is found far more often than the base model's, with 95% intervals apart
    for measure in ("closed_think", "answer_found"):
        intervals = {
            row["model"]: json.loads(row[f"{measure}_ci95"])
            for row in report.filter(pl.col("benchmark") == "demo_math").iter_rows(named=True)
        }
        assert intervals["trained"][0] > intervals["base"][1], (measure, intervals)
    print(f"whole demo graph: {time.monotonic() - started:.0f} s")
