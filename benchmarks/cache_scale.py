"""How a cache lookup's cost grows with the number of cached entries: the sharded Parquet cache
(``storage.shards.ShardedCache``, what the LLM and embedding caches are) against an indexed
key-value table (SQLite, primary key) holding the same entries, in one process.

    python benchmarks/cache_scale.py [--entries 10000,100000] [--flush 16] [--batch 64]
                                     [--value-bytes 2000] [--repeats 5]

For each size it writes the entries the way a run does (one shard per ``--flush`` entries, like
``LLMResource.flush_every``), then times looking up one batch of ``--batch`` keys (half cached,
half not) ``--repeats`` times. Prints a table (median lookup, files, growth against the smallest
size) and writes benchmarks/results/cache_scale.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import statistics
import tempfile
import time
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


def timed(fn, repeats: int) -> float:
    """The median seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(n: int, args: argparse.Namespace, root: Path) -> dict:
    rng = random.Random(n)
    batch = [key(rng.randrange(n)) for _ in range(args.batch // 2)]
    batch += [key(n + rng.randrange(n)) for _ in range(args.batch - len(batch))]  # misses

    cache = LLMCache(root / f"shards_{n}")
    started = time.perf_counter()
    for start in range(0, n, args.flush):
        cache.add(entries(start, min(n, start + args.flush), args.value_bytes))
    write_s = time.perf_counter() - started
    shard_lookup = timed(lambda: cache.lookup(batch), args.repeats)
    assert cache.lookup(batch).height == args.batch // 2

    db = sqlite3.connect(root / f"kv_{n}.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE cache (key TEXT PRIMARY KEY, value BLOB)")
    started = time.perf_counter()
    for start in range(0, n, args.flush):
        frame = entries(start, min(n, start + args.flush), args.value_bytes)
        with db:
            db.executemany(
                "INSERT OR IGNORE INTO cache VALUES (?, ?)",
                [(row["key"], json.dumps(row)) for row in frame.iter_rows(named=True)],
            )
    kv_write_s = time.perf_counter() - started

    def kv_lookup() -> list:
        marks = ",".join("?" * len(batch))
        return db.execute(f"SELECT key, value FROM cache WHERE key IN ({marks})", batch).fetchall()

    kv_lookup_s = timed(kv_lookup, args.repeats)
    assert len(kv_lookup()) == args.batch // 2
    db.close()
    return {
        "entries": n,
        "shard_files": len(cache.shards()),
        "shard_write_s": round(write_s, 2),
        "shard_lookup_ms": round(1000 * shard_lookup, 2),
        "kv_write_s": round(kv_write_s, 2),
        "kv_lookup_ms": round(1000 * kv_lookup_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", default="10000,100000")
    parser.add_argument("--flush", type=int, default=16)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--value-bytes", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.entries.split(","))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            rows.append(measure(n, args, Path(tmp)))
            print(f"measured {n:,} entries", flush=True)
    first = rows[0]
    for row in rows:
        row["shard_lookup_growth"] = round(row["shard_lookup_ms"] / first["shard_lookup_ms"], 2)
        row["kv_lookup_growth"] = round(row["kv_lookup_ms"] / first["kv_lookup_ms"], 2)
    header = (
        f"{'entries':>9} {'files':>7} {'shard write s':>13} {'shard lookup ms':>15} "
        f"{'growth':>7} {'kv write s':>10} {'kv lookup ms':>12} {'growth':>7}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['entries']:>9,} {r['shard_files']:>7,} {r['shard_write_s']:>13} "
            f"{r['shard_lookup_ms']:>15} {r['shard_lookup_growth']:>6}x {r['kv_write_s']:>10} "
            f"{r['kv_lookup_ms']:>12} {r['kv_lookup_growth']:>6}x"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "cache_scale.json"
    out.write_text(json.dumps({"settings": vars(args), "rows": rows}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
