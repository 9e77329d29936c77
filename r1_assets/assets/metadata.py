"""Helpers that turn frames into Dagster UI metadata: markdown tables, column schemas, counts."""

from __future__ import annotations

import dagster as dg
import polars as pl


def _cell(value: object, max_chars: int) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return text.replace("|", "\\|")


def markdown_table(frame: pl.DataFrame, max_rows: int = 10, max_chars: int = 80) -> str:
    """A markdown table of the first rows, long cells shortened, pipes escaped."""
    if frame.is_empty():
        return "_no rows_"
    shown = frame.head(max_rows)
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(_cell(v, max_chars) for v in row) + " |" for row in shown.rows()]
    if frame.height > max_rows:
        lines.append(f"\n_{max_rows} of {frame.height:,} rows shown_")
    return "\n".join(lines)


def counts_table(frame: pl.DataFrame, column: str) -> str:
    """Markdown table of value counts of one column, largest first."""
    if frame.is_empty():
        return "_no rows_"
    counts = frame[column].value_counts(sort=True, name="rows")
    counts = counts.with_columns((pl.col("rows") / frame.height * 100).round(1).alias("percent"))
    return markdown_table(counts, max_rows=50)


def column_schema(schema: pl.Schema, descriptions: dict[str, str] | None = None) -> dg.TableSchema:
    descriptions = descriptions or {}
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(dtype), description=descriptions.get(name))
            for name, dtype in schema.items()
        ]
    )


def histogram_markdown(values, bins: list[float], label: str = "similarity") -> str:
    """A bar chart in markdown (renders in the Dagster UI without image hosting)."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return "_no values_"
    counts, edges = np.histogram(values, bins=bins)
    peak = max(int(counts.max()), 1)
    lines = [f"| {label} | count | |", "|---|---:|---|"]
    for count, lo, hi in zip(counts, edges, edges[1:], strict=False):
        bar = "█" * round(30 * count / peak)
        lines.append(f"| {lo:.2f}–{hi:.2f} | {int(count)} | {bar} |")
    return "\n".join(lines)


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
