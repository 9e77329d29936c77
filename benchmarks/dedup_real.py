"""Dedup precision on real problem sets: what the default settings would merge where no (or few)
duplicates are expected.

    python benchmarks/dedup_real.py r1_assets/evaluate/data/math500/test.jsonl \
        r1_assets/evaluate/data/gsm8k/test.jsonl r1_assets/evaluate/data/gsm8k/train.jsonl \
        r1_assets/evaluate/data/mbpp/mbpp.jsonl r1_assets/evaluate/data/humaneval/HumanEval.jsonl \
        r1_assets/evaluate/data/aime24/test.jsonl

The planted pairs of benchmarks/dedup.py measure recall; this measures the other side. Benchmark
sets are curated to hold distinct problems, so every pair that would be merged is a candidate
false positive: the table counts them per threshold, with and without the number guard, and the
pairs at the default settings are printed to be read. Then the pipeline's own ``decide`` runs on
the same problems with their reference answers and tests, with ground truth on and off: what the
answers and tests add (merges below the threshold) and take away (conflicting merges), pair by
pair. Embeddings come from the project's cache. ``--first-pass static`` decides with the static
first pass (``dedup.fast``). Writes benchmarks/results/dedup_real.json.

``--code-statements`` adds labeled contest statements in Codeforces and CodeContests shapes
(``code_statements.py``: easy/hard versions, another question on the same setting, a relisting,
a CodeContests rendering) and reports, per class, how many labeled pairs the pipeline merged,
with precision and recall on the true duplicates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
import code_statements
from dedup import RESULTS, embed

from r1_assets import settings as project
from r1_assets.catalog.schema import TEST_CASE_DTYPE, problem_uid
from r1_assets.dedup.calibration import ground_truth_decided
from r1_assets.dedup.numbers import number_set
from r1_assets.dedup.pool import decide, rank_rows
from r1_assets.dedup.settings import DedupSettings
from r1_assets.dedup.static import StaticModel, static_model

TEXT_FIELDS = ("problem", "question", "prompt", "text", "instruction")
THRESHOLDS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95)


def read_problems(path: Path) -> list[dict]:
    """Text, short reference answer (GSM8K's after ``####``) and tests (MBPP's asserts) per row."""
    problems = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        field = next((f for f in TEXT_FIELDS if isinstance(row.get(f), str)), None)
        if field is None:
            raise SystemExit(f"{path}: no text field among {TEXT_FIELDS}")
        answer = row.get("answer")
        if isinstance(answer, str) and "####" in answer:
            answer = answer.rsplit("####", 1)[1]
        tests = row.get("test_list") or ([row["test"]] if isinstance(row.get("test"), str) else [])
        problems.append(
            {
                "text": row[field],
                "answer": None if answer is None else str(answer).strip(),
                "tests": [
                    {"kind": "assert", "input": t, "output": None, "fn_name": None, "split": None}
                    for t in tests
                ],
            }
        )
    return problems


def pipeline_decisions(
    problems: list[dict],
    uids: list[str],
    origin: list[str],
    vectors: np.ndarray,
    settings: DedupSettings,
    static: StaticModel | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The pipeline's decisions and judged pairs for these problems, each file a source
    (``static``: the static model, for ``first_pass="static"``)."""
    frame = pl.DataFrame(
        {
            "problem_uid": uids,
            "source": origin,
            "source_row_id": [str(i) for i in range(len(problems))],
            "domain": ["math"] * len(problems),
            "problem": [p["text"] for p in problems],
            "reference_answer": [p["answer"] for p in problems],
            "test_cases": [p["tests"] for p in problems],
            "metadata": [
                json.dumps({"rating": p["rating"]}) if p.get("rating") else None for p in problems
            ],
        },
        schema_overrides={"test_cases": pl.List(TEST_CASE_DTYPE), "metadata": pl.String},
    )
    embeddings = pl.DataFrame(
        {"problem_uid": uids, "embedding": list(vectors)},
        schema={"problem_uid": pl.String, "embedding": pl.List(pl.Float32)},
    )
    decisions, pairs, _ = decide(rank_rows(frame, {}), embeddings, settings, static=static)
    return decisions, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="JSONL problem sets")
    parser.add_argument(
        "--code-statements", action="store_true", help="add the labeled contest statements"
    )
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument(
        "--first-pass",
        choices=["none", "static"],
        default="none",
        help="decide with the static first pass (DedupSettings.first_pass)",
    )
    parser.add_argument("--show", type=int, default=12, help="pairs printed at the default")
    args = parser.parse_args()

    if not args.files and not args.code_statements:
        parser.error("give problem files, --code-statements, or both")
    problems, origin = [], []
    for path in args.files:
        batch = read_problems(path)
        problems += batch
        origin += [f"{path.parent.name}/{path.stem}"] * len(batch)
    first_statement = len(problems)
    classes: dict = {}
    if args.code_statements:
        statements, classes = code_statements.rows()
        problems += statements
        origin += ["code_statements"] * len(statements)
    texts = [p["text"] for p in problems]
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

    # the pipeline itself, with and without the answers and tests
    uids = [problem_uid(t) for t in texts]
    text_of = dict(zip(uids, texts, strict=True))
    origin_of = dict(zip(uids, origin, strict=True))
    by_method, changed, statement_scores = {}, [], {}
    for ground_truth in (False, True):
        decisions, pairs = pipeline_decisions(
            problems,
            uids,
            origin,
            vectors,
            DedupSettings(ground_truth=ground_truth, first_pass=args.first_pass),
            static=static_model(project.models_dir()) if args.first_pass == "static" else None,
        )
        if classes:
            ordered = decisions.sort(pl.col("source_row_id").cast(pl.Int64))
            targets = ordered.select(pl.coalesce("duplicate_of", "problem_uid"))[:, 0].to_list()
            clusters = [hash(t) for t in targets[first_statement:]]
            merged = code_statements.merged_pairs(clusters)
            found = code_statements.scores(merged, classes)
            statement_scores["on" if ground_truth else "off"] = found
        counts = dict(decisions["method"].drop_nulls().value_counts().rows())
        counts["ground_truth_conflict"] = int((pairs["verdict"] == "ground_truth_conflict").sum())
        by_method["on" if ground_truth else "off"] = counts
        if ground_truth:
            decided = ground_truth_decided(pairs)
            changed = [
                {
                    "decided_by": row["decided_by"],
                    "similarity": round(row["similarity"], 3),
                    "a": f"{origin_of[row['a_uid']]}: {text_of[row['a_uid']][:150]}",
                    "b": f"{origin_of[row['b_uid']]}: {text_of[row['b_uid']][:150]}",
                }
                for row in decided.sort("similarity", descending=True).iter_rows(named=True)
            ]
    print("\nthe pipeline's decide() at its defaults, duplicates by method:")
    header = ("ground truth", "exact", "semantic", "answer", "tests", "conflicts")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (12, 6, 9, 7, 6, 9), strict=True)))
    for name, counts in by_method.items():
        print(
            f"{name:>12} {counts.get('exact', 0):>6} {counts.get('semantic', 0):>9} "
            f"{counts.get('answer', 0):>7} {counts.get('tests', 0):>6} "
            f"{counts.get('ground_truth_conflict', 0):>9}"
        )
    print("\nwhat the answers and tests decided (merged below the threshold, or kept apart):")
    for pair in changed:
        print(
            f"  {pair['decided_by']} {pair['similarity']}\n    A {pair['a']!r}\n    B {pair['b']!r}"
        )
    if statement_scores:
        print("\ncontest statements (code_statements.py): labeled pairs merged, per class")
        print(f"{'ground truth':>12} {'class':<36} {'pairs':>6} {'merged':>7}")
        for name, found in statement_scores.items():
            for label, row in found["per_class"].items():
                print(f"{name:>12} {label:<36} {row['pairs']:>6} {row['merged']:>7}")
            print(
                f"{name:>12} {'true duplicates':<36} precision {found['precision']:.3f} "
                f"recall {found['recall']:.3f} ({found['merged_pairs']} merged pairs)"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "dedup_real.json"
    out.write_text(
        json.dumps(
            {
                "files": [str(f) for f in args.files],
                "problems": len(texts),
                "table": table,
                "default_pairs": shown,
                "pipeline_duplicates_by_method": by_method,
                "ground_truth_decided": changed,
                "code_statements": statement_scores,
            },
            indent=2,
        )
    )
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
