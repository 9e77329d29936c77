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
        raise ValueError(f"{definition} was not made by r1_assets.assets.partitions")
    return (definition.dimension,)
