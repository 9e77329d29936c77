"""The catalog kernel: what the source catalog and the benchmark catalog share.

Both are one YAML file with a list of named entries, each validated by a pydantic model and read
through a registry of formats (one parser per real dataset's row shape, beside its column map).
A file that cannot be parsed at all (bad YAML, an entry without a usable name) raises the one
:class:`CatalogError` naming the file, the entry and the field. An entry that has a valid name but
is otherwise broken becomes an :class:`InvalidEntry`, so one bad entry does not take every other
down: loading it quarantines one ``invalid_catalog_entry`` row per broken field.
"""

from __future__ import annotations

import difflib
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Protocol, TypeVar

import polars as pl
import yaml
from pydantic import AfterValidator, BaseModel, ValidationError, ValidationInfo

if TYPE_CHECKING:
    from typing import Self

    from r1_assets.catalog.readers import Record

ENTRY_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
ENTRY_FAILURES = ("source_missing", "source_unreadable", "invalid_catalog_entry")
"""Quarantine reasons that concern a whole catalog entry rather than one row."""


class CatalogError(ValueError):
    """A catalog file, or one entry of it, is unusable."""


# ---------------------------------------------------------------------------------------------
# Rows and formats


class RowError(Exception):
    """A row that cannot be used; ``reason`` is a quarantine reason code."""

    def __init__(
        self, reason: str, field: str | None, detail: str, row_id: str | None = None
    ) -> None:
        super().__init__(f"{reason}: {field}: {detail}" if field else f"{reason}: {detail}")
        self.reason = reason
        self.field = field
        self.detail = detail
        self.row_id = row_id


_TYPE_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "list",
    dict: "object",
}


class Row:
    """Typed access to one row through the format's role → column mapping."""

    def __init__(
        self,
        data: Mapping[str, Any],
        columns: Mapping[str, str],
        fallbacks: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.data = data
        self.columns = columns
        self.fallbacks = fallbacks

    def column(self, role: str) -> str:
        name = self.columns[role]
        if name not in self.data:
            for alt in self.fallbacks.get(role, ()):
                if alt in self.data:
                    return alt
        return name

    def get(self, role: str, types: tuple[type, ...] = (), required: bool = False) -> Any:
        name = self.column(role)
        value = self.data.get(name)
        if value is None:
            if required:
                raise RowError("missing_field", name, "required field is absent or null")
            return None
        if types and (
            not isinstance(value, types) or (bool not in types and isinstance(value, bool))
        ):
            expected = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
            raise RowError("wrong_type", name, f"expected {expected}, got {type(value).__name__}")
        return value

    def text(self, role: str, required: bool = False) -> str | None:
        return self.get(role, (str,), required)

    def scalar_text(self, role: str) -> str | None:
        """A string or a number, as text (answers and ids are either, depending on the dataset)."""
        value = self.get(role, (str, int, float))
        return None if value is None else str(value)

    def items(
        self,
        role: str,
        item_types: tuple[type, ...] = (),
        required: bool = False,
        allow_none: bool = False,
    ) -> list:
        value = self.get(role, (list, tuple), required)
        if value is None:
            return []
        if item_types:
            for i, item in enumerate(value):
                if item is None and allow_none:
                    continue
                if not isinstance(item, item_types):
                    expected = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in item_types)
                    raise RowError(
                        "wrong_type",
                        f"{self.column(role)}[{i}]",
                        f"expected {expected}, got {type(item).__name__}",
                    )
        return list(value)

    def meta(self, role: str) -> Any:
        """A descriptive field kept in metadata as given: its type never rejects a row (real
        dumps disagree, e.g. open-r1/codeforces stores contest_id as a string, rating as float)."""
        value = self.data.get(self.column(role))
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def metas(self, *roles: str) -> dict[str, Any]:
        """Several descriptive fields (see :meth:`meta`) by role, in the order given."""
        return {role: self.meta(role) for role in roles}

    def json_value(self, role: str) -> Any:
        """A field that holds JSON, either encoded as a string (APPS) or already decoded."""
        value = self.get(role, (str, list, dict))
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise RowError(
                    "malformed_field", self.column(role), f"not valid JSON: {exc}"
                ) from None
        return value


ParsedT = TypeVar("ParsedT")


@dataclass(frozen=True)
class Format(Generic[ParsedT]):
    """One real dataset's row shape: its columns by role (``problem``, ``answer``, ``id``…, the
    dataset's own column names as defaults; a catalog entry renames any role with ``fields:``)
    and the parser that maps a row onto what the catalog keeps."""

    name: str
    description: str
    fields: Mapping[str, str]  # role -> the dataset's column name
    parse: Callable[[Row], ParsedT]
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def read(self, data: Mapping[str, Any], overrides: Mapping[str, str]) -> ParsedT:
        columns = {**self.fields, **overrides}
        fallbacks = {r: alts for r, alts in self.fallbacks.items() if r not in overrides}
        return self.parse(Row(data, columns, fallbacks))


FormatT = TypeVar("FormatT", bound=Format)


def registry(*formats: FormatT) -> dict[str, FormatT]:
    """Formats by name, in the order given."""
    return {f.name: f for f in formats}


# ---------------------------------------------------------------------------------------------
# Validators the entry models share: ``name: EntryName``,
# ``format: Annotated[str, known_format(FORMATS)]``,
# ``fields: Annotated[dict[str, str], known_roles(FORMATS)]``


def _entry_name(value: str) -> str:
    if not ENTRY_NAME.match(value):
        raise ValueError("use lowercase letters, digits, '_' or '-' (at most 64)")
    return value


EntryName = Annotated[str, AfterValidator(_entry_name)]


def known_format(formats: Mapping[str, Format]) -> AfterValidator:
    """A format name of ``formats``, with the closest one suggested for a typo."""

    def check(value: str) -> str:
        if value not in formats:
            close = difflib.get_close_matches(value, formats, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown format {value!r}{hint}; known formats: {', '.join(sorted(formats))}"
            )
        return value

    return AfterValidator(check)


def known_roles(formats: Mapping[str, Format]) -> AfterValidator:
    """``fields:`` overrides only of roles the entry's format has (no check when the format
    itself is unknown: that error is already reported). Declare ``fields`` after ``format``."""

    def check(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        fmt = formats.get(info.data.get("format") or "")
        if fmt is not None:
            unknown = sorted(set(value) - set(fmt.fields))
            if unknown:
                raise ValueError(
                    f"unknown role(s) {unknown} for format {fmt.name!r}; "
                    f"roles: {', '.join(fmt.fields)}"
                )
        return value

    return AfterValidator(check)


# ---------------------------------------------------------------------------------------------
# The catalog file


@dataclass(frozen=True)
class InvalidEntry:
    """A catalog entry with a usable name whose other fields are broken."""

    kind: str  # the catalog's noun: "source" or "benchmark"
    name: str
    errors: tuple[tuple[str, str], ...]  # (field, message)

    def detail(self, fld: str, message: str) -> str:
        return f"{self.kind} {self.name!r}, field {fld!r}: {message}"

    def message(self, catalog_file: Path) -> str:
        return "; ".join(
            f"{catalog_file.name}: {self.detail(fld, msg)}" for fld, msg in self.errors
        )


class Located(Protocol):
    """An entry that names files (relative to its catalog's base_dir)."""

    @property
    def location(self) -> str: ...


SpecT = TypeVar("SpecT", bound=BaseModel)


@dataclass(frozen=True)
class Catalog(Generic[SpecT]):
    """A validated catalog file: its entries by name, in file order. A subclass names its noun,
    the YAML list key and the entry model."""

    noun: ClassVar[str]
    key: ClassVar[str]
    spec: ClassVar[type[BaseModel]]

    path: Path
    base_dir: Path
    entries: dict[str, SpecT | InvalidEntry] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.entries)

    @property
    def invalid(self) -> list[InvalidEntry]:
        return [e for e in self.entries.values() if isinstance(e, InvalidEntry)]

    def get(self, name: str) -> SpecT | InvalidEntry:
        try:
            return self.entries[name]
        except KeyError:
            raise CatalogError(f"{self.path.name}: no {self.noun} named {name!r}") from None

    def resolve(self, location: str) -> Path:
        path = Path(location).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    @classmethod
    def load(cls, path: Path | str, strict: bool = False) -> Self:
        """Read and validate a catalog file.

        With ``strict=True`` any invalid entry raises one CatalogError listing every broken field.
        """
        path = Path(path)
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CatalogError(f"{cls.noun} catalog not found: {path}") from None
        except yaml.YAMLError as exc:
            raise CatalogError(f"{path.name}: not valid YAML: {_yaml_problem(exc)}") from None
        if not isinstance(document, dict) or not isinstance(document.get(cls.key), list):
            raise CatalogError(f"{path.name}: expected a mapping with a '{cls.key}' list")
        base_dir = (path.parent / str(document.get("base_dir", "."))).resolve()
        catalog = cls(path=path, base_dir=base_dir)
        for index, entry in enumerate(document[cls.key]):
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not ENTRY_NAME.match(name):
                raise CatalogError(
                    f"{path.name}: {cls.key}[{index}], field 'name': every entry needs a name of "
                    f"lowercase letters, digits, '_' or '-' (got {name!r})"
                )
            if name in catalog.entries:
                raise CatalogError(f"{path.name}: {cls.noun} {name!r}, field 'name': defined twice")
            try:
                catalog.entries[name] = cls.spec.model_validate(entry)  # type: ignore[assignment]
            except ValidationError as exc:
                errors = tuple(
                    (
                        ".".join(str(p) for p in err["loc"]) or "entry",
                        err["msg"].removeprefix("Value error, "),
                    )
                    for err in exc.errors()
                )
                catalog.entries[name] = InvalidEntry(cls.noun, name, errors)
        if strict and catalog.invalid:
            raise CatalogError("\n".join(e.message(path) for e in catalog.invalid))
        return catalog


# ---------------------------------------------------------------------------------------------
# Loading one entry: kept rows plus a quarantine, nothing dropped silently


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: the problem and where (PyYAML's own message spans lines, with a context)."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"{problem}{where}"


def entry_failures(quarantine: pl.DataFrame) -> pl.DataFrame:
    """Quarantine rows about the entry as a whole (missing file, broken entry), not one row."""
    return quarantine.filter(pl.col("reason").is_in(ENTRY_FAILURES))


class EntryBuilder(ABC):
    """One entry's kept rows and quarantine rows. A subclass names its schemas and id columns
    and maps a record onto a kept row (:meth:`row`, raising :class:`RowError`)."""

    row_schema: ClassVar[pl.Schema]
    quarantine_schema: ClassVar[pl.Schema]
    entry_column: ClassVar[str]  # the entry's name in both schemas ("source", "benchmark")
    row_id_column: ClassVar[str]  # the row's id in both schemas

    # kept rows become a frame every this many: a shard's long reasoning chains held as Python
    # dicts take several times their size (docs/benchmarks.md "Scale")
    FREEZE_EVERY: ClassVar[int] = 2_000

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[dict[str, Any]] = []  # kept rows not yet in a frame
        self.frozen: list[pl.DataFrame] = []
        self.kept = 0
        self.quarantine: list[dict[str, Any]] = []
        self.seen: dict[str, str] = {}  # a row's identity -> where it was first seen

    @abstractmethod
    def row(self, record: Record) -> dict[str, Any]:
        """The kept row of one record; raises RowError when the record cannot be used."""

    def row_id(self, data: Mapping[str, Any]) -> str | None:
        """The row's own id when it is known before mapping (for its quarantine row)."""
        return None

    def quarantine_id(self, row_id: str | None, location: str) -> str | None:
        """The id a quarantine row carries when the row's own id is ``row_id``."""
        return row_id

    def reject(
        self,
        location: str,
        reason: str,
        field: str | None,
        detail: str,
        raw: str = "",
        raw_bytes: int = 0,
        row_id: str | None = None,
    ) -> None:
        row = {
            self.entry_column: self.name,
            self.row_id_column: self.quarantine_id(row_id, location),
            "location": location,
            "reason": reason,
            "field": field,
            "detail": detail,
            "raw": raw,
            "raw_bytes": raw_bytes,
        }
        self.quarantine.append({column: row[column] for column in self.quarantine_schema})

    def reject_entry(self, entry: InvalidEntry, catalog_file: Path) -> None:
        """One ``invalid_catalog_entry`` row per broken field of the entry."""
        for fld, message in entry.errors:
            self.reject(
                str(catalog_file.name), "invalid_catalog_entry", fld, entry.detail(fld, message)
            )

    def add(self, record: Record) -> None:
        """Map one record onto a kept row, or quarantine it. Never raises for bad input."""
        if record.error is not None:
            err = record.error
            return self.reject(
                record.location, err.reason, err.field, err.detail, record.raw, record.raw_bytes
            )
        row_id = self.row_id(record.data or {})
        try:
            self.rows.append(self.row(record))
            self.kept += 1
            if len(self.rows) >= self.FREEZE_EVERY:
                self._freeze()
        except RowError as exc:
            self.reject(
                record.location,
                exc.reason,
                exc.field,
                exc.detail,
                record.raw,
                record.raw_bytes,
                exc.row_id or row_id,
            )
        except Exception as exc:  # a row shape no format rule anticipated: quarantine, don't crash
            self.reject(
                record.location,
                "malformed_field",
                None,
                f"unexpected {type(exc).__name__}: {exc}",
                record.raw,
                record.raw_bytes,
                row_id,
            )
        return None

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(kept rows, quarantine)."""
        self._freeze()
        rows = pl.concat(self.frozen) if self.frozen else pl.DataFrame(schema=self.row_schema)
        return rows, pl.DataFrame(self.quarantine, schema=self.quarantine_schema, orient="row")

    def _freeze(self) -> None:
        """The pending kept rows as one more frame."""
        if not self.rows:
            return
        try:
            frame = pl.DataFrame(self.rows, schema=self.row_schema, orient="row")
        except Exception:  # one value polars cannot store (e.g. an unpaired surrogate) …
            frame = self._frame_without_unstorable_rows()  # … costs that row, not the entry
        self.frozen.append(frame)
        self.rows = []

    def _frame_without_unstorable_rows(self) -> pl.DataFrame:
        kept = []
        for row in self.rows:
            try:
                pl.DataFrame([row], schema=self.row_schema, orient="row")
                kept.append(row)
            except Exception as exc:
                location = json.loads(row["metadata"])["location"]
                self.reject(
                    location,
                    "malformed_field",
                    None,
                    f"value cannot be stored: {type(exc).__name__}: {exc}",
                    row_id=row[self.row_id_column],
                )
        self.kept -= len(self.rows) - len(kept)
        self.rows = kept
        return pl.DataFrame(kept, schema=self.row_schema, orient="row")
