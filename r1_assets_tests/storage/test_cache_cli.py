"""``r1-assets cache stats | compact | prune`` on a temporary data root, through the CLI entry."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from r1_assets.cli import main
from r1_assets.dedup.cache import EmbeddingCache
from r1_assets.llm.cache import LLMCache
from r1_assets.llm.types import Completion
from r1_assets.storage.cache import DB_NAME
from r1_assets.verify.verdicts import VERDICT_CACHE_SCHEMA, VerdictCache


def completions(keys: list[str], size: int = 10) -> list[tuple[str, Completion]]:
    return [(key, Completion("x" * size, "stop", 1, 2, 0.1)) for key in keys]


@pytest.fixture
def data(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(tmp_path / "data"))
    cache = tmp_path / "data" / "cache"
    llm = LLMCache(cache / "llm")
    llm.put("teacher@1", completions([f"t{i}" for i in range(2000)], 2000))
    llm.put("labeler@2", completions(["l0", "l1"]))
    llm.put("labeler@2", completions(["l1"]))  # paid twice: stats says so
    for key, n in (("emb-a", 2), ("emb-b", 1)):
        EmbeddingCache(cache / "embeddings", key).add_vectors(
            [f"p{i}" for i in range(n)], np.ones((n, 4), np.float32), [1] * n, [False] * n
        )
    verdicts = pl.DataFrame(
        {"verdict_key": ["v1", "v2", "v3"], "verifier": ["format", "format", "length"]}
    ).with_columns(
        version=pl.lit("1"),
        passed=pl.lit(True),
        score=pl.lit(None, pl.Float64),
        detail=pl.lit(""),
        created_at=pl.lit(time.time()),
    )
    VerdictCache(cache / "verdicts").add(verdicts.select(list(VERDICT_CACHE_SCHEMA)))
    old = cache / "embeddings" / "emb-old"
    old.mkdir(parents=True)
    pl.DataFrame({"problem_uid": ["q"]}).write_parquet(old / f"{uuid.uuid4().hex}.parquet")
    return tmp_path / "data"


def test_stats_lists_every_cache_per_model(data: Path, capsys) -> None:
    assert main(["cache", "stats"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line and line[0] != " "}
    assert lines["llm"].split()[1] == "2,002" and "1 write(s) of a key already stored" in out
    assert lines["embeddings/emb-a"].split()[1] == "2" and "model emb-a" in out
    assert lines["embeddings/emb-b"].split()[1] == "1"
    legacy = "1 Parquet shard(s) of the old layout: imported at next use"
    assert legacy in lines["embeddings/emb-old"]
    assert lines["verdicts"].split()[1] == "3"
    per_group = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert ["model_id", "labeler@2", "2"] in per_group
    assert ["model_id", "teacher@1", "2,000"] in per_group
    assert ["verifier", "format", "2"] in per_group and ["verifier", "length", "1"] in per_group
    assert lines["total"].split()[1] == "2,008"
    size = float(lines["llm"].split()[2])  # MB: 2,000 samples of 2 KB, database + its log
    assert lines["llm"].split()[3] == "MB" and 4 < size < 7  # compactly (4 KiB pages: 16 MB)


def test_prune_lists_then_deletes_one_model_and_compact_gives_the_space_back(
    data: Path, capsys
) -> None:
    llm = LLMCache(data / "cache" / "llm")
    assert main(["cache", "prune", "--model", "teacher@1"]) == 0
    out = capsys.readouterr().out
    assert "would delete  llm: teacher@1's entries (2,000 entries)" in out
    assert "--yes" in out and llm.count() == 2002  # listed, nothing deleted

    assert main(["cache", "prune", "--model", "teacher@1", "--yes"]) == 0
    assert "deleting  llm: teacher@1's entries (2,000 entries)" in capsys.readouterr().out
    assert llm.count() == 2 and llm.groups() == {"labeler@2": 2}
    assert llm.lookup(["t0", "t1999"]).is_empty() and llm.lookup(["l1"]).height == 1

    files = [data / "cache" / "llm" / name for name in (DB_NAME, f"{DB_NAME}-wal")]
    before = sum(path.stat().st_size for path in files)
    assert main(["cache", "compact"]) == 0
    assert "llm: " in capsys.readouterr().out
    assert not files[1].stat().st_size  # the log is folded into the database
    after = files[0].stat().st_size
    assert after < before / 5, (before, after)
    assert llm.lookup(["l0", "l1"]).height == 2  # nothing else lost

    assert main(["cache", "prune", "--model", "emb-a", "--yes"]) == 0
    assert "embeddings/emb-a: the whole namespace (2 entries)" in capsys.readouterr().out
    assert not (data / "cache" / "embeddings" / "emb-a").exists()
    assert EmbeddingCache(data / "cache" / "embeddings", "emb-b").count() == 1


def test_prune_of_an_unknown_model_names_the_known_ones(data: Path, capsys) -> None:
    assert main(["cache", "prune", "--model", "nope", "--yes"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no cache entry of the model 'nope'")
    assert "(models: emb-a, emb-b, labeler@2, teacher@1)" in err
    assert LLMCache(data / "cache" / "llm").count() == 2002


def test_stats_of_an_empty_data_root(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(tmp_path))
    assert main(["cache", "stats"]) == 0
    assert capsys.readouterr().out.startswith("no cache under ")
