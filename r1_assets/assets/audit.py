"""``contamination_report`` (per benchmark): every training-bound problem that overlaps a benchmark
item, with its lineage through the pipeline."""

import dagster as dg
import numpy as np
import polars as pl

from r1_assets.assets.keys import (
    CONTAMINATION_REPORT,
    DEDUPED_POOL,
    DISTILLED_RESPONSES,
    PROBLEM_EMBEDDINGS,
    RAW_PROBLEMS,
    REJECTED_RESPONSES,
    SFT_DATASET,
    VERIFIED_SET,
)
from r1_assets.assets.metadata import column_lineage, column_schema
from r1_assets.assets.plots import bar_plot, histogram_plot
from r1_assets.audit.report import (
    COLUMN_DESCRIPTIONS,
    REPORT_SCHEMA,
    AuditSettings,
    attach_lineage,
    contaminated,
    distinct_problems,
    judge_function,
    match_items,
    per_item,
    per_source,
)
from r1_assets.audit.training import training_problems
from r1_assets.audit.vectors import both, item_vectors, problem_vectors
from r1_assets.evaluate.benchmarks import BenchmarkLoad, load_benchmark
from r1_assets.resources import (
    BenchmarkCatalogResource,
    ContaminationAuditResource,
    EmbedderResource,
    LLMResource,
    SourceCatalogResource,
    WarehouseResource,
)
from r1_assets.storage.warehouse import Warehouse
from r1_assets.text.markdown import markdown_table

_ALL = dg.AllPartitionMapping()
# the later stages a hit is traced through; read when materialized, never required
LINEAGE_STAGES = (
    "deduped_pool",
    "distilled_responses",
    "verified_set",
    "rejected_responses",
    "sft_dataset",
)

EXAMPLE_SQL = """```sql
-- contaminated rows that reached the SFT mixture, with the raw row they came from
select benchmark, item_id, source, source_row_id, methods, similarity, sft_rows
from contamination_report
where verdict = 'contaminated' and reached = 'sft_dataset';
```"""


def load_items(benchmark_catalog: BenchmarkCatalogResource, benchmark: str) -> BenchmarkLoad:
    catalog = benchmark_catalog.load()
    loaded = load_benchmark(catalog.get(benchmark), catalog)
    if loaded.skip_reason:
        raise dg.Failure(
            description=f"benchmark {benchmark} cannot be audited: {loaded.skip_reason}"
        )
    return loaded


def read_stages(
    store: Warehouse, shards: dict[str, list[str] | None], uids: pl.Series
) -> dict[str, pl.DataFrame | None]:
    """The rows of each later stage that belong to these problems, with the columns the lineage
    joins read (never the responses' texts)."""
    wanted = ("decision", "duplicate_of", "response_uid", "rejection_reason")
    stages: dict[str, pl.DataFrame | None] = {}
    for name in LINEAGE_STAGES:
        parts = store.partitions(name)
        parts = store.source_partitions(name, shards) if "data" not in parts else ["data"]
        if not parts:
            stages[name] = None
            continue
        frame = store.scan(name, parts)
        columns = frame.collect_schema().names()
        stages[name] = (
            frame.filter(pl.col("problem_uid").is_in(uids.unique().implode()))
            .select("problem_uid", "source", "source_row_id", *[c for c in wanted if c in columns])
            .collect()
        )
    return stages


def build_contamination_report(benchmarks: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=CONTAMINATION_REPORT,
        partitions_def=benchmarks,
        deps=[
            dg.AssetDep(RAW_PROBLEMS, partition_mapping=_ALL),
            dg.AssetDep(PROBLEM_EMBEDDINGS, partition_mapping=_ALL),
            dg.AssetDep(DEDUPED_POOL),
            dg.AssetDep(DISTILLED_RESPONSES, partition_mapping=_ALL),
            dg.AssetDep(VERIFIED_SET, partition_mapping=_ALL),
            dg.AssetDep(REJECTED_RESPONSES, partition_mapping=_ALL),
        ],
        group_name="audit",
        kinds={"parquet", "duckdb"},
        code_version="1",
        metadata={"dagster/column_schema": column_schema(REPORT_SCHEMA, COLUMN_DESCRIPTIONS)},
        description="Per benchmark: every training-bound problem (raw_problems, all sources) "
        "that overlaps a benchmark item — word 8/13-gram overlap robust to whitespace and LaTeX "
        "edits, embedding cosine (reusing problem_embeddings), optionally an LLM judge on "
        "borderline pairs — each hit with its lineage: source partition, row id and revision, "
        "dedup decision, responses, verdicts and whether it reached sft_dataset (when the "
        "report ran). sft_dataset excludes the hits.",
    )
    def contamination_report(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        source_catalog: SourceCatalogResource,
        benchmark_catalog: BenchmarkCatalogResource,
        embedder: EmbedderResource,
        judge: LLMResource,
        contamination_audit: ContaminationAuditResource,
    ) -> dg.Output:
        benchmark = context.partition_key
        settings = contamination_audit.settings()
        loaded = load_items(benchmark_catalog, benchmark)
        store = warehouse.get()
        shards = source_catalog.shard_keys()
        raw = training_problems(store, shards)
        if raw is None:
            raise dg.Failure(description="no raw_problems partition materialized: nothing to audit")
        problems = distinct_problems(raw)
        items = loaded.items
        context.log.info(
            f"auditing {items.height} {benchmark} items against {problems.height:,} distinct "
            f"problems ({raw.height:,} raw rows)"
        )
        embedder.check_model()  # before any work: a wrong model fails here, in one line
        pool_vectors = problem_vectors(problems, raw, store, embedder, context.log.info)
        vectors = both(item_vectors(items, embedder, context.log.info), pool_vectors)
        judge_fn = judge_function(judge, context.log.info) if settings.judge_borderline else None
        with judge.scope(context):
            matched = match_items(items, problems, settings, vectors, judge_fn)
        weak = matched.filter(pl.col("verdict") == "weak")  # counted, not reported
        hits = matched.filter(pl.col("verdict") != "weak")
        report = attach_lineage(
            benchmark, hits, items, raw, read_stages(store, shards, hits["problem_uid"])
        )
        metadata = report_metadata(report, items, settings, loaded, weak, problems)
        return dg.Output(report, metadata=metadata)

    return contamination_report


def report_metadata(
    report: pl.DataFrame,
    items: pl.DataFrame,
    settings: AuditSettings,
    loaded: BenchmarkLoad,
    weak: pl.DataFrame,
    problems: pl.DataFrame,
) -> dict:
    hits = contaminated(report, settings)
    by_item = per_item(report, settings)
    by_source = per_source(report, settings)
    variants = report.filter(pl.col("verdict") == "number_variant")
    shown = hits.select(
        "item_id",
        "source",
        "source_row_id",
        pl.col("methods").list.join(","),
        pl.col("similarity").round(3),
        pl.col("coverage").round(2),
        "dedup_decision",
        pl.col("response_uids").list.len().alias("responses"),
        pl.col("accepted_response_uids").list.len().alias("accepted"),
        "reached",
    )
    lineage = {
        "problem_uid": [(RAW_PROBLEMS, "problem_uid")],
        "source": [(RAW_PROBLEMS, "source")],
        "source_row_id": [(RAW_PROBLEMS, "source_row_id")],
        "source_revision": [(RAW_PROBLEMS, "source_revision")],
        "problem": [(RAW_PROBLEMS, "problem")],
        "dedup_decision": [(DEDUPED_POOL, "decision")],
        "duplicate_of": [(DEDUPED_POOL, "duplicate_of")],
        "response_uids": [(DISTILLED_RESPONSES, "response_uid")],
        "accepted_response_uids": [(VERIFIED_SET, "response_uid")],
        "rejections": [
            (REJECTED_RESPONSES, "response_uid"),
            (REJECTED_RESPONSES, "rejection_reason"),
        ],
        "sft_rows": [(SFT_DATASET, "response_uid")],
    }
    return {
        "dagster/row_count": report.height,
        "dagster/column_lineage": column_lineage(lineage),
        "benchmark_revision": loaded.revision or "",
        "items": items.height,
        "contaminated_items": by_item.height,
        "contamination_rate": round(by_item.height / items.height, 4) if items.height else 0.0,
        "contaminated_rows": hits.height,
        "reached_sft_dataset": int((hits["reached"] == "sft_dataset").sum()),
        "number_variant_rows": variants.height,
        # what the matcher found, by verdict: weak matches (a shared template phrase only) are
        # discarded, number variants reported, contaminated rows counted
        "verdicts": dg.MetadataValue.json(
            {
                "contaminated": int((report["verdict"] == "contaminated").sum()),
                "number_variant": variants.height,
                "weak_discarded": weak.height,
            }
        ),
        "weak_matches_discarded": dg.MetadataValue.md(
            markdown_table(
                weak.join(problems.select("problem_uid", "problem"), on="problem_uid", how="left")
                .join(
                    items.select("item_id", pl.col("problem").alias("item_problem")), on="item_id"
                )
                .select(
                    "item_id",
                    pl.col("coverage").round(3),
                    pl.col("similarity").round(3),
                    "item_problem",
                    "problem",
                ),
                10,
                max_chars=60,
            )
        ),
        "contaminated_item_table": dg.MetadataValue.md(markdown_table(by_item, 50, max_chars=70)),
        "hits": dg.MetadataValue.md(markdown_table(shown, 50, max_chars=40)),
        "hits_per_source": dg.MetadataValue.md(markdown_table(by_source, 50)),
        "hits_per_source_plot": bar_plot(
            by_source["source"].to_list() or ["(none)"],
            by_source["rows"].to_list() or [0],
            "contaminated rows per source",
        ),
        "similarity_plot": histogram_plot(
            report["similarity"].drop_nulls().to_list(),
            np.linspace(0.5, 1.0, 26),
            "item-row cosine of every reported pair",
            f"cosine (threshold {settings.threshold})",
        ),
        "number_variants": dg.MetadataValue.md(
            markdown_table(
                variants.select("item_id", "source", "source_row_id", "item_problem", "problem"),
                10,
                max_chars=60,
            )
        ),
        "settings": dg.MetadataValue.json(
            {**settings.__dict__, "ngram_sizes": list(settings.ngram_sizes)}
        ),
        "sql": dg.MetadataValue.md(EXAMPLE_SQL),
    }
