"""Parquet warehouse of record plus a DuckDB catalog of views over it.

Every asset partition is one Parquet file, ``<root>/warehouse/<asset>/<partition>.parquet``,
written to a temporary file and renamed into place, so readers never see half a file and a crash
leaves the previous version intact. ``<root>/r1.duckdb`` holds one view per asset over the glob of
its files, so a new partition is visible without touching the catalog again.

Why views and not tables: a DuckDB file takes one writer at a time, and Dagster runs partitions in
parallel processes (the "Could not set lock on file" failures of dagster-duckdb backfills). Here
the only DuckDB writes are view definitions, serialized across processes by an flock, and the
partition data never passes through DuckDB at all.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
UNPARTITIONED = "data"


class Warehouse:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.tables_dir = self.root / "warehouse"
        self.catalog_path = self.root / "r1.duckdb"
        self._lock_path = self.root / ".r1.duckdb.lock"

    # -- Parquet ----------------------------------------------------------------------------

    def table_dir(self, asset: str) -> Path:
        return self.tables_dir / _checked(asset)

    def partition_path(self, asset: str, partition: str | None = None) -> Path:
        return self.table_dir(asset) / f"{_checked(partition or UNPARTITIONED)}.parquet"

    def write(self, asset: str, frame: pl.DataFrame, partition: str | None = None) -> Path:
        """Atomically replace one partition's file, then make sure the DuckDB view exists."""
        path = self.partition_path(asset, partition)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            frame.write_parquet(tmp, compression="zstd", statistics=True)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        self.register_view(asset)
        return path

    @contextmanager
    def writer(
        self, asset: str, schema: pl.Schema, partition: str | None = None
    ) -> Iterator[Callable[[pl.DataFrame], None]]:
        """Write one partition batch by batch (one row group each), in memory bounded by the
        batch: the file appears, atomically, when the block ends without an error."""
        path = self.partition_path(asset, partition)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        arrow_schema = pl.DataFrame(schema=schema).to_arrow().schema
        parquet = pq.ParquetWriter(tmp, arrow_schema, compression="zstd")

        def write(batch: pl.DataFrame) -> None:
            table = batch.select(list(schema)).cast(dict(schema)).to_arrow()
            parquet.write_table(table.cast(arrow_schema))

        try:
            yield write
            parquet.close()
            os.replace(tmp, path)
        finally:
            parquet.close()
            tmp.unlink(missing_ok=True)
        self.register_view(asset)

    def iter_batches(
        self, asset: str, partitions: list[str] | None = None, batch_rows: int = 10_000
    ) -> Iterator[pl.DataFrame]:
        """The partitions' rows in order, ``batch_rows`` at a time."""
        for key in self._existing(asset, partitions):
            for batch in pq.ParquetFile(self.partition_path(asset, key)).iter_batches(batch_rows):
                yield pl.from_arrow(batch)

    def assets(self) -> list[str]:
        if not self.tables_dir.exists():
            return []
        return sorted(p.name for p in self.tables_dir.iterdir() if p.is_dir())

    def delete(self, asset: str, partition: str | None = None) -> None:
        """Remove one partition's file; the asset's view goes when its last file does."""
        with self._catalog_lock(exclusive=True):  # a writer registers views under this lock too
            self.partition_path(asset, partition).unlink(missing_ok=True)
            if not self.partitions(asset):
                with duckdb.connect(self.catalog_path) as con:
                    con.execute(f'DROP VIEW IF EXISTS "{_checked(asset)}"')

    def partitions(self, asset: str) -> list[str]:
        directory = self.table_dir(asset)
        return sorted(p.stem for p in directory.glob("*.parquet")) if directory.exists() else []

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
                pl.read_parquet(self.partition_path(asset, key))
                for key in self._existing(asset, partitions)
            ],
            how="diagonal_relaxed",
        )

    def scan(
        self, asset: str, partitions: list[str] | None = None, partition_column: str | None = None
    ) -> pl.LazyFrame:
        """The partitions as one lazy frame: filters and projections read only what they need;
        with ``partition_column``, each row names the partition it came from."""
        paths = [self.partition_path(asset, k) for k in self._existing(asset, partitions)]
        frame = pl.scan_parquet(
            paths,
            missing_columns="insert",
            extra_columns="ignore",
            include_file_paths=partition_column,
        )
        if partition_column:
            frame = frame.with_columns(
                pl.col(partition_column).str.extract(r"([^/]+)\.parquet$").alias(partition_column)
            )
        return frame

    def _existing(self, asset: str, partitions: list[str] | None) -> list[str]:
        keys = self.partitions(asset) if partitions is None else partitions
        missing = [k for k in keys if not self.partition_path(asset, k).exists()]
        if missing:
            raise FileNotFoundError(f"{asset}: no materialized partition(s) {missing}")
        if not keys:
            raise FileNotFoundError(f"{asset}: nothing materialized under {self.table_dir(asset)}")
        return keys

    # -- DuckDB catalog -----------------------------------------------------------------------

    @contextmanager
    def _catalog_lock(self, exclusive: bool) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def register_view(self, asset: str, attempts: int = 20) -> None:
        """(Re)create the view of one asset over all its Parquet files.

        The flock serializes our own processes; the retries cover a foreign process (a user's
        DuckDB shell, say) holding the file for a moment.
        """
        pattern = (self.table_dir(asset) / "*.parquet").as_posix().replace("'", "''")
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
        if not self.catalog_path.exists():
            return []
        return sorted(
            row[0]
            for row in self.query("SELECT view_name FROM duckdb_views() WHERE NOT internal").rows()
        )

    def query(self, sql: str) -> pl.DataFrame:
        """Run read-only SQL against the catalog (every asset is a view)."""
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


def source_of(partition: str) -> str:
    """The source of a (source, shard) partition's file name ("numina_math.0003")."""
    return partition.split(".", 1)[0]


def _checked(name: str) -> str:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"unsafe name for a warehouse path: {name!r}")
    return name
