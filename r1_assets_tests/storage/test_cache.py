"""The key-value cache behind the LLM, embedding and verdict caches: typed rows read back exactly,
first write wins and every write is counted, concurrent writer processes, kill -9, big lookups,
bad input, and the import of the old Parquet shard layout."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from r1_assets import settings
from r1_assets.dedup.cache import CACHE_SCHEMA, EmbeddingCache
from r1_assets.llm.cache import LLM_CACHE_SCHEMA, LLMCache
from r1_assets.storage.cache import DB_NAME, CacheError, KeyValueCache
from r1_assets_tests.storage.cache_writer import SCHEMA, rows

WRITER = Path(__file__).with_name("cache_writer.py")


def writer_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(settings.PROJECT_ROOT)}


def vectors(uids: list[str], seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "problem_uid": uids,
            "embedding": list(rng.standard_normal((len(uids), 384)).astype(np.float32)),
            "n_tokens": list(range(len(uids))),
            "truncated": [i % 2 == 0 for i in range(len(uids))],
        },
        schema=CACHE_SCHEMA,
    )


# a vector of awkward floats: subnormal, negative zero, the largest float32, infinity
ODD = np.array([1e-45, -0.0, 3.4028235e38, np.inf, 1 / 3], dtype=np.float32)


def awkward_rows() -> pl.DataFrame:
    """Rows "odd" (ODD, truncated unknown) and "empty" (a vector of length 0)."""
    return pl.DataFrame(
        {"problem_uid": ["odd", "empty"], "embedding": [ODD, np.zeros(0, np.float32)]},
        schema={"problem_uid": pl.String, "embedding": pl.List(pl.Float32)},
    ).with_columns(n_tokens=pl.lit(7, pl.Int32), truncated=pl.lit(None, pl.Boolean))


def assert_awkward_rows_exact(found: pl.DataFrame) -> None:
    back = found.filter(pl.col("problem_uid") == "odd")["embedding"].to_numpy()[0]
    assert back.dtype == np.float32 and back.tobytes() == ODD.tobytes()  # bit for bit
    assert found.filter(pl.col("problem_uid") == "empty")["embedding"].to_list() == [[]]
    assert found.filter(pl.col("problem_uid") == "odd")["truncated"].to_list() == [None]


def test_rows_are_read_back_with_their_types_and_exact_vectors(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, "model-a")
    stored = vectors([f"u{i}" for i in range(50)])
    special = awkward_rows()
    cache.add(stored)
    cache.add(special)
    assert (tmp_path / "model-a" / DB_NAME).is_file()

    found = cache.lookup(["u3", "odd", "missing", "u3", "empty", *[f"u{i}" for i in range(50)]])
    assert found.schema == pl.Schema(CACHE_SCHEMA)
    assert found["problem_uid"].to_list()[:3] == ["u3", "odd", "empty"]  # asked order, each once
    assert found.height == 52
    assert_frame_equal(
        found.filter(pl.col("problem_uid").str.starts_with("u")).sort("n_tokens"), stored
    )
    assert_awkward_rows_exact(found)
    # a fresh object (another process) reads the same rows
    assert_frame_equal(EmbeddingCache(tmp_path, "model-a").lookup(["u7"]), stored[7])


def test_the_first_write_wins_and_every_write_is_counted(tmp_path: Path) -> None:
    cache = KeyValueCache(tmp_path, SCHEMA, "key")
    assert cache.lookup(["k0000001"]).is_empty() and cache.count() == 0
    assert not (tmp_path / DB_NAME).exists()  # looking up an absent cache creates nothing
    cache.add(rows([1, 2], writer=1))
    cache.add(rows([2, 3], writer=2))
    cache.add(rows([2], writer=3))
    found = cache.lookup(["k0000001", "k0000002", "k0000003"])
    assert found["writer"].to_list() == [1, 1, 2]
    everything = cache.read_all()
    assert everything.columns == [*SCHEMA, "writes"]
    assert dict(zip(everything["key"], everything["writes"], strict=True)) == {
        "k0000001": 1,
        "k0000002": 3,
        "k0000003": 1,
    }
    assert (cache.count(), cache.writes()) == (3, 5)
    assert [frame.height for frame in cache.scan(batch_rows=2)] == [2, 1]


def test_a_lookup_of_100k_keys_is_chunked_and_quick(tmp_path: Path) -> None:
    cache = KeyValueCache(tmp_path, SCHEMA, "key")
    cache.add(rows(list(range(0, 100_000, 2)), writer=0))  # every even key
    asked = [f"k{i:07d}" for i in range(99_999, -1, -1)]  # all, newest first
    started = time.perf_counter()
    found = cache.lookup(asked)
    seconds = time.perf_counter() - started
    assert found.height == 50_000
    assert found["key"].to_list() == [k for k in asked if int(k[1:]) % 2 == 0]
    assert seconds < 20, seconds  # ~1 s here; a full scan per chunk would take minutes


def test_bad_rows_and_a_foreign_file_get_clear_errors(tmp_path: Path) -> None:
    cache = LLMCache(tmp_path / "llm")
    good = pl.DataFrame(
        {"key": ["a"], "model_id": ["m"], "text": ["t"], "finish_reason": ["stop"]}
    ).with_columns(
        prompt_tokens=pl.lit(1),
        completion_tokens=pl.lit(2),
        latency_s=pl.lit(0.5),
        created_at=pl.lit(0.0),
    )
    with pytest.raises(CacheError, match=r"lack the column\(s\) \['text'\]"):
        cache.add(good.drop("text"))
    with pytest.raises(CacheError, match="do not fit the schema"):
        cache.add(good.with_columns(prompt_tokens=pl.lit("many")))
    with pytest.raises(CacheError, match="null 'key'"):
        cache.add(good.with_columns(key=pl.lit(None, pl.String)))
    with pytest.raises(CacheError, match="null value"):
        EmbeddingCache(tmp_path, "m").add(
            pl.DataFrame(
                {"problem_uid": ["u"], "embedding": [[1.0, None]], "n_tokens": [1]},
                schema={k: v for k, v in CACHE_SCHEMA.items() if k != "truncated"},
            ).with_columns(truncated=pl.lit(False))
        )
    cache.add(good)
    assert cache.count() == 1  # the refused batches wrote nothing
    # another kind of cache in the same directory is refused, not mixed in
    with pytest.raises(CacheError, match="another kind of cache is in this directory"):
        KeyValueCache(tmp_path / "llm", SCHEMA, "key").lookup(["a"])
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / DB_NAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(CacheError, match="is not a readable cache"):
        KeyValueCache(tmp_path / "junk", SCHEMA, "key").lookup(["a"])
    with pytest.raises(CacheError, match="cannot be"):
        KeyValueCache(tmp_path, {"key": pl.String, "when": pl.Datetime()}, "key")
    with pytest.raises(CacheError, match="'writes' is the cache's own column"):
        KeyValueCache(tmp_path, {"key": pl.String, "writes": pl.Int64}, "key")


def assert_overlapping_writers_lose_nothing(
    directory: Path, go: Path, env: dict[str, str], n_writers: int = 4, per_writer: int = 3000
) -> None:
    """Writer processes adding overlapping keys at once (each overlaps the next by half): each
    key stored once, with its first payload, every write counted."""
    starts = [w * per_writer // 2 for w in range(n_writers)]
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, str(WRITER), "overlap", str(directory), str(w)),
                *(str(start), str(start + per_writer), "50", str(go)),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w, start in enumerate(starts)
    ]
    time.sleep(1.0)  # every writer imported and waiting
    go.touch()
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and out == "done\n", err[-2000:]

    stored = KeyValueCache(directory, SCHEMA, "key").read_all()
    expected: dict[str, int] = {}
    for start in starts:
        for i in range(start, start + per_writer):
            expected[f"k{i:07d}"] = expected.get(f"k{i:07d}", 0) + 1
    assert stored.height == len(expected) == stored["key"].n_unique()  # each key once
    assert dict(zip(stored["key"], stored["writes"], strict=True)) == expected  # no write lost
    assert stored["payload"].to_list() == [f"value of {int(k[1:])} " * 20 for k in stored["key"]]
    assert stored["writes"].sum() == n_writers * per_writer


def killed_writer_count(directory: Path, env: dict[str, str], batch: int = 200) -> int:
    """Entries a writer process committed before it was killed (SIGKILL) mid-write, checked
    to be whole batches only, at least those it reported."""
    process = subprocess.Popen(
        [sys.executable, str(WRITER), "forever", str(directory), str(batch)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        committed = 0
        while committed < 20 * batch:
            line = process.stdout.readline()
            assert line, "the writer died on its own"
            committed = int(line)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    cache = KeyValueCache(directory, SCHEMA, "key")
    count = cache.count()
    assert count >= committed  # every batch reported committed survived
    assert count % batch == 0  # and only whole batches: the one in flight is all or nothing
    assert cache.lookup([f"k{i:07d}" for i in range(count)]).height == count
    cache.add(rows([count], writer=1))  # and the cache takes writes again
    assert cache.count() == count + 1
    return count


def test_concurrent_writer_processes_lose_nothing_and_store_each_key_once(tmp_path: Path) -> None:
    assert_overlapping_writers_lose_nothing(tmp_path / "c", tmp_path / "go", writer_env())


def test_a_killed_writer_loses_at_most_the_batch_in_flight(tmp_path: Path) -> None:
    killed_writer_count(tmp_path / "c", writer_env())
    with sqlite3.connect(tmp_path / "c" / DB_NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def write_shard(directory: Path, frame: pl.DataFrame) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.parquet"
    frame.write_parquet(path)
    return path


def test_the_old_parquet_shards_are_imported_once_on_first_open(tmp_path: Path) -> None:
    def samples(keys: list[str], text: str) -> pl.DataFrame:
        n = len(keys)
        return pl.DataFrame(
            {
                "key": keys,
                "model_id": ["m1"] * n,
                "text": [text] * n,
                "finish_reason": ["stop"] * n,
                "prompt_tokens": [3] * n,
                "completion_tokens": [4] * n,
                "latency_s": [0.1] * n,
                "created_at": [1.0] * n,
            },
            schema=LLM_CACHE_SCHEMA,
        )

    llm = tmp_path / "cache" / "llm"
    shards = [write_shard(llm, samples([f"s{i}" for i in range(j, j + 3)], "x")) for j in (0, 3)]
    shards.append(write_shard(llm, samples(["s2"], "x")))  # a key two racing runs both paid for
    (llm / ".abc.parquet.123.tmp").write_bytes(b"half a shard")  # a crashed write: left alone
    embeddings = tmp_path / "cache" / "embeddings"
    old_vectors = vectors(["p1", "p2"])
    write_shard(embeddings / "model-a", old_vectors)

    cache = LLMCache(llm)
    found = cache.lookup([f"s{i}" for i in range(6)])
    assert found.height == 6 and set(found["text"]) == {"x"}
    assert found.schema == pl.Schema(LLM_CACHE_SCHEMA)
    assert cache.read_all().filter(pl.col("key") == "s2")["writes"].item() == 2  # kept visible
    assert (cache.count(), cache.writes()) == (6, 7)
    assert not list(llm.glob("*.parquet"))  # imported, then removed
    assert (llm / ".abc.parquet.123.tmp").exists()
    imported = EmbeddingCache(embeddings, "model-a").lookup(["p2", "p1"])
    assert_frame_equal(imported.sort("problem_uid"), old_vectors)  # vectors exactly as stored
    assert not list((embeddings / "model-a").glob("*.parquet"))

    # reopening imports nothing again; a shard dropped in later (an old checkout) is imported
    write_shard(llm, samples(["s9"], "late"))
    reopened = LLMCache(llm)
    assert (reopened.count(), reopened.writes()) == (7, 8)


def test_a_shard_that_is_not_this_caches_is_refused_and_kept(tmp_path: Path) -> None:
    shard = write_shard(tmp_path, pl.DataFrame({"other": [1]}))
    with pytest.raises(CacheError, match="do not hold this cache's columns"):
        LLMCache(tmp_path).lookup(["a"])
    assert shard.exists()  # nothing lost: the user moves it aside
    shard.unlink()
    assert LLMCache(tmp_path).lookup(["a"]).is_empty()
