"""Reading a catalog location into raw records: JSONL (optionally gzipped), JSON arrays and
Parquet, from a local path or a Hugging Face dataset repo (``hf://datasets/owner/name``, fetched
once as a snapshot under the data root and then read as local files). One record per row, each
with a stable location (``file:line``)."""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from r1_assets.catalog.kernel import Catalog, Located, RowError
from r1_assets.catalog.spec import HF_DATASETS, HF_PREFIX

FILE_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".json", ".parquet")
PREVIEW_CHARS = 2000


class SourceReadError(Exception):
    """The source as a whole (not one row) could not be read."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class Record:
    location: str
    data: dict[str, Any] | None
    raw_bytes: int
    raw: str
    error: RowError | None = None
    digest: bytes = b""  # of the record's full bytes: a shard's revision is built from these


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass(frozen=True)
class SourceFiles:
    root: Path
    files: list[Path]
    commit: str | None = None  # the Hub commit the files are a snapshot of (hf:// locations)

    def name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def revision(self) -> str:
        """Content hash of every file: changes when any byte of the source changes."""
        digest = hashlib.sha256()
        for path in self.files:
            digest.update(self.name(path).encode())
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        return digest.hexdigest()[:16]


def resolve_files(
    spec: Located,
    catalog: Catalog,
    suffixes: tuple[str, ...] = FILE_SUFFIXES,
    noun: str = "file",
    local_only: bool = False,
) -> SourceFiles:
    """The files a location names, sorted; a directory means every data file in it (of
    ``suffixes``). An ``hf://datasets/…`` location is the same inside the repo's snapshot, with
    its commit (``local_only``: only a snapshot already fetched). One resolver for the source and
    the benchmark catalog."""
    if spec.location.startswith(HF_PREFIX):
        folder, commit, inside = hf_snapshot(
            spec.location, getattr(spec, "revision", None), local_only
        )
        target = folder / inside if inside else folder
        return _files_at(target, spec.location, suffixes, noun, commit)
    return _files_at(catalog.resolve(spec.location), spec.location, suffixes, noun)


def _files_at(
    target: Path, location: str, suffixes: tuple[str, ...], noun: str, commit: str | None = None
) -> SourceFiles:
    text = str(target)
    if glob.has_magic(text):
        prefix = text[: min(text.find(c) for c in "*?[" if c in text)]
        root = Path(prefix) if prefix.endswith("/") else Path(prefix).parent
        files = [Path(p) for p in glob.glob(text, recursive=True)]
    elif target.is_dir():
        root, files = target, [p for p in target.rglob("*") if p.name.endswith(suffixes)]
    else:
        root, files = target.parent, [target] if target.exists() else []
    files = sorted(p for p in files if p.is_file())
    if not files:
        raise SourceReadError("source_missing", f"no {noun} matches {location!r} ({text})")
    return SourceFiles(root=root, files=files, commit=commit)


def hf_location(location: str, revision: str | None) -> tuple[str, str, str]:
    """``hf://datasets/owner/name[@revision][/path or glob]`` as (repo id, revision, path); the
    catalog's ``revision`` applies when the location names none (default ``main``)."""
    if not location.startswith(HF_DATASETS):
        raise SourceReadError(
            "source_unreadable",
            f"{location!r}: a Hugging Face dataset is hf://datasets/owner/name[@revision][/path], "
            "the Hub filesystem form polars and DuckDB read",
        )
    owner, _, rest = location.removeprefix(HF_DATASETS).partition("/")
    name, _, inside = rest.partition("/")
    name, _, pinned = name.partition("@")
    if not owner or not name:
        raise SourceReadError("source_unreadable", f"{location!r}: no owner/name")
    return f"{owner}/{name}", pinned or revision or "main", inside.strip("/")


def hf_snapshot(
    location: str, revision: str | None, local_only: bool = False
) -> tuple[Path, str, str]:
    """The repo's files at the revision (the path's files only) under the data root's
    ``cache/hf``, fetched once per commit: (snapshot folder, commit, path inside), from the Hub
    and with the token ``settings`` names."""
    from huggingface_hub import snapshot_download

    from r1_assets import settings

    repo, revision, inside = hf_location(location, revision)
    patterns = [inside, f"{inside}/**"] if inside else None
    try:
        folder = snapshot_download(
            repo,
            repo_type="dataset",
            revision=revision,
            allow_patterns=patterns,
            cache_dir=settings.data_dir() / "cache" / "hf",
            endpoint=settings.hf_endpoint(),
            token=settings.hf_token(),
            local_files_only=local_only,
        )
    except Exception as exc:  # the hub client raises many types: offline, auth, no revision…
        reason = "source_missing" if local_only else "source_unreadable"
        raise SourceReadError(reason, f"{location} at {revision}: {exc}") from exc
    return Path(folder), Path(folder).name, inside


def iter_file_records(path: Path, name: str, max_row_bytes: int, skip: int = 0) -> Iterator[Record]:
    """The file's records after the first ``skip`` (skipped ones are not decoded)."""
    if path.name.endswith(".parquet"):
        yield from _parquet_records(path, name, skip)
    elif path.name.endswith(".json"):
        yield from _json_array_records(path, name, skip)
    else:
        yield from _jsonl_records(path, name, max_row_bytes, skip)


def count_file_records(path: Path, name: str, max_row_bytes: int) -> int:
    """How many records ``iter_file_records`` yields for this file, read as cheaply as the format
    allows (Parquet: its footer; JSONL: its lines, not decoded)."""
    if path.name.endswith(".parquet"):
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise SourceReadError("source_unreadable", f"{name}: {exc}") from exc
    if path.name.endswith(".json"):
        return len(_json_array(path, name))
    return sum(1 for _ in _jsonl_lines(path, name, max_row_bytes))


def _jsonl_lines(path: Path, name: str, max_row_bytes: int) -> Iterator[tuple[int, bytes, int]]:
    """(line number, bytes, size) of every non-blank line; an oversized line's bytes are its
    first ``max_row_bytes`` (the rest is skipped, never held in memory)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            number = 0
            while line := handle.readline(max_row_bytes + 1):  # bounded: no giant line in RAM
                number += 1
                if len(line) > max_row_bytes and not line.endswith(b"\n"):
                    yield number, line, len(line) + _skip_rest_of_line(handle)
                elif line.strip():
                    yield number, line, len(line)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceReadError("source_unreadable", f"{name}: {exc}") from exc


def _jsonl_records(path: Path, name: str, max_row_bytes: int, skip: int = 0) -> Iterator[Record]:
    for position, (number, line, size) in enumerate(_jsonl_lines(path, name, max_row_bytes)):
        if position < skip:
            continue
        location = f"{name}:{number}"
        if size > len(line):
            yield Record(
                location,
                None,
                size,
                _preview(line),
                RowError("oversized", None, f"row is {size:,} bytes (limit {max_row_bytes:,})"),
                _digest(line + str(size).encode()),
            )
        else:
            yield _decode_json_line(location, line)


def _skip_rest_of_line(handle: BinaryIO) -> int:
    skipped = 0
    while chunk := handle.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _decode_json_line(location: str, line: bytes) -> Record:
    digest = _digest(line)
    try:
        data = json.loads(line)
    except (ValueError, RecursionError) as exc:  # JSON/UTF-8 errors, 5000-digit ints, deep nesting
        return Record(
            location,
            None,
            len(line),
            _preview(line),
            RowError("malformed_json", None, f"not valid JSON: {exc}"),
            digest,
        )
    if not isinstance(data, dict):
        return Record(
            location,
            None,
            len(line),
            _preview(line),
            RowError("malformed_json", None, f"expected a JSON object, got {type(data).__name__}"),
            digest,
        )
    return Record(location, data, len(line), _preview(line), digest=digest)


def _json_array(path: Path, name: str) -> list:
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError) as exc:
        raise SourceReadError("source_unreadable", f"{name}: not a JSON document: {exc}") from exc
    if not isinstance(document, list):
        raise SourceReadError("source_unreadable", f"{name}: expected a JSON array of rows")
    return document


def _json_array_records(path: Path, name: str, skip: int = 0) -> Iterator[Record]:
    document = _json_array(path, name)
    for index in range(skip, len(document)):
        yield _object_record(f"{name}:{index + 1}", document[index])


def _parquet_records(path: Path, name: str, skip: int = 0) -> Iterator[Record]:
    number = 0
    try:
        parquet = pq.ParquetFile(path)
        groups = []
        for group in range(parquet.metadata.num_row_groups):  # whole groups skipped unread
            rows = parquet.metadata.row_group(group).num_rows
            if not groups and number + rows <= skip:
                number += rows
            else:
                groups.append(group)
        for batch in parquet.iter_batches(batch_size=512, row_groups=groups):
            for row in batch.to_pylist():
                number += 1
                if number > skip:
                    yield _object_record(f"{name}:{number}", row)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise SourceReadError("source_unreadable", f"{name} after row {number}: {exc}") from exc


def _object_record(location: str, item: Any) -> Record:
    raw = json.dumps(item, ensure_ascii=False, default=str)
    encoded = raw.encode("utf-8")
    size, digest = len(encoded), _digest(encoded)
    if not isinstance(item, dict):
        return Record(
            location,
            None,
            size,
            raw[:PREVIEW_CHARS],
            RowError("malformed_json", None, f"expected an object, got {type(item).__name__}"),
            digest,
        )
    return Record(location, item, size, raw[:PREVIEW_CHARS], digest=digest)


def _preview(line: bytes) -> str:
    return line[: PREVIEW_CHARS * 4].decode("utf-8", errors="replace")[:PREVIEW_CHARS].rstrip()
