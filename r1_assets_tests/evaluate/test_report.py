"""The evaluation report table: one row per (benchmark, model), comparable only on one setup."""

from __future__ import annotations

import polars as pl

from r1_assets.evaluate.report import report_table


def scores(benchmark: str, model: str, items: list[str], k: int = 4, revision: str = "r1"):
    n = len(items)
    return pl.DataFrame(
        {
            "benchmark": [benchmark] * n,
            "model": [model] * n,
            "model_id": [f"{model}-id"] * n,
            "item_id": items,
            "k": [k] * n,
            "pass@1": [0.5] * n,
            "pass@k": [1.0] * n,
            "cons@k": [None] * n,
            "benchmark_revision": [revision] * n,
        },
        schema_overrides={"cons@k": pl.Float64},
    )


def test_models_compare_only_on_the_same_items_k_and_revision() -> None:
    table = report_table(
        pl.concat(
            [
                scores("math", "trained", ["a", "b"]),
                scores("math", "base", ["b", "a"]),
                scores("gpqa", "base", ["x"]),
                scores("gpqa", "trained", ["x"], k=8),
            ]
        )
    )
    assert table.select("benchmark", "model", "comparable").rows() == [
        ("gpqa", "base", False),
        ("gpqa", "trained", False),
        ("math", "base", True),
        ("math", "trained", True),
    ]
    math_base = table.row(2, named=True)
    assert (math_base["problems"], math_base["pass@1"], math_base["pass@k"]) == (2, 50.0, 100.0)
    assert math_base["cons@k"] is None
    assert math_base["pass@1_ci95"] == "[50.0, 50.0]"
