"""A model registered in the benchmark catalog's ``models:`` is a partition of eval_scores beside
``base`` and ``trained``, evaluated with no code change."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml

from r1_assets import settings
from r1_assets.catalog.kernel import CatalogError
from r1_assets.definitions import build_definitions
from r1_assets.evaluate.benchmarks import load_benchmark_catalog
from r1_assets.llm.models import DEFAULT_LLM, resolve_llm
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.assets.test_llm_stage import catalog, materialize  # noqa: F401
from r1_assets_tests.conftest import MODELS_DIR

RUN = {"ops": {"eval_scores": {"config": {"k": 1, "max_tokens": 8, "max_items": 2}}}}


def benchmarks_with(tmp_path: Path, models: list[dict]) -> Path:
    document = yaml.safe_load(settings.DEFAULT_BENCHMARKS_PATH.read_text())
    document["base_dir"] = str(settings.PROJECT_ROOT)
    document["models"] = models
    path = tmp_path / "benchmarks.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_a_registered_model_is_evaluated_beside_base(catalog: Path, tmp_path: Path) -> None:  # noqa: F811
    # the embedded student's own folder under another name: a "published model" that runs here
    folder = resolve_llm(DEFAULT_LLM, MODELS_DIR)
    benchmarks = benchmarks_with(tmp_path, [{"name": "smol-again", "model": folder}])
    defs = build_definitions(catalog, tmp_path / "data", benchmarks)
    definition = defs.resolve_assets_def(dg.AssetKey("eval_scores")).partitions_def
    assert "demo_gpqa|smol-again" in definition.get_partition_keys()
    instance = dg.DagsterInstance.ephemeral()
    for model in ("base", "smol-again"):
        key = dg.MultiPartitionKey({"benchmark": "demo_gpqa", "model": model})
        materialize(defs, instance, ["eval_scores", "eval_samples"], key, RUN)
    materialize(defs, instance, ["eval_report"])
    table = Warehouse(tmp_path / "data").read("eval_report")
    rows = {r["model"]: r for r in table.iter_rows(named=True)}
    assert set(rows) == {"base", "smol-again"}
    # the same weights: the same identity, the same (cached) samples, the same scores
    assert rows["smol-again"]["model_id"] == rows["base"]["model_id"]
    assert rows["smol-again"]["pass@1"] == rows["base"]["pass@1"]
    assert table["comparable"].all()


def test_a_broken_models_list_is_one_clear_error(tmp_path: Path) -> None:
    for models, message in (
        ([{"name": "base", "model": "x"}], "one of the built-in models"),
        ([{"name": "a", "model": "x"}, {"name": "a", "model": "y"}], "defined twice"),
        ([{"name": "a"}], r"models\[0\]: model: Field required"),
    ):
        with pytest.raises(CatalogError, match=message):
            load_benchmark_catalog(benchmarks_with(tmp_path, models))
