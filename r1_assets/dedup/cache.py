"""Content-addressed embedding cache: one namespace per model, keyed by problem_uid (itself the
hash of the normalized text), stored as append-only Parquet shards.

Every finished chunk is its own shard, written atomically, so a crash or kill loses at most the
chunk in flight and a rerun embeds only what no shard holds. Parallel partitions write different
shards and never contend.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np
import polars as pl

CACHE_SCHEMA = {
    "problem_uid": pl.String,
    "embedding": pl.List(pl.Float32),
    "n_tokens": pl.Int32,
    "truncated": pl.Boolean,
}


class EmbeddingCache:
    def __init__(self, root: Path | str, model_key: str) -> None:
        self.key = model_key
        self.directory = Path(root) / model_key

    def shards(self) -> list[Path]:
        return sorted(self.directory.glob("*.parquet")) if self.directory.exists() else []

    def lookup(self, uids: list[str]) -> pl.DataFrame:
        """Cached rows for these uids (each uid once)."""
        shards = self.shards()
        if not shards or not uids:
            return pl.DataFrame(schema=CACHE_SCHEMA)
        wanted = pl.Series("problem_uid", uids).unique()
        return (
            pl.scan_parquet(shards)
            .filter(pl.col("problem_uid").is_in(wanted.implode()))
            .unique("problem_uid", keep="first", maintain_order=True)
            .collect()
        )

    def add(
        self, uids: list[str], vectors: np.ndarray, n_tokens: list[int], truncated: list[bool]
    ) -> Path:
        frame = pl.DataFrame(
            {
                "problem_uid": uids,
                "embedding": list(vectors.astype(np.float32)),
                "n_tokens": n_tokens,
                "truncated": truncated,
            },
            schema=CACHE_SCHEMA,
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.parquet"
        tmp = self.directory / f".{name}.{os.getpid()}.tmp"
        frame.write_parquet(tmp)
        final = self.directory / name
        os.replace(tmp, final)
        return final
