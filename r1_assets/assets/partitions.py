"""The graph's partitions definitions, each declared with the dimension its keys name: a source,
a benchmark, or (multi-dimensional) a benchmark and a model.

Two one-dimensional definitions can hold the same keys (a source named like a benchmark), so a
definition's dimension is recorded when it is made, never inferred from its keys.
"""

from __future__ import annotations

import dagster as dg

SOURCE = "source"
BENCHMARK = "benchmark"
MODEL = "model"

# id -> (the definition, kept alive so its id is not reused; its dimension)
_declared: dict[int, tuple[dg.PartitionsDefinition, str]] = {}


def _declare(dimension: str, keys: list[str]) -> dg.StaticPartitionsDefinition:
    definition = dg.StaticPartitionsDefinition(keys)
    _declared[id(definition)] = (definition, dimension)
    return definition


def source_partitions(names: list[str]) -> dg.StaticPartitionsDefinition:
    """One partition per catalog source."""
    return _declare(SOURCE, names)


def benchmark_partitions(names: list[str]) -> dg.StaticPartitionsDefinition:
    """One partition per benchmark of the benchmark catalog."""
    return _declare(BENCHMARK, names)


def dimensions(definition: dg.PartitionsDefinition | None) -> tuple[str, ...]:
    """What one partition key of an asset names: () when unpartitioned, else its dimensions."""
    if definition is None:
        return ()
    if isinstance(definition, dg.MultiPartitionsDefinition):
        return tuple(definition.partition_dimension_names)
    declared = _declared.get(id(definition))
    if declared is None or declared[0] is not definition:
        raise ValueError(f"{definition} was not made by r1_assets.assets.partitions")
    return (declared[1],)
