from r1_assets.resources.audit import ContaminationAuditResource
from r1_assets.resources.catalog import BenchmarkCatalogResource, SourceCatalogResource
from r1_assets.resources.classifier import ClassifierResource, ReferenceModelResource
from r1_assets.resources.embedder import EmbedderResource
from r1_assets.resources.llm import LLMResource
from r1_assets.resources.sandbox import SandboxResource
from r1_assets.resources.storage import WarehouseIOManager
from r1_assets.resources.warehouse import WarehouseResource


def reconfigured(resource, **changes):
    """A copy of a ConfigurableResource with some settings changed. (``model_copy(update=...)``
    is not enough: Dagster rebuilds a resource from its config when a run starts, and the copy's
    config still holds the old values.)"""
    unknown = sorted(set(changes) - set(type(resource).model_fields))
    if unknown:
        raise ValueError(
            f"{type(resource).__name__} has no setting(s) {unknown}; "
            f"it has {sorted(type(resource).model_fields)}"
        )
    return type(resource)(**{**resource.model_dump(), **changes})


__all__ = [
    "BenchmarkCatalogResource",
    "ClassifierResource",
    "ContaminationAuditResource",
    "EmbedderResource",
    "LLMResource",
    "ReferenceModelResource",
    "SandboxResource",
    "SourceCatalogResource",
    "WarehouseIOManager",
    "WarehouseResource",
    "reconfigured",
]
