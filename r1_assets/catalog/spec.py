"""The source catalog: one YAML entry per source; the source partitions are built from it.

A catalog that cannot be parsed at all (bad YAML, an entry without a usable name) stops the code
location from loading with one error naming the file, the entry and the field. An entry that has a
valid name but is otherwise broken (unknown format, a typo in a key) still becomes a partition, so
one bad entry does not take every other source down: materializing it quarantines a single
``invalid_catalog_entry`` row that names the field, and ``r1-assets catalog check`` lists it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from r1_assets.catalog.formats import FORMATS
from r1_assets.catalog.schema import DOMAINS

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
HF_PREFIX = "hf://"


class CatalogError(ValueError):
    """The catalog file, or one entry of it, is unusable."""


class SourceSpec(BaseModel):
    """One catalog entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    domain: Literal["math", "code", "science", "chat", "mixed"]
    format: str = Field(description="Record format: which real dataset's row shape the files use.")
    location: str = Field(
        description="A file, a glob of JSONL/JSON/Parquet files (relative to the catalog's "
        "base_dir), or hf://<dataset id> for a Hugging Face dataset when the network allows it."
    )
    fields: dict[str, str] = Field(
        default_factory=dict, description="Overrides of the format's field names: role -> column."
    )
    priority: int = Field(description="Dedup retention priority: higher wins within a cluster.")
    license: str
    description: str = ""
    domain_by_origin: dict[str, Literal["math", "code", "science", "chat"]] = Field(
        default_factory=dict,
        description="For domain: mixed — maps a row's origin (e.g. AM's info.source) to a domain.",
    )
    split: str = "train"
    subset: str | None = None
    revision: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not SOURCE_NAME.match(value):
            raise ValueError("use lowercase letters, digits, '_' or '-' (at most 64)")
        return value

    @field_validator("format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value not in FORMATS:
            close = difflib.get_close_matches(value, FORMATS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown format {value!r}{hint}; known formats: {', '.join(sorted(FORMATS))}"
            )
        return value

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: dict[str, str], info) -> dict[str, str]:
        fmt = FORMATS.get(info.data.get("format", ""))
        if fmt is not None:
            unknown = sorted(set(value) - set(fmt.fields))
            if unknown:
                raise ValueError(
                    f"unknown role(s) {unknown} for format {fmt.name!r}; "
                    f"roles: {', '.join(fmt.fields)}"
                )
        return value

    @property
    def is_hf(self) -> bool:
        return self.location.startswith(HF_PREFIX)

    def field_name(self, role: str) -> str:
        return self.fields.get(role, FORMATS[self.format].fields[role])


@dataclass(frozen=True)
class InvalidSource:
    """A catalog entry with a usable name whose other fields are broken."""

    name: str
    errors: tuple[tuple[str, str], ...]  # (field, message)

    def message(self, catalog_file: Path) -> str:
        return "; ".join(
            f"{catalog_file.name}: source {self.name!r}, field {fld!r}: {msg}"
            for fld, msg in self.errors
        )


@dataclass(frozen=True)
class Catalog:
    path: Path
    base_dir: Path
    sources: dict[str, SourceSpec | InvalidSource] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.sources)

    @property
    def invalid(self) -> list[InvalidSource]:
        return [s for s in self.sources.values() if isinstance(s, InvalidSource)]

    def get(self, name: str) -> SourceSpec | InvalidSource:
        try:
            return self.sources[name]
        except KeyError:
            raise CatalogError(f"{self.path.name}: no source named {name!r}") from None

    def resolve(self, location: str) -> Path:
        path = Path(location).expanduser()
        return path if path.is_absolute() else self.base_dir / path


def load_catalog(path: Path | str, strict: bool = False) -> Catalog:
    """Read and validate a catalog file.

    With ``strict=True`` any invalid entry raises one CatalogError listing every broken field.
    """
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"source catalog not found: {path}") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise CatalogError(f"{path.name}: expected a mapping with a 'sources' list")
    base_dir = (path.parent / str(document.get("base_dir", "."))).resolve()
    catalog = Catalog(path=path, base_dir=base_dir)
    for index, entry in enumerate(document["sources"]):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not SOURCE_NAME.match(name):
            raise CatalogError(
                f"{path.name}: sources[{index}], field 'name': every entry needs a name of "
                f"lowercase letters, digits, '_' or '-' (got {name!r})"
            )
        if name in catalog.sources:
            raise CatalogError(f"{path.name}: source {name!r}, field 'name': defined twice")
        try:
            catalog.sources[name] = SourceSpec.model_validate(entry)
        except ValidationError as exc:
            errors = tuple(
                (".".join(str(p) for p in err["loc"]) or "entry", _clean_message(err["msg"]))
                for err in exc.errors()
            )
            catalog.sources[name] = InvalidSource(name=name, errors=errors)
    if strict and catalog.invalid:
        raise CatalogError("\n".join(s.message(path) for s in catalog.invalid))
    return catalog


def _clean_message(message: str) -> str:
    return message.removeprefix("Value error, ")


__all__ = ["DOMAINS", "Catalog", "CatalogError", "InvalidSource", "SourceSpec", "load_catalog"]
