"""The real embedding model (all-MiniLM-L6-v2 from its PyPI package) and the embedding cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from r1_assets.dedup.cache import EmbeddingCache
from r1_assets.dedup.embedder import (
    DEFAULT_MODEL,
    EmbeddingModelError,
    SentenceEmbedder,
    model_key,
    resolve_model,
)
from r1_assets.dedup.embeddings import EMBEDDING_SCHEMA, embed_problems


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder(DEFAULT_MODEL, threads=2)


def problems(source: str, texts: list[str]) -> pl.DataFrame:
    from r1_assets.catalog.schema import problem_uid

    return pl.DataFrame(
        {
            "problem_uid": [problem_uid(t) if t else f"empty-{i}" for i, t in enumerate(texts)],
            "source": source,
            "source_row_id": [str(i) for i in range(len(texts))],
            "problem": texts,
        }
    )


class Killed(Exception):
    """Stands in for a crash or a kill in the middle of a partition."""


class Counting:
    """Hands out a stand-in that embeds with the real model and counts what it embedded."""

    def __init__(self, embedder: SentenceEmbedder, fail_after_chunks: int | None = None) -> None:
        self.embedder, self.texts, self.chunks, self.fail_after = embedder, 0, 0, fail_after_chunks

    def __call__(self) -> Counting:
        return self

    def embed(self, texts, batch_size=32):
        if self.fail_after is not None and self.chunks >= self.fail_after:
            raise Killed("killed mid-partition")
        self.chunks += 1
        self.texts += len(texts)
        return self.embedder.embed(texts, batch_size)


MATH = [
    f"A shop sells {n} pens on Monday and {n + 3} on Tuesday. How many pens in total?"
    for n in range(2, 12)
]


def test_embeddings_are_normalized_and_similar_texts_are_close(embedder) -> None:
    out = embedder.embed(["What is 2 plus 3?", "Compute 2 + 3.", "Name the capital of France."])
    assert out.vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(out.vectors, axis=1), 1.0, atol=1e-5)
    sims = out.vectors @ out.vectors.T
    assert sims[0, 1] > sims[0, 2]


def test_cache_makes_reruns_and_new_sources_cheap(embedder, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, model_key(DEFAULT_MODEL, None))
    counting = Counting(embedder)
    first, stats = embed_problems(
        problems("a", MATH[:6]), cache, counting, DEFAULT_MODEL, chunk_size=4
    )
    assert (stats.embedded, stats.cached, counting.texts) == (6, 0, 6)
    assert first.schema == EMBEDDING_SCHEMA and first["status"].to_list() == ["ok"] * 6

    def must_not_load() -> SentenceEmbedder:
        raise AssertionError("an unchanged source must not even load the model")

    again, stats = embed_problems(problems("a", MATH[:6]), cache, must_not_load, DEFAULT_MODEL)
    assert (stats.embedded, stats.cached) == (0, 6)
    assert again["embedding"].to_list() == first["embedding"].to_list()

    # a new source sharing three problems with the first pays only for its own four
    counting = Counting(embedder)
    _, stats = embed_problems(problems("b", MATH[3:10]), cache, counting, DEFAULT_MODEL)
    assert (stats.embedded, stats.cached, counting.texts) == (4, 3, 4)


def test_a_killed_run_keeps_finished_chunks(embedder, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, "m")
    with pytest.raises(Killed):
        embed_problems(
            problems("a", MATH),
            cache,
            Counting(embedder, fail_after_chunks=2),
            DEFAULT_MODEL,
            chunk_size=3,
        )
    assert cache.count() == 6  # two chunks of three were flushed before the kill
    counting = Counting(embedder)
    frame, stats = embed_problems(problems("a", MATH), cache, counting, DEFAULT_MODEL, chunk_size=3)
    assert (stats.cached, stats.embedded, counting.texts) == (6, 4, 4)
    assert frame["embedding"].null_count() == 0
    assert (cache.count(), cache.writes()) == (10, 10)  # nothing embedded twice


def test_empty_and_overlong_texts(embedder, tmp_path: Path) -> None:
    long_text = "Consider the following long statement. " * 200  # far beyond 256 tokens
    frame, stats = embed_problems(
        problems("a", ["", long_text, "Short one?"]),
        EmbeddingCache(tmp_path, "m"),
        lambda: embedder,
        DEFAULT_MODEL,
    )
    assert frame["status"].to_list() == ["empty", "truncated", "ok"]
    assert frame["embedding"][0] is None
    assert frame["n_tokens"][1] > embedder.max_seq_length
    assert (stats.empty, stats.truncated) == (1, 1)


def test_missing_model_path_fails_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="does not exist"):
        resolve_model(str(tmp_path / "no-such-model"))
    with pytest.raises(EmbeddingModelError, match="does not exist"):
        SentenceEmbedder("./models/typo")
    assert resolve_model(DEFAULT_MODEL).endswith("model")  # the packaged copy, offline


def test_cache_key_follows_the_model_files_not_the_path(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "models" / "mini"
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text("[]")
    (folder / "model.safetensors").write_bytes(b"\0" * 1000)
    monkeypatch.chdir(tmp_path)
    same = model_key(str(folder), None) == model_key("./models/mini", None)
    assert same  # one folder, two spellings, one cache
    assert model_key(str(folder), None) != model_key(str(folder), 128)
    before = model_key(str(folder), None)
    (folder / "model.safetensors").write_bytes(b"\1" * 1000)  # retrained in place, same size
    assert model_key(str(folder), None) != before
