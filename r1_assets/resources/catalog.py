"""The two catalogs as resources: assets read their entry at run time, so an edited catalog
takes effect on the next run (new partitions appear on a code location reload)."""

from __future__ import annotations

import dagster as dg

from r1_assets.catalog.kernel import InvalidEntry
from r1_assets.catalog.loader import source_shard_keys
from r1_assets.catalog.shards import RecordCounts
from r1_assets.catalog.spec import SourceCatalog, SourceSpec, load_catalog
from r1_assets.evaluate.benchmarks import BenchmarkCatalog, load_benchmark_catalog


class SourceCatalogResource(dg.ConfigurableResource):
    path: str
    record_counts_path: str = ""  # where files' record counts are remembered ("": not kept)

    def load(self) -> SourceCatalog:
        return load_catalog(self.path)

    def entry(self, name: str) -> tuple[SourceCatalog, SourceSpec | InvalidEntry]:
        catalog = self.load()
        return catalog, catalog.get(name)

    def record_counts(self) -> RecordCounts:
        return RecordCounts(self.record_counts_path or None)

    def shard_keys(self) -> dict[str, list[str] | None]:
        """Each catalog source's current shard keys (from its record count), in catalog order."""
        return source_shard_keys(self.load(), self.record_counts())


class BenchmarkCatalogResource(dg.ConfigurableResource):
    path: str

    def load(self) -> BenchmarkCatalog:
        return load_benchmark_catalog(self.path)
