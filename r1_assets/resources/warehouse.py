"""Direct warehouse access for assets that read across partitions (e.g. the cross-source pool)."""

from __future__ import annotations

import dagster as dg

from r1_assets.storage.warehouse import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    root: str

    def get(self) -> Warehouse:
        return Warehouse(self.root)
