"""``problem_labels`` (per source): difficulty, category, quality, language and ground truth for
every deduplicated problem, and the selection decision with its reason."""

import dagster as dg
import polars as pl
from pydantic import Field

from r1_assets.assets.keys import DEDUPED_POOL, PROBLEM_LABELS, RAW_PROBLEMS
from r1_assets.assets.metadata import column_lineage, column_schema, same_columns
from r1_assets.assets.plots import bar_plot
from r1_assets.labels.labeling import LABEL_SCHEMA, build_labels, label_requests
from r1_assets.labels.prompts import CATEGORIES, LABELER_VERSION
from r1_assets.labels.selection import SelectionPolicy, select, uninformative_labels
from r1_assets.partitions import SHARD, SOURCE, file_name_of, source_shard
from r1_assets.pools import LLM_POOL
from r1_assets.resources import LLMResource, WarehouseResource
from r1_assets.resources.llm import PlannedCall
from r1_assets.storage.warehouse import Warehouse
from r1_assets.text.markdown import counts_table, markdown_table

_P = SelectionPolicy()


class SelectionConfig(dg.Config):
    require_ground_truth: list[str] = Field(
        default=list(_P.require_ground_truth),
        description="domains whose problems need a reference answer or test cases",
    )
    languages: list[str] = Field(
        default=list(_P.languages), description="ISO 639-1 codes to keep; empty keeps all"
    )
    categories: list[str] = Field(
        default=list(_P.categories),
        description=f"categories to keep ({', '.join(CATEGORIES)}); empty keeps all",
    )
    keep_rate: dict[str, float] = Field(
        default={str(k): v for k, v in _P.keep_rate.items()},
        description="share of problems kept per difficulty level (downsample easy/medium)",
    )
    min_quality: int = Field(default=_P.min_quality, description="0 = no quality floor")
    seed: int = Field(default=_P.seed, description="seed of the downsampling draw")

    def policy(self) -> SelectionPolicy:
        return SelectionPolicy(
            require_ground_truth=tuple(self.require_ground_truth),
            languages=tuple(self.languages),
            categories=tuple(self.categories),
            keep_rate={int(k): v for k, v in self.keep_rate.items()},
            min_quality=self.min_quality,
            seed=self.seed,
        )


def build_problem_labels(source_partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=PROBLEM_LABELS,
        partitions_def=source_partitions,
        ins={"raw_problems": dg.AssetIn(RAW_PROBLEMS, metadata={"drop_columns": ["responses"]})},
        deps=[DEDUPED_POOL],
        group_name="select",
        kinds={"parquet", "llm"},
        pool=LLM_POOL,
        code_version=LABELER_VERSION,
        metadata={"dagster/column_schema": column_schema(LABEL_SCHEMA)},
        description="Per problem: difficulty (1-5), category and quality from the LLM labeler "
        "(unknown, with the raw answer, when it answers garbage), language (langid), reference "
        "answer / tests, and whether the selection policy sends it to distillation — with the "
        "reason.",
    )
    def problem_labels(
        context: dg.AssetExecutionContext,
        config: SelectionConfig,
        raw_problems: pl.DataFrame,
        warehouse: WarehouseResource,
        llm: LLMResource,
    ) -> dg.Output:
        source, shard = source_shard(context)
        problems, undecided = problems_to_label(warehouse.get(), raw_problems, source, shard)
        if undecided > 0:
            context.log.warning(
                f"{undecided} rows are not in deduped_pool yet (rematerialize it): labeled as kept"
            )
        kept = problems.filter(pl.col("decision") == "kept")
        with llm.scope(context):
            completions, stats = llm.generate(
                label_requests(kept["problem"].to_list()), log=context.log.info, desc="labeling"
            )
        labels = build_labels(problems, completions, llm.model_id)
        if stats.failed:
            context.log.warning(
                f"{stats.failed} labeler calls failed: those problems are not selected "
                "(reason 'labeler error'); a rerun retries exactly those calls"
            )
        flat = uninformative_labels(labels.filter(pl.col("decision") == "kept"))
        for column, value in flat.items():
            context.log.warning(
                f"the labeler gives {value!r} as the {column} of nearly every problem: it does "
                f"not tell these problems apart, so selecting by {column} cuts at random (a "
                "stronger labeler model, or keep_rate: {} / no category or quality filter)"
            )
        labels = select(labels, config.policy()).select(list(LABEL_SCHEMA)).cast(dict(LABEL_SCHEMA))
        metadata = _metadata(labels, stats.as_metadata(), llm.describe())
        return dg.Output(
            labels, metadata={**metadata, "uninformative_labels": dg.MetadataValue.json(flat)}
        )

    return problem_labels


def problems_to_label(
    store: Warehouse, raw_problems: pl.DataFrame, source: str, shard: str
) -> tuple[pl.DataFrame, int]:
    """The shard's problems with their dedup decision (a row newer than the pool counts as
    kept), and how many rows the pool does not know yet."""
    if "data" not in store.partitions(DEDUPED_POOL.path[-1]):
        raise dg.Failure(description="materialize deduped_pool before problem_labels")
    decisions = (
        store.scan(DEDUPED_POOL.path[-1])
        .filter((pl.col("source") == source) & (pl.col("shard") == shard))
        .select("problem_uid", "source_row_id", "decision", "duplicate_of")
        .collect()
    )
    problems = raw_problems.join(
        decisions, on=["problem_uid", "source_row_id"], how="left", validate="1:1"
    )
    undecided = int(problems["decision"].is_null().sum())
    return problems.with_columns(pl.col("decision").fill_null("kept")), undecided


def planned_calls(keys: dict[str, str], config: dict, resources: dict) -> list[PlannedCall]:
    """The labeler calls of one (source, shard) run, from what is materialized now."""
    store = resources["warehouse"].get()
    # the shard without its shipped responses (the bulk of an AM row), which labeling never reads
    raw = store.scan(RAW_PROBLEMS.path[-1], [file_name_of(keys)]).drop("responses").collect()
    problems, _ = problems_to_label(store, raw, keys[SOURCE], keys[SHARD])
    kept = problems.filter(pl.col("decision") == "kept")["problem"].to_list()
    return [PlannedCall("labeling", resources["llm"], label_requests(kept))]


def _metadata(labels: pl.DataFrame, llm_stats: dict, labeler: dict) -> dict:
    kept = labels.filter(pl.col("decision") == "kept")
    levels = kept["difficulty"].cast(pl.String).fill_null("unknown")
    difficulty = {level: int((levels == level).sum()) for level in ["1", "2", "3", "4", "5"]}
    difficulty["unknown"] = int((levels == "unknown").sum())
    categories = kept["category"].fill_null("unknown").value_counts(sort=True)
    unknown = kept.filter(
        pl.col("difficulty").is_null() | pl.col("category").is_null() | pl.col("quality").is_null()
    )
    return {
        "dagster/row_count": labels.height,
        "dagster/column_lineage": column_lineage(
            same_columns(RAW_PROBLEMS, "problem_uid", "source", "source_row_id")
        ),
        "selected": int(labels["selected"].sum()),
        "labeled": kept.height,
        **llm_stats,
        "labeler": dg.MetadataValue.json({**labeler, "version": LABELER_VERSION}),
        "selection_reasons": dg.MetadataValue.md(counts_table(labels, "selection_reason")),
        "difficulty_plot": bar_plot(
            list(difficulty), list(difficulty.values()), "difficulty (LLM labeler)"
        ),
        "category_plot": bar_plot(
            categories["category"].to_list(), categories["count"].to_list(), "category"
        ),
        "languages": dg.MetadataValue.md(counts_table(labels, "language")),
        "unknown_labels": int(unknown.height),
        "unknown_label_examples": dg.MetadataValue.md(
            markdown_table(
                unknown.select("source_row_id", "difficulty_raw", "category_raw", "quality_raw"),
                8,
            )
        ),
    }
