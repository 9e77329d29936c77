from __future__ import annotations

import multiprocessing
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from r1_assets.catalog.schema import PROBLEM_SCHEMA
from r1_assets.storage.warehouse import Warehouse


def problems_frame(source: str, n: int) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "problem_uid": f"{source}-{i:04d}",
                "source": source,
                "source_row_id": str(i),
                "source_revision": "r1",
                "domain": "math",
                "problem": f"Problem {i} of {source}",
                "reference_answer": str(i),
                "reference_solution": None,
                "test_cases": [
                    {
                        "kind": "stdio",
                        "input": "1\n",
                        "output": "1\n",
                        "fn_name": None,
                        "split": "public",
                    }
                ]
                if i % 2
                else [],
                "responses": [],
                "metadata": "{}",
            }
            for i in range(n)
        ],
        schema=PROBLEM_SCHEMA,
        orient="row",
    )


def test_round_trip_parquet_and_duckdb_view_agree(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path)
    a, b = problems_frame("a", 5), problems_frame("b", 3)
    path_a = warehouse.write("raw_problems", a, "a")
    warehouse.write("raw_problems", b, "b")
    assert path_a == str(tmp_path / "warehouse" / "raw_problems" / "a.parquet")
    assert_frame_equal(pl.read_parquet(path_a), a)  # nested lists of structs survive
    assert warehouse.partitions("raw_problems") == ["a", "b"]
    assert warehouse.views() == ["raw_problems"]
    via_sql = warehouse.query("SELECT * FROM raw_problems ORDER BY problem_uid")
    via_parquet = warehouse.read("raw_problems").sort("problem_uid")
    assert_frame_equal(via_sql, via_parquet)
    assert via_sql.schema == PROBLEM_SCHEMA
    # a plain DuckDB session (what a user opens) sees the same thing
    with duckdb.connect(tmp_path / "r1.duckdb", read_only=True) as con:
        counts = con.sql(
            "SELECT source, count(*) FROM raw_problems GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert counts == [("a", 5), ("b", 3)]


def test_rewrite_replaces_the_partition_and_leaves_no_temp_files(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path)
    warehouse.write("raw_problems", problems_frame("a", 5), "a")
    warehouse.write("raw_problems", problems_frame("a", 2), "a")
    assert warehouse.read("raw_problems", ["a"]).height == 2
    assert [p.name for p in (tmp_path / "warehouse" / "raw_problems").iterdir()] == ["a.parquet"]


def test_failed_write_keeps_the_previous_version(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path)
    warehouse.write("t", pl.DataFrame({"x": [1, 2, 3]}), "p")
    with pytest.raises(Exception):  # noqa: B017 - any failure while writing will do
        warehouse.write("t", pl.DataFrame({"x": [object()]}, schema={"x": pl.Object}), "p")
    assert warehouse.read("t", ["p"])["x"].to_list() == [1, 2, 3]
    assert [p.name for p in (tmp_path / "warehouse" / "t").iterdir()] == ["p.parquet"]


def test_unsafe_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsafe name"):
        Warehouse(tmp_path).write("t", pl.DataFrame({"x": [1]}), "../escape")


def test_read_of_missing_partition_names_it(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path)
    warehouse.write("t", pl.DataFrame({"x": [1]}), "p")
    with pytest.raises(FileNotFoundError, match=r"\['q'\]"):
        warehouse.read("t", ["p", "q"])


def _write_many(root: str, source: str, rounds: int) -> None:
    warehouse = Warehouse(root)
    for i in range(rounds):
        warehouse.write("raw_problems", problems_frame(source, 3 + i % 3), source)
        warehouse.write("raw_problems_quarantine", pl.DataFrame({"source": [source]}), source)


def test_parallel_writers_in_separate_processes_never_hit_the_duckdb_lock(tmp_path: Path) -> None:
    # Dagster runs partitions in parallel processes; each one registers its views in the one
    # DuckDB file. Without the catalog lock this fails with "Could not set lock on file".
    sources = [f"s{i}" for i in range(4)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        pool.starmap(_write_many, [(str(tmp_path), s, 15) for s in sources])
        # let the workers exit on their own: the context manager's terminate() drains the task
        # queue under its lock and hung once here on a worker that never got it back
        pool.close()
        pool.join()
    warehouse = Warehouse(tmp_path)
    assert warehouse.views() == ["raw_problems", "raw_problems_quarantine"]
    seen = warehouse.query("SELECT DISTINCT source FROM raw_problems ORDER BY 1")["source"]
    assert seen.to_list() == sources


def test_a_partition_written_batch_by_batch_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path)
    schema = pl.Schema({"id": pl.Int64, "tags": pl.List(pl.String), "note": pl.String})
    batches = [
        pl.DataFrame({"id": [1, 2], "tags": [["a"], []], "note": ["x", None]}),
        pl.DataFrame({"id": [3], "tags": [None], "note": [None]}),  # all-null columns: still typed
    ]
    with warehouse.writer("sft_dataset", schema) as write:
        for batch in batches:
            write(batch)
    stored = warehouse.read("sft_dataset")
    assert stored.schema == schema and stored["id"].to_list() == [1, 2, 3]
    assert warehouse.query("SELECT count(*) FROM sft_dataset").item() == 3
    assert [b.height for b in warehouse.iter_batches("sft_dataset", batch_rows=2)] == [2, 1]
    with pytest.raises(RuntimeError), warehouse.writer("sft_dataset", schema) as write:
        write(batches[0])
        raise RuntimeError("killed mid-write")
    assert warehouse.read("sft_dataset")["id"].to_list() == [1, 2, 3]  # the old file, intact
    assert sorted(p.name for p in (tmp_path / "warehouse" / "sft_dataset").iterdir()) == [
        "data.parquet"
    ]


def test_a_sources_current_shards_and_an_unreadable_source_keeps_its_own(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path)
    for partition in ("b.0000", "b.0001", "a.0000", "a.0001", "a.0002", "gone.0000"):
        warehouse.write("raw_problems", pl.DataFrame({"x": [1]}), partition)
    # "a" shrank to two shards; "b" cannot be read now (None): its stored shards stay current
    shards = {"a": ["0000", "0001"], "b": None}
    assert warehouse.source_partitions("raw_problems", shards) == [
        "a.0000",
        "a.0001",
        "b.0000",
        "b.0001",
    ]
