from r1_assets.resources.catalog import SourceCatalogResource
from r1_assets.resources.embedder import EmbedderResource
from r1_assets.resources.llm import LLMResource
from r1_assets.resources.storage import WarehouseIOManager
from r1_assets.resources.warehouse import WarehouseResource

__all__ = [
    "EmbedderResource",
    "LLMResource",
    "SourceCatalogResource",
    "WarehouseIOManager",
    "WarehouseResource",
]
