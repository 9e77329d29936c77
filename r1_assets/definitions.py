"""The one ``dg.Definitions`` of the r1-assets code location."""

from __future__ import annotations

import logging
from pathlib import Path

import dagster as dg

from r1_assets import partitions, settings
from r1_assets.assets.audit import build_contamination_report
from r1_assets.assets.dedup import build_problem_embeddings, deduped_pool
from r1_assets.assets.distill import build_distilled_responses
from r1_assets.assets.evaluate import build_eval_scores, eval_partitions, eval_report
from r1_assets.assets.keys import (
    EVAL_REPORT,
    EVAL_SAMPLES,
    EVAL_SCORES,
    RAW_PROBLEMS,
    RAW_QUARANTINE,
)
from r1_assets.assets.labels import build_problem_labels
from r1_assets.assets.raw import build_raw_problems
from r1_assets.assets.shards import source_shards_sensor
from r1_assets.assets.train import (
    no_benchmark_overlap,
    sft_dataset,
    trained_model,
)
from r1_assets.assets.verify import (
    build_problem_pass_rates,
    build_response_verdicts,
    build_verified_set,
)
from r1_assets.catalog.spec import load_catalog
from r1_assets.pools import patch_dagster_pools
from r1_assets.resources import (
    BenchmarkCatalogResource,
    ClassifierResource,
    ContaminationAuditResource,
    EmbedderResource,
    LLMResource,
    ReferenceModelResource,
    SandboxResource,
    SourceCatalogResource,
    WarehouseIOManager,
    WarehouseResource,
)
from r1_assets.runs.retries import lost_run_retries_sensor

log = logging.getLogger(__name__)
patch_dagster_pools()


def build_definitions(
    catalog_path: Path,
    data_dir: Path,
    benchmarks_path: Path | None = None,
    warehouse_url: str | None = None,
) -> dg.Definitions:
    """Everything is built from the catalogs: per-source stages are partitioned by (source
    catalog entry, shard), the evaluation and audit by benchmark catalog entry (default:
    ``settings.benchmarks_path()``). The warehouse and exports go to ``warehouse_url`` (a local
    folder or s3://; default: ``data_dir``), everything else stays in ``data_dir``."""
    catalog = load_catalog(catalog_path)
    for invalid in catalog.invalid:
        log.warning(
            "invalid catalog entry (its partition will quarantine everything): %s",
            invalid.message(catalog.path),
        )
    shards = partitions.source_shard_partitions(catalog.names)
    benchmark_catalog = BenchmarkCatalogResource(
        path=str(benchmarks_path or settings.benchmarks_path())
    )
    benchmarks = benchmark_catalog.load()
    for invalid in benchmarks.invalid:
        log.warning("invalid benchmark entry: %s", invalid.message(benchmarks.path))
    raw_problems = build_raw_problems(shards)
    return dg.Definitions(
        assets=[
            raw_problems,
            build_problem_embeddings(shards),
            deduped_pool,
            build_problem_labels(shards),
            build_distilled_responses(shards),
            build_response_verdicts(shards),
            build_verified_set(shards),
            build_problem_pass_rates(shards),
            sft_dataset,
            trained_model,
            build_eval_scores(eval_partitions(benchmarks.names, benchmarks.model_names)),
            eval_report,
            build_contamination_report(partitions.benchmark_partitions(benchmarks.names)),
        ],
        asset_checks=[no_benchmark_overlap],
        sensors=[source_shards_sensor, lost_run_retries_sensor],
        # Steps run in the run's own process, as `r1-assets materialize` runs them: the default
        # multiprocess executor started a fresh process per step (re-importing torch, reloading
        # the LLM for labels, distillation and the judge) and polls a blocked pool claim without
        # any sleep. On two cores, parallel steps within one run buy nothing.
        executor=dg.in_process_executor,
        jobs=[
            dg.define_asset_job(
                "raw_problems_job",
                selection=dg.AssetSelection.assets(RAW_PROBLEMS, RAW_QUARANTINE),
                description="Load one catalog source into raw_problems (and its quarantine).",
            ),
            dg.define_asset_job(
                "evaluate_job",
                selection=dg.AssetSelection.assets(EVAL_SCORES, EVAL_SAMPLES),
                description="Evaluate one model (base or trained) on one benchmark: pick the "
                "(benchmark, model) partition, or backfill several.",
            ),
            dg.define_asset_job(
                "eval_report_job",
                selection=dg.AssetSelection.assets(EVAL_REPORT),
                description="The scores table of every evaluated (benchmark, model).",
            ),
        ],
        resources={
            "io_manager": WarehouseIOManager(root=warehouse_url or str(data_dir)),
            "source_catalog": SourceCatalogResource(
                path=str(catalog_path),
                record_counts_path=str(data_dir / "cache" / "record_counts.json"),
            ),
            "benchmark_catalog": benchmark_catalog,
            "warehouse": WarehouseResource(root=str(data_dir), url=warehouse_url or ""),
            "embedder": EmbedderResource(cache_dir=str(data_dir / "cache" / "embeddings")),
            "llm": LLMResource(
                models_dir=str(settings.models_dir(data_dir)),
                cache_dir=str(data_dir / "cache" / "llm"),
                ledger_dir=str(data_dir / "ledger" / "llm"),
            ),
            # the LLM judge: the embedded model by default; in production a stronger model than
            # the teacher, usually behind an OpenAI-compatible server
            "judge": LLMResource(
                models_dir=str(settings.models_dir(data_dir)),
                cache_dir=str(data_dir / "cache" / "llm"),
                ledger_dir=str(data_dir / "ledger" / "llm"),
            ),
            "sandbox": SandboxResource(),
            "reward_model": ClassifierResource(),
            "safety_classifier": ClassifierResource(),
            "reference_model": ReferenceModelResource(
                models_dir=str(settings.models_dir(data_dir))
            ),
            "contamination_audit": ContaminationAuditResource(),
        },
    )


defs = build_definitions(
    settings.catalog_path(),
    settings.data_dir(),
    settings.benchmarks_path(),
    settings.warehouse_url(),
)
