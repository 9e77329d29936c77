"""Evaluation: ``eval_scores`` per (benchmark, model) — k samples per problem from the base or the
trained student, scored by math-verify, the sandbox or the choice letter — and ``eval_report``,
the comparison table beside the published numbers of the DeepSeek-R1 distilled models."""

import json
import time

import dagster as dg
import polars as pl
from pydantic import Field

from r1_assets.assets.keys import EVAL_REPORT, EVAL_SAMPLES, EVAL_SCORES, TRAINED_MODEL
from r1_assets.assets.plots import bar_plot
from r1_assets.distill.recipe import THINK_PREFILL
from r1_assets.evaluate.benchmarks import load_benchmark
from r1_assets.evaluate.codeforces import item_ratings
from r1_assets.evaluate.metrics import format_measures, summarize_samples
from r1_assets.evaluate.report import (
    contest_window,
    published_reference,
    published_scores,
    report_table,
    seed_table,
    with_earlier_evaluations,
)
from r1_assets.evaluate.scoring import equivalent_for, score_samples
from r1_assets.llm.models import DEFAULT_LLM
from r1_assets.llm.types import Request, Sampling, user
from r1_assets.partitions import BENCHMARK, MODEL, partition_file_name
from r1_assets.pools import LLM_POOL
from r1_assets.resources import (
    BenchmarkCatalogResource,
    LLMResource,
    SandboxResource,
    WarehouseResource,
    reconfigured,
)
from r1_assets.resources.llm import PlannedCall
from r1_assets.text.markdown import markdown_table


class EvalConfig(dg.Config):
    k: int = Field(
        default=3, description="samples per problem (DeepSeek: 4-64 by benchmark size; 3 on CPU)"
    )
    temperature: float = Field(default=0.6, description="R1 evaluation: 0.6")
    top_p: float = Field(default=0.95, description="R1 evaluation: 0.95")
    max_tokens: int = Field(
        default=112, description="new tokens per sample: 32768 in production; small for CPU"
    )
    max_items: int | None = Field(default=None, description="first N items only (smoke runs)")
    max_tests: int | None = Field(default=20, description="tests per code problem")
    base_model: str = Field(default=DEFAULT_LLM, description="the model of the 'base' partition")
    bootstrap_iterations: int = Field(default=1000)
    seed: int = Field(default=0, description="seed of the bootstrap")


def eval_partitions(benchmarks: list[str], models: list[str]) -> dg.MultiPartitionsDefinition:
    """benchmark x model: ``base``, ``trained`` and the benchmark catalog's ``models:``."""
    return dg.MultiPartitionsDefinition(
        {
            "benchmark": dg.StaticPartitionsDefinition(benchmarks),
            "model": dg.StaticPartitionsDefinition(models),
        }
    )


def trained_model_path(warehouse: WarehouseResource) -> str:
    store = warehouse.get()
    if "data" not in store.partitions(TRAINED_MODEL.path[-1]):
        raise dg.Failure(
            description="the 'trained' partitions need trained_model: materialize it first"
        )
    return store.read(TRAINED_MODEL.path[-1])["model_path"][-1]


def build_eval_scores(partitions: dg.MultiPartitionsDefinition) -> dg.AssetsDefinition:
    @dg.multi_asset(
        partitions_def=partitions,
        deps=[TRAINED_MODEL],
        outs={
            "eval_scores": dg.AssetOut(
                key=EVAL_SCORES,
                group_name="evaluate",
                kinds={"parquet"},
                description="Per benchmark problem and model: n samples, c correct, pass@1 (mean "
                "over the k samples), unbiased pass@k, cons@k (majority vote over answers grouped "
                "by mathematical equivalence, not by string). Summary with bootstrap CIs in the "
                "metadata.",
            ),
            "eval_samples": dg.AssetOut(
                key=EVAL_SAMPLES,
                group_name="evaluate",
                kinds={"parquet"},
                description="Every generated sample: the response, the extracted answer, "
                "whether it is correct and why.",
            ),
        },
        pool=LLM_POOL,
    )
    def eval_scores(
        context: dg.AssetExecutionContext,
        config: EvalConfig,
        llm: LLMResource,
        sandbox: SandboxResource,
        warehouse: WarehouseResource,
        benchmark_catalog: BenchmarkCatalogResource,
    ):
        from r1_assets.verify.math_answer import MathVerifier

        keys = context.partition_key.keys_by_dimension
        benchmark, which = keys["benchmark"], keys["model"]
        catalog = benchmark_catalog.load()
        entry = catalog.get(benchmark)
        loaded = load_benchmark(entry, catalog)
        if loaded.skip_reason:
            raise dg.Failure(
                description=f"benchmark {benchmark} cannot be evaluated: {loaded.skip_reason}",
                metadata={"quarantine": dg.MetadataValue.md(markdown_table(loaded.quarantine))},
            )
        items = loaded.items.head(config.max_items) if config.max_items else loaded.items
        if not loaded.quarantine.is_empty():
            context.log.warning(
                f"{loaded.quarantine.height} items skipped (see skipped_items): they are not "
                "scored, neither as right nor as wrong"
            )
        model, student = _student(which, config, llm, warehouse, catalog)
        requests = eval_requests(items, config)
        context.log.info(
            f"{benchmark} x {which} ({model}): {items.height} items x {config.k} samples"
        )
        with student.scope(context):
            completions, stats = student.generate(requests, log=context.log.info, desc="evaluating")
        samples = [
            {"item_id": item_id, "sample_index": i, "text": c.text if c.ok else ""}
            for (item_id, i), c in zip(
                [(item_id, i) for item_id in items["item_id"] for i in range(config.k)],
                completions,
                strict=True,
            )
        ]
        failed = sum(not c.ok for c in completions)
        if failed:
            raise dg.Failure(
                description=f"{failed} generations failed (not cached): rerun to retry them; "
                "scoring them as wrong would understate the model"
            )
        scorer = items["scorer"][0]
        with MathVerifier(workers=2) as verifier:
            scored = score_samples(
                items,
                samples,
                math_verifier=verifier if scorer == "math_verify" else None,
                sandbox=sandbox.sandbox() if scorer == "sandbox" else None,
                max_tests=config.max_tests,
            )
            per_problem, summary = summarize_samples(
                scored,
                equivalent_for(scorer, verifier),
                k=config.k,
                iterations=config.bootstrap_iterations,
                seed=config.seed,
            )
        model_id = student.model_id
        evaluated_at = time.time()
        scored = scored.with_columns(
            model=pl.lit(which),
            model_id=pl.lit(model_id),
            evaluated_at=pl.lit(evaluated_at),
            response=pl.Series([s["text"] for s in samples]),
            response_tokens=pl.Series([c.completion_tokens for c in completions], dtype=pl.Int64),
        )
        per_problem = (
            per_problem.with_columns(
                model=pl.lit(which),
                model_id=pl.lit(model_id),
                benchmark_revision=pl.lit(loaded.revision),
                evaluated_at=pl.lit(evaluated_at),
            )
            .join(format_measures(scored), on="item_id", how="left")
            .join(item_ratings(items), on="item_id", how="left")
        )
        # the partition keeps what other models evaluated under this name scored (the checkpoint
        # before a retraining): a later evaluation never erases an earlier one
        stored = _stored_partition(warehouse, context)
        kept_per_problem = with_earlier_evaluations(per_problem, stored.get(EVAL_SCORES))
        kept_scored = with_earlier_evaluations(scored, stored.get(EVAL_SAMPLES))
        summary |= {
            name: per_problem[name].mean()
            for name in ("closed_think", "answer_found", "mean_tokens")
        }
        yield dg.Output(
            kept_per_problem,
            output_name="eval_scores",
            metadata=_score_metadata(summary, loaded, which, model, model_id, stats, entry)
            | {
                "dagster/row_count": kept_per_problem.height,
                "earlier_models": dg.MetadataValue.json(
                    sorted(set(kept_per_problem["model_id"]) - {model_id})
                ),
            },
        )
        yield dg.Output(
            kept_scored,
            output_name="eval_samples",
            metadata={
                "dagster/row_count": kept_scored.height,
                "statuses": dg.MetadataValue.md(
                    markdown_table(scored.group_by("status").len().sort("status"))
                ),
                "preview": dg.MetadataValue.md(
                    markdown_table(
                        scored.select("item_id", "sample_index", "answer", "correct", "detail"),
                        8,
                        max_chars=80,
                    )
                ),
            },
        )

    return eval_scores


def eval_requests(items: pl.DataFrame, config: EvalConfig) -> list[Request]:
    """k samples of every item's prompt, R1's think prefill opening each."""
    sampling = Sampling(config.temperature, config.top_p, config.max_tokens)
    return [
        Request(user(prompt, THINK_PREFILL), sampling, i)
        for prompt in items["prompt"]
        for i in range(config.k)
    ]


def planned_calls(keys: dict[str, str], config: dict, resources: dict) -> list[PlannedCall]:
    """The student's calls of one (benchmark, model) run."""
    settings = EvalConfig(**config)
    catalog = resources["benchmark_catalog"].load()
    loaded = load_benchmark(catalog.get(keys[BENCHMARK]), catalog)
    if loaded.skip_reason:
        raise dg.Failure(description=loaded.skip_reason)
    items = loaded.items.head(settings.max_items) if settings.max_items else loaded.items
    _, student = _student(keys[MODEL], settings, resources["llm"], resources["warehouse"], catalog)
    return [PlannedCall("evaluating", student, eval_requests(items, settings))]


def _student(
    which: str, config: EvalConfig, llm: LLMResource, warehouse: WarehouseResource, catalog
) -> tuple[str, LLMResource]:
    """The model a partition evaluates (its folder or served name) and the LLM resource for it."""
    if which == "base":
        return config.base_model, reconfigured(llm, model=config.base_model)
    if which == "trained":
        path = trained_model_path(warehouse)
        return path, reconfigured(llm, model=path)
    registered = catalog.models.get(which)
    if registered is None:
        raise dg.Failure(
            description=f"no model {which!r} in the benchmark catalog's models: "
            f"{catalog.model_names}"
        )
    location = catalog.model_location(registered)
    changes: dict = {"model": location}
    if registered.base_url:  # a server: the OpenAI-compatible backend
        changes |= {"backend": "openai", "base_url": registered.base_url}
        if registered.api_key_env:
            changes["api_key_env"] = registered.api_key_env
    return location, reconfigured(llm, **changes)


def _stored_partition(
    warehouse: WarehouseResource, context: dg.AssetExecutionContext
) -> dict[dg.AssetKey, pl.DataFrame]:
    """This run's partition of eval_scores and eval_samples as stored now (absent: not there)."""
    store = warehouse.get()
    name = partition_file_name(context.partition_key, context.assets_def.partitions_def)
    return {
        key: store.read(key.path[-1], [name])
        for key in (EVAL_SCORES, EVAL_SAMPLES)
        if name in store.partitions(key.path[-1])
    }


def _score_metadata(summary, loaded, which, model, model_id, stats, entry) -> dict:
    def pct(value):
        return None if value is None else round(100 * value, 2)

    ci = summary.get("pass@1_ci") or (None, None)
    cons_ci = summary.get("cons@k_ci") or (None, None)
    published = published_scores(entry)
    return {
        "dagster/row_count": summary["problems"],
        "model": which,
        "model_path": model,
        "model_id": model_id,
        "k": summary["k"],
        "pass@1": pct(summary["pass@1"]),
        "pass@1_ci95": f"[{pct(ci[0])}, {pct(ci[1])}]",
        "pass@k": pct(summary["pass@k"]),
        "closed_think": pct(summary["closed_think"]),
        "answer_found": pct(summary["answer_found"]),
        "mean_tokens": summary["mean_tokens"],
        "cons@k": pct(summary["cons@k"]),
        "cons@k_ci95": f"[{pct(cons_ci[0])}, {pct(cons_ci[1])}]",
        "samples": summary["samples"],
        "skipped_items": loaded.quarantine.height,
        "contest_window": contest_window(entry),
        "outside_window": loaded.outside_window,
        "skipped": dg.MetadataValue.md(
            markdown_table(loaded.quarantine.select("item_id", "reason", "detail"), 10)
        ),
        "benchmark_revision": loaded.revision or "",
        "published_reference": dg.MetadataValue.json(published),
        **stats.as_metadata(),
    }


@dg.asset(
    key=EVAL_REPORT,
    deps=[EVAL_SCORES],
    group_name="evaluate",
    kinds={"parquet"},
    description="The scores table: every evaluated (benchmark, model) with pass@1 (and its "
    "bootstrap 95% CI), pass@k and cons@k, beside the published numbers of the DeepSeek-R1 "
    "distilled models, and a plot.",
)
def eval_report(
    warehouse: WarehouseResource, benchmark_catalog: BenchmarkCatalogResource
) -> dg.Output:
    store = warehouse.get()
    if not store.partitions(EVAL_SCORES.path[-1]):
        raise dg.Failure(description="no eval_scores partition materialized yet")
    scores = store.read(EVAL_SCORES.path[-1])
    table = report_table(scores)
    catalog = benchmark_catalog.load()
    published = published_reference(catalog, table["benchmark"].unique().sort())
    results = seed_table(table, catalog)
    labels = [f"{b}\n{m}" for b, m in table.select("benchmark", "model").iter_rows()]
    return dg.Output(
        table,
        metadata={
            "dagster/row_count": table.height,
            # the DeepSeek-R1 table's columns, our models first, the published rows below
            "results_table": dg.MetadataValue.md(markdown_table(results, results.height)),
            "scores": dg.MetadataValue.md(markdown_table(table, table.height)),
            # the problems each windowed benchmark was scored on (LiveCodeBench's release dates)
            "contest_windows": dg.MetadataValue.json(
                {
                    name: contest_window(catalog.entries.get(name))
                    for name in table["benchmark"].unique().sort()
                    if contest_window(catalog.entries.get(name))
                }
            ),
            "published_reference": dg.MetadataValue.md(
                markdown_table(published, published.height)
                if published.height
                else "no published numbers for these benchmarks"
            ),
            "pass_at_1_plot": bar_plot(labels, table["pass@1"].to_list(), "pass@1 (%)", "%"),
            "evaluated": dg.MetadataValue.json(json.loads(table.write_json())),
        },
    )
