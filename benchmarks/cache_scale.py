"""How a cache lookup's cost grows with the number of cached entries: the cache the LLM,
embedding and verdict caches are (``storage.cache.KeyValueCache``, an SQLite table with the key
as primary key) against the old layout it replaced (a folder of Parquet shards, one per flush,
a lookup scanning every shard), in one run; then several writer processes on one cache.

    python benchmarks/cache_scale.py [--entries 10000,100000,1000000] [--old-max 300000]
                                     [--flush 16] [--batch 64] [--value-bytes 2000]
                                     [--repeats 30] [--big-lookup 100000]
                                     [--writers 1,2,4] [--writer-rows 20000]

For each size it fills an LLM cache (``--fill-batch`` entries per transaction) and, up to
``--old-max`` entries, the old layout the way a run wrote it (one shard per ``--flush`` entries,
like ``LLMResource.flush_every``; above it the old layout is skipped, as the output says). It
times ``--repeats`` lookups of ``--batch`` keys (a fresh random batch each, half cached, half
not) in both, and one lookup of ``--big-lookup`` keys in the new cache. Then ``--writers``
processes add ``--writer-rows`` entries each to one fresh cache at once, ``--flush`` per
transaction, half of each writer's keys shared with another writer, each batch looked up
first, as parallel shard runs do. Prints tables and writes benchmarks/results/cache_scale.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import polars as pl

from r1_assets.llm.cache import LLM_CACHE_SCHEMA, LLMCache

RESULTS = Path(__file__).parent / "results"


def key(i: int) -> str:
    return hashlib.sha256(f"request:{i}".encode()).hexdigest()


def entries(start: int, stop: int, value_bytes: int) -> pl.DataFrame:
    text = "x" * value_bytes
    n = stop - start
    return pl.DataFrame(
        {
            "key": [key(i) for i in range(start, stop)],
            "model_id": ["model"] * n,
            "text": [text] * n,
            "finish_reason": ["stop"] * n,
            "prompt_tokens": [100] * n,
            "completion_tokens": [500] * n,
            "latency_s": [1.0] * n,
            "created_at": [0.0] * n,
        },
        schema=LLM_CACHE_SCHEMA,
    )


class OldShards:
    """The layout before storage.cache (baseline only): a Parquet file per flush, a lookup
    scanning every file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True)

    def add(self, frame: pl.DataFrame) -> None:
        tmp = self.directory / f".{uuid.uuid4().hex}.tmp"
        frame.write_parquet(tmp)
        os.replace(tmp, self.directory / f"{uuid.uuid4().hex}.parquet")

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.parquet"))

    def lookup(self, keys: list[str]) -> pl.DataFrame:
        wanted = pl.Series("key", keys, dtype=pl.String).unique()
        return (
            pl.scan_parquet(self.files())
            .filter(pl.col("key").is_in(wanted.implode()))
            .unique("key", keep="first", maintain_order=True)
            .collect()
        )


def timed_lookups(lookup, n: int, args: argparse.Namespace) -> tuple[float, float]:
    """The median and the fastest milliseconds of ``--repeats`` lookups, each of a fresh
    half-cached batch (the fastest is the cost without other processes' load)."""
    rng = random.Random(n)
    times = []
    for _ in range(args.repeats):
        batch = [key(rng.randrange(n)) for _ in range(args.batch // 2)]
        batch += [key(n + rng.randrange(n)) for _ in range(args.batch - len(batch))]  # misses
        started = time.perf_counter()
        found = lookup(batch)
        times.append(time.perf_counter() - started)
        assert found.height == len(set(batch[: args.batch // 2])), found.height
    return 1000 * statistics.median(times), 1000 * min(times)


def measure(n: int, args: argparse.Namespace, root: Path) -> dict:
    row: dict = {"entries": n}
    cache = LLMCache(root / f"new_{n}")
    started = time.perf_counter()
    for start in range(0, n, args.fill_batch):
        cache.add(entries(start, min(n, start + args.fill_batch), args.value_bytes))
    row["new_fill_s"] = round(time.perf_counter() - started, 1)
    cache.lookup([key(0)])  # warm up (polars, the connection)
    median, fastest = timed_lookups(cache.lookup, n, args)
    row["new_lookup_ms"], row["new_lookup_min_ms"] = round(median, 3), round(fastest, 3)
    big = [key(i) for i in range(0, 2 * args.big_lookup, 2)]  # half of them cached when n allows
    started = time.perf_counter()
    found = cache.lookup(big)
    row["new_big_lookup_s"] = round(time.perf_counter() - started, 2)
    assert found.height == min(args.big_lookup, (n + 1) // 2)
    row["new_mb"] = round(cache.size_bytes() / 1e6)
    cache.close()

    if n > args.old_max:
        row["old_files"] = None
        return row
    old = OldShards(root / f"old_{n}")
    started = time.perf_counter()
    for start in range(0, n, args.flush):
        old.add(entries(start, min(n, start + args.flush), args.value_bytes))
    row["old_write_s"] = round(time.perf_counter() - started, 1)
    row["old_files"] = len(old.files())
    median, fastest = timed_lookups(old.lookup, n, args)
    row["old_lookup_ms"], row["old_lookup_min_ms"] = round(median, 1), round(fastest, 1)
    return row


def writer(directory: str, index: int, rows: int, args: dict, go, ready) -> None:
    cache = LLMCache(directory)
    start = index * rows // 2  # the first half of its keys is the previous writer's second half
    batches = list(range(start, start + rows, args["flush"]))
    random.Random(index).shuffle(batches)
    frames = [entries(b, b + args["flush"], args["value_bytes"]) for b in batches]
    ready.put(index)
    go.wait()
    for frame in frames:
        cache.lookup(frame["key"].to_list())
        cache.add(frame)


def concurrent_writes(n_writers: int, args: argparse.Namespace, root: Path) -> dict:
    directory = root / f"writers_{n_writers}"
    LLMCache(directory).count()  # created up front: the timing is of the writes
    context = multiprocessing.get_context("spawn")
    go, ready = context.Event(), context.Queue()
    settings = {"flush": args.flush, "value_bytes": args.value_bytes}
    processes = [
        context.Process(
            target=writer, args=(str(directory), i, args.writer_rows, settings, go, ready)
        )
        for i in range(n_writers)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=300)
    started = time.perf_counter()
    go.set()
    for process in processes:
        process.join()
        assert process.exitcode == 0, f"a writer failed ({process.exitcode})"
    seconds = time.perf_counter() - started
    cache = LLMCache(directory)
    written = n_writers * args.writer_rows
    expected = args.writer_rows // 2 * (n_writers + 1) if n_writers > 1 else args.writer_rows
    assert cache.writes() == written and cache.count() == expected, (cache.writes(), cache.count())
    return {
        "writers": n_writers,
        "rows_written": written,
        "seconds": round(seconds, 2),
        "rows_per_s": round(written / seconds),
        "transactions_per_s": round(written / args.flush / seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", default="10000,100000,1000000")
    parser.add_argument("--old-max", type=int, default=300_000, help="old layout up to this size")
    parser.add_argument("--flush", type=int, default=16)
    parser.add_argument("--fill-batch", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--value-bytes", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--big-lookup", type=int, default=100_000)
    parser.add_argument("--writers", default="1,2,4")
    parser.add_argument("--writer-rows", type=int, default=20_000)
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.entries.split(","))
    rows, writes = [], []
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        for n in sizes:
            rows.append(measure(n, args, Path(tmp)))
            print(f"measured {n:,} entries", flush=True)
        for n_writers in sorted(int(w) for w in args.writers.split(",")):
            writes.append(concurrent_writes(n_writers, args, Path(tmp)))
            print(f"measured {n_writers} writer(s)", flush=True)
    first = rows[0]
    for row in rows:
        row["new_growth"] = round(row["new_lookup_ms"] / first["new_lookup_ms"], 2)
        if row["old_files"] is not None:
            row["old_growth"] = round(row["old_lookup_ms"] / first["old_lookup_ms"], 2)

    print(
        f"\nlookup of {args.batch} keys (half cached), median of {args.repeats}; "
        f"{args.value_bytes} B values"
    )
    print(
        f"{'entries':>9} {'new ms':>8} {'growth':>7} {'min ms':>7} "
        f"{f'{args.big_lookup:,} keys s':>13} "
        f"{'new MB':>7} {'old files':>9} {'old ms':>9} {'growth':>7} {'old write s':>11}"
    )
    for r in rows:
        old = (
            f"{r['old_files']:>9,} {r['old_lookup_ms']:>9} {r['old_growth']:>6}x "
            f"{r['old_write_s']:>11}"
            if r["old_files"] is not None
            else f"  skipped (old layout measured up to {args.old_max:,} entries)"
        )
        print(
            f"{r['entries']:>9,} {r['new_lookup_ms']:>8} {r['new_growth']:>6}x "
            f"{r['new_lookup_min_ms']:>7} "
            f"{r['new_big_lookup_s']:>13} {r['new_mb']:>7} {old}"
        )
    last = rows[-1]
    verdict = "met" if last["new_growth"] <= 2 else "NOT met"
    fastest = round(last["new_lookup_min_ms"] / first["new_lookup_min_ms"], 2)
    print(
        f"acceptance (median lookup at {last['entries']:,} within 2x of {first['entries']:,}): "
        f"{verdict} ({last['new_growth']}x; fastest lookups {fastest}x); load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"\nconcurrent writers: {args.writer_rows:,} entries each, {args.flush} per transaction")
    print(f"{'writers':>7} {'seconds':>8} {'rows/s':>8} {'commits/s':>9}")
    for w in writes:
        print(
            f"{w['writers']:>7} {w['seconds']:>8} {w['rows_per_s']:>8,} "
            f"{w['transactions_per_s']:>9,}"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "cache_scale.json"
    out.write_text(
        json.dumps({"settings": vars(args), "rows": rows, "concurrent_writers": writes}, indent=2)
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
