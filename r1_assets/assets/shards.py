"""Each source's shards as keys of the shard dimension: registered by ``r1-assets materialize``
before it plans, and by the ``source_shards`` sensor while the UI runs, as sources grow."""

from __future__ import annotations

import dagster as dg

from r1_assets.partitions import SHARD
from r1_assets.resources.catalog import SourceCatalogResource


def missing_shard_keys(
    instance: dg.DagsterInstance, keys_by_source: dict[str, list[str] | None]
) -> list[str]:
    """The shard keys some source needs that the instance does not have yet."""
    existing = set(instance.get_dynamic_partitions(SHARD))
    needed = sorted({key for keys in keys_by_source.values() for key in keys or []})
    return [key for key in needed if key not in existing]


def register_shards(
    instance: dg.DagsterInstance, catalog: SourceCatalogResource
) -> dict[str, list[str] | None]:
    """Count every source's records and add the shard keys they need; returns each source's
    shard keys."""
    keys_by_source = catalog.shard_keys()
    missing = missing_shard_keys(instance, keys_by_source)
    if missing:
        instance.add_dynamic_partitions(SHARD, missing)
    return keys_by_source


@dg.sensor(
    name="source_shards",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Counts each catalog source's records (counts are remembered per file until it "
    "changes) and adds the shard keys a grown source needs.",
)
def source_shards_sensor(
    context: dg.SensorEvaluationContext, source_catalog: SourceCatalogResource
) -> dg.SensorResult:
    keys_by_source = source_catalog.shard_keys()
    missing = missing_shard_keys(context.instance, keys_by_source)
    shards = {name: len(keys) if keys else "unreadable" for name, keys in keys_by_source.items()}
    return dg.SensorResult(
        dynamic_partitions_requests=(
            [dg.AddDynamicPartitionsRequest(SHARD, missing)] if missing else []
        ),
        skip_reason=None if missing else f"every source's shards exist: {shards}",
    )
