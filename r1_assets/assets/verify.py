"""Rejection sampling (per source): ``response_verdicts`` — one verdict per (response, verifier) —,
``verified_set`` / ``rejected_responses`` — the accepted pairs in the AM row shape, and why
every other response was rejected — and ``problem_pass_rates``, difficulty measured from them."""

import json
from collections.abc import Iterator

import dagster as dg
import polars as pl
from pydantic import Field

from r1_assets.assets.keys import (
    DISTILLED_RESPONSES,
    PROBLEM_LABELS,
    PROBLEM_PASS_RATES,
    RAW_PROBLEMS,
    REJECTED_RESPONSES,
    RESPONSE_VERDICTS,
    VERIFIED_SET,
)
from r1_assets.assets.metadata import column_lineage, column_schema, same_columns
from r1_assets.assets.plots import bar_plot, histogram_plot
from r1_assets.assets.verification import VerifierResources, VerifyConfig, verification
from r1_assets.distill.teachers import pass_rate_by_teacher
from r1_assets.partitions import partition_file_name
from r1_assets.pools import LLM_POOL
from r1_assets.resources import (
    ClassifierResource,
    LLMResource,
    ReferenceModelResource,
    SandboxResource,
    WarehouseResource,
)
from r1_assets.storage.warehouse import Warehouse
from r1_assets.text.markdown import counts_table, markdown_table
from r1_assets.verify.pass_rates import (
    DEFAULT_THRESHOLDS,
    PASS_RATE_SCHEMA,
    check_thresholds,
    label_agreement,
    pass_rates,
)
from r1_assets.verify.templates import COUNTS_SCHEMA, COUNTS_TABLE, TemplateCorpus
from r1_assets.verify.verdicts import (
    DECIDING_KINDS,
    LINEAGE_COLUMNS,
    REJECTED_SCHEMA,
    VERDICT_SCHEMA,
    VERIFIED_SCHEMA,
    VERIFIERS,
    decide,
    rejected_rows,
    responses_with_problems,
    verified_rows,
    verifiers_version,
)


def _template_counts_elsewhere(store: Warehouse, partition: str, ngrams: pl.Series) -> pl.DataFrame:
    """The stored counts of ``ngrams`` in every other partition that still has responses, summed
    per n-gram: memory bounded by this partition's n-grams, not by the corpus."""
    others = set(store.partitions(COUNTS_TABLE)) & set(
        store.partitions(DISTILLED_RESPONSES.path[-1])
    )
    others.discard(partition)
    if not others:
        return pl.DataFrame(schema=COUNTS_SCHEMA)
    return (
        store.scan(COUNTS_TABLE, sorted(others))
        .join(pl.LazyFrame({"ngram": ngrams}), on="ngram", how="semi")
        .group_by("ngram")
        .agg(pl.col("responses").sum())
        .collect()
    )


def build_response_verdicts(source_partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=RESPONSE_VERDICTS,
        partitions_def=source_partitions,
        ins={
            "distilled_responses": dg.AssetIn(DISTILLED_RESPONSES),
            "raw_problems": dg.AssetIn(RAW_PROBLEMS, metadata={"drop_columns": ["responses"]}),
        },
        group_name="verify",
        kinds={"parquet", "llm"},
        pool=LLM_POOL,  # the LLM judge
        # every verifier's name@version: bumping one marks this asset stale (not the responses)
        code_version=verifiers_version(),
        metadata={"dagster/column_schema": column_schema(VERDICT_SCHEMA)},
        description="One row per (response, verifier): name, version, passed, score and detail. "
        "Rules (n-gram repetition, length, format, language mixing, safety) judge every "
        "response; math → math-verify against the reference answer; code → the bubblewrap "
        "sandbox against the test cases; the rest → reward model / LLM judge. Verdicts are "
        "cached by (verifier, version, settings, inputs).",
    )
    def response_verdicts(
        context: dg.AssetExecutionContext,
        config: VerifyConfig,
        distilled_responses: pl.DataFrame,
        raw_problems: pl.DataFrame,
        sandbox: SandboxResource,
        judge: LLMResource,
        reward_model: ClassifierResource,
        safety_classifier: ClassifierResource,
        reference_model: ReferenceModelResource,
        warehouse: WarehouseResource,
    ) -> dg.Output:
        settings = config.settings()
        rows = responses_with_problems(distilled_responses, raw_problems).to_dicts()
        resources = VerifierResources(
            sandbox, judge, reward_model, safety_classifier, reference_model, warehouse
        )

        store = warehouse.get()
        partition = partition_file_name(context.partition_key, context.assets_def.partitions_def)
        # what the template filter counts n-grams over: these responses and every other
        # partition's stored counts
        corpus = TemplateCorpus(
            texts=lambda: (row["content"] for row in rows),
            elsewhere=lambda ngrams: _template_counts_elsewhere(store, partition, ngrams),
        )
        with verification(context, settings, resources, corpus) as (verify, verifiers):
            context.log.info(f"{len(rows)} responses; verifiers: {', '.join(verifiers)}")
            verdicts, stats = verify(rows)
        counted = corpus.counted()
        if counted is not None:
            store.write(COUNTS_TABLE, counted, partition)
        uncached = sum(stats.uncached.values())
        if uncached:
            context.log.warning(
                f"{uncached} verdicts failed for reasons outside the response (judge call, "
                "sandbox start, worker killed): not cached, a rerun retries exactly those"
            )
        table = stats.table(verdicts)
        return dg.Output(
            verdicts,
            metadata={
                "dagster/row_count": verdicts.height,
                "dagster/column_lineage": column_lineage(
                    same_columns(DISTILLED_RESPONSES, *LINEAGE_COLUMNS)
                ),
                "responses": len(rows),
                "verdicts_computed": sum(stats.computed.values()),
                "verdicts_cached": sum(stats.cached.values()),
                "verdicts_not_cached": uncached,
                "verdicts_skipped_after_rules": sum(stats.skipped.values()),
                "verifiers": dg.MetadataValue.md(markdown_table(table, len(table))),
                # one number per verifier, so the UI plots each across materializations
                **{
                    f"pass_rate/{name}": float(rate)
                    for name, rate in zip(table["verifier"], table["pass_rate"], strict=True)
                    if rate is not None
                },
                "pass_rate_plot": bar_plot(
                    table["verifier"].to_list(),
                    table["pass_rate"].fill_null(0).to_list(),
                    "pass rate per verifier",
                    ylabel="pass rate",
                ),
                "settings": dg.MetadataValue.json(json.loads(_settings_json(config))),
                "judge": dg.MetadataValue.json(
                    judge.describe() if {"llm_judge", "math_judge"} & set(verifiers) else {}
                ),
                "failures": dg.MetadataValue.md(
                    markdown_table(
                        verdicts.filter(~pl.col("passed")).select(
                            pl.col("response_uid").str.slice(0, 10), "origin", "verifier", "detail"
                        ),
                        10,
                        max_chars=120,
                    )
                ),
            },
        )

    return response_verdicts


def _settings_json(config: VerifyConfig) -> str:
    return config.model_dump_json()


class VerifiedSetConfig(dg.Config):
    min_pass_rate: float = Field(
        default=0.001, description="warn below this share of accepted responses (0% is a smell)"
    )
    max_pass_rate: float = Field(
        default=0.999, description="warn above this share (100% means nothing was rejected)"
    )


def build_verified_set(source_partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.multi_asset(
        partitions_def=source_partitions,
        ins={
            "distilled_responses": dg.AssetIn(DISTILLED_RESPONSES),
            "response_verdicts": dg.AssetIn(RESPONSE_VERDICTS),
            "raw_problems": dg.AssetIn(RAW_PROBLEMS, metadata={"drop_columns": ["responses"]}),
        },
        outs={
            "verified_set": dg.AssetOut(
                key=VERIFIED_SET,
                group_name="verify",
                kinds={"parquet"},
                description="Accepted (problem, response) pairs in the AM-DeepSeek-R1-Distilled "
                "row shape (messages with info{source, reference_answer, test_case, "
                "think_content, answer_content}), with their lineage ids. Accepted = every "
                "verdict passed and a verifier of the response's domain passed.",
                metadata={"dagster/column_schema": column_schema(VERIFIED_SCHEMA)},
            ),
            "rejected_responses": dg.AssetOut(
                key=REJECTED_RESPONSES,
                group_name="verify",
                kinds={"parquet"},
                description="Every rejected response with the verifiers that failed it and "
                "their details (rejection_reason).",
                metadata={"dagster/column_schema": column_schema(REJECTED_SCHEMA)},
            ),
        },
        check_specs=[
            dg.AssetCheckSpec(
                "pass_rate_in_band",
                asset=VERIFIED_SET,
                description="The share of accepted responses is inside the configured band "
                "(a warning at 0% or 100%: a broken verifier or none at all).",
            ),
            dg.AssetCheckSpec(
                "accepted_rows_verified",
                asset=VERIFIED_SET,
                blocking=True,
                description="Every accepted row has a passing verifier for its domain and no "
                "failing verdict.",
            ),
        ],
    )
    def verified_set(
        context: dg.AssetExecutionContext,
        config: VerifiedSetConfig,
        distilled_responses: pl.DataFrame,
        response_verdicts: pl.DataFrame,
        raw_problems: pl.DataFrame,
    ) -> Iterator[dg.Output | dg.AssetCheckResult]:
        joined = responses_with_problems(distilled_responses, raw_problems)
        decided = decide(joined, response_verdicts)
        accepted, rejected = verified_rows(decided, response_verdicts), rejected_rows(decided)
        rate = accepted.height / decided.height if decided.height else 0.0
        context.log.info(
            f"{accepted.height} of {decided.height} responses accepted ({rate:.1%}), "
            f"{rejected.height} rejected"
        )
        yield dg.Output(accepted, output_name="verified_set", metadata=_accepted_meta(decided))
        yield dg.Output(
            rejected, output_name="rejected_responses", metadata=_rejected_meta(rejected)
        )
        yield dg.AssetCheckResult(
            check_name="pass_rate_in_band",
            asset_key=VERIFIED_SET,
            passed=bool(decided.height) and config.min_pass_rate <= rate <= config.max_pass_rate,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "pass_rate": round(rate, 4),
                "band": f"[{config.min_pass_rate}, {config.max_pass_rate}]",
                "responses": decided.height,
            },
        )
        unverified = _unverified(accepted, response_verdicts)
        yield dg.AssetCheckResult(
            check_name="accepted_rows_verified",
            asset_key=VERIFIED_SET,
            passed=unverified.is_empty(),
            metadata={
                "accepted": accepted.height,
                "without_a_passing_domain_verifier": unverified.height,
                "examples": dg.MetadataValue.md(markdown_table(unverified, 5)),
            },
        )

    return verified_set


def _unverified(accepted: pl.DataFrame, verdicts: pl.DataFrame) -> pl.DataFrame:
    """Accepted responses with a failing verdict, or with no passing non-rule verifier —
    recomputed from the verdicts, independently of ``decide``."""
    domain_kinds = [n for n, s in VERIFIERS.items() if s.kind in DECIDING_KINDS]
    ok = verdicts.group_by("response_uid").agg(
        pl.col("passed").all().alias("all_passed"),
        (pl.col("passed") & pl.col("verifier").is_in(domain_kinds)).any().alias("domain_passed"),
    )
    return (
        accepted.select("response_uid", "domain", "origin")
        .join(ok, on="response_uid", how="left")
        .filter(~(pl.col("all_passed").fill_null(False) & pl.col("domain_passed").fill_null(False)))
    )


def _accepted_meta(decided: pl.DataFrame) -> dict:
    by = (
        decided.group_by("origin", "domain")
        .agg(pl.len().alias("responses"), pl.col("accepted").sum().alias("accepted"))
        .with_columns((pl.col("accepted") / pl.col("responses")).round(3).alias("pass_rate"))
        .sort("origin", "domain")
    )
    accepted = int(decided["accepted"].sum()) if decided.height else 0
    return {
        "dagster/row_count": accepted,
        "dagster/column_lineage": column_lineage(
            {
                **same_columns(DISTILLED_RESPONSES, *LINEAGE_COLUMNS, "source_revision", "teacher"),
                "messages": [
                    (DISTILLED_RESPONSES, "prompt"),
                    (DISTILLED_RESPONSES, "content"),
                    (RAW_PROBLEMS, "reference_answer"),
                    (RAW_PROBLEMS, "test_cases"),
                ],
                "passed_verifiers": [(RESPONSE_VERDICTS, "verifier")],
            }
        ),
        "responses": decided.height,
        "pass_rate": round(accepted / decided.height, 4) if decided.height else 0.0,
        "by_origin_and_domain": dg.MetadataValue.md(markdown_table(by, 20)),
        "by_teacher": dg.MetadataValue.md(markdown_table(pass_rate_by_teacher(decided), 50)),
    }


def _rejected_meta(rejected: pl.DataFrame) -> dict:
    first = rejected.with_columns(
        pl.col("failed_verifiers").list.first().fill_null("no domain verifier").alias("verifier")
    )
    counts = first["verifier"].value_counts(sort=True)
    return {
        "dagster/row_count": rejected.height,
        "dagster/column_lineage": column_lineage(
            {
                **same_columns(DISTILLED_RESPONSES, *LINEAGE_COLUMNS),
                "failed_verifiers": [(RESPONSE_VERDICTS, "verifier")],
                "rejection_reason": [(RESPONSE_VERDICTS, "detail")],
            }
        ),
        "first_failing_verifier": dg.MetadataValue.md(counts_table(first, "verifier")),
        "rejections_plot": bar_plot(
            counts["verifier"].to_list(), counts["count"].to_list(), "rejections (first failure)"
        ),
        "preview": dg.MetadataValue.md(
            markdown_table(
                rejected.select(
                    pl.col("response_uid").str.slice(0, 10), "origin", "rejection_reason"
                ),
                8,
                max_chars=160,
            )
        ),
    }


class PassRateConfig(dg.Config):
    thresholds: list[float] = Field(
        default=list(DEFAULT_THRESHOLDS),
        description="pass rates at or above each of the four (decreasing) thresholds are levels "
        "1-4, below the last level 5 (the LLM label's scale: 1 easy, 5 hard)",
    )


def build_problem_pass_rates(source_partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=PROBLEM_PASS_RATES,
        partitions_def=source_partitions,
        ins={
            "verified_set": dg.AssetIn(VERIFIED_SET, metadata={"drop_columns": ["messages"]}),
            "rejected_responses": dg.AssetIn(REJECTED_RESPONSES),
            "problem_labels": dg.AssetIn(PROBLEM_LABELS),
        },
        group_name="verify",
        kinds={"parquet"},
        code_version="1",
        metadata={"dagster/column_schema": column_schema(PASS_RATE_SCHEMA)},
        description="Difficulty measured, not guessed: per problem with ground truth, the share "
        "of its teacher samples that were verified correct (with a Wilson 95% interval) and the "
        "level it gives (1 easy .. 5 hard), beside the LLM's difficulty label. sft_dataset can "
        "downsample by it (difficulty_from: pass_rate).",
    )
    def problem_pass_rates(
        context: dg.AssetExecutionContext,
        config: PassRateConfig,
        verified_set: pl.DataFrame,
        rejected_responses: pl.DataFrame,
        problem_labels: pl.DataFrame,
    ) -> dg.Output:
        try:
            check_thresholds(config.thresholds)
        except ValueError as exc:
            raise dg.Failure(description=str(exc)) from exc
        rates = pass_rates(verified_set, rejected_responses, problem_labels, config.thresholds)
        table, rho = label_agreement(rates)
        context.log.info(
            f"{rates.height} problems with ground truth and teacher samples; Spearman rho of "
            f"the LLM label against the pass-rate level: {rho}"
        )
        samples = rates["samples"]
        return dg.Output(
            rates,
            metadata={
                "dagster/row_count": rates.height,
                "dagster/column_lineage": column_lineage(
                    {
                        **same_columns(VERIFIED_SET, "problem_uid", "source", "source_row_id"),
                        "samples": [(VERIFIED_SET, "origin"), (REJECTED_RESPONSES, "origin")],
                        "llm_difficulty": [(PROBLEM_LABELS, "difficulty")],
                    }
                ),
                "samples_per_problem": float(samples.mean()) if rates.height else 0.0,
                "all_samples_pass": int((rates["pass_rate"] == 1.0).sum()),
                "no_sample_passes": int((rates["pass_rate"] == 0.0).sum()),
                "spearman_llm_label_vs_pass_rate": rho,
                "llm_label_vs_pass_rate_level": dg.MetadataValue.md(
                    markdown_table(table, table.height)
                ),
                "pass_rate_plot": histogram_plot(
                    rates["pass_rate"].to_list(),
                    [i / 10 for i in range(11)],
                    "pass rate per problem",
                    "share of teacher samples verified",
                ),
            },
        )

    return problem_pass_rates
