"""The warehouse's stale partitions: those of assets, or partition keys (sources dropped from
the catalog, shards a source no longer has), that the definitions no longer have."""

from __future__ import annotations

import dagster as dg

from r1_assets.partitions import SHARD, SOURCE, dimensions, partition_file_name
from r1_assets.storage.warehouse import UNPARTITIONED, Warehouse


def stale_partitions(
    defs: dg.Definitions, warehouse: Warehouse, shards: dict[str, list[str] | None]
) -> list[tuple[str, str]]:
    """(asset, partition file name) of each stored partition the definitions do not claim;
    ``shards`` holds each source's current shard keys."""
    graph = defs.resolve_asset_graph()
    stale: list[tuple[str, str]] = []
    for asset in warehouse.assets():
        key = dg.AssetKey(asset)
        if not graph.has(key):
            stale += [(asset, p) for p in warehouse.partitions(asset)]
            continue
        partitions_def = graph.get(key).partitions_def
        if set(dimensions(partitions_def)) == {SOURCE, SHARD}:  # a current shard of a source
            current = set(warehouse.source_partitions(asset, shards))
            stale += [(asset, p) for p in warehouse.partitions(asset) if p not in current]
            continue
        current = (
            {partition_file_name(k, partitions_def) for k in partitions_def.get_partition_keys()}
            if partitions_def
            else {UNPARTITIONED}
        )
        stale += [(asset, p) for p in warehouse.partitions(asset) if p not in current]
    return stale
