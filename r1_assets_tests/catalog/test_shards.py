"""A source's shards: windows of its records with stable membership, read without the records
before them, whose union is the whole source."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from r1_assets.catalog.loader import Limits, count_records, load_source, source_shard_keys
from r1_assets.catalog.shards import RecordCounts, ShardWindow, shard_count, shard_key, shard_keys
from r1_assets.catalog.spec import load_catalog
from r1_assets_tests.conftest import write_jsonl


def rows(start: int, stop: int) -> list[dict]:
    return [
        {"problem": f"What is {i} plus {i}?", "solution": f"\\boxed{{{2 * i}}}"}
        for i in range(start, stop)
    ]


def load_all(catalog_path: Path, shard_rows: int, counts: RecordCounts | None = None):
    """Every shard of the one source, loaded one by one."""
    catalog = load_catalog(catalog_path)
    [name] = catalog.names
    counts = counts or RecordCounts(None)
    keys = shard_keys(count_records(catalog.get(name), catalog, counts, Limits()), shard_rows)
    return [
        load_source(
            catalog.get(name), catalog, window=ShardWindow.of(key, shard_rows), counts=counts
        )
        for key in keys
    ]


def problems(results) -> pl.DataFrame:
    return pl.concat([r.problems for r in results]).drop("source_revision")


def test_shard_keys_and_windows() -> None:
    assert shard_key(0) == "0000" and shard_key(27) == "0027"
    assert shard_count(0, 10) == 1 and shard_count(10, 10) == 1 and shard_count(11, 10) == 2
    window = ShardWindow.of("0002", 50_000)
    assert (window.start, window.stop) == (100_000, 150_000)
    with pytest.raises(ValueError):
        ShardWindow.of("2", 10)


@pytest.mark.parametrize("shard_rows", [1, 3, 4, 100])
def test_shards_union_is_the_whole_source_across_files_and_formats(
    make_catalog, tmp_path: Path, shard_rows: int
) -> None:
    # three files of three formats, sorted by name: a.jsonl (4 + a blank line), b.parquet (5 rows
    # in row groups of 2), c.json (2)
    write_jsonl(
        tmp_path / "src" / "a.jsonl",
        [*map(json.dumps, rows(0, 2)), "", *map(json.dumps, rows(2, 4))],
    )
    pq.write_table(
        pa.Table.from_pylist(rows(4, 9)), tmp_path / "src" / "b.parquet", row_group_size=2
    )
    (tmp_path / "src" / "c.json").write_text(json.dumps(rows(9, 11)))
    catalog = make_catalog(
        {"name": "src", "format": "numina_math", "location": "src/*", "shard_rows": shard_rows}
    )
    whole = load_all(catalog, 1_000_000)
    assert len(whole) == 1 and whole[0].problems.height == 11
    assert len(source_shard_keys(load_catalog(catalog), RecordCounts(None))["src"]) == len(
        load_all(catalog, shard_rows)
    )
    sharded = load_all(catalog, shard_rows)
    assert len(sharded) == -(-11 // shard_rows)
    assert [r.rows_read for r in sharded] == [
        min(shard_rows, 11 - i * shard_rows) for i in range(len(sharded))
    ]
    assert problems(sharded).equals(problems(whole))  # row by row, locations included


def test_appending_changes_only_the_last_shard_and_adds_new_ones(make_catalog, tmp_path) -> None:
    path = write_jsonl(tmp_path / "src.jsonl", rows(0, 7))
    catalog = make_catalog(
        {"name": "src", "format": "numina_math", "location": "src.jsonl", "shard_rows": 3}
    )
    before = load_all(catalog, 3)
    with path.open("a") as handle:
        handle.write("\n".join(json.dumps(r) for r in rows(7, 11)) + "\n")
    after = load_all(catalog, 3)
    assert len(before) == 3 and len(after) == 4
    assert after[0].revision == before[0].revision and after[1].revision == before[1].revision
    assert after[2].revision != before[2].revision  # 1 row then, 3 rows now
    assert after[0].problems.equals(before[0].problems)


def test_a_changed_record_changes_its_shard_revision_only(make_catalog, tmp_path) -> None:
    path = write_jsonl(tmp_path / "src.jsonl", rows(0, 6))
    catalog = make_catalog(
        {"name": "src", "format": "numina_math", "location": "src.jsonl", "shard_rows": 3}
    )
    before = load_all(catalog, 3)
    lines = path.read_text().splitlines()
    lines[4] = json.dumps({"problem": "What is 4 plus 4?", "solution": "\\boxed{9}"})
    path.write_text("\n".join(lines) + "\n")
    after = load_all(catalog, 3)
    assert after[0].revision == before[0].revision and after[1].revision != before[1].revision


def test_record_counts_are_remembered_until_the_file_changes(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", rows(0, 5))
    counts, calls = RecordCounts(tmp_path / "counts.json"), []

    def count(file: Path) -> int:
        calls.append(file)
        return sum(1 for line in file.read_text().splitlines() if line.strip())

    assert counts.get(path, count) == 5
    assert RecordCounts(tmp_path / "counts.json").get(path, count) == 5  # another process
    assert len(calls) == 1
    write_jsonl(path, rows(0, 8))
    assert RecordCounts(tmp_path / "counts.json").get(path, count) == 8
    assert len(calls) == 2
    assert len(json.loads((tmp_path / "counts.json").read_text())) == 1  # the stale count went
    (tmp_path / "counts.json").write_text("{not json")  # damaged: counted again, not an error
    assert RecordCounts(tmp_path / "counts.json").get(path, count) == 8


def test_invalid_or_missing_sources_are_one_shard(make_catalog, tmp_path) -> None:
    catalog = load_catalog(
        make_catalog(
            {"name": "gone", "format": "numina_math", "location": "nothing.jsonl"},
            {"name": "broken", "format": "no_such_format", "location": "x.jsonl"},
        )
    )
    # a missing location is unknown now (its stored shards stay), a broken entry one shard
    assert source_shard_keys(catalog, RecordCounts(None)) == {"gone": None, "broken": ["0000"]}
    broken = catalog.get("broken")
    first = load_source(broken, catalog, window=ShardWindow(0, 1))
    later = load_source(broken, catalog, window=ShardWindow(1, 1))
    assert first.quarantine.height == 1 and later.quarantine.is_empty()  # rejected once


def test_rows_frozen_in_chunks_give_the_same_frames(make_catalog, tmp_path, monkeypatch) -> None:
    from r1_assets.catalog.loader import ProblemBuilder

    lines = [json.dumps(r) for r in rows(0, 9)]
    lines[4] = '{"problem": "bad \\ud800 surrogate", "solution": "x"}'  # cannot be stored
    path = tmp_path / "src.jsonl"
    path.write_text("\n".join(lines) + "\n")
    catalog = load_catalog(
        make_catalog({"name": "src", "format": "numina_math", "location": "src.jsonl"})
    )
    whole = load_source(catalog.get("src"), catalog)
    monkeypatch.setattr(ProblemBuilder, "FREEZE_EVERY", 2)
    chunked = load_source(catalog.get("src"), catalog)
    assert chunked.problems.equals(whole.problems) and chunked.problems.height == 8
    assert chunked.quarantine["reason"].to_list() == whole.quarantine["reason"].to_list()
