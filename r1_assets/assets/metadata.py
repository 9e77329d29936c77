"""Dagster metadata values built from frames and keys: column schemas and column lineage.
(Markdown tables are :mod:`r1_assets.text.markdown`.)"""

from __future__ import annotations

import dagster as dg
import polars as pl


def column_schema(schema: pl.Schema, descriptions: dict[str, str] | None = None) -> dg.TableSchema:
    descriptions = descriptions or {}
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(dtype), description=descriptions.get(name))
            for name, dtype in schema.items()
        ]
    )


def column_lineage(deps: dict[str, list[tuple[dg.AssetKey, str]]]) -> dg.TableColumnLineage:
    """``dagster/column_lineage``: each output column -> the upstream (asset, column) it comes
    from. The ids named here are the exact join keys between the stages."""
    return dg.TableColumnLineage(
        deps_by_column={
            column: [dg.TableColumnDep(asset_key=key, column_name=name) for key, name in sources]
            for column, sources in deps.items()
        }
    )


def same_columns(upstream: dg.AssetKey, *columns: str) -> dict[str, list[tuple[dg.AssetKey, str]]]:
    """Column lineage entries for ids carried over unchanged from ``upstream``."""
    return {column: [(upstream, column)] for column in columns}
