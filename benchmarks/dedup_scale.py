"""Dedup of a generated pool at 100k-1M rows: the full MiniLM path against the static first pass,
in one process, plus both on the real labelled sets of ``dedup_real.py``.

    python benchmarks/dedup_scale.py --rows 100000   # full path measured (MiniLM cached after once)
    python benchmarks/dedup_scale.py --rows 1000000  # fast path measured, full path extrapolated
    nice -n 19 python benchmarks/dedup_scale.py --rows 1000000 --embed-only  # fill the cache
    python benchmarks/dedup_scale.py --rows 1000000 --full-max 1000000  # then both, measured

The pool is ``dedup.py``'s generator: problems from paired templates with planted rewordings
(the other phrasing, same numbers: duplicates), number-only variants (one number moved: never
duplicates) and near-copies (a prefix or suffix, spacing: duplicates), at the rates given.

The fast path (``DedupSettings(first_pass="static")``) really runs: static vectors, the search
within number groups, MiniLM on the rows of candidate pairs only (embedded in this run, never
from the cache), then the evidence and decisions of ``pool``. The full path embeds every row
with MiniLM (from the embedding cache: data/cache/embeddings; its embedding time is the rate
measured by the fast path's MiniLM phase times the rows, unless this run embedded them) and
searches them all; above ``--full-max`` rows it is not run, and its time is extrapolated
(labelled so). ``--embed-only`` embeds the pool into that cache and stops: resumable, so a
million rows' MiniLM (hours here) can fill it at low priority across sessions before the
measured run. Recall is of the full path's duplicate pairs; "added" are duplicate pairs only
the fast path found. The real sets (``--real`` files and dedup_real.py's labelled contest
statements) are decided both ways: every merge only the fast path makes is a new false-merge
candidate. Writes benchmarks/results/dedup_scale_<rows>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
import code_statements
from dedup import RESULTS, embed, generate
from dedup_real import pipeline_decisions, read_problems

from r1_assets import settings as project
from r1_assets.catalog.schema import TEST_CASE_DTYPE, normalize_problem_text, problem_uid
from r1_assets.dedup import fast
from r1_assets.dedup.embedder import SentenceEmbedder
from r1_assets.dedup.pool import decide, rank_rows
from r1_assets.dedup.settings import DedupSettings
from r1_assets.dedup.static import StaticModel, static_model

SHARED = project.BENCHMARK_DATA_DIR
REAL_FILES = [
    "math500/test.jsonl",
    "gsm8k/test.jsonl",
    "gsm8k/train.jsonl",
    "mbpp/mbpp.jsonl",
    "humaneval/HumanEval.jsonl",
    "aime24/test.jsonl",
]


def pool_frame(texts: list[str]) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame(
        {
            "problem_uid": [problem_uid(t) for t in texts],
            "source": ["generated"] * n,
            "source_row_id": [str(i) for i in range(n)],
            "domain": ["math"] * n,
            "problem": texts,
            "reference_answer": [None] * n,
            "test_cases": [[] for _ in range(n)],
        },
        schema_overrides={"test_cases": pl.List(TEST_CASE_DTYPE), "reference_answer": pl.String},
    )


class Timed:
    """Seconds spent in wrapped functions, by phase."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.rows: dict[str, int] = {}

    def wrap(self, phase: str, function: Callable) -> Callable:
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - started

        return timed


def minilm_lookup(embedder: SentenceEmbedder, timer: Timed) -> Callable:
    """The fast path's confirmation: MiniLM on the rows it is given, in this run (no cache)."""

    def lookup(rows: pl.DataFrame) -> pl.DataFrame:
        texts = [normalize_problem_text(t) for t in rows["problem"].to_list()]
        timer.rows["minilm_confirm"] = timer.rows.get("minilm_confirm", 0) + len(texts)
        vectors = embedder.embed(texts, 64).vectors if texts else np.zeros((0, 384), np.float32)
        return pl.DataFrame(
            {"problem_uid": rows["problem_uid"], "embedding": list(vectors)},
            schema={"problem_uid": pl.String, "embedding": pl.List(pl.Float32)},
        )

    return lookup


def run_fast(
    ranked: pl.DataFrame, embedder: SentenceEmbedder, static: StaticModel, settings: DedupSettings
) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """decide(first_pass="static") with each phase timed (the phases are wrapped, not copied)."""
    timer = Timed()
    timed_static = StaticModel(
        static.folder, static.key, static.table, static.max_tokens, static.tokenizer_path
    )
    object.__setattr__(timed_static, "encode", timer.wrap("static_embed", static.encode))
    originals = {name: getattr(fast, name) for name in ("number_groups", "fast_candidates")}
    fast.number_groups = timer.wrap("number_groups", fast.number_groups)
    fast.fast_candidates = timer.wrap("static_search", fast.fast_candidates)
    lookup = timer.wrap("minilm_confirm", minilm_lookup(embedder, timer))
    started = time.perf_counter()
    try:
        decisions, pairs, _ = decide(ranked, lookup, settings, static=timed_static)
    finally:
        for name, function in originals.items():
            setattr(fast, name, function)
    total = time.perf_counter() - started
    phases = {k: round(v, 1) for k, v in timer.seconds.items()}
    phases["evidence_decisions"] = round(total - sum(timer.seconds.values()), 1)
    phases["total"] = round(total, 1)
    confirmed = timer.rows.get("minilm_confirm", 0)
    phases["minilm_rows"] = confirmed
    phases["minilm_texts_per_s"] = round(confirmed / max(timer.seconds["minilm_confirm"], 1e-9), 1)
    return decisions, pairs, phases


def duplicate_pairs(pairs: pl.DataFrame) -> set[tuple[str, str]]:
    return set(pairs.filter(pl.col("verdict") == "duplicate").select("a_uid", "b_uid").rows())


def merged_fraction(decisions: pl.DataFrame, uids: list[str], planted: list) -> tuple[int, int]:
    target = dict(zip(decisions["problem_uid"], decisions["duplicate_of"], strict=True))

    def cluster(i: int) -> str:
        return target[uids[i]] or uids[i]

    return sum(cluster(i) == cluster(j) for i, j in planted), len(planted)


def merged_uid_pairs(decisions: pl.DataFrame) -> set[frozenset[str]]:
    """Every pair of distinct problem_uids in one cluster (via duplicate_of)."""
    clusters = (
        decisions.unique("problem_uid")
        .group_by(pl.coalesce("duplicate_of", "problem_uid").alias("c"))
        .agg("problem_uid")
    )
    out = set()
    for members in clusters["problem_uid"].to_list():
        out |= {frozenset((a, b)) for k, a in enumerate(members) for b in members[k + 1 :]}
    return out


def real_sets(files: list[Path], static: StaticModel, threads: int) -> dict:
    """dedup_real.py's problems (and its labelled contest statements), decided both ways."""
    problems, origin = [], []
    for path in files:
        batch = read_problems(path)
        problems += batch
        origin += [f"{path.parent.name}/{path.stem}"] * len(batch)
    first_statement = len(problems)
    statements, classes = code_statements.rows()
    problems += statements
    origin += ["code_statements"] * len(statements)
    texts = [p["text"] for p in problems]
    vectors, _ = embed(texts, threads)
    uids = [problem_uid(t) for t in texts]
    out: dict = {"problems": len(texts), "files": [str(f) for f in files]}
    results = {}
    for name, settings in (
        ("full", DedupSettings()),
        ("fast", DedupSettings(first_pass="static")),
    ):
        decisions, pairs = pipeline_decisions(
            problems, uids, origin, vectors, settings, static=static
        )
        ordered = decisions.sort(pl.col("source_row_id").cast(pl.Int64))
        targets = ordered.select(pl.coalesce("duplicate_of", "problem_uid"))[:, 0].to_list()
        found = code_statements.scores(
            code_statements.merged_pairs([hash(t) for t in targets[first_statement:]]), classes
        )
        edges = {frozenset(p) for p in duplicate_pairs(pairs)}
        claims = {
            frozenset(p)
            for p in decisions.filter(pl.col("method").is_in(["semantic", "answer", "tests"]))
            .select("duplicate_of", "problem_uid")
            .rows()
        }
        results[name] = (edges, claims, merged_uid_pairs(decisions))
        out[f"{name}_duplicate_pairs"] = len(edges)
        out[f"{name}_statements_precision"] = found["precision"]
        out[f"{name}_statements_recall"] = found["recall"]
    text_of = dict(zip(uids, texts, strict=True))
    (full_edges, _, full_clusters), (fast_edges, fast_claims, fast_clusters) = (
        results["full"],
        results["fast"],
    )
    # a merge the full path's evidence does not back is a new false merge (the sets are curated)
    out["pairs_only_fast"] = len(fast_edges - full_edges)
    out["fast_merges_not_backed_by_full"] = len(fast_claims - full_edges)
    out["pairs_only_full"] = len(full_edges - fast_edges)
    out["examples_only_full"] = [
        [text_of[u][:90] for u in pair] for pair in list(full_edges - fast_edges)[:8]
    ]
    # the greedy clusters shift where an edge is missing: rows claimed by another kept row
    out["cluster_pairs_only_fast"] = len(fast_clusters - full_clusters)
    out["cluster_pairs_only_full"] = len(full_clusters - fast_clusters)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rewordings", type=float, default=0.02)
    parser.add_argument("--variants", type=float, default=0.10)
    parser.add_argument("--near-copies", type=float, default=0.01)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--full-max", type=int, default=100_000, help="largest pool the full path runs on"
    )
    parser.add_argument(
        "--real", nargs="*", type=Path, help="JSONL sets (default: the shipped ones)"
    )
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument(
        "--embed-only", action="store_true", help="fill the embedding cache with the pool, stop"
    )
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    near: list[tuple[int, int]] = []
    texts, reworded, variants = generate(
        args.rows,
        rewordings=args.rewordings,
        variants_rate=args.variants,
        near_copies=args.near_copies,
        near=near,
    )
    if args.embed_only:
        _, stats = embed(texts, args.threads)
        print(f"embedding cache filled: {stats}")
        return
    frame = pool_frame(texts)
    ranked = rank_rows(frame, {})
    uids = frame["problem_uid"].to_list()
    print(
        f"rows={args.rows:,} distinct={frame['problem_uid'].n_unique():,} planted rewordings="
        f"{len(reworded):,} number variants={len(variants):,} near-copies={len(near):,}"
    )
    started = time.perf_counter()
    static = static_model(project.models_dir(), log=print)
    static_load = round(time.perf_counter() - started, 1)
    embedder = SentenceEmbedder(threads=args.threads)
    fast_settings = DedupSettings(first_pass="static")
    fast_decisions, fast_pairs, phases = run_fast(ranked, embedder, static, fast_settings)
    phases["static_model_load"] = static_load
    rate = phases["minilm_texts_per_s"]
    rows: list[dict] = []
    distinct = frame["problem_uid"].n_unique()
    fast_row = {"path": "fast (static first pass)", "measured": "yes", **phases}
    for label, planted in (("rewordings", reworded), ("variants", variants), ("near", near)):
        hit, total = merged_fraction(fast_decisions, uids, planted)
        fast_row[f"{label}_merged"] = f"{hit}/{total}"
    fast_row["duplicate_pairs"] = len(duplicate_pairs(fast_pairs))
    full_row: dict = {"path": "full (MiniLM on every row)"}
    if args.rows <= args.full_max:
        vectors, embed_stats = embed(texts, args.threads)
        embeddings = pl.DataFrame(
            {"problem_uid": uids, "embedding": list(vectors)},
            schema={"problem_uid": pl.String, "embedding": pl.List(pl.Float32)},
        ).unique("problem_uid")
        started = time.perf_counter()
        full_decisions, full_pairs, _ = decide(ranked, embeddings, DedupSettings())
        search = time.perf_counter() - started
        embedded_now = embed_stats["embedded"] == len(set(uids))
        embed_s = embed_stats["embed_s"] if embedded_now else round(distinct / rate, 1)
        full_row |= {
            "measured": "yes" if embedded_now else "search yes, embedding at the measured rate",
            "minilm_embed": embed_s,
            "search_evidence_decisions": round(search, 1),
            "total": round(embed_s + search, 1),
            "minilm_rows": distinct,
        }
        for label, planted in (("rewordings", reworded), ("variants", variants), ("near", near)):
            hit, total = merged_fraction(full_decisions, uids, planted)
            full_row[f"{label}_merged"] = f"{hit}/{total}"
        full, found = duplicate_pairs(full_pairs), duplicate_pairs(fast_pairs)
        full_row["duplicate_pairs"] = len(full)
        fast_row["recall_of_full_pairs"] = round(len(full & found) / max(len(full), 1), 4)
        fast_row["pairs_only_fast"] = len(found - full)
        planted = {frozenset((uids[i], uids[j])) for i, j in reworded + near}
        fast_row["pairs_only_fast_planted"] = sum(frozenset(p) in planted for p in found - full)
        fast_row["pairs_only_full"] = len(full - found)
        same = fast_decisions.select("problem_uid", "decision", "duplicate_of").equals(
            full_decisions.select("problem_uid", "decision", "duplicate_of")
        )
        fast_row["decisions_equal_full"] = same
    else:
        embed_s = round(distinct / rate, 1)
        full_row |= {
            "measured": "no: extrapolated (embedding = rows / the MiniLM rate measured here)",
            "minilm_embed": embed_s,
            "minilm_rows": distinct,
            "total": f">= {embed_s}",
        }
    rows += [full_row, fast_row]
    real = None
    if not args.skip_real:
        files = args.real if args.real is not None else [SHARED / f for f in REAL_FILES]
        real = real_sets([f for f in files if f.exists()], static, args.threads)

    # one line per measure, one column per path (seconds unless named otherwise)
    keys = list(dict.fromkeys(k for row in rows for k in row if k != "path"))
    width = max(len(k) for k in keys)
    print(f"\n{'':<{width}}  " + "  ".join(f"{row['path']:<30}" for row in rows))
    for key in keys:
        cells = "  ".join(f"{row.get(key, '-')!s:<30}" for row in rows)
        print(f"{key:<{width}}  {cells}")
    if real:
        print("\nreal sets, decided both ways:")
        for key, value in real.items():
            if key != "files":
                print(f"  {key:<28} {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"dedup_scale_{args.rows}.json"
    out.write_text(
        json.dumps(
            {
                "rows": args.rows,
                "distinct": distinct,
                "rates": {
                    "rewordings": args.rewordings,
                    "variants": args.variants,
                    "near_copies": args.near_copies,
                },
                "threads": args.threads,
                "paths": rows,
                "real": real,
            },
            indent=2,
        )
    )
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
