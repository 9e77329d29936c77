from __future__ import annotations

from pathlib import Path
from typing import Any

from r1_assets.catalog.loader import Limits, LoadResult, load_source
from r1_assets.catalog.spec import load_catalog
from r1_assets_tests.conftest import write_jsonl


def load_rows(
    make_catalog,
    tmp_path: Path,
    fmt: str,
    rows: list[Any],
    *,
    limits: Limits | None = None,
    name: str = "src",
    **entry: Any,
) -> LoadResult:
    """Write rows as JSONL, catalog them as one source, and load it."""
    write_jsonl(tmp_path / name / "rows.jsonl", rows)
    catalog = load_catalog(
        make_catalog({"name": name, "format": fmt, "location": f"{name}/rows.jsonl", **entry}),
        strict=True,
    )
    return load_source(catalog.get(name), catalog, limits)


def load_file(make_catalog, path: Path, fmt: str, **entry: Any) -> LoadResult:
    catalog = load_catalog(
        make_catalog({"name": "src", "format": fmt, "location": str(path), **entry}), strict=True
    )
    return load_source(catalog.get("src"), catalog)
