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

import hashlib
import json
import os
import re
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
IMPORTS = "r1_cache_imports"  # the caches whose SQLite file was imported
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
    """One cache's table (``storage.cache.CacheTable``)."""

    def __init__(self, cache: KeyValueCache) -> None:
        self.cache = cache
        self.url = cache.database
        self.name = cache_name(cache.directory)
        self.table = table_name(self.name)
        self.location = f"the cache database's table {self.table} ({self.name})"
        self._connection = None
        self._pid: int | None = None
        self._ready = False

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_connection": None, "_pid": None, "_ready": False}

    def _db(self):
        if self._connection is None or self._connection.closed or self._pid != os.getpid():
            self._connection, self._pid, self._ready = _connect(self.url), os.getpid(), False
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
        cache = self.cache
        columns = ", ".join(
            f"{_quote(name)} {_TYPES.get(kind, 'BYTEA')}"
            + (" PRIMARY KEY NOT NULL" if name == cache.key else "")
            for name, kind in cache._types.items()
        )
        description = json.dumps(cache.description(), sort_keys=True)
        connection = self._db()
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (REGISTRY,))
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {REGISTRY} (name TEXT PRIMARY KEY, "
                "table_name TEXT NOT NULL, description TEXT NOT NULL)"
            )
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {IMPORTS} (name TEXT PRIMARY KEY)")
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} ({columns}, {WRITES} BIGINT NOT NULL)"
            )
            for column in {cache.model_column, cache.group_column} - {None}:
                # stats per model and pruning one model read this index, not every row
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {self.table}_by_{column} "
                    f"ON {self.table} ({_quote(column)})"
                )
            cursor.execute(
                f"INSERT INTO {REGISTRY} VALUES (%s, %s, %s) ON CONFLICT (name) DO NOTHING",
                (self.name, self.table, description),
            )
            cursor.execute(f"SELECT description FROM {REGISTRY} WHERE name = %s", (self.name,))
            stored = cursor.fetchone()[0]
        cache._check_description(stored)
        self._ready = True
        self._import_sqlite()

    def read(self, sql: str, params: Sequence = ()) -> list[tuple]:
        self._prepare()
        connection = self._db()
        with connection, connection.cursor() as cursor:
            cursor.execute(self._sql(sql), list(params))
            rows = cursor.fetchall()
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]

    def _sql(self, sql: str) -> str:
        return sql.format(entries=self.table).replace("?", "%s")

    @contextmanager
    def transaction(self) -> Iterator[Write]:
        self._prepare()
        connection = self._db()
        with connection, connection.cursor() as cursor:  # commits, or rolls back on an error

            def write(sql: str, params: Sequence = ()) -> int:
                cursor.execute(self._sql(sql), list(params))
                return cursor.rowcount

            yield write

    def insert(self, write: Write, rows: list[tuple], writes: Sequence[int] | None = None) -> None:
        """Add rows; a key stored twice in ``rows`` keeps its first row and counts each write
        (PostgreSQL refuses one statement touching a row twice)."""
        counts = [1] * len(rows) if writes is None else list(writes)
        key = list(self.cache.schema).index(self.cache.key)
        first: dict[str, int] = {}
        for position, row in enumerate(rows):
            if row[key] in first:
                counts[first[row[key]]] += counts[position]
                counts[position] = 0
            else:
                first[row[key]] = position
        values = [(*row, n) for row, n in zip(rows, counts, strict=True) if n]
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
                cursor.execute(f"DELETE FROM {IMPORTS} WHERE name = %s", (self.name,))
        self._ready = False

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection, self._ready = None, False

    def _import_sqlite(self) -> None:
        """Rows of a ``cache.sqlite`` in the folder (the cache before it moved here), with their
        write counts, in one transaction; the file is renamed once they are in."""
        from r1_assets.storage.cache import KeyValueCache

        path = self.cache.directory / DB_NAME
        if not path.exists():
            return
        local = KeyValueCache.open(self.cache.directory, database="")
        if local._types != self.cache._types or local.key != self.cache.key:
            raise CacheError(
                f"{path} is another kind of cache than {self.location}: move the file aside"
            )
        with self.transaction() as write:
            # once per cache, whichever process gets here first: the mark commits with the rows
            write("SELECT pg_advisory_xact_lock(hashtext(?))", (self.table,))
            if write(f"INSERT INTO {IMPORTS} VALUES (?) ON CONFLICT DO NOTHING", (self.name,)):
                for batch in local.scan(IMPORT_ROWS):
                    writes = batch[WRITES].to_list()
                    self.insert(write, self.cache._encode(batch.drop(WRITES)), writes)
        local.close()
        for suffix in ("", "-wal", "-shm"):
            source = path.with_name(DB_NAME + suffix)
            if source.exists():
                source.rename(source.with_name(source.name + IMPORTED_SUFFIX))
