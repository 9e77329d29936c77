"""Benchmark metrics against hand-computed cases: pass@k, pass@1, majority vote (with the real
math-verify equivalence), cons@k through the summary, and the bootstrap interval."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from math import comb

import numpy as np
import polars as pl
import pytest

from r1_assets.evaluate.metrics import (
    PROBLEM_METRICS_SCHEMA,
    bootstrap_ci,
    majority_vote,
    pass_at_1,
    pass_at_k,
    summarize_samples,
)
from r1_assets.evaluate.scoring import MathEquivalence, equivalent_for
from r1_assets.verify.math_answer import MathVerifier


@pytest.fixture(scope="module")
def verifier() -> Iterator[MathVerifier]:
    with MathVerifier(workers=2, timeout_s=10.0) as pool:
        yield pool


def same_number(a: str, b: str) -> bool:
    return Fraction(a) == Fraction(b)


def scored(rows: list[tuple[str, int, str | None, bool]], benchmark: str = "b") -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"benchmark": benchmark, "item_id": i, "sample_index": s, "answer": a, "correct": c}
            for i, s, a, c in rows
        ],
        schema={
            "benchmark": pl.String,
            "item_id": pl.String,
            "sample_index": pl.Int64,
            "answer": pl.String,
            "correct": pl.Boolean,
        },
    )


# --- pass@k ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (5, 2, 1, 2 / 5),  # pass@1 is the fraction correct
        (5, 2, 2, 1 - 3 / 10),  # 1 - C(3,2)/C(5,2)
        (10, 3, 5, 1 - comb(7, 5) / comb(10, 5)),
        (4, 0, 2, 0.0),  # c = 0: never
        (4, 0, 4, 0.0),
        (3, 1, 3, 1.0),  # k = n with one correct: the draw is everything
        (4, 3, 2, 1.0),  # n - c < k: every draw holds a correct sample
        (1, 1, 1, 1.0),
    ],
)
def test_pass_at_k_hand_computed(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_k_stable_where_binomials_overflow_floats() -> None:
    exact = 1 - Fraction(comb(1800, 1000), comb(2000, 1000))
    assert pass_at_k(2000, 200, 1000) == pytest.approx(float(exact), rel=1e-9)


@pytest.mark.parametrize(("n", "c", "k"), [(3, 1, 4), (0, 0, 1), (3, 4, 1), (3, -1, 1), (3, 1, 0)])
def test_pass_at_k_rejects_impossible_arguments(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def test_pass_at_1_is_the_mean_over_samples() -> None:
    assert pass_at_1([True, False, True, True]) == 0.75
    assert pass_at_1([False] * 3) == 0.0
    with pytest.raises(ValueError):
        pass_at_1([])


# --- majority vote -----------------------------------------------------------------------------


def test_majority_vote_largest_group_wins() -> None:
    assert majority_vote(["3", "2", "2", "1"], str.__eq__) == (1, 2)


def test_majority_vote_tie_goes_to_the_group_seen_first() -> None:
    # "1" and "2" both have two votes; "1" appeared first
    assert majority_vote(["1", "2", "2", "1"], str.__eq__) == (0, 2)
    assert majority_vote(["2", "1", "1", "2"], str.__eq__) == (0, 2)
    assert majority_vote(["7", "8", "9"], str.__eq__) == (0, 1)


def test_majority_vote_groups_by_equivalence_not_string() -> None:
    # 0.5 and 1/2 are one answer with two votes; "2" has two votes too but comes later
    assert majority_vote(["0.5", "2", "1/2", "2"], same_number) == (0, 2)
    assert majority_vote(["2", "0.5", "1/2", "2/4"], same_number) == (1, 3)


def test_majority_vote_none_never_votes() -> None:
    assert majority_vote([None, None, "5"], str.__eq__) == (2, 1)
    assert majority_vote([None, "4", None, "4", "5"], str.__eq__) == (1, 2)
    assert majority_vote([None, None], str.__eq__) == (None, 0)
    assert majority_vote([], str.__eq__) == (None, 0)


def test_majority_vote_compares_with_representatives_only() -> None:
    calls: list[tuple[str, str]] = []

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return a == b

    majority_vote(["x", "y", "x", "y", "z"], spy)
    # identical strings join without a call; each new string meets each earlier representative
    assert calls == [("x", "y"), ("x", "z"), ("y", "z")]


def test_majority_vote_with_math_verify(verifier: MathVerifier) -> None:
    equivalent = equivalent_for("math_verify", verifier)
    answers = ["1/2", "3", "0.5", "\\frac{1}{2}", "3", None]
    assert majority_vote(answers, equivalent) == (0, 3)
    # written differently, still one group; "025" and "25" are settled without math-verify
    assert majority_vote(["7", "025", "\\frac{50}{2}", "25", "7"], equivalent) == (1, 3)


def test_math_equivalence_batches_and_caches(verifier: MathVerifier) -> None:
    class Counting:
        def __init__(self) -> None:
            self.pairs = 0

        def check(self, reference: str, answer_text: str):
            self.pairs += 1
            return verifier.check(reference, answer_text)

        def check_many(self, pairs, progress=True):
            self.pairs += len(pairs)
            return verifier.check_many(pairs, progress=progress)

    counting = Counting()
    equivalent = MathEquivalence(counting)
    answers = ["1/2", "0.5", "\\frac{1}{2}", "0.5", "2", "002"]
    equivalent.prepare([answers])
    batched = counting.pairs
    # unique: 1/2, 0.5, \frac{1}{2}, 2, 002 -> 10 pairs, of which (0.5, 2), (0.5, 002), (2, 002)
    # are plain numbers settled without math-verify
    assert batched == 7
    assert majority_vote(answers, equivalent) == (0, 4)
    assert counting.pairs == batched  # the vote asked nothing the batch did not answer


# --- summary: pass@1, pass@k, cons@k -----------------------------------------------------------


def test_summary_hand_computed() -> None:
    frame = scored(
        [
            # p1: 2 of 4 correct; majority "5" (3 votes) is wrong -> cons False
            ("p1", 0, "5", False),
            ("p1", 1, "6", True),
            ("p1", 2, "5", False),
            ("p1", 3, "5", False),
            # p2: 3 of 4 correct; "1/2" and "0.5" vote together (3) -> cons True
            ("p2", 0, "1/2", True),
            ("p2", 1, "0.5", True),
            ("p2", 2, "0.5", True),
            ("p2", 3, "4", False),
            # p3: no answer at all -> c = 0, cons False
            ("p3", 0, None, False),
            ("p3", 1, None, False),
            ("p3", 2, None, False),
            ("p3", 3, None, False),
        ]
    )
    table, summary = summarize_samples(frame, same_number, k=2)
    assert table.schema == PROBLEM_METRICS_SCHEMA
    rows = {r["item_id"]: r for r in table.to_dicts()}
    assert (rows["p1"]["n"], rows["p1"]["c"], rows["p1"]["pass@1"]) == (4, 1, 0.25)
    assert rows["p1"]["pass@k"] == pytest.approx(1 - comb(3, 2) / comb(4, 2))  # 0.5
    # cons@2 votes among samples 0 and 1: "5" and "6" tie, "5" came first and is wrong
    assert rows["p1"]["cons@k"] is False and rows["p1"]["majority_answer"] == "5"
    assert rows["p2"]["pass@1"] == 0.75 and rows["p2"]["pass@k"] == 1.0
    assert rows["p2"]["cons@k"] is True and rows["p2"]["majority_size"] == 2
    assert rows["p3"]["pass@1"] == 0.0 and rows["p3"]["cons@k"] is False
    assert rows["p3"]["majority_answer"] is None and rows["p3"]["majority_size"] == 0

    assert summary["problems"] == 3 and summary["samples"] == 12 and summary["k"] == 2
    assert summary["pass@1"] == pytest.approx((0.25 + 0.75 + 0) / 3)
    assert summary["pass@k"] == pytest.approx((0.5 + 1.0 + 0) / 3)
    assert summary["cons@k"] == pytest.approx(1 / 3)
    low, high = summary["pass@1_ci"]
    assert low <= summary["pass@1"] <= high


def test_summary_cons_at_n_uses_every_sample() -> None:
    frame = scored(
        [
            ("p1", 0, "5", False),
            ("p1", 1, "6", True),
            ("p1", 2, "6", True),
            ("p1", 3, "5", False),
            ("p1", 4, "6", True),
        ]
    )
    table, summary = summarize_samples(frame, str.__eq__)  # k defaults to n = 5
    assert summary["k"] == 5
    assert table["cons@k"].to_list() == [True] and table["majority_size"].to_list() == [3]
    assert table["pass@k"].to_list() == [1.0]


def test_summary_without_equivalence_leaves_cons_null() -> None:
    frame = scored([("p1", 0, "print(1)", True), ("p1", 1, None, False)])
    table, summary = summarize_samples(frame, equivalent_for("sandbox"))
    assert table["cons@k"].to_list() == [None]
    assert summary["cons@k"] is None and summary["cons@k_ci"] is None
    assert summary["pass@1"] == 0.5


def test_summary_of_no_samples_is_a_skip_not_a_zero() -> None:
    table, summary = summarize_samples(scored([]), str.__eq__)
    assert table.is_empty() and table.schema == PROBLEM_METRICS_SCHEMA
    assert summary["problems"] == 0 and summary["pass@1"] is None and summary["cons@k"] is None


def test_summary_refuses_inconsistent_input() -> None:
    short = scored([("p1", 0, "1", True), ("p1", 1, "1", True), ("p2", 0, "2", False)])
    with pytest.raises(ValueError, match="fewer samples"):
        summarize_samples(short, str.__eq__, k=2)
    repeated = scored([("p1", 0, "1", True), ("p1", 0, "2", False)])
    with pytest.raises(ValueError, match="repeated sample_index"):
        summarize_samples(repeated, str.__eq__)
    unscored = scored([("p1", 0, "1", True)]).with_columns(correct=pl.lit(None, pl.Boolean))
    with pytest.raises(ValueError, match="no verdict"):
        summarize_samples(unscored, str.__eq__)
    mixed = pl.concat([scored([("p1", 0, "1", True)], "a"), scored([("p1", 0, "1", True)], "b")])
    with pytest.raises(ValueError, match="one benchmark"):
        summarize_samples(mixed, str.__eq__)


def test_summary_with_math_verify_votes(verifier: MathVerifier) -> None:
    frame = scored(
        [
            ("half", 0, "\\frac{1}{2}", True),
            ("half", 1, "7", False),
            ("half", 2, "0.5", True),
            ("half", 3, "7", False),
            ("half", 4, "1/2", True),
        ]
    )
    table, summary = summarize_samples(frame, equivalent_for("math_verify", verifier))
    assert table["cons@k"].to_list() == [True] and table["majority_size"].to_list() == [3]
    assert summary["cons@k"] == 1.0


# --- bootstrap ---------------------------------------------------------------------------------


def test_bootstrap_ci_contains_the_mean_and_is_seeded() -> None:
    values = [1.0, 0.0, 0.5, 0.25, 1.0, 0.0, 0.75, 1.0]
    mean = float(np.mean(values))
    low, high = bootstrap_ci(values, seed=3)
    assert low <= mean <= high and 0.0 <= low < high <= 1.0
    assert bootstrap_ci(values, seed=3) == (low, high)
    assert bootstrap_ci(values, seed=4) != (low, high)


def test_bootstrap_ci_narrows_with_more_problems() -> None:
    pattern = [1.0, 0.0, 0.0, 1.0, 0.5]
    few = bootstrap_ci(pattern * 4)
    many = bootstrap_ci(pattern * 400)
    assert many[1] - many[0] < (few[1] - few[0]) / 5  # ~1/sqrt(100) as wide
    assert many[0] <= 0.5 <= many[1]


def test_bootstrap_ci_edge_cases() -> None:
    assert bootstrap_ci([0.7]) == (0.7, 0.7)
    assert bootstrap_ci([1.0] * 50) == (1.0, 1.0)
    narrow, wide = bootstrap_ci([0, 1] * 20, level=0.5), bootstrap_ci([0, 1] * 20, level=0.99)
    assert wide[0] < narrow[0] and narrow[1] < wide[1]
    with pytest.raises(ValueError):
        bootstrap_ci([])
