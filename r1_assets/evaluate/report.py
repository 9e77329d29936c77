"""The evaluation report: each evaluated (benchmark, model) summarized from its per-problem
scores, marked comparable or not, beside the scores its catalog entry says were published."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from r1_assets.catalog.kernel import InvalidEntry
from r1_assets.evaluate.benchmarks import BenchmarkCatalog, BenchmarkSpec
from r1_assets.evaluate.benchmarks.catalog import SEED_COLUMNS
from r1_assets.evaluate.codeforces import estimate_rating
from r1_assets.evaluate.metrics import bootstrap_ci


def report_table(scores: pl.DataFrame) -> pl.DataFrame:
    """One row per (benchmark, model) of ``eval_scores``: pass@1 in percent with its bootstrap 95%
    CI over problems, pass@k, cons@k, the format measures (closed ``<think>``, an answer the
    scorer could read, each in percent with its CI; mean length in tokens), the Codeforces
    rating where the problems are rated, and whether the benchmark's models are
    ``comparable``."""
    for column in ("closed_think", "answer_found", "mean_tokens", "rating", "evaluated_at"):
        if column not in scores.columns:  # scored before these existed
            scores = scores.with_columns(pl.lit(None, pl.Float64).alias(column))
    scores = _label_earlier_models(scores)
    rows = []
    for (benchmark, model), group in scores.group_by("benchmark", "model", maintain_order=True):
        cons = group["cons@k"].drop_nulls()
        rows.append(
            {
                "benchmark": benchmark,
                "model": model,
                "model_id": group["model_id"][0],
                "problems": group.height,
                "k": int(group["k"][0]),
                **_percent_with_ci("pass@1", group["pass@1"]),
                "pass@k": round(100 * float(group["pass@k"].mean()), 2),
                "cons@k": round(100 * float(cons.mean()), 2) if cons.len() else None,
                **_percent_with_ci("closed_think", group["closed_think"]),
                **_percent_with_ci("answer_found", group["answer_found"]),
                "mean_tokens": _rounded(group["mean_tokens"].mean(), 1),
                **_codeforces(group),
            }
        )
    # the models of one benchmark compare only on the same items, k and benchmark revision
    setup = scores.group_by("benchmark", "model").agg(
        pl.col("item_id").sort().str.join(",").alias("_items"),
        pl.col("k").first().alias("_k"),
        pl.col("benchmark_revision").first().alias("_revision"),
    )
    comparable = setup.group_by("benchmark").agg(
        (
            (pl.col("_items").n_unique() == 1)
            & (pl.col("_k").n_unique() == 1)
            & (pl.col("_revision").n_unique() == 1)
        ).alias("comparable")
    )
    return (
        pl.DataFrame(rows).join(comparable, on="benchmark", how="left").sort("benchmark", "model")
    )


def _label_earlier_models(scores: pl.DataFrame) -> pl.DataFrame:
    """Within a (benchmark, model), the newest evaluated ``model_id`` keeps the model's name; each
    earlier one is reported as ``<model>@<model_id>`` (e.g. the checkpoint before a retraining)."""
    labels = (
        scores.group_by("benchmark", "model", "model_id")
        .agg(pl.col("evaluated_at").max().fill_null(0.0).alias("_when"))
        .sort("benchmark", "model", "_when", "model_id", descending=[False, False, True, False])
        .with_columns(_newest=pl.col("model_id").cum_count().over("benchmark", "model") == 1)
        .with_columns(
            _label=pl.when(pl.col("_newest"))
            .then(pl.col("model"))
            .otherwise(pl.col("model") + "@" + pl.col("model_id"))
        )
    )
    return (
        scores.join(
            labels.select("benchmark", "model", "model_id", "_label"),
            on=["benchmark", "model", "model_id"],
            how="left",
        )
        .with_columns(model=pl.col("_label"))
        .drop("_label")
    )


def with_earlier_evaluations(new: pl.DataFrame, stored: pl.DataFrame | None) -> pl.DataFrame:
    """What a (benchmark, model) partition holds after a new evaluation: its rows, plus the
    stored rows of every other ``model_id`` evaluated under the same name (the checkpoint
    ``trained`` named before a retraining, an earlier ``base_model``), so a score is never
    erased by a later one."""
    if stored is None or stored.is_empty() or "model_id" not in stored.columns:
        return new
    current = new["model_id"].unique().to_list()
    earlier = stored.filter(~pl.col("model_id").is_in(current))
    return pl.concat([earlier, new], how="diagonal_relaxed") if earlier.height else new


def _percent_with_ci(name: str, values: pl.Series) -> dict[str, object]:
    """``name`` in percent and ``name_ci95``, the bootstrap interval over problems (None when no
    problem has a value)."""
    present = values.drop_nulls()
    if present.is_empty():
        return {name: None, f"{name}_ci95": None}
    low, high = bootstrap_ci(present.to_list())
    return {
        name: round(100 * float(present.mean()), 2),
        f"{name}_ci95": f"[{100 * low:.1f}, {100 * high:.1f}]",
    }


def _rounded(value, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _codeforces(group: pl.DataFrame) -> dict[str, object]:
    """The Codeforces rating the rated problems' pass@1 give (``codeforces``), with its interval;
    None for a benchmark without ratings."""
    rated = group.filter(pl.col("rating").is_not_null())
    if rated.is_empty():
        return {"codeforces_rating": None, "codeforces_rating_ci95": None, "rating_bound": None}
    found = estimate_rating(rated["rating"].to_list(), rated["pass@1"].to_list())
    interval = None if found.bound else f"[{found.low:.0f}, {found.high:.0f}]"
    return {
        "codeforces_rating": round(found.rating),
        "codeforces_rating_ci95": interval,
        # "lower": every rated problem solved, the rating is at least this; "upper": none
        "rating_bound": found.bound,
    }


def published_scores(
    entry: BenchmarkSpec | InvalidEntry | None,
) -> dict[str, dict[str, float]]:
    """model -> metric -> published score of a catalog entry ({} when it names none)."""
    return entry.published.scores if isinstance(entry, BenchmarkSpec) and entry.published else {}


def contest_window(entry: BenchmarkSpec | InvalidEntry | None) -> str:
    """An entry's contest window as the report shows it ("" without one)."""
    window = entry.contest_window if isinstance(entry, BenchmarkSpec) else None
    return f"{window[0].isoformat()} to {window[1].isoformat()}" if window else ""


def published_reference(catalog: BenchmarkCatalog, benchmarks: Iterable[str]) -> pl.DataFrame:
    """One row per (benchmark, reference model) with its published metrics; empty when none of
    ``benchmarks`` names any."""
    published = [
        {"benchmark": name, "model": model, **metrics}
        for name in benchmarks
        for model, metrics in published_scores(catalog.entries.get(name)).items()
    ]
    return pl.DataFrame(published, infer_schema_length=None) if published else pl.DataFrame()


def seed_table(report: pl.DataFrame, catalog: BenchmarkCatalog) -> pl.DataFrame:
    """The DeepSeek-R1 results table (the seed's columns: AIME 2024 pass@1 and cons@k, MATH-500,
    GPQA Diamond and LiveCodeBench pass@1, CodeForces rating) for every evaluated model of
    ``report`` (``report_table``'s rows), then the published rows of the reference models. Each
    column is filled by the evaluated benchmark that ``reports_as`` it with the most problems (a
    demo set until the real one is evaluated); ``measured_on`` names them, so a demo's numbers
    are never mistaken for the real ones."""
    columns = [
        f"{column} {metric}" for column, metrics in SEED_COLUMNS.items() for metric in metrics
    ]
    fills: dict[str, str] = {}  # seed column -> the benchmark filling it
    largest_first = (
        report.group_by("benchmark")
        .agg(pl.col("problems").max())
        .sort("problems", "benchmark", descending=[True, False])
    )
    for benchmark in largest_first["benchmark"]:
        column = getattr(catalog.entries.get(benchmark), "reports_as", None)
        if column is not None:
            fills.setdefault(column, benchmark)
    measured_on = ", ".join(fills[c] for c in SEED_COLUMNS if c in fills)
    rows: dict[str, dict[str, object]] = {}
    for record in report.sort("model").iter_rows(named=True):
        row = rows.setdefault(record["model"], {"measured_on": measured_on})
        for column, metrics in SEED_COLUMNS.items():
            if fills.get(column) == record["benchmark"]:
                for metric in metrics:
                    source = "codeforces_rating" if metric == "rating" else metric
                    row[f"{column} {metric}"] = record[source]
    for entry in catalog.entries.values():
        column = getattr(entry, "reports_as", None)
        for model, metrics in published_scores(entry).items():
            row = rows.setdefault(model, {"measured_on": "published (DeepSeek-R1, Table 5)"})
            for metric, score in metrics.items():
                name = f"{column} {'cons@k' if metric.startswith('cons@') else metric}"
                if name in columns:
                    row[name] = score
    schema = {"model": pl.String, **dict.fromkeys(columns, pl.Float64), "measured_on": pl.String}
    return pl.DataFrame(
        [
            {"model": model, **{n: row.get(n) for n in [*columns, "measured_on"]}}
            for model, row in rows.items()
        ],
        schema=schema,
    )
