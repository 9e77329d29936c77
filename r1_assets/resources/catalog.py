"""The source catalog as a resource: assets read their source's entry at run time, so an edited
catalog takes effect on the next run (new partitions appear on a code location reload)."""

from __future__ import annotations

import dagster as dg

from r1_assets.catalog.spec import Catalog, InvalidSource, SourceSpec, load_catalog


class SourceCatalogResource(dg.ConfigurableResource):
    path: str

    def load(self) -> Catalog:
        return load_catalog(self.path)

    def entry(self, name: str) -> tuple[Catalog, SourceSpec | InvalidSource]:
        catalog = self.load()
        return catalog, catalog.get(name)
