"""Loading one benchmark: its files read through the catalog's readers (plus CSV), every row
mapped by its format onto :data:`ITEM_SCHEMA` or quarantined with a reason code."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from r1_assets.catalog.kernel import EntryBuilder, InvalidEntry, RowError, entry_failures
from r1_assets.catalog.readers import (
    PREVIEW_CHARS,
    Record,
    SourceReadError,
    iter_file_records,
    resolve_files,
)
from r1_assets.catalog.schema import problem_uid
from r1_assets.evaluate.benchmarks.catalog import FORMATS, BenchmarkCatalog, BenchmarkSpec
from r1_assets.evaluate.benchmarks.items import ITEM_SCHEMA, QUARANTINE_SCHEMA

FILE_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".json", ".parquet", ".csv")
MAX_ROW_BYTES = 64_000_000  # LiveCodeBench rows carry every private test: some are tens of MB


@dataclass
class BenchmarkLoad:
    benchmark: str
    scorer: str | None
    revision: str | None  # content hash of the files read
    files: list[str]
    rows_read: int
    items: pl.DataFrame  # ITEM_SCHEMA
    quarantine: pl.DataFrame  # QUARANTINE_SCHEMA
    outside_window: int = 0  # items left out by the entry's contest_window

    @property
    def failures(self) -> pl.DataFrame:
        """Quarantine rows about the benchmark as a whole (missing file, broken entry)."""
        return entry_failures(self.quarantine)

    @property
    def skip_reason(self) -> str | None:
        """Why this benchmark cannot be evaluated at all, or None when it has items to score.
        Record it: a skipped benchmark is reported as skipped, never as a score of 0."""
        failures = self.failures
        if not failures.is_empty():
            return "; ".join(
                f"{r}: {d}" for r, d in failures.select("reason", "detail").iter_rows()
            )
        if self.items.is_empty():
            reasons = self.quarantine["reason"].value_counts(sort=True).iter_rows()
            counted = [f"{n} {r}" for r, n in reasons]
            if self.outside_window:
                counted.append(f"{self.outside_window} outside the contest window")
            return f"no scorable items ({', '.join(counted) or 'the file has no rows'})"
        return None


class ItemBuilder(EntryBuilder):
    """One benchmark's items and quarantine."""

    row_schema = ITEM_SCHEMA
    quarantine_schema = QUARANTINE_SCHEMA
    entry_column = "benchmark"
    row_id_column = "item_id"

    def __init__(self, spec: BenchmarkSpec | InvalidEntry) -> None:
        super().__init__(spec.name)
        self.spec = spec

    def row(self, record: Record) -> dict[str, Any]:
        """Map one record onto an item; an item id seen before is a duplicate."""
        spec = self.spec
        assert isinstance(spec, BenchmarkSpec)
        parsed = FORMATS[spec.format].read(record.data or {}, spec.fields)
        item_id = parsed.item_id or problem_uid(parsed.problem)
        if item_id in self.seen:
            raise RowError(
                "duplicate_item_id",
                None,
                f"item {item_id!r} first at {self.seen[item_id]}",
                item_id,
            )
        self.seen[item_id] = record.location
        return {
            "benchmark": spec.name,
            "item_id": item_id,
            "problem": parsed.problem,
            "prompt": parsed.prompt,
            "reference": parsed.reference,
            "choices": parsed.choices,
            "test_cases": parsed.test_cases,
            "starter_code": parsed.starter_code,
            "setup_code": parsed.setup_code,
            "scorer": spec.scorer,
            "metadata": json.dumps(
                {"location": record.location, **parsed.metadata},
                ensure_ascii=False,
                default=str,
            ),
        }


def map_rows(
    spec: BenchmarkSpec, rows: Iterable[Mapping[str, Any]], name: str = "rows"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(items, quarantine) from rows already in memory (locations are ``name:<n>``)."""
    builder = ItemBuilder(spec)
    for number, row in enumerate(rows, start=1):
        raw = json.dumps(row, ensure_ascii=False, default=str)[:PREVIEW_CHARS]
        builder.add(Record(f"{name}:{number}", dict(row), len(raw), raw))
    return builder.frames()


def load_benchmark(entry: BenchmarkSpec | InvalidEntry, catalog: BenchmarkCatalog) -> BenchmarkLoad:
    """Read, map and validate every item of one benchmark. Never raises for bad input: a broken
    entry, a missing file or a bad row each become quarantine rows."""
    builder = ItemBuilder(entry)
    if isinstance(entry, InvalidEntry):
        builder.reject_entry(entry, catalog.path)
        return BenchmarkLoad(entry.name, None, None, [], 0, *builder.frames())

    files: list[str] = []
    revision: str | None = None
    rows_read = 0
    try:
        found = resolve_files(entry, catalog, FILE_SUFFIXES, "benchmark file")
        # locations relative to the project root say which file across all benchmarks
        names = {p: os.path.relpath(p, catalog.base_dir) for p in found.files}
        files = list(names.values())
        revision = found.revision()
        for path in found.files:
            for record in iter_records(path, names[path]):
                rows_read += 1
                builder.add(record)
    except SourceReadError as exc:  # items read before the failure are kept
        detail = exc.detail
        if exc.reason == "source_missing" and entry.obtain:
            detail = f"{detail}. {entry.obtain}"
        builder.reject(entry.location, exc.reason, "location", detail)
    except OSError as exc:  # e.g. a file removed between listing and hashing
        builder.reject(entry.location, "source_unreadable", "location", str(exc))
    items, quarantine = builder.frames()
    kept = in_contest_window(items, entry.contest_window)
    return BenchmarkLoad(
        entry.name, entry.scorer, revision, files, rows_read, kept, quarantine,
        items.height - kept.height,
    )  # fmt: skip


def in_contest_window(items: pl.DataFrame, window: tuple[date, date] | None) -> pl.DataFrame:
    """The items whose ``contest_date`` (metadata; a date or an ISO timestamp) falls in
    ``window``, both ends included; an item without a date is outside a window."""
    if window is None or items.is_empty():
        return items
    day = (
        pl.col("metadata")
        .str.json_path_match("$.contest_date")
        .str.slice(0, 10)
        .str.to_date("%Y-%m-%d", strict=False)
    )
    return items.filter(day.is_between(window[0], window[1]).fill_null(False))


def iter_records(path: Path, name: str) -> Iterator[Record]:
    """Rows of one file: CSV here (GPQA's release format), the rest via the catalog's readers."""
    if not path.name.endswith(".csv"):
        yield from iter_file_records(path, name, MAX_ROW_BYTES)
        return
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                raw = json.dumps(row, ensure_ascii=False)
                # CSV has no null: an empty cell is a missing value
                data = {k: (v if v != "" else None) for k, v in row.items() if k is not None}
                yield Record(f"{name}:{number}", data, len(raw.encode()), raw[:PREVIEW_CHARS])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceReadError("source_unreadable", f"{name}: {exc}") from exc
