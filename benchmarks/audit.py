"""Contamination audit at scale: a generated training pool against a generated benchmark.

    python benchmarks/audit.py                         # 10k rows x 500 items, ~2 min on 2 cores
                                                       # (embedding the 10k rows is most of it)
    python benchmarks/audit.py --rows 2000 --items 100 --no-embed

Texts are composed from independent sentence pools (setup x detail x question) with varied names,
objects and numbers, so unrelated texts share words but rarely long runs; a fifth of the texts
carry an Asymptote figure and a third close with one of two template sentences (as olympiad
problems do). About 5% of the items are planted in the pool, in six ways: verbatim, reformatted
(spacing, LaTeX braces, \\dfrac, trailing "Answer:"), embedded in a longer text (problem + worked
solution), in another prompt format (an instruction before and after), without its figure, and
with its numbers written in words. Recall is reported per way, and every other pair by verdict:
a shared template phrase must never count.

Timed: building the n-gram index, querying it, MiniLM embedding (reported separately: it dominates,
and the pipeline caches embeddings per problem), the exact embedding search, and the whole audit
as the contamination_report asset runs it (``match_items``: n-grams with the boilerplate filter +
embeddings from the cache + number guard + verdicts). Baseline in the same process: naive
all-pairs Python set intersection of 8-gram sets on a subsample of items, scaled to the full
benchmark, reported as a ratio. Writes benchmarks/results/audit.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

import polars as pl

from r1_assets.audit.overlap import (
    MIN_COVERAGE_8,
    NgramIndex,
    audit_tokens,
    embedding_hits,
)
from r1_assets.audit.report import AuditSettings, match_items

RESULTS = Path(__file__).parent / "results"

SETUPS = [
    "{name} has {a} {item} in a {place}.",
    "A {place} stocks {a} {item} at the start of the week.",
    "There are {a} {item} arranged in {b} equal rows on a {place} shelf.",
    "Let $f(x) = {a}x^2 + {b}x + {c}$ be defined for all real $x$.",
    "Consider the sequence $a_n = {a}n + {b}$ for $n \\ge 1$.",
    "A particle moves along a line with velocity $v(t) = {a}t - {b}$ meters per second.",
    "Write a function `{fn}(xs)` that takes a list of {a} integers.",
    "A gas occupies {a} liters at {b} kelvin and constant pressure.",
    "{name} runs {a} km on Monday and {b} km more each following day.",
    "A bag holds {a} red and {b} blue {item}, drawn without replacement.",
    "The triangle $ABC$ has $AB = {a}$, $BC = {b}$ and $CA = {c}$.",
    "A {place} charges {a} dollars per hour plus a fixed fee of {b} dollars.",
]
DETAILS = [
    "Every {item} weighs {b} grams.",
    "{name} gives away {b} of them and later finds {c} more.",
    "The value doubles every {b} steps.",
    "Assume the {place} is closed on weekends.",
    "Ignore friction and air resistance.",
    "The input may contain duplicates and negative numbers.",
    "Two of the {item} are chosen at random.",
    "The answer must be given modulo {c}.",
    "Round intermediate results to {b} decimal places.",
    "",
]
QUESTIONS = [
    "How many {item} are there after {c} days?",
    "What is the value of $f({b})$?",
    "Find the sum of the first {c} terms.",
    "Return the {b} largest values in descending order.",
    "What is the probability that both are red?",
    "What is the area of the triangle?",
    "What is the total cost for {c} hours?",
    "Find the position of the particle at $t = {c}$.",
    "What volume does the gas occupy at {c} kelvin?",
    "How far has {name} run after {c} days?",
]
NAMES = ["Ava", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jon", "Kemi"]
ITEMS = ["apples", "marbles", "books", "coins", "tiles", "cards", "shells", "pens", "cups"]
PLACES = ["shop", "library", "garage", "school", "bakery", "museum", "studio", "warehouse"]
FUNCS = ["top_k", "pick", "rank_values", "largest", "select_max", "head_sorted"]


CLOSINGS = [
    "Express the answer as $\\frac{{m}}{{n}}$ where $m$ and $n$ are relatively prime positive "
    "integers, and give $m+n$.",
    "Give the answer as an integer between 0 and 999 inclusive, with no units.",
]
WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
WORDS |= {10: "ten", 11: "eleven", 12: "twelve", 20: "twenty", 30: "thirty", 40: "forty"}


def make_text(rng: random.Random) -> str:
    slots = {
        "name": rng.choice(NAMES),
        "item": rng.choice(ITEMS),
        "place": rng.choice(PLACES),
        "fn": rng.choice(FUNCS),
        "a": rng.randint(2, 999),
        "b": rng.randint(2, 12),
        "c": rng.randint(2, 99),
    }
    parts = [rng.choice(SETUPS), rng.choice(DETAILS), rng.choice(QUESTIONS)]
    if rng.random() < 0.2:  # a figure, with coordinates of its own
        x, y = rng.randint(1, 40), rng.randint(1, 40)
        parts.insert(1, f"[asy]\nunitsize(0.5cm);\ndraw((0,0)--({x},0)--(0,{y})--cycle);\n[/asy]")
    if rng.random() < 0.33:
        parts.append(rng.choice(CLOSINGS))
    return " ".join(p for p in parts if p).format(**slots)


def reformat(text: str, rng: random.Random) -> str:
    """A copy as it might appear in a scraped training set: same problem, different formatting."""
    text = text.replace("x^2", "x^{2}").replace(" = ", "=").replace("\\ge", "\\geq")
    text = text.replace(". ", ".\n\n" if rng.random() < 0.5 else ".  ")
    return "  " + text + "\n\nAnswer:"


def embedded(text: str, rng: random.Random) -> str:
    steps = " ".join(f"Step {i}: we simplify and get {rng.randint(2, 999)}." for i in range(1, 6))
    return f"Problem: {text}\n\nSolution: {steps} So the final answer is {rng.randint(2, 99)}."


def prompt_format(text: str, rng: random.Random) -> str:
    return (
        "Solve the following math problem step by step.\n\n"
        + text
        + "\n\nPut your final answer within \\boxed{}."
    )


def figure_removed(text: str, rng: random.Random) -> str:
    return re.sub(r"\[asy\].*?\[/asy\]", "", text, flags=re.S)


def in_words(text: str, rng: random.Random) -> str:
    return re.sub(r"(?<![\w.$^])(\d+)(?![\w.])", lambda m: WORDS.get(int(m[1]), m[1]), text)


KINDS = {
    "verbatim": lambda t, _r: t,
    "reformatted": reformat,
    "embedded": embedded,
    "prompt_format": prompt_format,
    "figure_removed": figure_removed,
    "numbers_in_words": in_words,
}


def build(rows: int, items: int, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    rng = random.Random(seed)
    pool = [make_text(rng) for _ in range(rows)]
    bench = [make_text(rng) for _ in range(items)]
    planted: dict[int, tuple[int, str]] = {}  # item index -> (row index of its copy, kind)
    with_figure = [i for i, text in enumerate(bench) if "[asy]" in text]
    chosen = rng.sample(range(items), max(len(KINDS), items // 20))
    for n, i in enumerate(chosen):
        kind = list(KINDS)[n % len(KINDS)]
        if kind == "figure_removed" and "[asy]" not in bench[i]:
            i = next((j for j in with_figure if j not in planted and j not in chosen), i)
        row = rng.randrange(rows)
        while row in {r for r, _ in planted.values()}:
            row = rng.randrange(rows)
        pool[row] = KINDS[kind](bench[i], rng)
        planted[i] = (row, kind)
    return (
        pl.DataFrame({"item_id": [f"i{i}" for i in range(items)], "problem": bench}),
        pl.DataFrame({"row_id": [f"r{i}" for i in range(rows)], "text": pool}),
        planted,
    )


def naive_ngram_pairs(problems: list[str], texts: list[str], n: int = 8) -> list[tuple[int, int]]:
    """The baseline: tuple n-gram sets per text, every item intersected with every row."""

    def grams(text: str) -> set[tuple[str, ...]]:
        tokens = audit_tokens(text)
        return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}

    row_grams = [grams(t) for t in texts]
    pairs = []
    for q, problem in enumerate(problems):
        mine = grams(problem)
        for r, theirs in enumerate(row_grams):
            if mine and len(mine & theirs) / len(mine) >= MIN_COVERAGE_8:
                pairs.append((q, r))
    return pairs


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--baseline-items", type=int, default=50)
    parser.add_argument("--no-embed", action="store_true")
    args = parser.parse_args()

    items, rows, planted = build(args.rows, args.items)
    problems, texts = items["problem"].to_list(), rows["text"].to_list()
    report: dict = {"rows": args.rows, "items": args.items, "planted": len(planted)}
    timings: dict[str, float] = {}

    index, timings["ngram_index_build"] = timed(NgramIndex, rows["row_id"].to_list(), texts)
    hits, timings["ngram_query"] = timed(index.query, problems)
    report["ngram_raw_hits"] = len(hits)

    vectors = None
    if not args.no_embed:
        from r1_assets.dedup.embedder import DEFAULT_MODEL, SentenceEmbedder

        embedder, timings["embed_model_load"] = timed(SentenceEmbedder, DEFAULT_MODEL, threads=2)
        row_vec, timings["embed_rows"] = timed(lambda: embedder.embed(texts, 64).vectors)
        item_vec, timings["embed_items"] = timed(lambda: embedder.embed(problems, 64).vectors)
        _, timings["embedding_search"] = timed(embedding_hits, item_vec, row_vec)
        vectors = {tuple(texts): row_vec, tuple(problems): item_vec}

    # the asset's path: vectors come from the embedding cache, so they are not re-timed here
    cached = (vectors[tuple(problems)], vectors[tuple(texts)]) if vectors else None
    problem_frame = rows.select(
        pl.col("row_id").alias("problem_uid"), pl.col("text").alias("problem")
    )
    overlaps, timings["audit_total_cached_vectors"] = timed(
        match_items, items, problem_frame, AuditSettings(), cached
    )
    overlaps = overlaps.rename({"problem_uid": "row_id"})

    sub = problems[: args.baseline_items]
    _, naive_s = timed(naive_ngram_pairs, sub, texts)
    timings["baseline_naive_8gram_sub"] = naive_s
    ours_per_item = (timings["ngram_index_build"] + timings["ngram_query"]) / args.items
    naive_per_item = naive_s / len(sub)
    report["baseline"] = {
        "items_timed": len(sub),
        "naive_extrapolated_s": naive_per_item * args.items,
        "speedup_vs_naive": naive_per_item / ours_per_item,
    }

    counted = overlaps.filter(pl.col("verdict") == "contaminated")
    found = {(int(i[1:]), int(r[1:])) for i, r in counted.select("item_id", "row_id").iter_rows()}
    report["planted_recall"] = sum((i, r) in found for i, (r, _) in planted.items()) / len(planted)
    report["planted_recall_by_kind"] = {
        kind: f"{sum((i, r) in found for i, (r, k) in planted.items() if k == kind)}"
        f"/{sum(k == kind for _, k in planted.values())}"
        for kind in KINDS
    }
    extra = overlaps.filter(
        ~pl.struct("item_id", "row_id").is_in(
            [{"item_id": f"i{i}", "row_id": f"r{r}"} for i, (r, _) in planted.items()]
        )
    )
    report["unplanted_by_verdict"] = dict(extra.group_by("verdict").len().iter_rows())
    # the unplanted pairs counted as contamination, to be read: the generator can compose the
    # same problem twice (same sentences, same numbers)
    counted_extra = extra.filter(pl.col("verdict") == "contaminated")
    report["unplanted_counted_examples"] = [
        {
            "item": problems[int(i[1:])],
            "row": texts[int(r[1:])],
            "methods": list(m),
            "coverage": c,
            "similarity": sim,
        }
        for i, r, m, c, sim in counted_extra.select(
            "item_id", "row_id", "methods", "coverage", "similarity"
        ).iter_rows()
    ][:10]
    report["unplanted_pairs"] = len(extra)
    report["unplanted_pairs_numbers_differ"] = int(extra["numbers_differ"].sum())
    # what the report counts as contamination (numbers agree): must be 0 on this pool
    report["unplanted_counted_contaminated"] = int((extra["verdict"] == "contaminated").sum())
    # template siblings (same wording, other numbers): which evidence reported them
    report["unplanted_by_methods"] = {
        ",".join(m): n for m, n in extra.group_by("methods").len().iter_rows()
    }
    report["timings_s"] = {k: round(v, 4) for k, v in timings.items()}

    print(f"{args.rows:,} rows x {args.items:,} items, {len(planted)} planted")
    for name, seconds in timings.items():
        print(f"  {name:<28} {seconds:9.3f} s")
    print(
        f"  naive all-pairs 8-gram (extrapolated): {report['baseline']['naive_extrapolated_s']:.1f}"
        f" s -> index+query is {report['baseline']['speedup_vs_naive']:.0f}x faster"
    )
    print(
        f"  planted recall {report['planted_recall']:.3f}; unplanted pairs "
        f"{report['unplanted_pairs']} ({report['unplanted_pairs_numbers_differ']} numbers_differ, "
        f"{report['unplanted_counted_contaminated']} counted as contaminated)"
    )
    print(f"  unplanted by methods: {report['unplanted_by_methods']}")
    print(f"  unplanted by verdict: {report['unplanted_by_verdict']}")
    print(f"  planted copies counted, by way: {report['planted_recall_by_kind']}")
    for example in report["unplanted_counted_examples"]:
        print(f"  counted, unplanted: {example}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "audit.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
