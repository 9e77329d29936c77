"""The training side: ``sft_dataset`` (the mixture across sources, exported with a dataset card)
and ``trained_model`` (SFT of the student on it)."""

import json
from pathlib import Path
from typing import Literal

import dagster as dg
import polars as pl
from pydantic import Field
from pydantic.fields import FieldInfo

from r1_assets.assets.keys import (
    CONTAMINATION_REPORT,
    PROBLEM_LABELS,
    PROBLEM_PASS_RATES,
    SFT_DATASET,
    TRAINED_MODEL,
    VERIFIED_SET,
)
from r1_assets.assets.metadata import column_lineage
from r1_assets.assets.plots import bar_plot, line_plot
from r1_assets.audit.report import decontaminate, judge_function
from r1_assets.audit.training import mixture_overlaps, training_problems
from r1_assets.dataset.card import dataset_card
from r1_assets.dataset.export import token_counter, write_sft_dataset
from r1_assets.dataset.mixture import MixturePolicy, accepted_rows, build_mixture, mixture_counts
from r1_assets.evaluate.benchmarks import load_benchmark
from r1_assets.llm.models import DEFAULT_LLM, resolve_llm
from r1_assets.pools import LLM_POOL
from r1_assets.resources import (
    BenchmarkCatalogResource,
    ContaminationAuditResource,
    EmbedderResource,
    LLMResource,
    SourceCatalogResource,
    WarehouseResource,
)
from r1_assets.settings import models_dir
from r1_assets.storage.warehouse import source_of
from r1_assets.text.markdown import markdown_table
from r1_assets.train.settings import SFTSettings


class SFTDatasetConfig(dg.Config):
    source_weights: dict[str, float] = Field(
        default={},
        description="source -> weight (1 = as is, 0 = drop, 0.5 = half, 2 = every row twice); "
        "sources not named weigh 1",
    )
    difficulty_keep: dict[str, float] = Field(
        default={}, description="difficulty level (1-5) -> share of its rows kept"
    )
    difficulty_from: Literal["llm", "pass_rate"] = Field(
        default="llm",
        description="the difficulty difficulty_keep reads: the LLM label (problem_labels), or "
        "the level measured from teacher samples (problem_pass_rates; the LLM label where a "
        "problem has none)",
    )
    max_responses_per_problem: int | None = Field(
        default=None, description="cap on accepted responses per problem (null: all)"
    )
    max_responses_per_teacher: int | None = Field(
        default=None,
        description="cap per problem and teacher_name (1: one response per teacher; null: all)",
    )
    prefer: Literal["random", "shortest", "lowest_perplexity"] = Field(
        default="random",
        description="which accepted responses of a problem the caps keep first: a seeded draw, "
        "the shortest, or the lowest perplexity under the reference model (the perplexity "
        "verifier's)",
    )
    seed: int = Field(default=0, description="seed of every weighting/downsampling draw")
    tokenizer: str = Field(
        default=DEFAULT_LLM, description="the student's tokenizer, for token-length statistics"
    )
    decontaminate: bool = Field(
        default=True,
        description="leave out every row whose problem a contamination_report partition "
        "counts as overlapping a benchmark item (the blocking check fails on any left)",
    )

    def policy(self) -> MixturePolicy:
        return MixturePolicy(
            source_weights=dict(self.source_weights),
            difficulty_keep={int(k): v for k, v in self.difficulty_keep.items()},
            max_responses_per_problem=self.max_responses_per_problem,
            max_responses_per_teacher=self.max_responses_per_teacher,
            prefer=self.prefer,
            seed=self.seed,
        )


def _with_pass_rate_difficulty(
    context: dg.AssetExecutionContext, store, labels: pl.DataFrame, current: dict
) -> pl.DataFrame:
    """``labels`` with each problem's pass-rate level as its difficulty where it has one."""
    measured = store.source_partitions("problem_pass_rates", current)
    if not measured:
        raise dg.Failure(
            description="difficulty_from pass_rate needs problem_pass_rates: materialize it"
        )
    keys = ["problem_uid", "source_row_id"]
    rates = store.scan("problem_pass_rates", measured).select(*keys, "pass_rate_difficulty")
    joined = labels.join(rates.collect().unique(keys), on=keys, how="left")
    context.log.info(
        f"difficulty from pass rate for {joined['pass_rate_difficulty'].is_not_null().sum()} "
        f"of {joined.height} labelled problems, the LLM label for the rest"
    )
    return joined.with_columns(
        pl.coalesce("pass_rate_difficulty", "difficulty").cast(pl.Int8).alias("difficulty")
    ).drop("pass_rate_difficulty")


@dg.asset(
    key=SFT_DATASET,
    deps=[VERIFIED_SET, PROBLEM_LABELS, PROBLEM_PASS_RATES, CONTAMINATION_REPORT],
    group_name="train",
    kinds={"parquet", "jsonl"},
    code_version="1",
    description="The training mixture: verified_set across every materialized source, weighted "
    "per source and downsampled per difficulty (deterministic under the seed), exported as "
    "JSONL + Parquet in the AM-DeepSeek-R1-Distilled row shape with a dataset card (sources, "
    "licenses, counts, token lengths, verifiers, content hash) under data/exports/sft_dataset/. "
    "Rows overlapping a benchmark (contamination_report) are left out by default.",
)
def sft_dataset(
    context: dg.AssetExecutionContext,
    config: SFTDatasetConfig,
    warehouse: WarehouseResource,
    source_catalog: SourceCatalogResource,
    benchmark_catalog: BenchmarkCatalogResource,
    contamination_audit: ContaminationAuditResource,
) -> dg.MaterializeResult:
    store = warehouse.get()
    catalog = source_catalog.load()
    stored = store.partitions("verified_set")
    stale = sorted({source_of(f) for f in stored} - set(catalog.names))
    if stale:  # a source dropped from the catalog whose files are still there (r1-assets prune)
        context.log.warning(f"verified_set partitions of sources not in the catalog: {stale}")
    current = source_catalog.shard_keys()
    shards = store.source_partitions("verified_set", current)
    if not shards:
        raise dg.Failure(description="no verified_set partition materialized yet")
    sources = list(dict.fromkeys(source_of(f) for f in shards))
    # the mixture is decided on every column but the messages (the bulk of a row); the messages
    # are joined shard by shard while the rows are written
    verified = accepted_rows(store, shards)
    labeled = store.source_partitions("problem_labels", current)
    unlabeled = sorted(set(shards) - set(labeled))
    if unlabeled:
        context.log.warning(
            f"no problem_labels for {unlabeled}: their difficulty is unknown and "
            "difficulty_keep does not apply to them"
        )
    labels = (
        store.scan("problem_labels", labeled)
        .select("problem_uid", "source_row_id", "difficulty", "category")
        .collect()
        if labeled
        else pl.DataFrame(
            schema={
                "problem_uid": pl.String,
                "source_row_id": pl.String,
                "difficulty": pl.Int8,
                "category": pl.String,
            }
        )
    )
    if config.difficulty_from == "pass_rate":
        labels = _with_pass_rate_difficulty(context, store, labels, current)
    unknown = sorted(set(config.source_weights) - set(catalog.names))
    if unknown:
        raise dg.Failure(description=f"source_weights name unknown source(s) {unknown}")
    missing = [s for s in catalog.names if s not in sources]
    if missing:
        context.log.warning(f"sources without a verified_set partition (left out): {missing}")
    verified, removed, audited = _decontaminated(
        context, config, store, verified, contamination_audit, benchmark_catalog.load().names
    )
    try:
        mixture = build_mixture(verified, labels, config.policy())
    except ValueError as error:
        raise dg.Failure(description=f"sft_dataset: {error}") from error
    counts = mixture_counts(verified, mixture)
    context.log.info(
        f"{verified.height} accepted rows from {len(sources)} sources -> {mixture.height}"
    )
    if mixture.is_empty():
        raise dg.Failure(
            description="the SFT mixture is empty: no accepted responses, or every source "
            "weighted 0 / every difficulty downsampled away",
            metadata={"per_source": dg.MetadataValue.md(markdown_table(counts, counts.height))},
        )
    tokenizer_path = resolve_llm(config.tokenizer, models_dir(Path(warehouse.root)))
    licenses = {
        name: getattr(entry, "license", "invalid catalog entry")
        for name, entry in catalog.entries.items()
    }
    policy = config.model_dump(exclude={"tokenizer"})
    export, table = write_sft_dataset(
        store,
        mixture,
        Path(warehouse.root) / "exports",  # the local spool when the warehouse is in S3
        token_counter(tokenizer_path),
        lambda content_hash, tokens: dataset_card(
            mixture,
            counts,
            licenses,
            tokens,
            policy,
            content_hash,
            config.tokenizer,
            audited=audited if config.decontaminate else [],
            removed=removed,
        ),
    )
    context.log.info(f"exported {export.rows} rows to {export.folder}")
    by_domain = mixture.group_by("domain").len().sort("domain")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": mixture.height,
            "path": dg.MetadataValue.path(str(store.partition_path(SFT_DATASET.path[-1]))),
            "content_hash": export.content_hash,
            "export_folder": dg.MetadataValue.path(export.folder),
            "jsonl": dg.MetadataValue.path(export.jsonl),
            "dataset_card": dg.MetadataValue.md(export.card),
            "per_source": dg.MetadataValue.md(markdown_table(counts, counts.height)),
            "token_lengths": dg.MetadataValue.md(markdown_table(table, table.height)),
            "domain_plot": bar_plot(
                by_domain["domain"].to_list(), by_domain["len"].to_list(), "rows per domain"
            ),
            "policy": dg.MetadataValue.json(json.loads(json.dumps(policy))),
            "sources_left_out": dg.MetadataValue.json(missing),
            "stale_partitions_ignored": dg.MetadataValue.json(stale),
            "decontaminated_rows": removed.height,
            "benchmarks_audited": dg.MetadataValue.json(audited),
            "decontaminated": dg.MetadataValue.md(
                markdown_table(
                    removed.select(
                        "source",
                        "source_row_id",
                        "response_uid",
                        pl.col("overlaps").list.join(", "),
                    ),
                    30,
                )
            ),
            "dagster/column_lineage": column_lineage(
                {
                    column: [(VERIFIED_SET, column)]
                    for column in (
                        "response_uid",
                        "problem_uid",
                        "source",
                        "source_row_id",
                        "source_revision",
                        "messages",
                    )
                }
            ),
        },
    )


def _decontaminated(context, config, store, verified, contamination_audit, benchmarks):
    """verified_set without the rows the contamination reports count (when configured)."""
    audited = store.partitions(CONTAMINATION_REPORT.path[-1])
    unaudited = [b for b in benchmarks if b not in audited]
    nothing_removed = verified.clear().with_columns(overlaps=pl.lit([], pl.List(pl.String)))
    if not config.decontaminate:
        context.log.warning("decontaminate is off: benchmark overlaps stay in the mixture")
        return verified, nothing_removed, audited
    if unaudited:
        context.log.warning(
            f"no contamination_report for {unaudited}: their overlaps cannot be removed here "
            "(the blocking check still looks for them)"
        )
    if not audited:
        return verified, nothing_removed, audited
    reports = store.read(CONTAMINATION_REPORT.path[-1], audited)
    kept, removed = decontaminate(verified, reports, contamination_audit.settings())
    context.log.info(
        f"decontamination: {removed.height} rows of {removed['problem_uid'].n_unique()} problems "
        f"overlap {sorted(set(removed['overlaps'].explode().drop_nulls()))}"
    )
    return kept, removed, audited


@dg.asset_check(
    asset=SFT_DATASET,
    blocking=True,
    description="No row of the SFT mixture overlaps an item of any benchmark in the catalog "
    "(recomputed here with the contamination_audit settings, not read from the reports, so a "
    "benchmark never audited or a report older than the mixture cannot hide an overlap). "
    "Blocking: trained_model does not start on a contaminated mixture.",
)
def no_benchmark_overlap(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    source_catalog: SourceCatalogResource,
    benchmark_catalog: BenchmarkCatalogResource,
    embedder: EmbedderResource,
    judge: LLMResource,
    contamination_audit: ContaminationAuditResource,
) -> dg.AssetCheckResult:
    store = warehouse.get()
    settings = contamination_audit.settings()
    mixture = store.scan("sft_dataset").select("problem_uid").collect()
    raw = training_problems(store, source_catalog.shard_keys())
    if raw is None:
        raise dg.Failure(description="no raw_problems partition materialized: nothing to audit")
    catalog = benchmark_catalog.load()
    judge_fn = judge_function(judge, context.log.info) if settings.judge_borderline else None
    embedder.check_model()  # before any work: a wrong model fails here, in one line
    overlaps = mixture_overlaps(
        mixture["problem_uid"],
        raw,
        ((name, load_benchmark(catalog.get(name), catalog)) for name in catalog.names),
        settings,
        store,
        embedder,
        judge_fn,
        context.log.info,
    )
    names = overlaps.items
    return dg.AssetCheckResult(
        passed=not names,
        description=(
            f"{len(names)} benchmark item(s) overlap the mixture: {', '.join(names[:20])}"
            if names
            else f"no overlap with {overlaps.audited} benchmark(s)"
        ),
        metadata={
            "overlapping_items": dg.MetadataValue.json(names),
            "overlaps": dg.MetadataValue.md(markdown_table(overlaps.table, 30)),
            "benchmarks_skipped": dg.MetadataValue.json(overlaps.skipped),
            "mixture_problems": overlaps.problems,
        },
    )


def _demo_default(name: str, default: object) -> FieldInfo:
    """An SFTSettings field (type, bounds, description) with another default."""
    return FieldInfo.merge_field_infos(SFTSettings.model_fields[name], default=default)


class TrainConfig(SFTSettings, dg.Config):
    """The SFT settings (declared in ``SFTSettings``) and the student, as the run config of
    ``trained_model``. The defaults train the embedded demo student in about a minute on CPU:
    40 steps on the mixture's examples that fit 256 tokens, enough for it to answer in the
    teacher's format (``configs/sft_production.yaml`` holds a real run's settings)."""

    base_model: str = Field(
        default=DEFAULT_LLM, description="the student: the embedded model or a local HF folder"
    )
    learning_rate: float = _demo_default("learning_rate", 1e-4)
    max_steps: int | None = _demo_default("max_steps", 40)
    max_length: int = _demo_default("max_length", 256)

    def settings(self) -> SFTSettings:
        return SFTSettings(**self.model_dump(exclude={"base_model"}))


@dg.asset(
    key=TRAINED_MODEL,
    deps=[SFT_DATASET],
    group_name="train",
    kinds={"pytorch", "transformers"},
    pool=LLM_POOL,  # training uses every core, like an engine
    code_version="2",
    description="Supervised fine-tuning of the student on sft_dataset (loss on assistant tokens "
    "only, the reasoning inside <think>…</think>) on transformers' Trainer: the checkpoint folder "
    "(or LoRA adapter), its training log, TensorBoard events and loss curve. A checkpoint is "
    "keyed by (dataset content hash, base model, settings): rematerializing an unchanged setup "
    "reuses it, and a run killed midway resumes from its last resumable checkpoint.",
)
def trained_model(
    context: dg.AssetExecutionContext, config: TrainConfig, warehouse: WarehouseResource
) -> dg.Output:
    from r1_assets.dataset.export import content_hash
    from r1_assets.llm.models import model_id
    from r1_assets.train.checkpoint import checkpoint_dir, checkpoint_key, is_trained
    from r1_assets.train.output import SUMMARY, TRAIN_LOG
    from r1_assets.train.trainer import train

    store = warehouse.get()
    if "data" not in store.partitions("sft_dataset"):
        raise dg.Failure(description="materialize sft_dataset before trained_model")
    mixture = store.read("sft_dataset")
    if mixture.is_empty():
        raise dg.Failure(description="sft_dataset is empty: nothing to train on")
    base = resolve_llm(config.base_model, models_dir(Path(warehouse.root)))
    if not Path(base).is_dir():
        raise dg.Failure(description=f"base model {config.base_model!r}: no folder at {base}")
    settings = config.settings()
    dataset_hash = content_hash(store.iter_batches("sft_dataset"))
    key = checkpoint_key(dataset_hash, model_id(config.base_model, base), settings)
    output_dir = checkpoint_dir(models_dir(Path(warehouse.root)), key)
    if is_trained(output_dir):
        context.log.info(f"{output_dir} already trained with this dataset and settings: reused")
    else:
        context.log.info(
            f"training {config.base_model} on {mixture.height} rows ({dataset_hash[:12]}) "
            f"-> {output_dir}"
        )
        train(
            base,
            mixture.select("messages").to_dicts(),
            settings,
            output_dir,
            log=context.log.info,
        )
    summary = json.loads((output_dir / SUMMARY).read_text())
    log = pl.read_ndjson(output_dir / TRAIN_LOG)
    row = pl.DataFrame(
        {
            "model_path": [str(output_dir)],
            "base_model": [config.base_model],
            "dataset_hash": [dataset_hash],
            "settings": [json.dumps(config.model_dump(), sort_keys=True)],
            "steps": [int(log.height)],
            "final_loss": [float(log["loss"][-1]) if log.height else None],
        }
    )
    return dg.Output(
        row,
        metadata={
            "model_path": dg.MetadataValue.path(str(output_dir)),
            "dataset_hash": dataset_hash,
            "steps": log.height,
            "final_loss": float(log["loss"][-1]) if log.height else 0.0,
            "loss_curve": line_plot(
                log["step"].to_list(),
                {"loss": log["loss"].to_list()},
                "training loss",
                "step",
                "loss",
            ),
            "train_log": dg.MetadataValue.md(markdown_table(log, 20)),
            "summary": dg.MetadataValue.json(summary),
            "resumed_from_step": summary.get("resumed_from_step", 0),
            "adapter": bool(summary.get("adapter")),
            "tensorboard": dg.MetadataValue.path(str(output_dir / "runs")),
        },
    )
