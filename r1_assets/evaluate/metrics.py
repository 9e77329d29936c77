"""Benchmark metrics over scored samples: pass@1, pass@k, cons@k and bootstrap intervals.

DeepSeek-R1 reports pass@1 as the fraction of correct answers among k samples per problem,
averaged over problems (it is less noisy than one greedy answer), and cons@k as the accuracy of
the majority answer among k samples. pass@k is the unbiased estimator of Chen et al. (2021).

Confidence intervals resample *problems*, not samples: the samples of one problem are strongly
correlated, and the question a benchmark answers is how the model does on problems like these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import polars as pl

Equivalence = Callable[[str, str], bool]

SCORED_COLUMNS = ("benchmark", "item_id", "sample_index", "answer", "correct")

PROBLEM_METRICS_SCHEMA = pl.Schema(
    {
        "benchmark": pl.String,
        "item_id": pl.String,
        "n": pl.Int64,  # samples of this problem
        "c": pl.Int64,  # correct samples
        "k": pl.Int64,
        "pass@1": pl.Float64,
        "pass@k": pl.Float64,
        "cons@k": pl.Boolean,  # null when the scorer has no answer equivalence (code)
        "majority_answer": pl.String,
        "majority_size": pl.Int64,
    }
)

# Bootstrap means are computed in blocks of at most this many resampled values, so a large
# benchmark (100k problems x 1000 iterations) never materializes one huge index matrix.
_BOOTSTRAP_BLOCK = 4_000_000


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn without replacement from n samples, c of
    them correct, is correct: 1 - C(n-c, k) / C(n, k).

    Computed as the product 1 - prod_{i=n-c+1}^{n} (1 - k/i) (Chen et al. 2021), which never forms
    the binomials: C(200, 100) already overflows a float.
    """
    if n < 1 or k < 1:
        raise ValueError(f"need n >= 1 and k >= 1, got n={n}, k={k}")
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples per problem, got n={n}")
    if not 0 <= c <= n:
        raise ValueError(f"c must be between 0 and n={n}, got {c}")
    if n - c < k:  # every draw of k samples contains a correct one
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1, dtype=np.float64)))


def pass_at_1(correct: Sequence[bool]) -> float:
    """Mean correctness over the samples of one problem (pass@1 estimated from k samples)."""
    if len(correct) == 0:
        raise ValueError("pass@1 of a problem without samples is undefined")
    return sum(bool(x) for x in correct) / len(correct)


def majority_vote(answers: Sequence[str | None], equivalent: Equivalence) -> tuple[int | None, int]:
    """The most common answer up to equivalence: (index of its representative sample, votes).

    Answers are grouped by ``equivalent`` (math: "1/2", "0.5" and "\\frac{1}{2}" are one answer),
    not by string. Each answer joins the first group, in order of creation, whose representative
    (its first member) it is equivalent to, checked as ``equivalent(representative, answer)``;
    identical strings join the same group without a call. ``None`` (no answer extracted) never
    votes. Ties go to the group whose first member appears earliest, so the result depends only
    on the order of the samples, never on hash order or on which spelling is more common.

    Returns ``(None, 0)`` when no sample has an answer.
    """
    groups: list[list[int]] = []  # sample indices; groups[g][0] is the representative
    representatives: list[str] = []  # the answer of each group's first member
    group_of: dict[str, int] = {}  # answer string -> its group
    for index, answer in enumerate(answers):
        if answer is None:
            continue
        group = group_of.get(answer)
        if group is None:
            group = next(
                (g for g, rep in enumerate(representatives) if equivalent(rep, answer)), None
            )
        if group is None:
            group = len(groups)
            groups.append([])
            representatives.append(answer)
        groups[group].append(index)
        group_of[answer] = group
    if not groups:
        return None, 0
    # max() keeps the first of equal sizes, and groups are in order of their first member
    winner = max(groups, key=len)
    return winner[0], len(winner)


def bootstrap_ci(
    values: Sequence[float], iterations: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile confidence interval of the mean of ``values`` (one value per problem),
    resampling the problems with replacement ``iterations`` times."""
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        raise ValueError("a confidence interval needs at least one value")
    if not 0 < level < 1 or iterations < 1:
        raise ValueError(f"need 0 < level < 1 and iterations >= 1, got {level}, {iterations}")
    rng = np.random.default_rng(seed)
    block = max(1, _BOOTSTRAP_BLOCK // data.size)
    means = np.concatenate(
        [
            data[rng.integers(0, data.size, size=(min(block, iterations - start), data.size))].mean(
                axis=1
            )
            for start in range(0, iterations, block)
        ]
    )
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def summarize_samples(
    scored: pl.DataFrame,
    equivalent: Equivalence | None,
    k: int | None = None,
    iterations: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Per-problem metrics and the benchmark summary from scored samples of one benchmark.

    ``scored`` has the columns benchmark, item_id, sample_index, answer, correct (the output of
    ``scoring.score_samples``). ``k`` defaults to the smallest number of samples of any problem;
    a problem with fewer than ``k`` samples is an error, not a quietly lower score. pass@k uses
    all n samples of a problem (the unbiased estimator); cons@k votes among the first k samples
    by sample_index. ``equivalent`` None (code) leaves cons@k null.

    The summary: benchmark, k, problems, samples, pass@1 (+ _ci), pass@k, cons@k (+ _ci). With
    no samples at all every metric is None: an empty benchmark is a skip, never a score of 0.
    """
    missing = [c for c in SCORED_COLUMNS if c not in scored.columns]
    if missing:
        raise ValueError(f"scored samples lack the column(s) {missing}")
    benchmarks = scored["benchmark"].unique().to_list()
    if len(benchmarks) > 1:
        raise ValueError(f"summarize one benchmark at a time, got {sorted(map(str, benchmarks))}")
    if scored["correct"].null_count():
        raise ValueError("some samples have no verdict (correct is null): score them first")
    if scored.is_empty():
        empty = pl.DataFrame(schema=PROBLEM_METRICS_SCHEMA)
        return empty, _summary(None, k, empty, 0, equivalent, iterations, seed, level)

    problems = (
        scored.sort("item_id", "sample_index")
        .group_by("benchmark", "item_id", maintain_order=True)
        .agg("sample_index", "answer", "correct")
    )
    duplicated = problems.filter(
        pl.col("sample_index").list.n_unique() < pl.col("sample_index").list.len()
    )
    if not duplicated.is_empty():
        raise ValueError(f"repeated sample_index in item(s) {duplicated['item_id'].to_list()[:5]}")
    n_min = min(problems["correct"].list.len().to_list())
    k = n_min if k is None else k
    if k > n_min:
        short = problems.filter(pl.col("correct").list.len() < k)["item_id"].to_list()
        raise ValueError(f"k={k} but item(s) {short[:5]} have fewer samples ({n_min} at least)")

    prepare = getattr(equivalent, "prepare", None)
    if callable(prepare):  # one batched call for every pair instead of one call per pair
        prepare([answers[:k] for answers in problems["answer"].to_list()])

    rows = [
        _problem_row(benchmark, item_id, answers, correct, k, equivalent)
        for benchmark, item_id, _, answers, correct in problems.iter_rows()
    ]
    table = pl.DataFrame(rows, schema=PROBLEM_METRICS_SCHEMA, orient="row")
    return table, _summary(
        benchmarks[0], k, table, scored.height, equivalent, iterations, seed, level
    )


def _problem_row(
    benchmark: str,
    item_id: str,
    answers: list[str | None],
    correct: list[bool],
    k: int,
    equivalent: Equivalence | None,
) -> dict[str, Any]:
    n, c = len(correct), sum(correct)
    cons: bool | None = None
    majority_answer, votes = None, 0
    if equivalent is not None:
        representative, votes = majority_vote(answers[:k], equivalent)
        # no answer in any of the k samples: the vote produced nothing, which is wrong
        cons = representative is not None and correct[representative]
        majority_answer = answers[representative] if representative is not None else None
    return {
        "benchmark": benchmark,
        "item_id": item_id,
        "n": n,
        "c": c,
        "k": k,
        "pass@1": pass_at_1(correct),
        "pass@k": pass_at_k(n, c, k),
        "cons@k": cons,
        "majority_answer": majority_answer,
        "majority_size": votes,
    }


def _summary(
    benchmark: str | None,
    k: int | None,
    table: pl.DataFrame,
    samples: int,
    equivalent: Equivalence | None,
    iterations: int,
    seed: int,
    level: float,
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "benchmark": benchmark,
        "k": k,
        "problems": table.height,
        "samples": samples,
        "pass@1": None,
        "pass@1_ci": None,
        "pass@k": None,
        "cons@k": None,
        "cons@k_ci": None,
        "ci_level": level,
    }
    if table.is_empty():
        return summary
    pass1 = table["pass@1"].to_numpy()
    summary["pass@1"] = float(pass1.mean())
    summary["pass@1_ci"] = bootstrap_ci(pass1, iterations, seed, level)
    summary["pass@k"] = float(table["pass@k"].to_numpy().mean())
    if equivalent is not None:
        cons = table["cons@k"].cast(pl.Float64).to_numpy()
        summary["cons@k"] = float(cons.mean())
        summary["cons@k_ci"] = bootstrap_ci(cons, iterations, seed, level)
    return summary


def format_measures(scored: pl.DataFrame) -> pl.DataFrame:
    """Per problem (``item_id``): the share of its samples that closed their ``<think>`` block,
    the share whose answer the scorer could read (a box, a letter, a program), and their mean
    length in tokens (``response_tokens``, when the samples have it). What SFT on R1 traces
    changes first, before accuracy."""
    tokens = (
        pl.col("response_tokens").cast(pl.Float64).mean()
        if "response_tokens" in scored.columns
        else pl.lit(None, pl.Float64)
    )
    return (
        scored.group_by("item_id", maintain_order=True)
        .agg(
            pl.col("closed_think").cast(pl.Float64).mean(),
            pl.col("answer_found").cast(pl.Float64).mean(),
            tokens.alias("mean_tokens"),
        )
        .sort("item_id")
    )


__all__ = [
    "PROBLEM_METRICS_SCHEMA",
    "Equivalence",
    "bootstrap_ci",
    "format_measures",
    "majority_vote",
    "pass_at_1",
    "pass_at_k",
    "summarize_samples",
]
