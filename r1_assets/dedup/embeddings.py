"""Embed one source's problems, paying only for texts no earlier run embedded."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from r1_assets.catalog.schema import normalize_problem_text
from r1_assets.dedup.cache import EmbeddingCache
from r1_assets.dedup.embedder import SentenceEmbedder, embed_in_chunks

EMBEDDING_SCHEMA = pl.Schema(
    {
        "problem_uid": pl.String,
        "source": pl.String,
        "source_row_id": pl.String,
        "model": pl.String,
        "model_key": pl.String,  # model + settings that shaped the vectors (the cache namespace)
        "embedding": pl.List(pl.Float32),  # L2-normalized; null when status is "empty"
        "n_tokens": pl.Int32,  # tokens before truncation
        "truncated": pl.Boolean,  # longer than the model's max_seq_length: only the start counts
        "status": pl.String,  # ok | truncated | empty
    }
)


@dataclass
class EmbeddingStats:
    problems: int
    unique_texts: int
    cached: int
    embedded: int
    empty: int
    truncated: int
    seconds: float

    @property
    def texts_per_second(self) -> float:
        return self.embedded / self.seconds if self.seconds else 0.0


def embed_problems(
    problems: pl.DataFrame,
    cache: EmbeddingCache,
    load_embedder: Callable[[], SentenceEmbedder],
    model_name: str,
    chunk_size: int = 256,
    batch_size: int = 32,
    log: Callable[[str], None] | None = None,
) -> tuple[pl.DataFrame, EmbeddingStats]:
    """Embeddings for every row of ``problems`` (problem_uid, source, source_row_id, problem).

    The model is loaded only when something is missing from the cache.
    """
    texts = problems.select(
        "problem_uid",
        pl.col("problem")
        .map_elements(normalize_problem_text, return_dtype=pl.String)
        .alias("text"),
    ).unique("problem_uid", keep="first", maintain_order=True)
    non_empty = texts.filter(pl.col("text").str.len_chars() > 0)
    cached = cache.lookup(non_empty["problem_uid"].to_list())
    missing = non_empty.join(cached.select("problem_uid"), on="problem_uid", how="anti")
    started = time.perf_counter()
    if missing.height:
        embedder = load_embedder()
        uids, batch_texts = missing["problem_uid"].to_list(), missing["text"].to_list()
        embed_in_chunks(
            embedder,
            batch_texts,
            chunk_size,
            batch_size,
            on_chunk=lambda start, end, out: cache.add_vectors(
                uids[start:end], out.vectors, out.n_tokens, out.truncated
            ),
            log=log,
            desc=f"embedding {problems['source'][0] if problems.height else ''}",
        )
        cached = cache.lookup(non_empty["problem_uid"].to_list())
    seconds = time.perf_counter() - started
    frame = (
        problems.select("problem_uid", "source", "source_row_id")
        .join(cached, on="problem_uid", how="left")
        .with_columns(
            pl.lit(model_name).alias("model"),
            pl.lit(cache.model_key).alias("model_key"),
            pl.when(pl.col("embedding").is_null())
            .then(pl.lit("empty"))
            .when(pl.col("truncated"))
            .then(pl.lit("truncated"))
            .otherwise(pl.lit("ok"))
            .alias("status"),
        )
        .select(list(EMBEDDING_SCHEMA))
        .cast(dict(EMBEDDING_SCHEMA))
    )
    stats = EmbeddingStats(
        problems=problems.height,
        unique_texts=texts.height,
        cached=non_empty.height - missing.height,
        embedded=missing.height,
        empty=texts.height - non_empty.height,
        truncated=int(frame["truncated"].sum() or 0),
        seconds=seconds,
    )
    return frame, stats
