"""The source catalog: one YAML entry per source; the source partitions are built from it.

A catalog that cannot be parsed at all (bad YAML, an entry without a usable name) stops the code
location from loading with one error naming the file, the entry and the field. An entry that has a
valid name but is otherwise broken (unknown format, a typo in a key) still becomes a partition, so
one bad entry does not take every other source down: materializing it quarantines a single
``invalid_catalog_entry`` row that names the field, and ``r1-assets catalog check`` lists it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from r1_assets.catalog.formats import FORMATS
from r1_assets.catalog.kernel import Catalog, EntryName, known_format, known_roles
from r1_assets.catalog.schema import DOMAINS

HF_PREFIX = "hf://"
HF_DATASETS = "hf://datasets/"  # the Hub filesystem form: hf://datasets/owner/name[@rev][/path]


class SourceSpec(BaseModel):
    """One catalog entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: EntryName
    domain: Literal["math", "code", "science", "chat", "mixed"]
    format: Annotated[str, known_format(FORMATS)] = Field(
        description="Record format: which real dataset's row shape the files use."
    )
    location: str = Field(
        description="A file, a directory or a glob of JSONL/JSON/Parquet files (relative to the "
        "catalog's base_dir), or hf://datasets/owner/name[@revision][/path or glob] for files of "
        "a Hugging Face dataset repo (fetched once per commit under the data root)."
    )
    fields: Annotated[dict[str, str], known_roles(FORMATS)] = Field(
        default_factory=dict, description="Overrides of the format's field names: role -> column."
    )
    priority: int = Field(description="Dedup retention priority: higher wins within a cluster.")
    shard_rows: int = Field(
        default=50_000,
        ge=1,
        description="Input records per shard: the source is materialized in consecutive windows "
        "of this many records (files in sorted order), one partition each. Changing it "
        "re-shards the source.",
    )
    license: str
    description: str = ""
    domain_by_origin: dict[str, Literal["math", "code", "science", "chat"]] = Field(
        default_factory=dict,
        description="For domain: mixed — maps a row's origin (e.g. AM's info.source) to a domain.",
    )
    revision: str | None = Field(
        default=None,
        description="for hf:// locations: the branch, tag or commit to read (default main; an "
        "@revision in the location wins)",
    )

    @property
    def is_hf(self) -> bool:
        return self.location.startswith(HF_PREFIX)

    def field_name(self, role: str) -> str:
        return self.fields.get(role, FORMATS[self.format].fields[role])


class SourceCatalog(Catalog[SourceSpec]):
    noun: ClassVar[str] = "source"
    key: ClassVar[str] = "sources"
    spec: ClassVar[type[BaseModel]] = SourceSpec


def load_catalog(path: Path | str, strict: bool = False) -> SourceCatalog:
    """Read and validate a source catalog file.

    With ``strict=True`` any invalid entry raises one CatalogError listing every broken field.
    """
    return SourceCatalog.load(path, strict)


__all__ = ["DOMAINS", "SourceCatalog", "SourceSpec", "load_catalog"]
