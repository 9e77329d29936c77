"""The training side of the audit: the raw problems bound for training, and the overlap of a
finished mixture with every benchmark, recomputed for the check that blocks training."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from r1_assets.audit.report import AuditSettings, contaminated, distinct_problems, match_items
from r1_assets.audit.vectors import Embedder, both, item_vectors, problem_vectors
from r1_assets.evaluate.benchmarks import BenchmarkLoad
from r1_assets.storage.warehouse import Warehouse

# what the audit reads of a training problem: never its responses (the bulk of an AM row)
TRAINING_COLUMNS = ("problem_uid", "source", "source_row_id", "source_revision", "problem")


def training_problems(
    store: Warehouse, shards: Mapping[str, Sequence[str] | None]
) -> pl.DataFrame | None:
    """The problems of every materialized shard of these (source → shard keys), in
    TRAINING_COLUMNS; None when none is materialized."""
    materialized = store.source_partitions("raw_problems", shards)
    if not materialized:
        return None
    return store.scan("raw_problems", materialized).select(TRAINING_COLUMNS).collect()


@dataclass(frozen=True)
class MixtureOverlaps:
    table: pl.DataFrame  # one row per counted (benchmark item, training row) hit
    items: list[str]  # "benchmark:item_id" of every overlapping item, sorted
    skipped: dict[str, str]  # benchmark -> why it could not be read
    audited: int  # benchmarks matched
    problems: int  # distinct problems of the mixture


def mixture_overlaps(
    mixture_uids: pl.Series,
    raw: pl.DataFrame,
    benchmarks: Iterable[tuple[str, BenchmarkLoad]],
    settings: AuditSettings,
    store: Warehouse,
    embedder: Embedder,
    judge: Callable[[list[tuple[str, str]]], list[bool]] | None,
    log: Callable[[str], None],
) -> MixtureOverlaps:
    """Every counted overlap between the mixture's problems (``mixture_uids`` among the ``raw``
    rows) and the items of each benchmark, matched with ``settings`` — recomputed, not read from
    the reports, so a benchmark never audited or a report older than the mixture cannot hide one.
    ``benchmarks`` are read one at a time, after the mixture's vectors."""
    raw = raw.filter(pl.col("problem_uid").is_in(mixture_uids.unique().implode()))
    problems = distinct_problems(raw)
    found, skipped = [], {}
    mixture_vectors = problem_vectors(problems, raw, store, embedder, log)  # once
    for name, loaded in benchmarks:
        if loaded.skip_reason:
            skipped[name] = loaded.skip_reason
            continue
        items = loaded.items
        vectors = both(item_vectors(items, embedder, log), mixture_vectors)
        hits = contaminated(match_items(items, problems, settings, vectors, judge), settings)
        found.append(hits.with_columns(benchmark=pl.lit(name)))
    hits = pl.concat(found) if found else pl.DataFrame()
    names = (
        sorted({f"{b}:{i}" for b, i in hits.select("benchmark", "item_id").iter_rows()})
        if hits.height
        else []
    )
    table = (
        hits.join(raw.select("problem_uid", "source", "source_row_id"), on="problem_uid").select(
            "benchmark",
            "item_id",
            "source",
            "source_row_id",
            pl.col("methods").list.join(","),
            "similarity",
        )
        if hits.height
        else hits
    )
    return MixtureOverlaps(table, names, skipped, len(found), problems.height)
