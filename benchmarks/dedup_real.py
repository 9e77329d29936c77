"""Dedup precision on real problem sets: what the default settings would merge where no (or few)
duplicates are expected.

    python benchmarks/dedup_real.py ../shared/datasets/math500/test.jsonl \
        ../shared/datasets/gsm8k/test.jsonl ../shared/datasets/mbpp/mbpp.jsonl \
        ../shared/datasets/humaneval/HumanEval.jsonl ../shared/datasets/aime24/test.jsonl

The planted pairs of benchmarks/dedup.py measure recall; this measures the other side. Benchmark
sets are curated to hold distinct problems, so every pair that would be merged is a candidate
false positive: the table counts them per threshold, with and without the number guard, and the
pairs at the default settings are printed to be read. Embeddings come from the project's cache.
Writes benchmarks/results/dedup_real.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from dedup import RESULTS, embed

from r1_assets.dedup.numbers import number_set
from r1_assets.dedup.pool import DedupSettings

TEXT_FIELDS = ("problem", "question", "prompt", "text", "instruction")
THRESHOLDS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95)


def read_texts(path: Path) -> list[str]:
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        field = next((f for f in TEXT_FIELDS if isinstance(row.get(f), str)), None)
        if field is None:
            raise SystemExit(f"{path}: no text field among {TEXT_FIELDS}")
        texts.append(row[field])
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="JSONL problem sets")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--show", type=int, default=12, help="pairs printed at the default")
    args = parser.parse_args()

    texts, origin = [], []
    for path in args.files:
        batch = read_texts(path)
        texts += batch
        origin += [path.parent.name or path.stem] * len(batch)
    vectors, embed_stats = embed(texts, args.threads)
    similarity = vectors @ vectors.T
    rows, cols = np.triu_indices(len(texts), 1)
    values = similarity[rows, cols]
    sets = [number_set(t) for t in texts]

    table = []
    default = DedupSettings()
    shown: list[dict] = []
    for threshold in THRESHOLDS:
        above = np.flatnonzero(values >= threshold)
        guarded = [p for p in above if sets[rows[p]] == sets[cols[p]]]
        cross = sum(origin[rows[p]] != origin[cols[p]] for p in guarded)
        table.append(
            {
                "threshold": threshold,
                "pairs": int(above.size),
                "pairs_with_guard": len(guarded),
                "cross_set_with_guard": cross,
                "per_1000_problems_with_guard": round(1000 * len(guarded) / len(texts), 2),
            }
        )
        if threshold == default.threshold:
            shown = [
                {
                    "similarity": round(float(values[p]), 3),
                    "a": f"{origin[rows[p]]}: {texts[rows[p]][:150]}",
                    "b": f"{origin[cols[p]]}: {texts[cols[p]][:150]}",
                }
                for p in sorted(guarded, key=lambda p: -values[p])
            ]

    print(f"{len(texts):,} problems from {len(args.files)} files; embedding: {embed_stats}")
    print(f"{'threshold':>9} {'pairs':>8} {'w/ guard':>9} {'cross-set':>9} {'per 1k':>7}")
    for row in table:
        print(
            f"{row['threshold']:>9.2f} {row['pairs']:>8,} {row['pairs_with_guard']:>9,} "
            f"{row['cross_set_with_guard']:>9,} {row['per_1000_problems_with_guard']:>7}"
        )
    print(f"\npairs merged at the default ({default.threshold}, guard on), most similar first:")
    for pair in shown[: args.show]:
        print(f"  {pair['similarity']}\n    A {pair['a']!r}\n    B {pair['b']!r}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "dedup_real.json"
    out.write_text(
        json.dumps(
            {
                "files": [str(f) for f in args.files],
                "problems": len(texts),
                "table": table,
                "default_pairs": shown,
            },
            indent=2,
        )
    )
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
