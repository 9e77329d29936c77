"""Load one catalog source into canonical problems plus a quarantine of rows that could not be
used, each with a reason code. Nothing is dropped silently and no bad row stops the source."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from tqdm import tqdm

from r1_assets.catalog.formats import FORMATS
from r1_assets.catalog.kernel import EntryBuilder, InvalidEntry, RowError, entry_failures
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
from r1_assets.catalog.spec import SourceCatalog, SourceSpec

LOG_EVERY_ROWS = 10_000


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
        return entry_failures(self.quarantine)


class ProblemBuilder(EntryBuilder):
    """One source's problems and quarantine."""

    row_schema = PROBLEM_SCHEMA
    quarantine_schema = QUARANTINE_SCHEMA
    entry_column = "source"
    row_id_column = "source_row_id"

    def __init__(
        self, spec: SourceSpec | InvalidEntry, revision: str | None, limits: Limits
    ) -> None:
        super().__init__(spec.name)
        self.spec = spec
        self.revision = revision
        self.limits = limits

    def quarantine_id(self, row_id: str | None, location: str) -> str | None:
        return row_id or location

    def row_id(self, data: Mapping[str, Any]) -> str | None:
        """The row's own id when it has a usable one (for quarantine rows too)."""
        assert isinstance(self.spec, SourceSpec)
        fields = FORMATS[self.spec.format].fields
        if "id" not in fields:
            return None
        value = data.get(self.spec.field_name("id"))
        return str(value) if isinstance(value, (str, int)) and str(value).strip() else None

    def row(self, record: Record) -> dict[str, Any]:
        """Map one record onto a problem row."""
        spec, limits = self.spec, self.limits
        assert record.data is not None and isinstance(spec, SourceSpec)
        if record.raw_bytes > limits.max_row_bytes:
            raise RowError(
                "oversized",
                None,
                f"row is {record.raw_bytes:,} bytes (limit {limits.max_row_bytes:,})",
            )
        parsed = FORMATS[spec.format].read(record.data, spec.fields)
        row_id = parsed.row_id or record.location
        problem = clean_text(parsed.problem)
        problem_field = (
            spec.field_name("problem") if "problem" in FORMATS[spec.format].fields else None
        )
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
        if uid in self.seen:
            raise RowError(
                "duplicate_in_source",
                problem_field,
                f"same normalized problem as row {self.seen[uid]}",
                row_id,
            )
        metadata = {k: v for k, v in parsed.metadata.items() if v not in (None, "", [])}
        metadata["location"] = record.location
        row = {
            "problem_uid": uid,
            "source": spec.name,
            "source_row_id": row_id,
            "source_revision": self.revision,
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
        self.seen[uid] = row_id
        return row


def load_source(
    entry: SourceSpec | InvalidEntry,
    catalog: SourceCatalog,
    limits: Limits | None = None,
    log: Callable[[str], None] | None = None,
) -> LoadResult:
    """Read, map and validate every row of one source."""
    limits = limits or Limits()
    if isinstance(entry, InvalidEntry):
        builder = ProblemBuilder(entry, None, limits)
        builder.reject_entry(entry, catalog.path)
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
        builder = ProblemBuilder(entry, None, limits)
        builder.reject(entry.location, exc.reason, "location", exc.detail)
        return LoadResult(entry.name, None, files, 0, *builder.frames())

    builder = ProblemBuilder(entry, revision, limits)
    rows_read = 0
    try:
        for record in tqdm(
            records, desc=f"raw_problems[{entry.name}]", unit=" rows", mininterval=2, disable=None
        ):
            rows_read += 1
            builder.add(record)
            if log and rows_read % LOG_EVERY_ROWS == 0:
                log(
                    f"{entry.name}: {rows_read:,} rows read, {len(builder.rows):,} kept, "
                    f"{len(builder.quarantine):,} quarantined"
                )
    except SourceReadError as exc:  # keep every row read before the failure
        builder.reject(entry.location, exc.reason, "location", exc.detail)
    return LoadResult(entry.name, revision, files, rows_read, *builder.frames())
