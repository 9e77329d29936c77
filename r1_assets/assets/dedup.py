"""``problem_embeddings`` (per source) and ``deduped_pool`` (across sources)."""

import functools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import numpy as np
import polars as pl

from r1_assets.assets.keys import DEDUP_PAIRS, DEDUPED_POOL, PROBLEM_EMBEDDINGS, RAW_PROBLEMS
from r1_assets.assets.metadata import column_lineage, column_schema, same_columns
from r1_assets.assets.plots import histogram_plot
from r1_assets.dedup.calibration import BANDS, band_samples, ground_truth_samples, rate_by_source
from r1_assets.dedup.embeddings import EMBEDDING_SCHEMA, embed_problems
from r1_assets.dedup.pool import DECISION_SCHEMA, PAIR_SCHEMA, POOL_COLUMNS, decide, rank_rows
from r1_assets.dedup.settings import DedupSettings
from r1_assets.dedup.static import static_model
from r1_assets.resources import EmbedderResource, SourceCatalogResource, WarehouseResource
from r1_assets.settings import models_dir
from r1_assets.storage.warehouse import source_of
from r1_assets.text.markdown import histogram_markdown, markdown_table


def build_problem_embeddings(source_partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=PROBLEM_EMBEDDINGS,
        partitions_def=source_partitions,
        ins={
            "raw_problems": dg.AssetIn(
                RAW_PROBLEMS,
                metadata={"columns": ["problem_uid", "source", "source_row_id", "problem"]},
            )
        },
        group_name="dedup",
        kinds={"parquet", "sentence_transformers"},
        metadata={"dagster/column_schema": column_schema(EMBEDDING_SCHEMA)},
        description="Embedding of each problem's normalized text, cached by (problem_uid, "
        "model): unchanged problems are never embedded twice.",
    )
    def problem_embeddings(
        context: dg.AssetExecutionContext, raw_problems: pl.DataFrame, embedder: EmbedderResource
    ) -> dg.Output:
        embedder.check_model()  # before any work: a wrong path fails here, in one line
        frame, stats = embed_problems(
            raw_problems,
            embedder.cache(),
            embedder.load,
            embedder.model,
            chunk_size=embedder.chunk_size,
            batch_size=embedder.batch_size,
            log=context.log.info,
        )
        context.log.info(
            f"{stats.embedded:,} embedded ({stats.texts_per_second:.1f} texts/s), "
            f"{stats.cached:,} from cache, {stats.empty:,} empty, {stats.truncated:,} truncated"
        )
        return dg.Output(
            frame,
            metadata={
                "dagster/row_count": frame.height,
                "dagster/column_lineage": column_lineage(
                    same_columns(RAW_PROBLEMS, "problem_uid", "source", "source_row_id")
                ),
                "model": embedder.model,
                "cache_key": embedder.key,
                "cache_hits": stats.cached,
                "cache_misses": stats.embedded,
                "texts_per_second": round(stats.texts_per_second, 1),
                "empty_texts": stats.empty,
                "truncated": stats.truncated,
                "truncated_examples": dg.MetadataValue.md(
                    markdown_table(
                        frame.filter(pl.col("truncated")).select(
                            "problem_uid", "source_row_id", "n_tokens"
                        ),
                        5,
                    )
                ),
            },
        )

    return problem_embeddings


class DedupConfig(DedupSettings, dg.Config):
    """The dedup settings (fields, defaults and descriptions declared in ``DedupSettings``) as
    the run config of ``deduped_pool`` and ``dedup_pairs``: a flat mapping, e.g.
    ``{threshold: 0.85, number_guard: false}``."""

    def settings(self) -> DedupSettings:
        return DedupSettings(**self.model_dump())


@dg.multi_asset(
    name="deduped_pool",
    group_name="dedup",
    deps=[RAW_PROBLEMS, PROBLEM_EMBEDDINGS],
    can_subset=False,
    outs={
        "deduped_pool": dg.AssetOut(
            key=DEDUPED_POOL,
            kinds={"parquet", "usearch"},
            description="Every raw problem with its decision: kept, or duplicate_of the kept "
            "problem_uid (with similarity and method). Retention follows catalog priority.",
            metadata={"dagster/column_schema": column_schema(DECISION_SCHEMA)},
        ),
        "dedup_pairs": dg.AssetOut(
            key=DEDUP_PAIRS,
            kinds={"parquet"},
            description="Candidate pairs above the calibration floor with their similarity, "
            "number-guard result and verdict: query it to choose a threshold.",
            metadata={"dagster/column_schema": column_schema(PAIR_SCHEMA)},
        ),
    },
)
def deduped_pool(
    context: dg.AssetExecutionContext,
    config: DedupConfig,
    warehouse: WarehouseResource,
    source_catalog: SourceCatalogResource,
    embedder: EmbedderResource,
) -> Iterator[dg.Output]:
    store = warehouse.get()
    catalog = source_catalog.load()
    current = source_catalog.shard_keys()
    shards = store.source_partitions("raw_problems", current)
    sources = list(dict.fromkeys(source_of(p) for p in shards))
    embedded = store.source_partitions("problem_embeddings", current)
    settings = config.settings()
    # what dedup reads of a problem: never its responses (the bulk of an AM row)
    problems = (
        store.scan("raw_problems", shards, partition_column="shard")
        .select(*POOL_COLUMNS, pl.col("shard").str.split(".").list.last())
        .collect()
    )
    static = None
    if settings.first_pass == "static":
        # the static model proposes pairs; only their rows are embedded with the configured
        # model (through its cache), so problem_embeddings need not cover the pool
        static = static_model(
            models_dir(Path(warehouse.root)), embedder.model, log=context.log.info
        )
        embeddings = functools.partial(_embed, embedder=embedder, log=context.log.info)
        missing, without_embedding = [], 0
    else:
        missing = sorted(set(shards) - set(embedded))
        if missing:
            context.log.warning(f"no problem_embeddings for {missing}: only exact dedup for them")
        embeddings, without_embedding = _stored_embeddings(
            context, store, embedded, problems, embedder
        )
    priorities = {n: s.priority for n, s in catalog.entries.items() if hasattr(s, "priority")}
    ranked = rank_rows(problems, priorities)
    context.log.info(
        f"deduplicating {problems.height:,} problems from {len(sources)} sources "
        f"({ranked['problem_uid'].n_unique():,} distinct texts)"
    )
    started = time.perf_counter()
    decisions, pairs, nearest = decide(
        ranked,
        embeddings,
        settings,
        index_path=Path(warehouse.root) / "cache" / "dedup" / f"{embedder.key}.usearch",
        model_key=embedder.key,
        static=static,
    )
    seconds = time.perf_counter() - started
    context.log.info(
        f"index + search + decisions in {seconds:.1f} s: {pairs.height:,} candidate pairs, "
        f"{int((decisions['decision'] == 'duplicate').sum()):,} duplicates"
    )
    yield dg.Output(
        decisions,
        output_name="deduped_pool",
        metadata=_pool_metadata(
            without_embedding,
            decisions,
            pairs,
            nearest,
            problems,
            settings,
            embedder.key,
            sources,
            missing,
        ),
    )
    yield dg.Output(pairs, output_name="dedup_pairs", metadata={"dagster/row_count": pairs.height})


def _stored_embeddings(context, store, embedded: list[str], problems: pl.DataFrame, embedder):
    """problem_embeddings of the pool's shards for the embedder's model, and how many problems
    have none."""
    embeddings = (
        store.scan("problem_embeddings", embedded)
        .filter(pl.col("model_key") == embedder.key)
        .select("problem_uid", "embedding")
        .collect()
        if embedded
        else pl.DataFrame(schema=EMBEDDING_SCHEMA)
    )
    embedded_uids = embeddings.filter(pl.col("embedding").is_not_null())["problem_uid"]
    without_embedding = problems.filter(
        ~pl.col("problem_uid").is_in(embedded_uids.implode())
    ).height
    if without_embedding:
        context.log.warning(
            f"{without_embedding:,} problems have no embedding for {embedder.key} (empty text, "
            "or embedded with another model/settings): they can only be exact duplicates"
        )
    return embeddings, without_embedding


def _embed(rows: pl.DataFrame, embedder: EmbedderResource, log) -> pl.DataFrame:
    """The static first pass's lookup: these rows' embeddings, from the cache or the model."""
    frame, stats = embed_problems(rows, embedder.cache(), embedder.load, embedder.model, log=log)
    log(f"confirming candidates: {stats.embedded:,} embedded, {stats.cached:,} from cache")
    return frame


def _pool_metadata(
    without_embedding: int,
    decisions: pl.DataFrame,
    pairs: pl.DataFrame,
    nearest: np.ndarray,
    problems: pl.DataFrame,
    settings: DedupSettings,
    model_key: str,
    sources: list[str],
    missing: list[str],
) -> dict[str, Any]:
    verdicts = dict(pairs["verdict"].value_counts().rows()) if pairs.height else {}
    texts = problems.select("problem_uid", "problem").unique("problem_uid")
    blocked = pairs.filter(pl.col("verdict") == "guard_blocked")
    return {
        "dagster/row_count": decisions.height,
        "dagster/column_lineage": column_lineage(
            {
                **same_columns(RAW_PROBLEMS, "problem_uid", "source", "source_row_id", "domain"),
                "duplicate_of": [(RAW_PROBLEMS, "problem_uid")],
                "duplicate_of_source": [(RAW_PROBLEMS, "source")],
                "duplicate_of_row_id": [(RAW_PROBLEMS, "source_row_id")],
            }
        ),
        "kept": int((decisions["decision"] == "kept").sum()),
        "exact_duplicates": int((decisions["method"] == "exact").sum()),
        "semantic_duplicates": int((decisions["method"] == "semantic").sum()),
        "answer_duplicates": int((decisions["method"] == "answer").sum()),
        "test_duplicates": int((decisions["method"] == "tests").sum()),
        "problems_without_embedding": without_embedding,
        "guard_blocked_pairs": verdicts.get("guard_blocked", 0),
        "ground_truth_conflict_pairs": verdicts.get("ground_truth_conflict", 0),
        "threshold": settings.threshold,
        "number_guard": settings.number_guard,
        "sources": dg.MetadataValue.json(sources),
        "shards": len(set(decisions.select("source", "shard").rows())),
        "shards_without_embeddings": dg.MetadataValue.json(missing),
        "dedup_rate_by_source": dg.MetadataValue.md(markdown_table(rate_by_source(decisions), 100)),
        "settings_id": settings.fingerprint(model_key),
        "settings": dg.MetadataValue.json({**settings.model_dump(), "model_key": model_key}),
        "nearest_neighbor_similarity": dg.MetadataValue.md(
            histogram_markdown(nearest, list(BANDS))
        ),
        "nearest_neighbor_plot": histogram_plot(
            nearest,
            np.linspace(settings.calibration_floor, 1.0, 26),
            "nearest-neighbor cosine per problem",
            f"cosine (threshold {settings.threshold})",
        ),
        "pairs_by_band": dg.MetadataValue.md(
            markdown_table(band_samples(pairs, texts), 30, max_chars=90)
        ),
        "guard_blocked_examples": dg.MetadataValue.md(
            markdown_table(band_samples(blocked, texts, per_band=5), 10, max_chars=90)
        ),
        "ground_truth_examples": dg.MetadataValue.md(
            markdown_table(ground_truth_samples(pairs, texts), 12, max_chars=90)
        ),
    }
