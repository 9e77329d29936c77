"""Load one catalog source into canonical problems plus a quarantine of rows that could not be
used, each with a reason code. Nothing is dropped silently and no bad row stops the source."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

from r1_assets.catalog.formats import FORMATS
from r1_assets.catalog.kernel import EntryBuilder, InvalidEntry, RowError, entry_failures
from r1_assets.catalog.readers import (
    Record,
    SourceFiles,
    SourceReadError,
    count_file_records,
    iter_file_records,
    resolve_files,
)
from r1_assets.catalog.schema import (
    PROBLEM_SCHEMA,
    QUARANTINE_SCHEMA,
    clean_text,
    problem_uid,
)
from r1_assets.catalog.shards import RecordCounts, ShardWindow, shard_keys
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

    def __init__(self, spec: SourceSpec | InvalidEntry, limits: Limits) -> None:
        super().__init__(spec.name)
        self.spec = spec
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
        # a text repeated under another row id is kept: deduped_pool decides every exact
        # duplicate, wherever it is (another shard, another source) and keeps the best-ranked;
        # only a repeated record (same id, same text) is rejected here
        record_key = f"{uid}|{row_id}"
        if record_key in self.seen:
            raise RowError(
                "duplicate_in_source",
                problem_field,
                f"same id and normalized problem as {self.seen[record_key]}",
                row_id,
            )
        metadata = {k: v for k, v in parsed.metadata.items() if v not in (None, "", [])}
        metadata["location"] = record.location
        row = {
            "problem_uid": uid,
            "source": spec.name,
            "source_row_id": row_id,
            "source_revision": None,  # the hash of every record read, set when all are
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
        self.seen[record_key] = record.location
        return row


def load_source(
    entry: SourceSpec | InvalidEntry,
    catalog: SourceCatalog,
    limits: Limits | None = None,
    log: Callable[[str], None] | None = None,
    window: ShardWindow | None = None,
    counts: RecordCounts | None = None,
) -> LoadResult:
    """Read, map and validate the rows of one source: all of them, or one shard's ``window``
    (files before the window are skipped by their record counts, rows within a file unread).

    The revision is a hash of the records read, so a shard whose records did not change keeps
    its revision when rows are appended to the source; a Hugging Face repo's is its commit.
    """
    limits = limits or Limits()
    if isinstance(entry, InvalidEntry):
        builder = ProblemBuilder(entry, limits)
        if window is None or window.index == 0:  # the whole entry is rejected once
            builder.reject_entry(entry, catalog.path)
        return LoadResult(entry.name, None, [], 0, *builder.frames())

    files: list[str] = []
    records: Iterator[Record]
    try:
        found = resolve_files(entry, catalog)
        files = [found.name(p) for p in found.files]
        records = _records(found, limits, window, counts or RecordCounts(None))
    except SourceReadError as exc:
        builder = ProblemBuilder(entry, limits)
        builder.reject(entry.location, exc.reason, "location", exc.detail)
        return LoadResult(entry.name, None, files, 0, *builder.frames())

    builder = ProblemBuilder(entry, limits)
    digest = hashlib.sha256(f"{window.key if window else 'all'}".encode())
    rows_read = 0
    name = entry.name if window is None else f"{entry.name}[{window.key}]"
    try:
        for record in tqdm(
            records, desc=f"raw_problems[{name}]", unit=" rows", mininterval=2, disable=None
        ):
            rows_read += 1
            digest.update(record.location.encode() + record.digest)
            builder.add(record)
            if log and rows_read % LOG_EVERY_ROWS == 0:
                log(
                    f"{name}: {rows_read:,} rows read, {builder.kept:,} kept, "
                    f"{len(builder.quarantine):,} quarantined"
                )
    except SourceReadError as exc:  # keep every row read before the failure
        builder.reject(entry.location, exc.reason, "location", exc.detail)
    # a Hub snapshot is named by its commit; local files by the hash of the records read
    revision = found.commit or digest.hexdigest()[:16]
    problems, quarantine = builder.frames()
    problems = problems.with_columns(pl.lit(revision, pl.String).alias("source_revision"))
    return LoadResult(entry.name, revision, files, rows_read, problems, quarantine)


def count_records(
    entry: SourceSpec | InvalidEntry, catalog: SourceCatalog, counts: RecordCounts, limits: Limits
) -> int | None:
    """Input records of a source (what its shards are cut from); an invalid entry counts as
    one shard's worth (zero), and so does a Hugging Face source not fetched yet (planning never
    downloads: its first shard's run fetches it, and the next plan counts its files); None when
    local files cannot be read now (a missing location, an unmounted disk)."""
    if isinstance(entry, InvalidEntry):
        return 0
    try:
        found = resolve_files(entry, catalog, local_only=entry.is_hf)
        return sum(
            counts.get(path, _counter(found.name(path), limits.max_row_bytes))
            for path in found.files
        )
    except SourceReadError:
        return 0 if entry.is_hf else None  # the shard runs report it in the quarantine


def _counter(name: str, max_row_bytes: int) -> Callable[[Path], int]:
    return lambda path: count_file_records(path, name, max_row_bytes)


def _records(
    found: SourceFiles, limits: Limits, window: ShardWindow | None, counts: RecordCounts
) -> Iterator[Record]:
    """The source's records in order, or only those in ``window``."""
    position = 0
    for path in found.files:
        name = found.name(path)
        if window is None:
            yield from iter_file_records(path, name, limits.max_row_bytes)
            continue
        if position >= window.stop:
            return
        size = counts.get(path, _counter(name, limits.max_row_bytes))
        if position + size > window.start:
            skip = max(0, window.start - position)
            wanted = min(size, window.stop - position) - skip
            yield from itertools.islice(
                iter_file_records(path, name, limits.max_row_bytes, skip), wanted
            )
        position += size


def source_shard_keys(catalog: SourceCatalog, counts: RecordCounts) -> dict[str, list[str] | None]:
    """Each catalog source's shard keys, from its record count and ``shard_rows``; None for a
    source whose files cannot be read now: its stored shards stay what they are (a vanished
    disk must not make a source's shards look gone)."""
    keys: dict[str, list[str] | None] = {}
    for name in catalog.names:
        entry = catalog.get(name)
        shard_rows = entry.shard_rows if isinstance(entry, SourceSpec) else 1
        records = count_records(entry, catalog, counts, Limits())
        keys[name] = None if records is None else shard_keys(records, shard_rows)
    return keys
