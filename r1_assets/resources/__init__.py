from r1_assets.resources.catalog import SourceCatalogResource
from r1_assets.resources.storage import WarehouseIOManager

__all__ = ["SourceCatalogResource", "WarehouseIOManager"]
