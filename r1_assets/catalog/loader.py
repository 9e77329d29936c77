"""Load one catalog source into canonical problems plus a quarantine of rows that could not be
used, each with a reason code. Nothing is dropped silently and no bad row stops the source."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
from tqdm import tqdm

from r1_assets.catalog.formats import FORMATS, RowError
from r1_assets.catalog.readers import (
    Record,
    SourceReadError,
    iter_file_records,
    iter_hf_records,
    resolve_files,
)
from r1_assets.catalog.schema import (
    PROBLEM_SCHEMA,
    QUARANTINE_SCHEMA,
    clean_text,
    problem_uid,
)
from r1_assets.catalog.spec import Catalog, InvalidSource, SourceSpec

LOG_EVERY_ROWS = 10_000
SOURCE_FAILURES = ("source_missing", "source_unreadable", "invalid_catalog_entry")
"""Quarantine reasons that concern the whole source rather than one row."""


@dataclass(frozen=True)
class Limits:
    max_row_bytes: int = 8_000_000
    max_problem_chars: int = 32_000


@dataclass
class LoadResult:
    source: str
    revision: str | None
    files: list[str]
    rows_read: int
    problems: pl.DataFrame
    quarantine: pl.DataFrame

    @property
    def source_failed(self) -> bool:
        """True when the source itself (not single rows) could not be read completely."""
        return not self.source_failures.is_empty()

    @property
    def source_failures(self) -> pl.DataFrame:
        return self.quarantine.filter(pl.col("reason").is_in(SOURCE_FAILURES))


class _Builder:
    def __init__(self, source: str, revision: str | None) -> None:
        self.source = source
        self.revision = revision
        self.problems: list[dict[str, Any]] = []
        self.quarantine: list[dict[str, Any]] = []
        self.seen: dict[str, str] = {}

    def reject(
        self,
        location: str,
        reason: str,
        field: str | None,
        detail: str,
        raw: str = "",
        raw_bytes: int = 0,
        row_id: str | None = None,
    ) -> None:
        self.quarantine.append(
            {
                "source": self.source,
                "source_row_id": row_id or location,
                "location": location,
                "reason": reason,
                "field": field,
                "detail": detail,
                "raw": raw,
                "raw_bytes": raw_bytes,
            }
        )

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        try:
            problems = pl.DataFrame(self.problems, schema=PROBLEM_SCHEMA, orient="row")
        except Exception:  # one value polars cannot store (e.g. an unpaired surrogate) …
            problems = self._frame_without_unstorable_rows()  # … costs that row, not the source
        return problems, pl.DataFrame(self.quarantine, schema=QUARANTINE_SCHEMA, orient="row")

    def _frame_without_unstorable_rows(self) -> pl.DataFrame:
        kept = []
        for row in self.problems:
            try:
                pl.DataFrame([row], schema=PROBLEM_SCHEMA, orient="row")
                kept.append(row)
            except Exception as exc:
                location = json.loads(row["metadata"])["location"]
                self.reject(
                    location,
                    "malformed_field",
                    None,
                    f"value cannot be stored: {type(exc).__name__}: {exc}",
                    row_id=row["source_row_id"],
                )
        self.problems = kept
        return pl.DataFrame(kept, schema=PROBLEM_SCHEMA, orient="row")


def load_source(
    entry: SourceSpec | InvalidSource,
    catalog: Catalog,
    limits: Limits | None = None,
    log: Callable[[str], None] | None = None,
) -> LoadResult:
    """Read, map and validate every row of one source."""
    limits = limits or Limits()
    if isinstance(entry, InvalidSource):
        builder = _Builder(entry.name, None)
        for field, message in entry.errors:
            builder.reject(
                str(catalog.path.name),
                "invalid_catalog_entry",
                field,
                f"source {entry.name!r}, field {field!r}: {message}",
            )
        return LoadResult(entry.name, None, [], 0, *builder.frames())

    files: list[str] = []
    revision: str | None = None
    records: Iterator[Record]
    try:
        if entry.is_hf:
            revision = f"hf:{entry.revision or 'main'}"
            records = iter_hf_records(entry)
            files = [entry.location]
        else:
            found = resolve_files(entry, catalog)
            revision = found.revision()
            files = [found.name(p) for p in found.files]
            records = (
                record
                for path in found.files
                for record in iter_file_records(path, found.name(path), limits.max_row_bytes)
            )
    except SourceReadError as exc:
        builder = _Builder(entry.name, None)
        builder.reject(entry.location, exc.reason, "location", exc.detail)
        return LoadResult(entry.name, None, files, 0, *builder.frames())

    builder = _Builder(entry.name, revision)
    rows_read = 0
    try:
        for record in tqdm(
            records, desc=f"raw_problems[{entry.name}]", unit=" rows", mininterval=2, disable=None
        ):
            rows_read += 1
            _add_record(builder, entry, record, limits)
            if log and rows_read % LOG_EVERY_ROWS == 0:
                log(
                    f"{entry.name}: {rows_read:,} rows read, {len(builder.problems):,} kept, "
                    f"{len(builder.quarantine):,} quarantined"
                )
    except SourceReadError as exc:  # keep every row read before the failure
        builder.reject(entry.location, exc.reason, "location", exc.detail)
    return LoadResult(entry.name, revision, files, rows_read, *builder.frames())


def _add_record(builder: _Builder, spec: SourceSpec, record: Record, limits: Limits) -> None:
    """Map one record onto a problem row, or quarantine it. Never raises for bad input."""
    if record.error is not None:
        return builder.reject(
            record.location,
            record.error.reason,
            record.error.field,
            record.error.detail,
            record.raw,
            record.raw_bytes,
        )
    row_id = _row_id(spec, record.data or {})
    try:
        builder.problems.append(_problem_row(builder, spec, record, limits))
    except RowError as exc:
        builder.reject(
            record.location,
            exc.reason,
            exc.field,
            exc.detail,
            record.raw,
            record.raw_bytes,
            exc.row_id or row_id,
        )
    except Exception as exc:  # a row shape no format rule anticipated: quarantine, don't crash
        builder.reject(
            record.location,
            "malformed_field",
            None,
            f"unexpected {type(exc).__name__}: {exc}",
            record.raw,
            record.raw_bytes,
            row_id,
        )
    return None


def _problem_row(
    builder: _Builder, spec: SourceSpec, record: Record, limits: Limits
) -> dict[str, Any]:
    assert record.data is not None
    if record.raw_bytes > limits.max_row_bytes:
        raise RowError(
            "oversized", None, f"row is {record.raw_bytes:,} bytes (limit {limits.max_row_bytes:,})"
        )
    parsed = FORMATS[spec.format].read(record.data, spec.fields)
    row_id = parsed.row_id or record.location
    problem = clean_text(parsed.problem)
    problem_field = spec.field_name("problem") if "problem" in FORMATS[spec.format].fields else None
    if not problem:
        raise RowError("empty_problem", problem_field, "problem text is empty", row_id)
    if len(problem) > limits.max_problem_chars:
        raise RowError(
            "oversized",
            problem_field,
            f"problem is {len(problem):,} characters (limit {limits.max_problem_chars:,})",
            row_id,
        )
    domain = spec.domain
    if domain == "mixed":
        domain = parsed.domain or spec.domain_by_origin.get(parsed.origin or "")
        if domain is None:
            raise RowError(
                "unknown_domain",
                "domain_by_origin",
                f"origin {parsed.origin!r} has no domain_by_origin entry",
                row_id,
            )
    uid = problem_uid(problem)
    if uid in builder.seen:
        raise RowError(
            "duplicate_in_source",
            problem_field,
            f"same normalized problem as row {builder.seen[uid]}",
            row_id,
        )
    metadata = {k: v for k, v in parsed.metadata.items() if v not in (None, "", [])}
    metadata["location"] = record.location
    row = {
        "problem_uid": uid,
        "source": spec.name,
        "source_row_id": row_id,
        "source_revision": builder.revision,
        "domain": domain,
        "problem": problem,
        "reference_answer": (parsed.reference_answer or "").strip() or None,
        "reference_solution": clean_text(parsed.reference_solution)
        if parsed.reference_solution
        else None,
        "test_cases": parsed.test_cases,
        "responses": parsed.responses,
        "metadata": json.dumps(metadata, ensure_ascii=False, sort_keys=True, default=str),
    }
    builder.seen[uid] = row_id
    return row


def _row_id(spec: SourceSpec, data: dict[str, Any]) -> str | None:
    """The row's own id when it has a usable one (for quarantine rows too)."""
    fields = FORMATS[spec.format].fields
    if "id" not in fields:
        return None
    value = data.get(spec.field_name("id"))
    return str(value) if isinstance(value, (str, int)) and str(value).strip() else None
