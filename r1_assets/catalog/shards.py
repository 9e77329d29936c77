"""A source's shards: consecutive windows of ``shard_rows`` input records, in file order.

A record's shard follows from its position in the source (files in sorted path order, rows in
file order), never from the source's total size: appending rows (to the last file, or as a new
file that sorts after the others) changes only the last shard and adds new ones, and every
earlier shard keeps its rows and its revision. Changing ``shard_rows`` re-shards the source.

Counting a file's records (to know how many shards there are, and where a shard starts) reads
the file once; the count is kept per (path, size, mtime) in a small JSON file so later counts
are free until the file changes.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

SHARD_DIGITS = 4
FIRST_SHARD = "0" * SHARD_DIGITS


def shard_key(index: int) -> str:
    """The partition key of the shard at ``index`` ("0000", "0001", ...)."""
    if not 0 <= index < 10**SHARD_DIGITS:
        raise ValueError(f"shard index {index} out of range")
    return f"{index:0{SHARD_DIGITS}d}"


def shard_index(key: str) -> int:
    if len(key) != SHARD_DIGITS or not key.isdigit():
        raise ValueError(f"not a shard key: {key!r} (expected {SHARD_DIGITS} digits)")
    return int(key)


def shard_count(records: int, shard_rows: int) -> int:
    """Shards a source of ``records`` input records needs (an empty source is one shard)."""
    return max(1, math.ceil(records / shard_rows))


def shard_keys(records: int, shard_rows: int) -> list[str]:
    return [shard_key(i) for i in range(shard_count(records, shard_rows))]


@dataclass(frozen=True)
class ShardWindow:
    """Records [start, stop) of the source, by position across its files."""

    index: int
    shard_rows: int

    @property
    def key(self) -> str:
        return shard_key(self.index)

    @property
    def start(self) -> int:
        return self.index * self.shard_rows

    @property
    def stop(self) -> int:
        return (self.index + 1) * self.shard_rows

    @classmethod
    def of(cls, key: str, shard_rows: int) -> ShardWindow:
        return cls(shard_index(key), shard_rows)


class RecordCounts:
    """Record counts per file, remembered by (path, size, mtime_ns) in one JSON file.

    Several processes may count at once: each rewrites the file atomically under an flock, so a
    count is at worst computed twice, never stored wrong.
    """

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path) if path is not None else None
        self._memory: dict[str, int] = {}

    @staticmethod
    def _key(file: Path) -> str:
        stat = file.stat()
        return f"{file.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"

    def get(self, file: Path, count) -> int:
        """The file's record count, from memory, disk, or ``count(file)``."""
        key = self._key(file)
        if key in self._memory:
            return self._memory[key]
        stored = self._load()
        if key not in stored:
            stored = self._store(key, count(file))
        self._memory.update(stored)
        return stored[key]

    def _load(self) -> dict[str, int]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}  # a damaged file is only a cache: count again
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, int)}

    def _store(self, key: str, value: int) -> dict[str, int]:
        if self.path is None:
            return {key: value}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.with_name(f".{self.path.name}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            stored = self._load()
            existing = {k for k in stored if k.rsplit("|", 2)[0] == key.rsplit("|", 2)[0]}
            stored = {k: v for k, v in stored.items() if k not in existing}  # the file changed
            stored[key] = value
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
            tmp.write_text(json.dumps(stored, sort_keys=True))
            os.replace(tmp, self.path)
        return stored
