"""The evaluation report table: one row per (benchmark, model), comparable only on one setup."""

from __future__ import annotations

import polars as pl

from r1_assets import settings
from r1_assets.evaluate.benchmarks import load_benchmark_catalog
from r1_assets.evaluate.codeforces import estimate_rating
from r1_assets.evaluate.metrics import format_measures
from r1_assets.evaluate.report import report_table, seed_table, with_earlier_evaluations


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
    # scores written before the format measures and ratings existed: reported as unknown
    assert math_base["closed_think"] is None and math_base["closed_think_ci95"] is None
    assert math_base["codeforces_rating"] is None


def test_format_measures_per_problem_and_in_the_report() -> None:
    scored = pl.DataFrame(
        {
            "item_id": ["a", "a", "b", "b"],
            "closed_think": [True, False, True, True],
            "answer_found": [True, True, False, True],
            "response_tokens": [100, 300, 50, 50],
        }
    )
    measures = format_measures(scored)
    assert measures.rows() == [("a", 0.5, 1.0, 200.0), ("b", 1.0, 0.5, 50.0)]
    table = report_table(
        scores("math", "base", ["a", "b"])
        .join(measures, on="item_id")
        .with_columns(rating=pl.lit(None, pl.Float64))
    )
    row = table.row(0, named=True)
    assert (row["closed_think"], row["answer_found"], row["mean_tokens"]) == (75.0, 75.0, 125.0)
    assert row["closed_think_ci95"] == "[50.0, 100.0]"  # two problems: the bootstrap's extremes


def test_the_codeforces_rating_comes_from_the_rated_problems() -> None:
    rated = scores("cf", "trained", ["p1", "p2", "p3", "p4"]).with_columns(
        rating=pl.Series([1000.0, 1000.0, 1000.0, 1000.0]),
        **{"pass@1": pl.Series([1.0, 1.0, 1.0, 0.0])},
    )
    everything = report_table(
        pl.concat(
            [
                rated,
                rated.with_columns(model=pl.lit("base"), **{"pass@1": pl.lit(0.0)}),
                scores("math", "base", ["a"]).with_columns(rating=pl.lit(None, pl.Float64)),
            ],
            how="diagonal_relaxed",
        )
    )
    by_row = {(r["benchmark"], r["model"]): r for r in everything.iter_rows(named=True)}
    trained = by_row["cf", "trained"]
    expected = estimate_rating([1000] * 4, [1, 1, 1, 0])  # 1000 + 400 log10(3)
    assert trained["codeforces_rating"] == round(expected.rating) == 1191
    assert trained["codeforces_rating_ci95"] == f"[{expected.low:.0f}, {expected.high:.0f}]"
    assert trained["rating_bound"] is None
    base = by_row["cf", "base"]  # nothing solved: a flagged upper bound, not minus infinity
    assert base["rating_bound"] == "upper" and base["codeforces_rating_ci95"] is None
    assert base["codeforces_rating"] == round(estimate_rating([1000] * 4, [0] * 4).rating)
    assert by_row["math", "base"]["codeforces_rating"] is None


def test_the_seed_table_has_our_models_then_the_published_ones() -> None:
    catalog = load_benchmark_catalog(settings.DEFAULT_BENCHMARKS_PATH, strict=True)
    cf = scores("demo_codeforces", "trained", ["p1", "p2"]).with_columns(
        rating=pl.Series([800.0, 1200.0])
    )
    report = report_table(
        pl.concat(
            [
                scores("demo_aime", "base", ["a", "b"]),
                scores("demo_aime", "trained", ["a", "b"]),
                scores("aime24", "trained", ["x", "y", "z"]),  # larger: it fills AIME 2024
                cf,
            ],
            how="diagonal_relaxed",
        )
    )
    table = seed_table(report, catalog)
    assert table.columns == [
        "model",
        "AIME 2024 pass@1",
        "AIME 2024 cons@k",
        "MATH-500 pass@1",
        "GPQA Diamond pass@1",
        "LiveCodeBench pass@1",
        "CodeForces rating",
        "measured_on",
    ]
    rows = {r["model"]: r for r in table.iter_rows(named=True)}
    assert list(rows)[:2] == ["base", "trained"]
    assert rows["trained"]["measured_on"] == "aime24, demo_codeforces"
    assert rows["trained"]["AIME 2024 pass@1"] == 50.0 and rows["base"]["AIME 2024 pass@1"] is None
    expected = estimate_rating([800, 1200], [0.5, 0.5]).rating
    assert rows["trained"]["CodeForces rating"] == round(expected)
    qwen = rows["DeepSeek-R1-Distill-Qwen-7B"]
    assert (qwen["AIME 2024 pass@1"], qwen["AIME 2024 cons@k"], qwen["CodeForces rating"]) == (
        55.5,
        83.3,
        1189.0,
    )
    assert rows["OpenAI-o1-mini"]["MATH-500 pass@1"] == 90.0
    assert len(rows) == 2 + 10  # the seed's ten reference models


def test_a_retrained_model_keeps_the_earlier_checkpoints_scores() -> None:
    first = scores("math", "trained", ["a", "b"]).with_columns(
        model_id=pl.lit("ckpt-1@aaaa"), evaluated_at=pl.lit(100.0)
    )
    kept = with_earlier_evaluations(first, None)
    assert kept.equals(first)
    second = scores("math", "trained", ["a", "b"]).with_columns(
        model_id=pl.lit("ckpt-2@bbbb"), evaluated_at=pl.lit(200.0), **{"pass@1": pl.lit(1.0)}
    )
    kept = with_earlier_evaluations(second, kept)
    assert sorted(set(kept["model_id"])) == ["ckpt-1@aaaa", "ckpt-2@bbbb"]
    # the same checkpoint evaluated again replaces its own rows, and only those
    again = with_earlier_evaluations(second, kept)
    assert again.height == 4
    table = report_table(pl.concat([kept, scores("math", "base", ["a", "b"])], how="diagonal"))
    labels = dict(zip(table["model"], table["pass@1"], strict=True))
    assert labels == {"base": 50.0, "trained": 100.0, "trained@ckpt-1@aaaa": 50.0}
