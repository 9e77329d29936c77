"""Issue 20: the warehouse and the exports in S3 (moto's S3 server on 127.0.0.1), read and written
as a local warehouse is, and through a proxy that answers 503s or nothing at all for a while."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from r1_assets.dataset.export import ExportWriter
from r1_assets.storage.objects import ObjectStore
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.cluster.servers import FaultyProxy, S3Server

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(600)]


def frame(source: str, rows: int, seed: int = 0, text_bytes: int = 16) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "problem_uid": [f"{source}-{seed}-{i:07d}" for i in range(rows)],
            "source": [source] * rows,
            "problem": [rng.bytes(text_bytes).hex() for _ in range(rows)],
        }
    )


def test_a_warehouse_in_s3_answers_as_the_same_warehouse_on_disk(
    s3: S3Server, tmp_path: Path
) -> None:
    local = Warehouse(tmp_path / "local")
    remote = Warehouse(f"s3://{s3.BUCKET}/team/run", s3.options())
    with_extra = frame("b", 3).with_columns(pl.lit(1.5).alias("score"))
    for warehouse in (local, remote):
        warehouse.write("raw_problems", frame("a", 5), "a.0000")
        warehouse.write("raw_problems", with_extra, "b.0000")
        with warehouse.writer("sft_dataset", frame("a", 1).schema) as write:
            for batch in frame("a", 25).iter_slices(10):
                write(batch)
        warehouse.write("scratch", frame("c", 2))
        warehouse.delete("scratch")

    assert remote.root == f"s3://{s3.BUCKET}/team/run"
    assert remote.partition_path("raw_problems", "a.0000") == (
        f"s3://{s3.BUCKET}/team/run/warehouse/raw_problems/a.0000.parquet"
    )
    for warehouse in (local, remote):
        assert warehouse.assets() == ["raw_problems", "sft_dataset"]  # scratch's folder: empty
        assert warehouse.partitions("raw_problems") == ["a.0000", "b.0000"]
        assert warehouse.views() == ["raw_problems", "sft_dataset"]
    assert remote.read("raw_problems").equals(local.read("raw_problems"))
    scanned = [
        w.scan("raw_problems", partition_column="shard").sort("problem_uid").collect()
        for w in (local, remote)
    ]
    assert scanned[0].equals(scanned[1]) and set(scanned[1]["shard"]) == {"a.0000", "b.0000"}
    batches = [list(w.iter_batches("sft_dataset", batch_rows=7)) for w in (local, remote)]
    assert [b.height for b in batches[1]] == [b.height for b in batches[0]]
    assert pl.concat(batches[1]).equals(frame("a", 25))
    sql = "SELECT source, count(*) AS n, sum(score) AS s FROM raw_problems GROUP BY 1 ORDER BY 1"
    assert remote.query(sql).equals(local.query(sql))
    assert remote.query(sql)["s"].to_list() == [None, 4.5]  # the union of both files' columns
    with pytest.raises(FileNotFoundError, match="no materialized partition"):
        remote.read("raw_problems", ["c.0000"])
    # nothing but the partitions themselves under the warehouse (and the empty "folder/"
    # markers pyarrow keeps): no temporary object left
    assert objects(s3, "team/run") == [
        "team/run/warehouse/raw_problems/a.0000.parquet",
        "team/run/warehouse/raw_problems/b.0000.parquet",
        "team/run/warehouse/sft_dataset/data.parquet",
    ]

    # an export to S3: spooled locally, published file by file, the card last
    store = ObjectStore(f"s3://{s3.BUCKET}/team/run", s3.options())
    rows = pl.DataFrame(
        {
            "messages": [[{"role": "user", "content": f"q{i}"}] for i in range(4)],
            **{c: [f"{c}{i}" for i in range(4)] for c in ("response_uid", "problem_uid")},
            **{c: ["x"] * 4 for c in ("source", "source_row_id", "source_revision")},
        }
    )
    exporter = ExportWriter(store, "exports/sft_dataset", tmp_path / "spool")
    exporter.write(rows)
    export = exporter.finish(lambda content_hash: f"# card {content_hash}")
    folder = export.folder.removeprefix(f"s3://{s3.BUCKET}/")
    assert export.folder.startswith(f"s3://{s3.BUCKET}/team/run/exports/sft_dataset/")
    assert objects(s3, folder) == [
        f"{folder}/{n}"
        for n in ("README.md", "messages/train.parquet", "train.jsonl", "train.parquet")
    ]
    key = folder.removeprefix("team/run/")
    assert store.read_bytes(f"{key}/README.md").decode() == f"# card {export.content_hash}"
    assert store.read_bytes(f"{key}/train.jsonl").count(b"\n") == 4
    assert list((tmp_path / "spool").iterdir()) == []  # the spool is emptied


def test_503s_and_timeouts_are_retried_and_a_failed_upload_leaves_nothing_visible(
    s3: S3Server, faulty_s3: FaultyProxy
) -> None:
    """Writes, listings and reads through a proxy that answers 503 SlowDown, then nothing at all
    (each request held past the client's timeout), for seconds at a time: every operation ends
    right. An upload that meets a fault longer than its retries fails with an error, and the
    previous version of the partition stays whole and is all a reader can see."""
    patient = Warehouse(f"s3://{s3.BUCKET}/faults", s3.options(faulty_s3.url, timeout_s=2.0))
    first = frame("a", 1_000, seed=1)
    patient.write("raw_problems", first, "a.0000")

    def fault_for(kind: str, seconds: float) -> threading.Thread:
        def run() -> None:
            with faulty_s3.failing(kind):
                time.sleep(seconds)

        thread = threading.Thread(target=run)
        thread.start()
        while faulty_s3.fault is None:
            time.sleep(0.01)
        return thread

    # ~24 MB of incompressible text: a multipart upload of several parts
    second = frame("a", 40_000, seed=2, text_bytes=300)
    for kind in ("503", "hang"):
        before = faulty_s3.faulted
        thread = fault_for(kind, 3.0)
        patient.write("raw_problems", second, "a.0000")
        thread.join()
        assert faulty_s3.faulted > before, kind
        assert patient.read("raw_problems").equals(second)
        before = faulty_s3.faulted
        thread = fault_for(kind, 3.0)
        scanned = patient.scan("raw_problems").select("problem_uid").collect()  # polars' client
        assert scanned.height == second.height and patient.partitions("raw_problems") == ["a.0000"]
        thread.join()
        assert faulty_s3.faulted > before, kind
        before = faulty_s3.faulted
        thread = fault_for(kind, 3.0)
        assert patient.query("SELECT count(*) AS n FROM raw_problems")["n"].to_list() == [40_000]
        thread.join()
        assert faulty_s3.faulted > before, kind

    # a fault that outlasts the retries, starting mid-upload (after its first part went through)
    hasty = Warehouse(
        f"s3://{s3.BUCKET}/faults", s3.options(faulty_s3.url, timeout_s=2.0, max_attempts=2)
    )
    third = frame("a", 40_000, seed=3, text_bytes=300)
    faulty_s3.trip_after(2, "503")
    try:
        with pytest.raises(OSError):
            hasty.write("raw_problems", third, "a.0000")
    finally:
        faulty_s3.fault = None
    assert faulty_s3.faulted > 0
    assert patient.partitions("raw_problems") == ["a.0000"]
    assert patient.read("raw_problems").equals(second)  # the previous version, whole
    # whatever the failed upload left is under a hidden temporary name, never a real one
    names = [key.rsplit("/", 1)[1] for key in objects(s3, "faults/warehouse/raw_problems")]
    assert [n for n in names if not n.startswith(".")] == ["a.0000.parquet"]


def test_an_object_over_the_copy_limit_is_published_by_a_multipart_copy(s3: S3Server) -> None:
    """Above CopyObject's limit (5 GiB on S3; 1 MiB here) a partition is published by a multipart
    copy of its temporary object: the same rows, no temporary object left."""
    warehouse = Warehouse(f"s3://{s3.BUCKET}/big", s3.options())
    warehouse.store.copy_limit, warehouse.store.copy_part = 1 << 20, 5 << 20
    big = frame("a", 40_000, seed=4, text_bytes=300)  # ~12 MB: three parts of 5 MiB
    warehouse.write("raw_problems", big, "a.0000")
    assert warehouse.read("raw_problems").equals(big)
    assert objects(s3, "big") == ["big/warehouse/raw_problems/a.0000.parquet"]
    head = s3.client().head_object(Bucket=s3.BUCKET, Key=objects(s3, "big")[0])
    assert head["ETag"].strip('"').endswith("-3")  # a multipart object of three parts


def objects(s3: S3Server, prefix: str) -> list[str]:
    """The keys under ``prefix`` but pyarrow's empty "folder/" markers."""
    return [key for key in s3.keys(prefix) if not key.endswith("/")]
