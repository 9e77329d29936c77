"""The asset graph of a ``dg.Definitions`` as the plan's plain data: each asset's partition
dimensions, parents and op, and each dimension's keys."""

from __future__ import annotations

import dagster as dg

from r1_assets.partitions import dimensions
from r1_assets.runs.plan import AssetNode


def asset_nodes(defs: dg.Definitions) -> list[AssetNode]:
    graph = defs.resolve_asset_graph()
    return [
        AssetNode(
            name=key.to_user_string(),
            dimensions=dimensions(graph.get(key).partitions_def),
            parents=tuple(p.to_user_string() for p in graph.get(key).parent_keys),
            op=graph.get(key).assets_def.op.name,
        )
        for key in graph.materializable_asset_keys
    ]


def partition_keys(defs: dg.Definitions) -> dict[str, list[str]]:
    """Each static dimension's keys, in the order its partitions definition lists them."""
    graph = defs.resolve_asset_graph()
    keys: dict[str, list[str]] = {}
    for key in graph.materializable_asset_keys:
        definition = graph.get(key).partitions_def
        if definition is None:
            continue
        if isinstance(definition, dg.MultiPartitionsDefinition):
            per_dimension = {d.name: d.partitions_def for d in definition.partitions_defs}
        else:
            (dimension,) = dimensions(definition)
            per_dimension = {dimension: definition}
        for dimension, one in per_dimension.items():
            if isinstance(one, dg.DynamicPartitionsDefinition):
                continue  # shards: each source's own, counted (assets.shards.register_shards)
            known = keys.setdefault(dimension, [])
            known += [k for k in one.get_partition_keys() if k not in known]
    return keys


def partition_key(defs: dg.Definitions, asset: str, partition: dict[str, str] | None):
    """A plan's partition as Dagster takes it for this asset's runs."""
    if partition is None:
        return None
    definition = defs.resolve_asset_graph().get(dg.AssetKey.from_user_string(asset)).partitions_def
    if isinstance(definition, dg.MultiPartitionsDefinition):
        return dg.MultiPartitionKey(partition)
    (key,) = partition.values()
    return key
