"""PNG plots for the Dagster UI: rendered with matplotlib, embedded in markdown metadata.

Dagster renders ``![alt](data:image/png;base64,...)`` in markdown metadata, so a plot needs no
image hosting and travels with the materialization event.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import dagster as dg


def _figure(width: float = 6.0, height: float = 3.0):
    import matplotlib

    matplotlib.use("Agg")  # no display here, and never a GUI backend inside a run worker
    import matplotlib.pyplot as plt

    return plt, *plt.subplots(figsize=(width, height), dpi=90)


def _markdown(plt, fig, title: str) -> dg.MetadataValue:
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return dg.MetadataValue.md(f"![{title}](data:image/png;base64,{encoded})")


def histogram_plot(values: Sequence[float], bins: Sequence[float], title: str, xlabel: str):
    """A histogram as markdown-embedded PNG."""
    plt, fig, ax = _figure()
    ax.hist(list(values), bins=list(bins), color="#4f6db8", edgecolor="white")
    ax.set(title=title, xlabel=xlabel, ylabel="count")
    return _markdown(plt, fig, title)


def histograms_plot(
    series: dict[str, Sequence[float]], bins: Sequence[float], title: str, xlabel: str
):
    """One outlined histogram per named series on shared bins (teachers' lengths side by side)."""
    plt, fig, ax = _figure()
    for name, values in series.items():
        ax.hist(list(values), bins=list(bins), histtype="step", linewidth=1.5, label=name)
    ax.set(title=title, xlabel=xlabel, ylabel="count")
    if len(series) > 1:
        ax.legend()
    return _markdown(plt, fig, title)


def bar_plot(labels: Sequence[str], values: Sequence[float], title: str, ylabel: str = "rows"):
    """Bars per label (categories, difficulty levels, sources) as markdown-embedded PNG."""
    plt, fig, ax = _figure()
    ax.bar([str(label) for label in labels], list(values), color="#4f6db8")
    ax.set(title=title, ylabel=ylabel)
    ax.tick_params(axis="x", labelrotation=30 if len(labels) > 4 else 0)
    return _markdown(plt, fig, title)


def line_plot(
    xs: Sequence[float], series: dict[str, Sequence[float]], title: str, xlabel: str, ylabel: str
):
    """One line per named series (loss curves, throughput) as markdown-embedded PNG."""
    plt, fig, ax = _figure()
    for name, ys in series.items():
        ax.plot(list(xs)[: len(ys)], list(ys), label=name)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if len(series) > 1:
        ax.legend()
    return _markdown(plt, fig, title)
