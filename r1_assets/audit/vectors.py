"""Embedding vectors for the overlap match: training problems and benchmark items, aligned with
their frames, through the embedding cache (only text never embedded costs model time)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
import polars as pl

from r1_assets.audit.report import vector_matrix
from r1_assets.catalog.schema import problem_uid
from r1_assets.dedup.cache import EmbeddingCache
from r1_assets.dedup.embedder import SentenceEmbedder
from r1_assets.dedup.embeddings import EMBEDDING_SCHEMA, embed_problems
from r1_assets.storage.warehouse import Warehouse


class Embedder(Protocol):
    """What the vectors need of the embedding model (the embedder resource provides it)."""

    model: str

    @property
    def key(self) -> str: ...

    def cache(self) -> EmbeddingCache: ...

    def load(self) -> SentenceEmbedder: ...


def problem_vectors(
    problems: pl.DataFrame,
    raw: pl.DataFrame,
    store: Warehouse,
    embedder: Embedder,
    log: Callable[[str], None],
) -> np.ndarray | None:
    """Vectors aligned with ``problems``, from problem_embeddings (and the embedding cache behind
    it): only problems never embedded cost model time."""
    known = (
        store.scan("problem_embeddings")
        .filter(pl.col("model_key") == embedder.key)
        .select("problem_uid", "embedding")
        .collect()
        if store.partitions("problem_embeddings")
        else pl.DataFrame(schema=EMBEDDING_SCHEMA)
    )
    missing = raw.filter(~pl.col("problem_uid").is_in(known["problem_uid"].implode())).unique(
        "problem_uid"
    )
    parts = [known.select("problem_uid", "embedding")]
    if missing.height:
        log(f"{missing.height:,} problems have no problem_embeddings row: embedding them")
        frame, _ = embed_problems(missing, embedder.cache(), embedder.load, embedder.model, log=log)
        parts.append(frame.select("problem_uid", "embedding"))
    return vector_matrix(problems["problem_uid"].to_list(), pl.concat(parts))


def item_vectors(
    items: pl.DataFrame, embedder: Embedder, log: Callable[[str], None]
) -> np.ndarray | None:
    """Vectors aligned with a benchmark's items, through the same cache as the problems."""
    as_problems = items.select(
        pl.col("problem").map_elements(problem_uid, return_dtype=pl.String).alias("problem_uid"),
        pl.col("benchmark").alias("source"),
        pl.col("item_id").alias("source_row_id"),
        "problem",
    )
    frame, _ = embed_problems(as_problems, embedder.cache(), embedder.load, embedder.model, log=log)
    return vector_matrix(as_problems["problem_uid"].to_list(), frame)


def both(
    items: np.ndarray | None, problems: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """The (item, problem) vectors for matching, or None (n-grams only) when a side has none."""
    return None if items is None or problems is None else (items, problems)
