"""Content-addressed caches (LLM samples, embeddings, verdicts) as one indexed SQLite table each.

One database file, ``cache.sqlite``, per cache directory; one row per key, the key the table's
primary key, so a lookup costs the same at 10k and 10M entries (``benchmarks/cache_scale.py``).

- **First write wins.** Adding a key already stored keeps the stored row and counts the write
  (``writes``): "never paid twice" stays checkable, a row written twice has ``writes == 2``.
- **Crash safety.** Every ``add`` is one transaction (WAL journal): a kill -9 loses at most the
  batch in flight, every committed batch survives.
- **Concurrent writers.** Parallel shard runs share a cache: WAL lets readers run beside the one
  writer, writers take the write lock up front (``BEGIN IMMEDIATE``) and wait for it (busy
  timeout), and a "database is locked" still reported is retried until ``LOCK_DEADLINE_S``.
- **Typed columns.** Strings, integers, floats and booleans as SQLite values; a list of floats
  (an embedding) as one blob of little-endian float32 (or float64) values, read back as exactly
  the same vector.
- **The old layout** (a folder of Parquet shards, one per flush) is imported on first open, in
  one transaction, and the shard files are deleted afterwards: every paid-for row is kept.

The table layout and the cache's description (schema, key, model) are stored in the file, so
maintenance (``storage.cache_maintenance``) opens any cache without knowing its class.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np
import polars as pl
import pyarrow as pa
from tqdm import tqdm

from r1_assets import settings

DB_NAME = "cache.sqlite"
WRITES = "writes"  # how many times a key was added: 1 unless something was paid for twice
BUSY_TIMEOUT_S = 30.0  # SQLite's own wait for a lock, per statement
LOCK_DEADLINE_S = 1800.0  # then retried until this long (a legacy import can hold the lock)
LOOKUP_CHUNK = 500  # keys per IN (...) query: bounded memory per query, any number of keys
IMPORT_ROWS = 50_000  # legacy shard rows inserted per step

# the column types a cache can hold: polars dtype <-> SQLite column type
_SCALARS: dict[str, tuple[pl.DataType, str]] = {
    "String": (pl.String(), "TEXT"),
    "Int64": (pl.Int64(), "INTEGER"),
    "Int32": (pl.Int32(), "INTEGER"),
    "Float64": (pl.Float64(), "REAL"),
    "Float32": (pl.Float32(), "REAL"),
    "Boolean": (pl.Boolean(), "INTEGER"),
}
_VECTORS: dict[str, tuple[pl.DataType, str]] = {
    "List(Float32)": (pl.List(pl.Float32), "<f4"),
    "List(Float64)": (pl.List(pl.Float64), "<f8"),
}


class CacheError(Exception):
    """A cache that cannot be opened or written as asked (wrong schema, bad rows, unreadable)."""


def dtype_name(dtype: pl.DataType) -> str:
    for name, (known, _) in {**_SCALARS, **_VECTORS}.items():
        if dtype == known:
            return name
    supported = ", ".join([*_SCALARS, *_VECTORS])
    raise CacheError(f"a cache column cannot be {dtype} (supported: {supported})")


def _dtype(name: str) -> pl.DataType:
    if name in _SCALARS:
        return _SCALARS[name][0]
    if name in _VECTORS:
        return _VECTORS[name][0]
    raise CacheError(f"unknown column type {name!r} in the cache's description")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _locked(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class KeyValueCache:
    """Rows of ``schema`` keyed by the string column ``key``, in ``directory/cache.sqlite`` or,
    with ``database`` (a PostgreSQL URL; default ``settings.cache_url()``), in one table of that
    database named after the directory (``storage.cache_postgres``).

    ``model`` names the model a whole cache belongs to (an embedding namespace), ``model_column``
    the column naming each row's model (the LLM cache's ``model_id``), ``group_column`` the column
    ``stats`` breaks the entries down by (defaults to ``model_column``).
    """

    def __init__(
        self,
        directory: Path | str,
        schema: dict,
        key: str,
        *,
        model: str | None = None,
        model_column: str | None = None,
        group_column: str | None = None,
        database: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.schema = pl.Schema(schema)
        self.key = key
        self.model = model
        self.model_column = model_column
        self.group_column = group_column or model_column
        if key not in self.schema or self.schema[key] != pl.String:
            raise CacheError(f"the key {key!r} must be a String column of the schema")
        if WRITES in self.schema:
            raise CacheError(f"{WRITES!r} is the cache's own column: rename that column")
        for column in (model_column, self.group_column):
            if column is not None and column not in self.schema:
                raise CacheError(f"{column!r} is not a column of the schema")
        self._types = {name: dtype_name(dtype) for name, dtype in self.schema.items()}
        self.database = settings.cache_url() if database is None else (database or None)
        self._table: CacheTable = _postgres_table(self) if self.database else SqliteTable(self)
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self.directory / DB_NAME

    @property
    def location(self) -> str:
        """Where the rows are, for messages: the SQLite file or the PostgreSQL table."""
        return self._table.location

    def description(self) -> dict:
        return {
            "schema": self._types,
            "key": self.key,
            "model": self.model,
            "model_column": self.model_column,
            "group_column": self.group_column,
        }

    @classmethod
    def open(cls, directory: Path | str, database: str | None = None) -> KeyValueCache:
        """An existing cache, described by its own storage (for maintenance)."""
        database = settings.cache_url() if database is None else (database or None)
        if database:
            described = _postgres_module().stored_description(database, Path(directory))
        else:
            described = SqliteTable.stored_description(Path(directory))
        return cls(
            directory,
            {name: _dtype(kind) for name, kind in described["schema"].items()},
            described["key"],
            model=described.get("model"),
            model_column=described.get("model_column"),
            group_column=described.get("group_column"),
            database=database or "",
        )

    def column_definitions(self, scalar_types: dict[str, str], vector_type: str) -> str:
        """The entries table's columns in a database's types (the key its primary key)."""
        return ", ".join(
            f"{_quote(name)} {scalar_types.get(kind, vector_type)}"
            + (" PRIMARY KEY NOT NULL" if name == self.key else "")
            for name, kind in self._types.items()
        )

    def _check_description(self, stored: str) -> None:
        theirs = json.loads(stored)
        if theirs["schema"] != self._types or theirs["key"] != self.key:
            raise CacheError(
                f"{self.location} holds {theirs['schema']} keyed by {theirs['key']!r}, not "
                f"{self._types} keyed by {self.key!r}: another kind of cache is in this "
                "directory (move it aside or point the cache elsewhere)"
            )

    def close(self) -> None:
        self._table.close()

    def __enter__(self) -> KeyValueCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.update(_lock=None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------------

    def lookup(self, keys: list[str]) -> pl.DataFrame:
        """Cached rows for these keys (each key once), in the order the keys are first asked."""
        wanted = pl.Series(self.key, keys, dtype=pl.String).drop_nulls().unique(maintain_order=True)
        if wanted.is_empty():
            return pl.DataFrame(schema=self.schema)
        columns = ", ".join(_quote(name) for name in self.schema)
        frames = []
        with self._lock:
            if not self._table.exists():
                return pl.DataFrame(schema=self.schema)
            for start in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[start : start + LOOKUP_CHUNK].to_list()
                marks = ",".join("?" * len(chunk))
                query = f"SELECT {columns} FROM {{entries}} WHERE {_quote(self.key)} IN ({marks})"
                rows = self._table.read(query, chunk)
                if rows:
                    frames.append(self._decode(rows, list(self.schema)))
        if not frames:
            return pl.DataFrame(schema=self.schema)
        found = pl.concat(frames)
        order = pl.DataFrame({self.key: wanted, "_order": range(len(wanted))})
        return found.join(order, on=self.key).sort("_order").drop("_order")

    def read_all(self, batch_rows: int = 100_000) -> pl.DataFrame:
        """Every stored row with its ``writes`` count (to audit that nothing was paid twice)."""
        return pl.concat(
            [pl.DataFrame(schema={**self.schema, WRITES: pl.Int64}), *self.scan(batch_rows)]
        )

    def scan(self, batch_rows: int = 100_000) -> Iterator[pl.DataFrame]:
        """Every stored row with its ``writes``, ``batch_rows`` at a time, in key order."""
        with self._lock:
            if not self._table.exists():
                return
        names = [*self.schema, WRITES]
        columns = ", ".join(_quote(name) for name in names)
        key = _quote(self.key)
        last = None
        while True:
            where = f"WHERE {key} > ?" if last is not None else ""
            with self._lock:
                rows = self._table.read(
                    f"SELECT {columns} FROM {{entries}} {where} ORDER BY {key} LIMIT ?",
                    ([last] if last is not None else []) + [batch_rows],
                )
            if not rows:
                return
            last = rows[-1][names.index(self.key)]
            yield self._decode(rows, names)

    def count(self) -> int:
        """Entries stored (each key once)."""
        with self._lock:
            if not self._table.exists():
                return 0
            return int(self._table.read("SELECT count(*) FROM {entries}")[0][0])

    def writes(self) -> int:
        """Rows ever added, a key added twice counted twice (``count()`` if nothing was)."""
        with self._lock:
            if not self._table.exists():
                return 0
            found = self._table.read(f"SELECT coalesce(sum({WRITES}), 0) FROM {{entries}}")
            return int(found[0][0])

    def size_bytes(self) -> int:
        """What the cache takes: its files on disk, or its table in the database."""
        with self._lock:
            return self._table.size_bytes()

    def groups(self) -> dict[str, int]:
        """Entries per value of ``group_column`` (per model for the LLM cache)."""
        if self.group_column is None:
            return {}
        column = _quote(self.group_column)
        with self._lock:
            if not self._table.exists():
                return {}
            found = self._table.read(
                f"SELECT {column}, count(*) FROM {{entries}} GROUP BY {column} ORDER BY {column}"
            )
            return {str(value): int(n) for value, n in found}

    def compact(self, progress: Callable[[], None] | None = None) -> None:
        """Give the space of deleted rows back (SQLite: fold the write-ahead log in and VACUUM;
        PostgreSQL: VACUUM FULL); it waits for other writers and blocks them while it runs.
        ``progress`` is called now and then while it works."""
        with self._lock:
            if self._table.exists():
                self._table.compact(progress)

    def drop(self) -> None:
        """Delete the whole cache (a pruned embedding namespace)."""
        self.close()
        self._table.drop()

    # -- writing ------------------------------------------------------------------------------

    def add(self, frame: pl.DataFrame) -> None:
        """Store these rows in one transaction; a key already stored keeps its row and counts
        one more write."""
        if frame.is_empty():
            return
        missing = [name for name in self.schema if name not in frame.columns]
        if missing:
            raise CacheError(f"rows for {self.directory} lack the column(s) {missing}")
        try:
            frame = frame.select(list(self.schema)).cast(dict(self.schema))
        except pl.exceptions.PolarsError as exc:
            raise CacheError(f"rows for {self.directory} do not fit the schema: {exc}") from exc
        if frame[self.key].null_count():
            raise CacheError(f"rows for {self.directory} have a null {self.key!r}")
        rows = self._encode(frame)
        with self._lock, self._table.transaction() as write:
            self._table.insert(write, rows)

    def delete_where(self, column: str, value: str, chunk: int = 10_000) -> Iterator[int]:
        """Delete the rows whose ``column`` is ``value``, ``chunk`` rows per transaction (other
        writers go on between them); yields the number deleted by each."""
        if column not in self.schema:
            raise CacheError(f"{column!r} is not a column of {self.location}")
        with self._lock:
            if not self._table.exists():
                return
        key = _quote(self.key)
        while True:
            with self._lock, self._table.transaction() as write:
                deleted = write(
                    f"DELETE FROM {{entries}} WHERE {key} IN "
                    f"(SELECT {key} FROM {{entries}} WHERE {_quote(column)} = ? LIMIT ?)",
                    (value, chunk),
                )
            if not deleted:
                return
            yield deleted

    # -- encoding -----------------------------------------------------------------------------

    def _encode(self, frame: pl.DataFrame) -> list[tuple]:
        columns = []
        for name, kind in self._types.items():
            series = frame[name]
            if kind in _VECTORS:
                columns.append(_vectors_to_blobs(series, _VECTORS[kind][1], name))
            elif kind == "Boolean":
                columns.append(series.cast(pl.Int8).to_list())
            else:
                columns.append(series.to_list())
        return list(zip(*columns, strict=True))

    def _decode(self, rows: list[tuple], names: list[str]) -> pl.DataFrame:
        kinds = {name: self._types.get(name, "Int64") for name in names}  # writes: Int64
        stored = {
            name: pl.Binary
            if kind in _VECTORS
            else pl.Int64
            if kind == "Boolean"
            else _SCALARS[kind][0]
            for name, kind in kinds.items()
        }
        frame = pl.DataFrame(rows, schema=stored, orient="row")
        columns = []
        for name, kind in kinds.items():
            if kind in _VECTORS:
                dtype, layout = _VECTORS[kind]
                columns.append(_blobs_to_vectors(frame[name], layout, dtype, self.location))
            else:
                columns.append(frame[name].cast(pl.Boolean) if kind == "Boolean" else frame[name])
        return pl.DataFrame(columns)

    # -- the old layout -----------------------------------------------------------------------

    def legacy_shards(self) -> list[Path]:
        """Parquet shards of the old layout still in the directory (imported on open)."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.parquet"))


# one write transaction: ``write(sql, params)`` runs a statement in it and returns its row count
Write = Callable[..., int]


class CacheTable(Protocol):
    """Where one cache's rows live. SQL is written with ``{entries}`` for the table and ``?``
    for parameters; each backend puts in its own."""

    location: str

    def exists(self) -> bool: ...
    def read(self, sql: str, params: Sequence = ()) -> list[tuple]: ...
    def transaction(self) -> AbstractContextManager[Write]: ...
    def insert(self, write: Write, rows: list[tuple]) -> None: ...
    def size_bytes(self) -> int: ...
    def compact(self, progress: Callable[[], None] | None) -> None: ...
    def drop(self) -> None: ...
    def close(self) -> None: ...


class SqliteTable:
    """``directory/cache.sqlite``: the ``entries`` table, its ``meta`` (the description) and the
    names of the legacy shards imported."""

    def __init__(self, cache: KeyValueCache) -> None:
        self.cache = cache
        self.path = cache.directory / DB_NAME
        self.location = str(self.path)
        self._connection: sqlite3.Connection | None = None
        self._pid: int | None = None

    @staticmethod
    def stored_description(directory: Path) -> dict:
        path = directory / DB_NAME
        if not path.is_file():
            raise CacheError(f"no cache at {path}")
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            row = connection.execute("SELECT value FROM meta WHERE name = 'description'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"{path} is not a readable cache: {exc}") from exc
        finally:
            connection.close()
        if row is None:
            raise CacheError(f"{path} has no description")
        return json.loads(row[0])

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_connection": None, "_pid": None}

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():  # opened before a fork: reopen
            self.cache.directory.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            try:
                self._retry(lambda: self._prepare(connection))
            except sqlite3.DatabaseError as exc:
                connection.close()
                if isinstance(exc, sqlite3.OperationalError) and _locked(exc):
                    raise CacheError(
                        f"{self.path} stayed locked by another process for "
                        f"{LOCK_DEADLINE_S:.0f} s: {exc}"
                    ) from exc
                raise CacheError(f"{self.path} is not a readable cache: {exc}") from exc
            except BaseException:
                connection.close()
                raise
            self._connection, self._pid = connection, os.getpid()
            try:
                self._import_legacy_shards()
            except BaseException:
                self.close()
                raise
        return self._connection

    def exists(self) -> bool:
        return self.path.exists() or bool(self.cache.legacy_shards())

    def _prepare(self, connection: sqlite3.Connection) -> None:
        # 16 KiB pages (before the first table; a no-op on an existing file): rows of 1.5-4 KB
        # (an embedding, a short sample) pack 4-10 a page, where 4 KiB pages fit one or two
        connection.execute("PRAGMA page_size=16384")
        connection.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a committed transaction survives the process being killed; a power cut
        # may roll back the last ones (never corrupts). The Parquet shards promised no more.
        connection.execute("PRAGMA synchronous=NORMAL")
        # the upper levels of the key index and the table stay in memory (64 MB per open
        # cache), the rest is read through a memory map instead of a read call per page
        connection.execute("PRAGMA cache_size=-65536")
        connection.execute("PRAGMA mmap_size=1073741824")
        cache = self.cache
        columns = cache.column_definitions({k: v[1] for k, v in _SCALARS.items()}, "BLOB")
        description = json.dumps(cache.description(), sort_keys=True)
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS entries ({columns}, {WRITES} INTEGER NOT NULL)"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            connection.execute("CREATE TABLE IF NOT EXISTS imported_shards (name TEXT PRIMARY KEY)")
            for column in {cache.model_column, cache.group_column} - {None}:
                # stats per model and pruning one model read this index, not every row
                connection.execute(
                    f"CREATE INDEX IF NOT EXISTS {_quote('entries_by_' + column)} "
                    f"ON entries ({_quote(column)})"
                )
            connection.execute(
                "INSERT OR IGNORE INTO meta VALUES ('description', ?)", (description,)
            )
            stored = connection.execute(
                "SELECT value FROM meta WHERE name = 'description'"
            ).fetchone()[0]
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        cache._check_description(stored)

    def _retry(self, operation):
        """Run ``operation``, retrying while another process holds the lock."""
        deadline = time.monotonic() + LOCK_DEADLINE_S
        delay = 0.05
        while True:
            try:
                return operation()
            except sqlite3.OperationalError as exc:
                if not _locked(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 2.0)

    def read(self, sql: str, params: Sequence = ()) -> list[tuple]:
        connection = self._db()
        query = sql.format(entries="entries")
        return self._retry(lambda: connection.execute(query, list(params)).fetchall())

    @contextmanager
    def transaction(self) -> Iterator[Write]:
        """One write transaction, the write lock taken up front (no deadlock on upgrade)."""
        connection = self._db()

        def write(sql: str, params: Sequence = ()) -> int:
            return connection.execute(sql.format(entries="entries"), list(params)).rowcount

        self._retry(lambda: connection.execute("BEGIN IMMEDIATE"))
        try:
            yield write
            self._retry(lambda: connection.execute("COMMIT"))
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def insert(self, write: Write, rows: list[tuple]) -> None:
        names = ", ".join(_quote(name) for name in self.cache.schema)
        marks = ", ".join("?" * len(self.cache.schema))
        self._db().executemany(
            f"INSERT INTO entries ({names}, {WRITES}) VALUES ({marks}, 1) "
            f"ON CONFLICT({_quote(self.cache.key)}) DO UPDATE SET {WRITES} = {WRITES} + 1",
            rows,
        )

    def size_bytes(self) -> int:
        files = [self.path, self.path.with_name(DB_NAME + "-wal"), *self.cache.legacy_shards()]
        return sum(path.stat().st_size for path in files if path.exists())

    def compact(self, progress: Callable[[], None] | None) -> None:
        connection = self._db()
        if progress is not None:
            connection.set_progress_handler(lambda: progress() or 0, 100_000)
        try:
            self._retry(lambda: connection.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
            self._retry(lambda: connection.execute("VACUUM"))
            self._retry(lambda: connection.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
        finally:
            connection.set_progress_handler(None, 0)

    def drop(self) -> None:
        self.close()
        shutil.rmtree(self.cache.directory, ignore_errors=True)

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def _import_legacy_shards(self) -> None:
        cache = self.cache
        if not cache.legacy_shards():
            return
        imported = []
        with self.transaction() as write:  # one transaction: a crash imports nothing
            done = {name for (name,) in self._db().execute("SELECT name FROM imported_shards")}
            shards = [path for path in cache.legacy_shards() if path.name not in done]
            bar = tqdm(
                total=len(shards),
                desc=f"importing the Parquet shards of {cache.directory}",
                unit="shard",
                disable=len(shards) < 100,
            )
            group: list[Path] = []
            rows = 0
            for index, shard in enumerate(shards):
                try:
                    rows += pl.scan_parquet(shard).select(pl.len()).collect().item()
                except (OSError, pl.exceptions.PolarsError) as exc:
                    raise CacheError(
                        f"cannot import {shard} into the cache ({exc}): move the file aside"
                    ) from exc
                group.append(shard)
                if rows >= IMPORT_ROWS or index == len(shards) - 1:
                    self._import_group(write, group)
                    bar.update(len(group))
                    group, rows = [], 0
            bar.close()
            self._db().executemany(
                "INSERT OR IGNORE INTO imported_shards VALUES (?)", [(s.name,) for s in shards]
            )
            imported = shards
        for shard in [*imported, *(p for p in cache.legacy_shards() if p.name in done)]:
            shard.unlink(missing_ok=True)

    def _import_group(self, write: Write, shards: list[Path]) -> None:
        cache = self.cache
        try:
            frame = pl.read_parquet(shards, columns=list(cache.schema))
            frame = frame.cast(dict(cache.schema))
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise CacheError(
                f"cannot import the Parquet shards {shards[0].name}… of {cache.directory} "
                f"({exc}): they do not hold this cache's columns {list(cache.schema)}"
            ) from exc
        frame = frame.filter(pl.col(cache.key).is_not_null())
        for start in range(0, frame.height, 10_000):
            self.insert(write, cache._encode(frame.slice(start, 10_000)))


def _postgres_module():
    from r1_assets.storage import cache_postgres  # psycopg2 comes with the cluster extra

    return cache_postgres


def _postgres_table(cache: KeyValueCache) -> CacheTable:
    return _postgres_module().PostgresTable(cache)


def _vectors_to_blobs(series: pl.Series, layout: str, name: str) -> list[bytes | None]:
    array = series.rechunk().to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.flatten().null_count:
        raise CacheError(f"{name!r} holds a vector with a null value: it cannot be cached")
    values = array.flatten().to_numpy(zero_copy_only=False).astype(layout, copy=False)
    offsets = np.asarray(array.offsets)
    offsets = offsets - offsets[0]
    valid = np.asarray(array.is_valid())
    data = values.tobytes()
    size = values.itemsize
    return [
        data[offsets[i] * size : offsets[i + 1] * size] if valid[i] else None
        for i in range(len(array))
    ]


def _blobs_to_vectors(series: pl.Series, layout: str, dtype: pl.DataType, path: str) -> pl.Series:
    array = series.to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.large_binary())
    size = np.dtype(layout).itemsize
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[
        array.offset : array.offset + len(array) + 1
    ]
    if ((offsets - offsets[0]) % size).any():
        raise CacheError(f"{path}: a stored {series.name!r} is not a whole number of floats")
    start, stop = int(offsets[0]), int(offsets[-1])
    values = np.frombuffer(
        data_buffer or b"", dtype=layout, count=(stop - start) // size, offset=start
    )
    lists = pa.LargeListArray.from_arrays(
        pa.array((offsets - start) // size, pa.int64()),
        pa.array(values.astype(layout[1:], copy=False)),
        mask=pa.array(~np.asarray(array.is_valid())),
    )
    return pl.Series(series.name, lists).cast(dtype)
