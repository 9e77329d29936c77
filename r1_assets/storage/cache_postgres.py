"""The caches in PostgreSQL (``R1_ASSETS_CACHE_URL``): one table per cache, so every machine of a
cluster looks up and adds to the same rows.

The rules are the SQLite file's (``storage.cache``): the key is the table's primary key, so a
lookup costs the same at any size; every ``add`` is one transaction; the first write of a key
wins and every write is counted (``INSERT … ON CONFLICT (key) DO UPDATE SET writes = writes +
excluded.writes``, safe for any number of concurrent writers). Columns are typed (BIGINT, DOUBLE
PRECISION, TEXT, SMALLINT for booleans, BYTEA for a vector's float32 or float64 bytes, read back
bit for bit).

A registry table, ``r1_caches``, names each cache by its folder under the data root's ``cache``
(``llm``, ``embeddings/<model key>``, ``verdicts``), with its table and its description, so
maintenance finds every cache without the folders. A ``cache.sqlite`` still in the folder is
imported on first open, in one transaction (writes added up), then renamed
``cache.sqlite.imported``: nothing paid for before the move is paid again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg2
import psycopg2.extras

from r1_assets.storage.cache import (
    _SCALARS,
    DB_NAME,
    WRITES,
    CacheError,
    Write,
    _quote,
)

if TYPE_CHECKING:
    from r1_assets.storage.cache import KeyValueCache

REGISTRY = "r1_caches"
IMPORTS = "r1_cache_imports"  # "<cache>:<file identity>" of every SQLite file imported
IDLE_CHECK_S = 30.0  # a connection idle this long is checked before it is used
log = logging.getLogger(__name__)
IMPORTED_SUFFIX = ".imported"
_TYPES = {
    "String": "TEXT",
    "Int64": "BIGINT",
    "Int32": "BIGINT",
    "Float64": "DOUBLE PRECISION",
    "Float32": "DOUBLE PRECISION",
    "Boolean": "SMALLINT",
}
assert set(_TYPES) == set(_SCALARS)
IMPORT_ROWS = 10_000


def libpq_url(url: str) -> str:
    """psycopg2 takes ``postgresql://``; SQLAlchemy's ``postgresql+psycopg2://`` (the form
    ``R1_ASSETS_POSTGRES_URL`` is pinned to) names the same database."""
    return re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql://", url)


def cache_name(directory: Path) -> str:
    """A cache's name: its folder's path after the last ``cache`` folder (``llm``,
    ``embeddings/<model key>``), or the whole path when it is not under one."""
    parts = Path(os.path.abspath(directory)).parts
    if "cache" in parts[:-1]:
        last = len(parts) - 1 - parts[::-1].index("cache")
        return "/".join(parts[last + 1 :])
    return Path(os.path.abspath(directory)).as_posix()


def table_name(name: str) -> str:
    return "cache_" + hashlib.sha256(name.encode()).hexdigest()[:20]


def _connect(url: str):
    try:
        return psycopg2.connect(libpq_url(url))
    except psycopg2.OperationalError as exc:
        raise CacheError(f"cannot reach the cache database: {exc}".strip()) from exc


def _registry_exists(cursor) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (REGISTRY,))
    return bool(cursor.fetchone()[0])


def cache_names(url: str) -> list[str]:
    """Every cache the database holds."""
    connection = _connect(url)
    try:
        with connection, connection.cursor() as cursor:
            if not _registry_exists(cursor):
                return []
            cursor.execute(f"SELECT name FROM {REGISTRY} ORDER BY name")
            return [name for (name,) in cursor.fetchall()]
    finally:
        connection.close()


def stored_description(url: str, directory: Path) -> dict:
    name = cache_name(directory)
    connection = _connect(url)
    try:
        with connection, connection.cursor() as cursor:
            row = None
            if _registry_exists(cursor):
                cursor.execute(f"SELECT description FROM {REGISTRY} WHERE name = %s", (name,))
                row = cursor.fetchone()
    finally:
        connection.close()
    if row is None:
        raise CacheError(f"no cache {name!r} in the cache database")
    return json.loads(row[0])


class PostgresTable:
    """One cache's table (``storage.cache.CacheTable``). ``KeyValueCache`` holds its lock around
    every call, so one connection serves the cache's threads one at a time."""

    def __init__(self, cache: KeyValueCache) -> None:
        self.cache = cache
        self.url = cache.database
        self.name = cache_name(cache.directory)
        self.table = table_name(self.name)
        self.location = f"the cache database's table {self.table} ({self.name})"
        self._connection = None
        self._pid: int | None = None
        self._used = 0.0  # when the connection last answered
        self._tables = False  # the registry and this cache's table exist
        self._ready = False  # ... and an old SQLite file was imported
        self._importing = False

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_connection": None, "_pid": None, "_tables": False,
                "_ready": False}  # fmt: skip

    def _db(self):
        """The connection, reopened after a fork, after it broke, or when an idle one no longer
        answers (a restarted server, a proxy's idle timeout): the call that finds it dead
        reconnects instead of failing."""
        connection = self._connection
        if connection is not None and not connection.closed and self._pid == os.getpid():
            if time.monotonic() - self._used < IDLE_CHECK_S:
                return connection
            try:
                with connection, connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                self._used = time.monotonic()
                return connection
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                pass
        if connection is not None and self._pid == os.getpid():
            with contextlib.suppress(psycopg2.Error):
                connection.close()
        self._connection, self._pid, self._used = _connect(self.url), os.getpid(), time.monotonic()
        return self._connection

    def exists(self) -> bool:
        if self._ready:
            return True
        connection = self._db()
        with connection, connection.cursor() as cursor:
            if _registry_exists(cursor):
                cursor.execute(f"SELECT 1 FROM {REGISTRY} WHERE name = %s", (self.name,))
                if cursor.fetchone() is not None:
                    return True
        return (self.cache.directory / DB_NAME).exists()  # imported on first use

    def _prepare(self) -> None:
        """Create the registry and the table (under a lock: concurrent CREATE … IF NOT EXISTS
        collide in PostgreSQL), check the stored description, import an old SQLite file."""
        if self._ready:
            return
        if not self._tables:
            self._create_tables()
        self._import_sqlite()
        self._ready = True

    def _create_tables(self) -> None:
        cache = self.cache
        columns = cache.column_definitions(_TYPES, "BYTEA")
        description = json.dumps(cache.description(), sort_keys=True)
        connection = self._db()
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (REGISTRY,))
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {REGISTRY} (name TEXT PRIMARY KEY, "
                "table_name TEXT NOT NULL, description TEXT NOT NULL)"
            )
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {IMPORTS} (name TEXT PRIMARY KEY)")
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (self.table,))
            if not cursor.fetchone()[0]:  # an existing table is never locked again here
                cursor.execute(f"CREATE TABLE {self.table} ({columns}, {WRITES} BIGINT NOT NULL)")
                for column in {cache.model_column, cache.group_column} - {None}:
                    # stats per model and pruning one model read this index, not every row
                    index = _quote(f"{self.table}_by_{column}")
                    cursor.execute(f"CREATE INDEX {index} ON {self.table} ({_quote(column)})")
            cursor.execute(
                f"INSERT INTO {REGISTRY} VALUES (%s, %s, %s) ON CONFLICT (name) DO NOTHING",
                (self.name, self.table, description),
            )
            cursor.execute(f"SELECT description FROM {REGISTRY} WHERE name = %s", (self.name,))
            stored = cursor.fetchone()[0]
        cache._check_description(stored)
        self._tables = True

    def read(self, sql: str, params: Sequence = ()) -> list[tuple]:
        self._prepare()
        connection = self._db()
        with connection, connection.cursor() as cursor:
            cursor.execute(self._sql(sql), list(params))
            rows = cursor.fetchall()
        self._used = time.monotonic()
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]

    def _sql(self, sql: str) -> str:
        """The cache's SQL (``{entries}``, ``?`` markers) in psycopg2's dialect: a literal ``%``
        doubled, each marker ``%s``."""
        return sql.format(entries=self.table).replace("%", "%%").replace("?", "%s")

    @contextmanager
    def transaction(self) -> Iterator[Write]:
        if not self._tables:
            self._create_tables()
        if not self._ready and not self._importing:
            self._prepare()
        connection = self._db()
        with connection, connection.cursor() as cursor:  # commits, or rolls back on an error

            def write(sql: str, params: Sequence = ()) -> int:
                cursor.execute(self._sql(sql), list(params))
                return cursor.rowcount

            yield write
        self._used = time.monotonic()

    def insert(self, write: Write, rows: list[tuple], writes: Sequence[int] | None = None) -> None:
        """Add rows; a key stored twice in ``rows`` keeps its first row and counts each write
        (PostgreSQL refuses one statement touching a row twice). Rows go in key order, so
        concurrent writers lock shared keys in the same order and never deadlock."""
        counts = [1] * len(rows) if writes is None else list(writes)
        key = list(self.cache.schema).index(self.cache.key)
        first: dict[str, int] = {}
        for position, row in enumerate(rows):
            if row[key] in first:
                counts[first[row[key]]] += counts[position]
                counts[position] = 0
            else:
                first[row[key]] = position
        values = sorted(
            ((*row, n) for row, n in zip(rows, counts, strict=True) if n), key=lambda r: r[key]
        )
        names = ", ".join(_quote(name) for name in self.cache.schema)
        with self._db().cursor() as cursor:  # the connection's open transaction
            psycopg2.extras.execute_values(
                cursor,
                f"INSERT INTO {self.table} ({names}, {WRITES}) VALUES %s "
                f"ON CONFLICT ({_quote(self.cache.key)}) "
                f"DO UPDATE SET {WRITES} = {self.table}.{WRITES} + EXCLUDED.{WRITES}",
                values,
                page_size=500,
            )

    def size_bytes(self) -> int:
        if not self.exists():
            return 0
        connection = self._db()
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(pg_total_relation_size(to_regclass(%s)), 0)", (self.table,)
            )
            return int(cursor.fetchone()[0])

    def compact(self, progress: Callable[[], None] | None) -> None:
        connection = self._db()
        connection.autocommit = True  # VACUUM runs outside a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM FULL {self.table}")
        finally:
            connection.autocommit = False
        if progress is not None:
            progress()

    def drop(self) -> None:
        connection = self._db()
        with connection, connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            if _registry_exists(cursor):
                cursor.execute(f"DELETE FROM {REGISTRY} WHERE name = %s", (self.name,))
                cursor.execute(f"DELETE FROM {IMPORTS} WHERE name LIKE %s", (f"{self.name}:%",))
        self._tables = self._ready = False

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection, self._tables, self._ready = None, False, False

    def _import_sqlite(self) -> None:
        """Rows of a ``cache.sqlite`` in the folder (the cache before it moved here, or one a
        machine kept), with their write counts, in one transaction, once per file: the file's
        identity (its fingerprint) is marked in the same transaction. The file is renamed aside
        afterwards, whoever imported it."""
        from r1_assets.storage.cache import KeyValueCache

        path = self.cache.directory / DB_NAME
        if not path.exists():
            return
        self._importing = True
        try:
            with self.transaction() as write:
                write("SELECT pg_advisory_xact_lock(hashtext(?))", (self.table,))
                if not path.exists():  # another process imported and moved it meanwhile
                    return
                mark = f"{self.name}:{_file_identity(path)}"
                if write(f"INSERT INTO {IMPORTS} VALUES (?) ON CONFLICT DO NOTHING", (mark,)):
                    with KeyValueCache.open(self.cache.directory, database="") as local:
                        if local._types != self.cache._types or local.key != self.cache.key:
                            raise CacheError(
                                f"{path} is another kind of cache than {self.location}: "
                                "move the file aside"
                            )
                        for batch in local.scan(IMPORT_ROWS):
                            writes = batch[WRITES].to_list()
                            rows = self.cache._encode(batch.drop(WRITES))
                            self.insert(write, rows, writes)
                else:
                    log.warning("%s was imported into %s before: not again", path, self.location)
        finally:
            self._importing = False
        suffix = f"{IMPORTED_SUFFIX}-{uuid.uuid4().hex[:8]}"
        for extension in ("", "-wal", "-shm"):
            source = path.with_name(DB_NAME + extension)
            with contextlib.suppress(FileNotFoundError):
                source.rename(source.with_name(source.name + suffix))


def _file_identity(path: Path) -> str:
    """A SQLite file's identity: its size and the hash of its content's first and last MiB."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    with path.open("rb") as handle:
        digest.update(handle.read(1 << 20))
        if size > 1 << 20:
            handle.seek(max(size - (1 << 20), 1 << 20))
            digest.update(handle.read())
    return f"{size}:{digest.hexdigest()[:16]}"
