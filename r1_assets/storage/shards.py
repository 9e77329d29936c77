"""Content-addressed caches as append-only Parquet shards (embeddings, LLM samples).

Every flush is its own shard, written to a temp file and renamed, so a crash or a kill loses at
most the batch in flight and a rerun pays only for what no shard holds. Parallel partitions write
different shards and never contend. A key found in several shards (two runs raced on it) is read
once.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import polars as pl


class ShardedCache:
    def __init__(self, directory: Path | str, schema: dict, key: str) -> None:
        self.directory = Path(directory)
        self.schema = pl.Schema(schema)
        self.key = key

    def shards(self) -> list[Path]:
        return sorted(self.directory.glob("*.parquet")) if self.directory.exists() else []

    def lookup(self, keys: list[str]) -> pl.DataFrame:
        """Cached rows for these keys (each key once)."""
        shards = self.shards()
        if not shards or not keys:
            return pl.DataFrame(schema=self.schema)
        wanted = pl.Series(self.key, keys, dtype=pl.String).unique()
        return (
            pl.scan_parquet(shards)
            .filter(pl.col(self.key).is_in(wanted.implode()))
            .unique(self.key, keep="first", maintain_order=True)
            .collect()
        )

    def read_all(self) -> pl.DataFrame:
        """Every stored row, duplicates included (to audit that nothing was paid for twice)."""
        shards = self.shards()
        return pl.read_parquet(shards) if shards else pl.DataFrame(schema=self.schema)

    def add(self, frame: pl.DataFrame) -> Path | None:
        if frame.is_empty():
            return None
        frame = frame.select(list(self.schema)).cast(dict(self.schema))
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.parquet"
        tmp = self.directory / f".{name}.{os.getpid()}.tmp"
        frame.write_parquet(tmp)
        final = self.directory / name
        os.replace(tmp, final)
        return final


def folder_fingerprint(folder: Path, edge_bytes: int = 1 << 20) -> str:
    """Names, sizes and contents of a model folder's files (for big weight files: their first
    and last MiB), so identical copies agree wherever they live."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder).as_posix()}|{size}".encode())
        with path.open("rb") as handle:
            if size <= 8 * edge_bytes:
                digest.update(handle.read())
            else:
                digest.update(handle.read(edge_bytes))
                handle.seek(size - edge_bytes)
                digest.update(handle.read(edge_bytes))
    return digest.hexdigest()
