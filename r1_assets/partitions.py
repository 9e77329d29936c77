"""The graph's partitions definitions, each declared with the dimension its keys name: a source,
a benchmark, or (multi-dimensional) a benchmark and a model.

Two one-dimensional definitions can hold the same keys (a source named like a benchmark), so a
definition carries its dimension from when it is made, never inferred from its keys.
"""

from __future__ import annotations

import dagster as dg

SOURCE = "source"
BENCHMARK = "benchmark"
MODEL = "model"


class DeclaredPartitions(dg.StaticPartitionsDefinition):
    """Static partitions that carry the dimension their keys name (Dagster reads them as the
    static partitions they are)."""

    def __init__(self, keys: list[str], dimension: str) -> None:
        super().__init__(keys)
        self.dimension = dimension


def source_partitions(names: list[str]) -> DeclaredPartitions:
    """One partition per catalog source."""
    return DeclaredPartitions(names, SOURCE)


def benchmark_partitions(names: list[str]) -> DeclaredPartitions:
    """One partition per benchmark of the benchmark catalog."""
    return DeclaredPartitions(names, BENCHMARK)


def dimensions(definition: dg.PartitionsDefinition | None) -> tuple[str, ...]:
    """What one partition key of an asset names: () when unpartitioned, else its dimensions."""
    if definition is None:
        return ()
    if isinstance(definition, dg.MultiPartitionsDefinition):
        return tuple(definition.partition_dimension_names)
    if not isinstance(definition, DeclaredPartitions):
        raise ValueError(f"{definition} was not made by r1_assets.partitions")
    return (definition.dimension,)


SHARD = "shard"
# the keys of the shard dimension ("0000", "0001", ...) are registered as sources grow (see
# assets.shards); a source uses the first ones it needs
shard_partitions = dg.DynamicPartitionsDefinition(name=SHARD)


def source_shard_partitions(names: list[str]) -> dg.MultiPartitionsDefinition:
    """One partition per (catalog source, shard): what every per-source stage runs on."""
    return dg.MultiPartitionsDefinition({SOURCE: source_partitions(names), SHARD: shard_partitions})


# the order of dimensions in a partition's file name: "demo_math.0000", "aime_2024.base"
FILE_NAME_ORDER = (SOURCE, SHARD, BENCHMARK, MODEL)


def keys_of(key: str, definition: dg.PartitionsDefinition | None) -> dict[str, str]:
    """A partition key as {dimension: key}."""
    if isinstance(key, dg.MultiPartitionKey):
        return dict(key.keys_by_dimension)
    names = dimensions(definition)
    if len(names) == 1:
        return {names[0]: key}
    return dict(zip(sorted(names), str(key).split("|"), strict=True))


def partition_file_name(key: str, definition: dg.PartitionsDefinition | None) -> str:
    """A partition key as the warehouse's file name: its dimensions' keys joined by '.' in
    FILE_NAME_ORDER (dimension keys are letters, digits, '_' and '-', so '.' cannot clash)."""
    return file_name_of(keys_of(key, definition))


def file_name_of(keys: dict[str, str]) -> str:
    """{dimension: key} as the warehouse's file name (see ``partition_file_name``)."""
    return ".".join(keys[d] for d in sorted(keys, key=FILE_NAME_ORDER.index))


def source_shard(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """The (source, shard) a run of a per-source stage is for."""
    keys = keys_of(context.partition_key, context.assets_def.partitions_def)
    return keys[SOURCE], keys[SHARD]
