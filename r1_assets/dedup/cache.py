"""Content-addressed embedding cache: one namespace per model, keyed by problem_uid (itself the
hash of the normalized text), one SQLite table per namespace folder (see storage.cache); vectors
are stored as float32 blobs and read back exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from r1_assets.storage.cache import KeyValueCache

CACHE_SCHEMA = {
    "problem_uid": pl.String,
    "embedding": pl.List(pl.Float32),
    "n_tokens": pl.Int32,
    "truncated": pl.Boolean,
}


class EmbeddingCache(KeyValueCache):
    def __init__(self, root: Path | str, model_key: str) -> None:
        super().__init__(Path(root) / model_key, CACHE_SCHEMA, key="problem_uid", model=model_key)
        self.model_key = model_key

    def add_vectors(
        self, uids: list[str], vectors: np.ndarray, n_tokens: list[int], truncated: list[bool]
    ) -> None:
        self.add(
            pl.DataFrame(
                {
                    "problem_uid": uids,
                    "embedding": list(vectors.astype(np.float32)),
                    "n_tokens": n_tokens,
                    "truncated": truncated,
                },
                schema=CACHE_SCHEMA,
            )
        )
