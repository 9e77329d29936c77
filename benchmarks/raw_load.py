"""Throughput of loading one source into raw_problems, against bare JSON parsing of the same file.

    python benchmarks/raw_load.py [--rows 100000] [--format numina_math|openr1_math]

Generates a NuminaMath-style JSONL (or OpenR1-style with two reasoning chains per row), then times
in one process: (a) the baseline, ``json.loads`` of every line; (b) ``load_source`` (parse, map,
clean, uid, dedup-in-source, build the polars frame); (c) writing the Parquet partition. Prints a
table and writes benchmarks/results/raw_load.json.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import yaml

from r1_assets.catalog.loader import load_source
from r1_assets.catalog.spec import load_catalog
from r1_assets.storage.warehouse import Warehouse

RESULTS = Path(__file__).parent / "results"


def make_rows(n: int, fmt: str, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        a, b, c = rng.randint(2, 999), rng.randint(2, 999), rng.randint(2, 99)
        problem = (
            f"A store sells {a} pencils on Monday and {b} pencils on Tuesday. Each box holds "
            f"{c} pencils. How many full boxes can be packed from all pencils? (#{i})"
        )
        answer = (a + b) // c
        solution = (
            f"Total: {a}+{b}={a + b}. Boxes: floor({a + b}/{c}) = {answer}. \\boxed{{{answer}}}"
        )
        row = {
            "problem": problem,
            "solution": solution,
            "source": "synthetic_math",
            "messages": [
                {"role": "user", "content": problem},
                {"role": "assistant", "content": solution},
            ],
        }
        if fmt == "openr1_math":
            think = " ".join(["Let me add the numbers carefully and divide."] * 60)
            row |= {
                "answer": str(answer),
                "uuid": f"u-{i}",
                "generations": [f"<think>\n{think}\n</think>\n\\boxed{{{answer}}}"] * 2,
                "correctness_math_verify": [True, False],
            }
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", default="numina_math", choices=["numina_math", "openr1_math"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "rows.jsonl"
        with path.open("w") as handle:
            for row in make_rows(args.rows, args.format):
                handle.write(json.dumps(row) + "\n")
        (root / "sources.yaml").write_text(
            yaml.safe_dump(
                {
                    "base_dir": ".",
                    "sources": [
                        {
                            "name": "bench",
                            "domain": "math",
                            "format": args.format,
                            "location": "rows.jsonl",
                            "priority": 1,
                            "license": "CC0",
                        }
                    ],
                }
            )
        )
        catalog = load_catalog(root / "sources.yaml", strict=True)
        file_bytes = path.stat().st_size

        start = time.perf_counter()
        with path.open("rb") as handle:
            parsed = sum(1 for line in handle if json.loads(line))
        baseline = time.perf_counter() - start

        start = time.perf_counter()
        result = load_source(catalog.get("bench"), catalog)
        load = time.perf_counter() - start

        start = time.perf_counter()
        Warehouse(root / "data").write("raw_problems", result.problems, "bench")
        write = time.perf_counter() - start

    assert parsed == args.rows == result.problems.height
    report = {
        "rows": args.rows,
        "format": args.format,
        "avg_row_bytes": round(file_bytes / args.rows),
        "json_loads_s": round(baseline, 2),
        "load_source_s": round(load, 2),
        "write_parquet_s": round(write, 2),
        "load_vs_json_ratio": round(load / baseline, 2),
        "rows_per_s": round(args.rows / load),
    }
    width = max(map(len, report))
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"raw_load_{args.format}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
