"""Dedup at scale: embedding throughput, then all-pairs near-duplicate search with usearch (default
and tuned) against faiss HNSW and exact matrix search, in one process, as ratios.

    pip install -e ".[bench]"
    python benchmarks/dedup.py --rows 10000     # ~1.5 min the first time (embedding), cached after
    python benchmarks/dedup.py --rows 100000    # ~15 min the first time on 2 cores
    python benchmarks/dedup.py --rows 1000000   # documented option: ~2-3 h of embedding on 2 cores

The pool is generated: problems from paired templates (the same problem phrased two ways), with
planted rewordings (the other phrasing, same numbers) and planted number-only variants (the same
phrasing, one number changed). Embeddings come from the project's embedder and its content-addressed
cache (data/cache/embeddings), so a rerun only pays for the search.

Reported per engine: build and search time, the ratio to exact search, recall of the exact
search's pairs (cos >= threshold), and dedup quality on the planted pairs with the number guard
(recall of rewordings, variants wrongly merged). Writes benchmarks/results/dedup_<rows>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

import numpy as np
import polars as pl

from r1_assets import settings
from r1_assets.catalog.schema import normalize_problem_text, problem_uid
from r1_assets.dedup.cache import EmbeddingCache
from r1_assets.dedup.embedder import DEFAULT_MODEL, SentenceEmbedder, embed_in_chunks, model_key
from r1_assets.dedup.numbers import numbers_differ
from r1_assets.dedup.pool import embedding_matrix, rescored_pairs

RESULTS = Path(__file__).parent / "results"

# (phrasing A, phrasing B) of the same problem; {n1} {n2} {n3} are numbers, {name} {item} {place}
TEMPLATES = [
    (
        "{name} buys {n1} {item} on Monday and {n2} {item} on Tuesday. How many {item} did "
        "{name} buy in total?",
        "On Monday {name} bought {n1} {item}, and on Tuesday another {n2}. What is the total "
        "number of {item} {name} bought?",
    ),
    (
        "A {place} has {n1} rows of seats with {n2} seats in each row. How many seats are there?",
        "There are {n2} seats in every row of a {place}, which has {n1} rows. Find the number of "
        "seats.",
    ),
    (
        "{name} reads {n1} pages a day. How many days does {name} need for a book of {n2} pages?",
        "A book has {n2} pages and {name} reads {n1} pages each day. After how many days will "
        "{name} finish it?",
    ),
    (
        "Find the remainder when {n1}^{n2} is divided by {n3}.",
        "What is {n1} raised to the power {n2}, modulo {n3}?",
    ),
    (
        "Solve for x: {n1}x + {n2} = {n3}.",
        "Determine the value of x that satisfies {n1}x + {n2} = {n3}.",
    ),
    (
        "A rectangle has length {n1} cm and width {n2} cm. What is its perimeter?",
        "Compute the perimeter, in centimeters, of a {n1} cm by {n2} cm rectangle.",
    ),
    (
        "{name} has {n1} dollars and spends {n2} dollars on {item}. How much money is left?",
        "After spending {n2} dollars on {item}, how many of {name}'s {n1} dollars remain?",
    ),
    (
        "How many positive divisors does {n1} have?",
        "Count the positive integers that divide {n1} evenly.",
    ),
    (
        "A train travels {n1} km in {n2} hours. What is its average speed in km/h?",
        "What average speed, in km per hour, does a train need to cover {n1} km in {n2} hours?",
    ),
    (
        "What is the least common multiple of {n1} and {n2}?",
        "Find the smallest positive integer divisible by both {n1} and {n2}.",
    ),
    (
        "Given an array of {n1} integers, print the sum of the {n2} largest elements.",
        "You are given {n1} integers. Output the total of the {n2} biggest values among them.",
    ),
    (
        "Write a function that returns True if a string of length at most {n1} is a palindrome.",
        "Implement a function checking whether a string (length up to {n1}) reads the same "
        "backwards.",
    ),
    (
        "A {item} costs {n1} dollars and is discounted by {n2} percent. What is the new price?",
        "What does a {n1}-dollar {item} cost after a {n2}% discount?",
    ),
    (
        "In how many ways can a committee of {n2} be chosen from {n1} people?",
        "How many different {n2}-person committees can be formed out of {n1} people?",
    ),
    (
        "The sum of two numbers is {n1} and their difference is {n2}. Find the larger number.",
        "Two numbers add up to {n1} and differ by {n2}. What is the bigger of the two?",
    ),
    (
        "{name} walks {n1} km to the {place} and {n2} km back. How far does {name} walk?",
        "What total distance does {name} cover walking {n1} km to the {place} and {n2} km home?",
    ),
]
NAMES = [
    "Ava",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kai",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
]
ITEMS = ["apples", "pencils", "books", "stickers", "marbles", "cookies", "cards", "shells"]
PLACES = ["theater", "stadium", "library", "school", "park", "museum", "market", "harbor"]


# how a near-copy differs from its original: wording around the problem, not its numbers
NEAR_COPY_EDITS = [
    lambda t: f"Problem: {t}",
    lambda t: f"{t} Show your work.",
    lambda t: t.replace("?", " ?").replace(".", " ."),
    lambda t: f"{t} Give the answer only.",
]


def generate(
    rows: int,
    seed: int = 0,
    rewordings: float = 0.1,
    variants_rate: float = 0.1,
    near_copies: float = 0.0,
    near: list[tuple[int, int]] | None = None,
) -> tuple[list[str], list[tuple[int, int]], list[tuple[int, int]]]:
    """Texts, planted rewording pairs and planted number-variant pairs (indices); each drawn
    problem is followed by its rewording, a number variant or (appended to ``near``) a near-copy
    with the given probabilities."""
    rng = random.Random(seed)
    texts, reworded, variants, seen = [], [], [], set()

    def fill(template: str, slots: dict) -> str:
        return template.format(**slots)

    while len(texts) < rows:
        pair = rng.choice(TEMPLATES)
        slots = {
            "name": rng.choice(NAMES),
            "item": rng.choice(ITEMS),
            "place": rng.choice(PLACES),
            "n1": rng.randint(2, 9999),
            "n2": rng.randint(2, 999),
            "n3": rng.randint(2, 99),
        }
        text = fill(pair[0], slots)
        if text in seen:
            continue
        seen.add(text)
        texts.append(text)
        roll = rng.random()
        if roll < rewordings and len(texts) < rows:  # other phrasing, same numbers
            texts.append(fill(pair[1], slots))
            reworded.append((len(texts) - 2, len(texts) - 1))
        elif roll < rewordings + variants_rate and len(texts) < rows:  # one number moved
            changed = dict(slots, n1=slots["n1"] + rng.randint(1, 9))
            texts.append(fill(pair[0], changed))
            variants.append((len(texts) - 2, len(texts) - 1))
        elif roll < rewordings + variants_rate + near_copies and len(texts) < rows:
            texts.append(rng.choice(NEAR_COPY_EDITS)(text))
            if near is not None:
                near.append((len(texts) - 2, len(texts) - 1))
    return texts[:rows], reworded, variants


def embed(texts: list[str], threads: int) -> tuple[np.ndarray, dict]:
    cache = EmbeddingCache(
        settings.data_dir() / "cache" / "embeddings", model_key(DEFAULT_MODEL, None)
    )
    uids = [problem_uid(t) for t in texts]
    cached = cache.lookup(uids)
    missing = sorted(set(uids) - set(cached["problem_uid"].to_list()))
    by_uid = dict(zip(uids, texts, strict=True))
    started = time.perf_counter()
    if missing:
        embedder = SentenceEmbedder(DEFAULT_MODEL, threads=threads)
        batch = [normalize_problem_text(by_uid[u]) for u in missing]
        embed_in_chunks(
            embedder,
            batch,
            1024,
            32,
            lambda s, e, out: cache.add_vectors(
                missing[s:e], out.vectors, out.n_tokens, out.truncated
            ),
            desc="embedding pool",
        )
        cached = cache.lookup(uids)
    seconds = time.perf_counter() - started
    ordered = pl.DataFrame({"problem_uid": uids}).join(
        cached, on="problem_uid", how="left", maintain_order="left"
    )
    matrix = embedding_matrix(ordered["embedding"])
    return matrix, {
        "embedded": len(missing),
        "cached": len(uids) - len(missing),
        "embed_s": round(seconds, 1),
        "texts_per_s": round(len(missing) / seconds, 1) if missing else None,
    }


def pairs_from(keys: np.ndarray, vectors: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    """Pairs (i < j) among k-NN results with exact cosine >= threshold (rescored in f32)."""
    frame = rescored_pairs(np.arange(len(keys)), np.asarray(keys), vectors, threshold)
    return set(zip(frame["i"].to_list(), frame["j"].to_list(), strict=True))


def exact_search(vectors: np.ndarray, k: int) -> tuple[np.ndarray, float, float]:
    started = time.perf_counter()
    keys = np.empty((len(vectors), k), dtype=np.int64)
    for start in range(0, len(vectors), 1024):  # blocks: a full n x n matrix does not fit at 1M
        sims = vectors[start : start + 1024] @ vectors.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        keys[start : start + 1024] = top
    return keys, 0.0, time.perf_counter() - started


def cached_exact(vectors: np.ndarray, k: int, reuse: bool) -> tuple[np.ndarray, float, float]:
    """Exact search, or with --reuse-exact its keys and time from an earlier run on the same
    pool (exact search is ~4 min at 100k; tuning runs need only its answer)."""
    stem = RESULTS / f"exact_{len(vectors)}_k{k}"
    if reuse and stem.with_suffix(".npy").exists():
        seconds = json.loads(stem.with_suffix(".json").read_text())["search_s"]
        return np.load(stem.with_suffix(".npy")), 0.0, seconds
    keys, build_s, search_s = exact_search(vectors, k)
    RESULTS.mkdir(exist_ok=True)
    np.save(stem.with_suffix(".npy"), keys)
    stem.with_suffix(".json").write_text(json.dumps({"search_s": search_s}))
    return keys, build_s, search_s


def faiss_hnsw(
    vectors: np.ndarray, k: int, m: int, ef_construction: int, ef_search: int
) -> tuple[np.ndarray, float, float]:
    import faiss

    started = time.perf_counter()
    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.add(vectors)
    built = time.perf_counter()
    index.hnsw.efSearch = ef_search
    _, keys = index.search(vectors, k)
    return keys, built - started, time.perf_counter() - built


def usearch_hnsw(
    vectors: np.ndarray,
    k: int,
    dtype: str,
    connectivity: int | None,
    expansion_add: int | None,
    expansion_search: int | None,
) -> tuple[np.ndarray, float, float]:
    from usearch.index import Index

    started = time.perf_counter()
    index = Index(
        ndim=vectors.shape[1],
        metric="cos",
        dtype=dtype,
        connectivity=connectivity,
        expansion_add=expansion_add,
        expansion_search=expansion_search,
    )
    index.add(np.arange(len(vectors), dtype=np.uint64), vectors)
    built = time.perf_counter()
    keys = index.search(vectors, k).keys
    return keys.astype(np.int64), built - started, time.perf_counter() - built


def minhash_first_pass(texts: list[str], threshold: float = 0.8) -> tuple[set, float]:
    """MinHash-LSH over word 3-gram shingles: catches near-verbatim copies only."""
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh, signatures = MinHashLSH(threshold=threshold, num_perm=128), []
    for i, text in enumerate(texts):
        words = normalize_problem_text(text).split()
        minhash = MinHash(num_perm=128)
        for shingle in {" ".join(words[p : p + 3]) for p in range(max(len(words) - 2, 1))}:
            minhash.update(shingle.encode())
        lsh.insert(str(i), minhash)
        signatures.append(minhash)
    found = set()
    for i, minhash in enumerate(signatures):
        for other in lsh.query(minhash):
            j = int(other)
            if j != i:
                found.add((min(i, j), max(i, j)))
    return found, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--threshold", type=float, default=0.80)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-minhash", action="store_true")
    parser.add_argument(
        "--reuse-exact",
        action="store_true",
        help="take exact search's answer and time from an earlier run",
    )
    args = parser.parse_args()

    texts, reworded, variants = generate(args.rows)
    vectors, embed_stats = embed(texts, args.threads)
    k = args.k + 1  # each query finds itself first
    engines = {
        "exact (numpy blocks)": lambda: cached_exact(vectors, k, args.reuse_exact),
        "faiss HNSW M32 efC40 efS64": lambda: faiss_hnsw(vectors, k, 32, 40, 64),
        "usearch f16 default params": lambda: usearch_hnsw(vectors, k, "f16", None, None, None),
        # tuning (100k, same process as faiss): DESIGN.md's fast build (connectivity 32,
        # expansion_add 40) reached only 0.944, and a wider search alone did not help (search128:
        # 0.953): the graph was too sparse. Recall comes from expansion_add; connectivity 16 is
        # cheaper than 24/32 at the same recall. c16/add96/search48 was the first at 0.990.
        "usearch f16 c32 add40 search64": lambda: usearch_hnsw(vectors, k, "f16", 32, 40, 64),
        "usearch f16 c16 add64 search64": lambda: usearch_hnsw(vectors, k, "f16", 16, 64, 64),
        "usearch f16 c16 add80 search64": lambda: usearch_hnsw(vectors, k, "f16", 16, 80, 64),
        "usearch f16 c16 add64 search96": lambda: usearch_hnsw(vectors, k, "f16", 16, 64, 96),
        "usearch f16 c16 add96 search48": lambda: usearch_hnsw(vectors, k, "f16", 16, 96, 48),
        "usearch f32 c16 add64 search64": lambda: usearch_hnsw(vectors, k, "f32", 16, 64, 64),
    }
    results, truth = [], None
    planted_same = set(reworded)
    planted_variants = set(variants)
    for name, run in engines.items():
        keys, build_s, search_s = run()
        found = pairs_from(keys, vectors, args.threshold)
        if truth is None:
            truth, exact_total = found, build_s + search_s
        guarded = {(i, j) for i, j in found if not numbers_differ(texts[i], texts[j])}
        results.append(
            {
                "engine": name,
                "build_s": round(build_s, 2),
                "search_s": round(search_s, 2),
                "total_s": round(build_s + search_s, 2),
                "speedup_vs_exact": round(exact_total / max(build_s + search_s, 1e-9), 2),
                "recall_vs_exact": round(len(found & truth) / max(len(truth), 1), 4),
                "rewordings_found": round(
                    len(guarded & planted_same) / max(len(planted_same), 1), 3
                ),
                "precision_guard": round(len(guarded & planted_same) / max(len(guarded), 1), 3),
                "variants_merged_guard": len(guarded & planted_variants),
                "variants_merged_no_guard": len(found & planted_variants),
                "pairs_flagged_guard": len(guarded),
            }
        )
    minhash = None
    if not args.skip_minhash:
        found, seconds = minhash_first_pass(texts)
        minhash = {
            "seconds": round(seconds, 2),
            "pairs": len(found),
            "rewordings_found": round(len(found & planted_same) / max(len(planted_same), 1), 3),
            "variants_flagged": len(found & planted_variants),
        }

    columns = list(results[0])
    widths = [max(len(c), *(len(str(r[c])) for r in results)) for c in columns]
    print(
        f"rows={args.rows:,} k={args.k} threshold={args.threshold} threads={args.threads} "
        f"planted rewordings={len(reworded):,} variants={len(variants):,}"
    )
    print(f"embedding: {embed_stats}")
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in results:
        print("  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))
    if minhash:
        print(f"MinHash-LSH (128 perms, Jaccard 0.8, word 3-grams): {minhash}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dedup_{args.rows}.json"
    out.write_text(
        json.dumps(
            {
                "rows": args.rows,
                "k": args.k,
                "threshold": args.threshold,
                "threads": args.threads,
                "planted_rewordings": len(reworded),
                "planted_variants": len(variants),
                "embedding": embed_stats,
                "engines": results,
                "minhash": minhash,
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
