"""The IO manager that stores every asset as Parquet in the warehouse (one file per partition)."""

from __future__ import annotations

import dagster as dg
import polars as pl

from r1_assets.partitions import partition_file_name
from r1_assets.storage.warehouse import Warehouse


class WarehouseIOManager(dg.ConfigurableIOManager):
    """Polars frames in and out of ``<root>/warehouse/<asset>/<partition>.parquet`` (``root`` a
    local folder or an s3:// URL), with a DuckDB view per asset in ``<root>/r1.duckdb`` when
    local."""

    root: str

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse(self.root)

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        if not isinstance(obj, pl.DataFrame):
            raise TypeError(
                f"{context.asset_key.to_user_string()}: expected a polars DataFrame, "
                f"got {type(obj).__name__}"
            )
        asset = context.asset_key.to_python_identifier()
        partition = None
        if context.has_asset_partitions:
            keys = context.asset_partition_keys
            if len(keys) != 1:
                raise ValueError(f"{asset}: one partition per run, got {len(keys)}")
            partition = partition_file_name(keys[0], context.asset_partitions_def)
        path = self.warehouse.write(asset, obj, partition)
        context.add_output_metadata(
            {"path": dg.MetadataValue.path(path), "duckdb_view": dg.MetadataValue.text(asset)}
        )

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        asset = context.asset_key.to_python_identifier()
        partitions = (
            [
                partition_file_name(k, context.asset_partitions_def)
                for k in context.asset_partition_keys
            ]
            if context.has_asset_partitions
            else None
        )
        # an input may read only some columns: AssetIn(metadata={"columns": [...]}) or
        # {"drop_columns": [...]} (a raw_problems shard's responses are most of its bytes)
        metadata = context.definition_metadata or {}
        if "columns" not in metadata and "drop_columns" not in metadata:
            return self.warehouse.read(asset, partitions)
        frame = self.warehouse.scan(asset, partitions)
        if "columns" in metadata:
            frame = frame.select(metadata["columns"])
        return frame.drop(metadata.get("drop_columns", [])).collect()
