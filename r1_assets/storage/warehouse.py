"""Parquet warehouse of record plus a DuckDB catalog of views over it.

Every asset partition is one Parquet file, ``<root>/warehouse/<asset>/<partition>.parquet``,
written under a temporary name and moved into place, so readers never see half a file and a crash
leaves the previous version intact. The root is a local folder or an S3 prefix
(``storage.objects``). Locally, ``<root>/r1.duckdb`` holds one view per asset over the glob of its
files, so a new partition is visible without touching the catalog again.

Why views and not tables: a DuckDB file takes one writer at a time, and Dagster runs partitions in
parallel processes (the "Could not set lock on file" failures of dagster-duckdb backfills). Here
the only DuckDB writes are view definitions, serialized across processes by an flock, and the
partition data never passes through DuckDB at all.
"""

from __future__ import annotations

import fcntl
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from r1_assets.storage.objects import ObjectStore, S3Options

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
UNPARTITIONED = "data"


class Warehouse:
    """``root`` is a local folder or an ``s3://bucket/prefix`` URL (``storage.objects``)."""

    def __init__(self, root: Path | str, s3: S3Options | None = None) -> None:
        self.store = ObjectStore(root, s3)
        self.root = self.store.url
        # the DuckDB catalog file exists only for a local warehouse; over S3, ``query`` registers
        # the Parquet files as arrow datasets in a connection of its own
        self.catalog_path = self.store.local_path("r1.duckdb") if self.store.local else None
        self._lock_path = self.store.local_path(".r1.duckdb.lock") if self.store.local else None

    # -- Parquet ----------------------------------------------------------------------------

    def table_key(self, asset: str) -> str:
        return f"warehouse/{_checked(asset)}"

    def partition_key(self, asset: str, partition: str | None = None) -> str:
        return f"{self.table_key(asset)}/{_checked(partition or UNPARTITIONED)}.parquet"

    def partition_path(self, asset: str, partition: str | None = None) -> str:
        """Where one partition's file is: a local path or an s3:// URL."""
        return self.store.uri(self.partition_key(asset, partition))

    def write(self, asset: str, frame: pl.DataFrame, partition: str | None = None) -> str:
        """Atomically replace one partition's file, then make sure the DuckDB view exists."""
        with self.store.open_atomic(self.partition_key(asset, partition)) as sink:
            frame.write_parquet(sink, compression="zstd", statistics=True)
        self.register_view(asset)
        return self.partition_path(asset, partition)

    @contextmanager
    def writer(
        self, asset: str, schema: pl.Schema, partition: str | None = None
    ) -> Iterator[Callable[[pl.DataFrame], None]]:
        """Write one partition batch by batch (one row group each), in memory bounded by the
        batch: the file appears, atomically, when the block ends without an error."""
        arrow_schema = pl.DataFrame(schema=schema).to_arrow().schema
        with self.store.open_atomic(self.partition_key(asset, partition)) as sink:
            parquet = pq.ParquetWriter(sink, arrow_schema, compression="zstd")

            def write(batch: pl.DataFrame) -> None:
                table = batch.select(list(schema)).cast(dict(schema)).to_arrow()
                parquet.write_table(table.cast(arrow_schema))

            try:
                yield write
            finally:
                parquet.close()
        self.register_view(asset)

    def iter_batches(
        self, asset: str, partitions: list[str] | None = None, batch_rows: int = 10_000
    ) -> Iterator[pl.DataFrame]:
        """The partitions' rows in order, ``batch_rows`` at a time."""
        for key in self._existing(asset, partitions):
            with self.store.open_input(self.partition_key(asset, key)) as handle:
                for batch in pq.ParquetFile(handle).iter_batches(batch_rows):
                    yield pl.from_arrow(batch)

    def assets(self) -> list[str]:
        """The assets with at least one stored partition."""
        return [asset for asset in self.store.folders("warehouse") if self._files(asset)]

    def delete(self, asset: str, partition: str | None = None) -> None:
        """Remove one partition's file; the asset's view goes when its last file does."""
        with self._catalog_lock(exclusive=True):  # a writer registers views under this lock too
            self.store.delete(self.partition_key(asset, partition))
            if not self.partitions(asset) and self.catalog_path is not None:
                with duckdb.connect(self.catalog_path) as con:
                    con.execute(f'DROP VIEW IF EXISTS "{_checked(asset)}"')

    def partitions(self, asset: str) -> list[str]:
        return [name[: -len(".parquet")] for name in self._files(asset)]

    def _files(self, asset: str) -> list[str]:
        return self.store.files(self.table_key(asset), ".parquet")

    def source_partitions(
        self, asset: str, shards: Mapping[str, Sequence[str] | None]
    ) -> list[str]:
        """The stored partitions of these (source → shard keys), in the order of the sources,
        then by shard. A shard a source no longer has (it shrank) is not returned; every stored
        shard of a source whose keys are None (unknown now) is."""
        order = {name: position for position, name in enumerate(shards)}

        def wanted(partition: str) -> bool:
            source = source_of(partition)
            if source not in order:
                return False
            keys = shards[source]
            return keys is None or partition.split(".", 1)[-1] in keys

        return sorted(
            (p for p in self.partitions(asset) if wanted(p)),
            key=lambda p: (order[source_of(p)], p),
        )

    def read(self, asset: str, partitions: list[str] | None = None) -> pl.DataFrame:
        """One, several or (``None``) all partitions of an asset, concatenated."""
        return pl.concat(
            [
                pl.read_parquet(
                    self.partition_path(asset, key), storage_options=self.store.storage_options
                )
                for key in self._existing(asset, partitions)
            ],
            how="diagonal_relaxed",
        )

    def scan(
        self,
        asset: str,
        partitions: list[str] | None = None,
        partition_column: str | None = None,
        schema: pl.Schema | None = None,
    ) -> pl.LazyFrame:
        """The partitions as one lazy frame: filters and projections read only what they need;
        with ``partition_column``, each row names the partition it came from. With ``schema``,
        a partition written before a column existed reads it as null, whichever file is first
        (without it, the first file's columns are the frame's)."""
        paths = [self.partition_path(asset, k) for k in self._existing(asset, partitions)]
        frame = pl.scan_parquet(
            paths,
            schema=schema,
            missing_columns="insert",
            extra_columns="ignore",
            include_file_paths=partition_column,
            storage_options=self.store.storage_options,
        )
        if partition_column:
            frame = frame.with_columns(
                pl.col(partition_column).str.extract(r"([^/]+)\.parquet$").alias(partition_column)
            )
        return frame

    def _existing(self, asset: str, partitions: list[str] | None) -> list[str]:
        stored = self.partitions(asset)
        keys = stored if partitions is None else partitions
        missing = sorted(set(keys) - set(stored))
        if missing:
            raise FileNotFoundError(f"{asset}: no materialized partition(s) {missing}")
        if not keys:
            raise FileNotFoundError(
                f"{asset}: nothing materialized under {self.store.uri(self.table_key(asset))}"
            )
        return keys

    # -- DuckDB catalog -----------------------------------------------------------------------

    @contextmanager
    def _catalog_lock(self, exclusive: bool) -> Iterator[None]:
        if self._lock_path is None:  # no catalog file to guard
            yield
            return
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def register_view(self, asset: str, attempts: int = 20) -> None:
        """(Re)create the view of one asset over all its Parquet files (local warehouses only).

        The flock serializes our own processes; the retries cover a foreign process (a user's
        DuckDB shell, say) holding the file for a moment.
        """
        if self.catalog_path is None:
            return
        pattern = self.store.path(f"{self.table_key(asset)}/*.parquet").replace("'", "''")
        statement = (
            f'CREATE OR REPLACE VIEW "{_checked(asset)}" AS SELECT * FROM '
            f"read_parquet('{pattern}', union_by_name = true)"
        )
        for attempt in range(attempts):
            try:
                with self._catalog_lock(exclusive=True), duckdb.connect(self.catalog_path) as con:
                    con.execute(statement)
                return
            except duckdb.IOException:
                if attempt == attempts - 1:
                    raise
                time.sleep(min(0.05 * 2**attempt, 2.0))

    def views(self) -> list[str]:
        if self.catalog_path is None:
            return self.assets()
        if not self.catalog_path.exists():
            return []
        return sorted(
            row[0]
            for row in self.query("SELECT view_name FROM duckdb_views() WHERE NOT internal").rows()
        )

    def query(self, sql: str) -> pl.DataFrame:
        """Run read-only SQL against the catalog (every asset is a view)."""
        if self.catalog_path is None:
            return self._query_objects(sql)
        if not self.catalog_path.exists():
            raise FileNotFoundError(
                f"{self.catalog_path} does not exist yet: materialize an asset first "
                "(r1-assets materialize)"
            )
        with (
            self._catalog_lock(exclusive=False),
            duckdb.connect(self.catalog_path, read_only=True) as con,
        ):
            return con.sql(sql).pl()

    def _query_objects(self, sql: str) -> pl.DataFrame:
        """SQL over a warehouse in object storage: DuckDB's own S3 reader (httpfs) is an extension
        downloaded at run time, so each asset the query names is handed to DuckDB as a pyarrow
        dataset over its files (scanned lazily, columns and filters pushed down), under the
        same name and with the same union of columns as a local view."""
        named = [
            asset
            for asset in self.assets()
            if re.search(rf"(?<![A-Za-z0-9_]){re.escape(asset)}(?![A-Za-z0-9_])", sql)
        ]
        with duckdb.connect() as con:
            for asset in named:
                paths = [
                    self.store.path(f"{self.table_key(asset)}/{f}") for f in self._files(asset)
                ]
                if not paths:
                    continue
                schema = pa.unify_schemas(
                    [pq.read_schema(path, filesystem=self.store.fs) for path in paths],
                    promote_options="permissive",
                )
                con.register(
                    asset,
                    ds.dataset(paths, schema=schema, format="parquet", filesystem=self.store.fs),
                )
            return con.sql(sql).pl()


def source_of(partition: str) -> str:
    """The source of a (source, shard) partition's file name ("numina_math.0003")."""
    return partition.split(".", 1)[0]


def _checked(name: str) -> str:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"unsafe name for a warehouse path: {name!r}")
    return name
