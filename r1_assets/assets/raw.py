"""``raw_problems``: one shard of a source (a window of its records), loaded and normalized onto
the canonical problem schema, with its rejected rows in ``raw_problems_quarantine``. Partitioned
by (catalog source, shard)."""

import hashlib
import warnings
from collections.abc import Iterator
from typing import Any

import dagster as dg
import polars as pl
from pydantic import Field

from r1_assets.assets.keys import RAW_PROBLEMS, RAW_QUARANTINE
from r1_assets.assets.metadata import column_schema
from r1_assets.catalog.checks import duplicate_rows, schema_violations
from r1_assets.catalog.loader import Limits, LoadResult, load_source
from r1_assets.catalog.schema import (
    COLUMN_DESCRIPTIONS,
    PROBLEM_SCHEMA,
    QUARANTINE_REASONS,
    QUARANTINE_SCHEMA,
)
from r1_assets.catalog.shards import ShardWindow
from r1_assets.catalog.spec import SourceSpec
from r1_assets.partitions import source_shard
from r1_assets.resources.catalog import SourceCatalogResource
from r1_assets.text.markdown import counts_table, markdown_table

# DataVersion on Output is beta in Dagster 1.13; we rely on it knowingly, once per partition.
warnings.filterwarnings("ignore", message=".*data_version.*", category=dg.BetaWarning)


class RawProblemsConfig(dg.Config):
    max_row_bytes: int = Field(
        default=8_000_000,
        description="Rows larger than this (bytes of JSON) are quarantined as oversized. Generous "
        "because rows may carry several 32k-token reasoning chains.",
    )
    max_problem_chars: int = Field(
        default=32_000,
        description="Problem statements longer than this are quarantined as oversized; real "
        "statements (long Codeforces problems included) stay well below it.",
    )
    preview_rows: int = Field(default=10, description="Rows shown in the metadata previews.")


def build_raw_problems(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="raw_problems",
        partitions_def=partitions_def,
        group_name="ingest",
        can_subset=False,
        outs={
            "raw_problems": dg.AssetOut(
                key=RAW_PROBLEMS,
                description="One problem per row as its source gave it, mapped onto the canonical "
                "schema; problem_uid = hash of the normalized problem text.",
                kinds={"parquet", "polars"},
                metadata={
                    "dagster/column_schema": column_schema(PROBLEM_SCHEMA, COLUMN_DESCRIPTIONS)
                },
                is_required=False,  # not written when the source itself fails, see below
            ),
            "raw_problems_quarantine": dg.AssetOut(
                key=RAW_QUARANTINE,
                description="Source rows that could not become problems, each with a reason code "
                f"({', '.join(QUARANTINE_REASONS)}).",
                kinds={"parquet", "polars"},
                metadata={
                    "dagster/column_schema": column_schema(QUARANTINE_SCHEMA, COLUMN_DESCRIPTIONS)
                },
            ),
        },
        check_specs=[
            dg.AssetCheckSpec(
                "canonical_schema",
                asset=RAW_PROBLEMS,
                blocking=True,
                description="Columns and types match the canonical problem schema; "
                "ids, domain and problem text are present.",
            ),
            dg.AssetCheckSpec(
                "rows_unique",
                asset=RAW_PROBLEMS,
                blocking=True,
                description="No (problem_uid, source_row_id) occurs twice within the shard, "
                "what later stages join on. A text repeated under other row ids is kept: "
                "deduped_pool marks the copies exact duplicates.",
            ),
            dg.AssetCheckSpec(
                "source_read_completely",
                asset=RAW_PROBLEMS,
                description="The source's files (and catalog entry) could be read "
                "completely; single bad rows are quarantined, not counted here.",
            ),
        ],
    )
    def raw_problems(
        context: dg.AssetExecutionContext,
        config: RawProblemsConfig,
        source_catalog: SourceCatalogResource,
    ) -> Iterator[dg.Output | dg.AssetCheckResult]:
        source, shard = source_shard(context)
        catalog, entry = source_catalog.entry(source)
        window = ShardWindow.of(shard, entry.shard_rows if isinstance(entry, SourceSpec) else 1)
        result = load_source(
            entry,
            catalog,
            Limits(config.max_row_bytes, config.max_problem_chars),
            log=context.log.info,
            window=window,
            counts=source_catalog.record_counts(),
        )
        context.log.info(
            f"{result.source} shard {shard} (records {window.start:,}–{window.stop - 1:,}): "
            f"{result.rows_read:,} rows read from {len(result.files)} file(s), "
            f"{result.problems.height:,} problems, {result.quarantine.height:,} quarantined"
        )
        if not result.rows_read and window.index and not result.source_failed:
            context.log.info(f"{source} has fewer than {window.start + 1:,} records: shard empty")
        if result.source_failed:
            # A source that vanished or broke must not wipe its last good partition (an unmounted
            # disk would otherwise empty it): record why in the quarantine, keep raw_problems.
            for detail in result.source_failures["detail"]:
                context.log.error(detail)
            context.log.error(
                f"raw_problems[{result.source}] not written: the source could not be read "
                "completely, so the last good version (if any) stays in place"
            )
        else:
            metadata = _problem_metadata(result, config.preview_rows)
            metadata |= {"shard": shard, "first_record": window.start}
            if isinstance(entry, SourceSpec):  # what the catalog said, next to what was loaded
                metadata |= {
                    "shard_rows": entry.shard_rows,
                    "catalog_format": entry.format,
                    "catalog_location": entry.location,
                    "license": entry.license,
                    "priority": entry.priority,
                }
            yield dg.Output(
                result.problems,
                output_name="raw_problems",
                metadata=metadata,
                # unchanged files, catalog entry, limits and loader: unchanged data version
                data_version=dg.DataVersion(_data_version(result.revision, entry, config)),
            )
        yield dg.Output(
            result.quarantine,
            output_name="raw_problems_quarantine",
            metadata=_quarantine_metadata(result, config.preview_rows),
        )
        yield from _checks(result)

    return raw_problems


LOADER_VERSION = "2"  # bump when a change to the loaders changes what rows they produce


def _data_version(revision: str | None, entry: SourceSpec, config: RawProblemsConfig) -> str:
    parts = [revision or "", entry.model_dump_json(), config.model_dump_json(), LOADER_VERSION]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _problem_metadata(result: LoadResult, preview_rows: int) -> dict[str, Any]:
    problems = result.problems
    preview = problems.select(
        pl.col("problem_uid").str.slice(0, 10),
        "source_row_id",
        "domain",
        "problem",
        "reference_answer",
        pl.col("test_cases").list.len().alias("tests"),
        pl.col("responses").list.len().alias("responses"),
    )
    domain_counts = dict(problems["domain"].value_counts().rows()) if problems.height else {}
    metadata: dict[str, Any] = {
        "dagster/row_count": problems.height,
        "rows_read": result.rows_read,
        "quarantined": result.quarantine.height,
        "source_revision": result.revision or "unreadable",
        "files": dg.MetadataValue.json(result.files),
        "domains": dg.MetadataValue.md(counts_table(problems, "domain")),
        "with_reference_answer": problems["reference_answer"].is_not_null().sum(),
        "with_test_cases": (problems["test_cases"].list.len() > 0).sum(),
        "with_responses": (problems["responses"].list.len() > 0).sum(),
        "preview": dg.MetadataValue.md(markdown_table(preview, preview_rows)),
    }
    # one number per domain, so the UI can plot the mix across materializations
    metadata.update({f"domain/{d}": n for d, n in sorted(domain_counts.items())})
    return metadata


def _quarantine_metadata(result: LoadResult, preview_rows: int) -> dict[str, Any]:
    quarantine = result.quarantine
    return {
        "dagster/row_count": quarantine.height,
        "reasons": dg.MetadataValue.md(counts_table(quarantine, "reason")),
        "preview": dg.MetadataValue.md(
            markdown_table(
                quarantine.select(
                    "location", "reason", "field", "detail", pl.col("raw").str.slice(0, 60)
                ),
                preview_rows,
                max_chars=120,
            )
        ),
    }


def _checks(result: LoadResult) -> Iterator[dg.AssetCheckResult]:
    violations = schema_violations(result.problems)
    yield dg.AssetCheckResult(
        check_name="canonical_schema",
        asset_key=RAW_PROBLEMS,
        passed=not violations,
        metadata={"violations": dg.MetadataValue.json(violations)},
    )
    duplicates = duplicate_rows(result.problems)
    yield dg.AssetCheckResult(
        check_name="rows_unique",
        asset_key=RAW_PROBLEMS,
        passed=duplicates.is_empty(),
        metadata={
            "duplicated_rows": duplicates.height,
            "examples": dg.MetadataValue.md(markdown_table(duplicates, 10)),
        },
    )
    reasons = (
        dict(result.quarantine["reason"].value_counts().rows()) if result.quarantine.height else {}
    )
    yield dg.AssetCheckResult(
        check_name="source_read_completely",
        asset_key=RAW_PROBLEMS,
        passed=not result.source_failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"quarantine_reasons": dg.MetadataValue.json(reasons)},
    )
