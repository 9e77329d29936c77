"""Direct warehouse access for assets that read across partitions (e.g. the cross-source pool)."""

from __future__ import annotations

import dagster as dg

from r1_assets.storage.warehouse import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    root: str  # the local data root: caches, models, spools
    url: str = ""  # where the warehouse and exports live (settings.warehouse_url); "": root

    def get(self) -> Warehouse:
        return Warehouse(self.url or self.root)
