"""Issue 20: the LLM, embedding and verdict caches in PostgreSQL (``R1_ASSETS_CACHE_URL``), shared
by every machine: the SQLite cache's contract (typed rows read back exactly, first write wins and
every write counted, concurrent writer processes, kill -9) on a real server, the import of an old
``cache.sqlite``, and ``r1-assets cache`` over the database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from r1_assets.cli import main
from r1_assets.dedup.cache import CACHE_SCHEMA, EmbeddingCache
from r1_assets.llm.cache import LLMCache
from r1_assets.llm.types import Completion
from r1_assets.storage.cache import DB_NAME, CacheError, KeyValueCache
from r1_assets_tests.cluster.servers import PostgresServer
from r1_assets_tests.storage.cache_writer import SCHEMA, rows
from r1_assets_tests.storage.test_cache import (
    assert_awkward_rows_exact,
    assert_overlapping_writers_lose_nothing,
    awkward_rows,
    killed_writer_count,
    vectors,
    writer_env,
)

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(600)]


@pytest.fixture
def database(postgres: PostgresServer, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("R1_ASSETS_CACHE_URL", postgres.url)
    yield postgres.url


def registered(url: str) -> list[str]:
    import psycopg2  # the cluster extra; the default suite imports this module without it

    from r1_assets.storage.cache_postgres import REGISTRY, libpq_url

    with psycopg2.connect(libpq_url(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (REGISTRY,))
        if not cursor.fetchone()[0]:
            return []
        cursor.execute(f"SELECT name FROM {REGISTRY} ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


def test_rows_come_back_typed_and_exact_and_every_write_is_counted(
    database: str, tmp_path: Path
) -> None:
    root = tmp_path / "data" / "cache" / "embeddings"
    cache = EmbeddingCache(root, "model-a")
    assert cache.lookup(["u1"]).is_empty() and cache.count() == 0
    assert registered(database) == []  # looking up an absent cache creates nothing
    stored = vectors([f"u{i}" for i in range(50)])
    cache.add(stored)
    cache.add(awkward_rows())
    assert registered(database) == ["embeddings/model-a"]
    assert not (root / "model-a" / DB_NAME).exists()  # nothing on disk

    found = EmbeddingCache(root, "model-a").lookup(["u3", "odd", "missing", "empty", "u3"])
    assert found.schema == pl.Schema(CACHE_SCHEMA)
    assert found["problem_uid"].to_list() == ["u3", "odd", "empty"]
    assert_frame_equal(found[:1], stored[3])
    assert_awkward_rows_exact(found)

    plain = KeyValueCache(tmp_path / "cache" / "plain", SCHEMA, "key")
    plain.add(rows([1, 2], writer=1))
    # a key twice in one batch: its first row is kept, both writes counted
    plain.add(pl.concat([rows([2, 3], writer=2), rows([3], writer=9)]))
    found = plain.lookup(["k0000001", "k0000002", "k0000003"])
    assert found["writer"].to_list() == [1, 1, 2]
    counted = plain.read_all()
    assert dict(zip(counted["key"], counted["writes"], strict=True)) == {
        "k0000001": 1,
        "k0000002": 2,
        "k0000003": 2,
    }
    assert (plain.count(), plain.writes()) == (3, 5)
    assert [frame.height for frame in plain.scan(batch_rows=2)] == [2, 1]
    with pytest.raises(CacheError, match="another kind of cache"):
        KeyValueCache(tmp_path / "cache" / "plain", {"key": pl.String}, "key").lookup(["k"])


def test_concurrent_writers_and_a_killed_writer_lose_nothing(database: str, tmp_path: Path) -> None:
    env = {**writer_env(), "R1_ASSETS_CACHE_URL": database}
    assert_overlapping_writers_lose_nothing(tmp_path / "cache" / "c", tmp_path / "go", env)
    killed_writer_count(tmp_path / "cache" / "k", env)


def test_an_old_sqlite_cache_is_imported_once_with_its_write_counts(
    database: str, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "data" / "cache" / "llm"
    elsewhere = tmp_path / "other-machine" / "cache" / "llm"
    monkeypatch.delenv("R1_ASSETS_CACHE_URL")
    for where, texts in ((folder, "text"), (elsewhere, "theirs")):
        local = LLMCache(where)
        local.put(
            "teacher@1",
            [(f"t{i}", Completion(f"{texts} {i}", "stop", 1, 2, 0.1)) for i in range(30)],
        )
        local.close()
    local = LLMCache(folder)
    local.put("teacher@1", [("t0", Completion("again", "stop", 1, 2, 0.1))])  # paid twice
    local.put("teacher@1", [("t30", Completion("text 30", "stop", 1, 2, 0.1))])
    local.close()
    monkeypatch.setenv("R1_ASSETS_CACHE_URL", database)

    moved = LLMCache(folder)
    assert moved.count() == 31 and moved.writes() == 32
    found = moved.lookup(["t0", "t29"])
    assert found["text"].to_list() == ["text 0", "text 29"]  # the first write, as on disk
    assert not (folder / DB_NAME).exists()
    (backup,) = folder.glob(f"{DB_NAME}.imported-*")
    # the same file back (left behind, copied again): its rows are not counted twice
    backup.rename(folder / DB_NAME)
    again = LLMCache(folder)
    assert (again.count(), again.writes()) == (31, 32)
    assert not (folder / DB_NAME).exists()
    # another machine's cache of the same name: its rows come in, its writes are counted
    for name in ("", "-wal", "-shm"):
        if (elsewhere / f"{DB_NAME}{name}").exists():
            (elsewhere / f"{DB_NAME}{name}").rename(folder / f"{DB_NAME}{name}")
    merged = LLMCache(folder)
    assert (merged.count(), merged.writes()) == (31, 62)
    assert merged.lookup(["t5"])["text"].to_list() == ["text 5"]  # the first write kept


def test_cache_commands_work_on_the_database(database: str, tmp_path: Path, monkeypatch, capsys):
    data = tmp_path / "data"
    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(data))
    llm = LLMCache(data / "cache" / "llm")
    llm.put("teacher@1", [(f"t{i}", Completion("x" * 500, "stop", 1, 2, 0.1)) for i in range(500)])
    llm.put("labeler@2", [("l0", Completion("y", "stop", 1, 2, 0.1))])
    EmbeddingCache(data / "cache" / "embeddings", "emb-a").add_vectors(
        ["p0", "p1"], np.ones((2, 4), np.float32), [1, 1], [False, False]
    )
    assert main(["cache", "stats"]) == 0
    out = capsys.readouterr().out
    assert "embeddings/emb-a" in out and "model emb-a" in out
    assert re.search(r"model_id teacher@1\s+500\n", out), out
    assert main(["cache", "prune", "--model", "teacher@1", "--yes"]) == 0
    assert LLMCache(data / "cache" / "llm").groups() == {"labeler@2": 1}
    assert main(["cache", "prune", "--model", "emb-a", "--yes"]) == 0
    assert registered(database) == ["llm"]
    assert main(["cache", "compact"]) == 0
    assert "llm" in capsys.readouterr().out
    from r1_assets.storage.cache_postgres import cache_name

    assert cache_name(data / "cache" / "embeddings" / "emb-a") == "embeddings/emb-a"
