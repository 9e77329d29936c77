"""A process writing a cache, for the concurrency and crash tests of storage.cache.

python cache_writer.py overlap DIR WRITER START STOP BATCH GO_FILE
    add keys START..STOP (shuffled, BATCH per add, looking each batch up first) once GO_FILE
    exists, then print "done"
python cache_writer.py forever DIR BATCH
    add batches of BATCH new keys until killed, printing the number committed after each
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import polars as pl

from r1_assets.storage.cache import KeyValueCache

SCHEMA = {"key": pl.String, "writer": pl.Int64, "payload": pl.String}


def rows(keys: list[int], writer: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "key": [f"k{i:07d}" for i in keys],
            "writer": [writer] * len(keys),
            "payload": [f"value of {i} " * 20 for i in keys],
        },
        schema=SCHEMA,
    )


def overlap(directory: str, writer: int, start: int, stop: int, batch: int, go: str) -> None:
    cache = KeyValueCache(directory, SCHEMA, "key")
    keys = list(range(start, stop))
    random.Random(writer).shuffle(keys)
    while not Path(go).exists():
        time.sleep(0.005)
    for first in range(0, len(keys), batch):
        chunk = keys[first : first + batch]
        cache.lookup([f"k{i:07d}" for i in chunk])
        cache.add(rows(chunk, writer))
    print("done", flush=True)


def forever(directory: str, batch: int) -> None:
    cache = KeyValueCache(directory, SCHEMA, "key")
    committed = 0
    while True:
        cache.add(rows(list(range(committed, committed + batch)), 0))
        committed += batch
        print(committed, flush=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "overlap":
        overlap(args[0], *map(int, args[1:5]), args[5])
    else:
        forever(args[0], int(args[1]))
