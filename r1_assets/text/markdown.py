"""Markdown rendering of frames and values: tables, value counts and text bar charts, for the
Dagster UI's metadata and for the dataset card alike."""

from __future__ import annotations

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
