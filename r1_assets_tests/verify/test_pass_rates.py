"""Difficulty from pass rate: counted over teacher samples of problems with ground truth."""

from __future__ import annotations

import polars as pl
import pytest

from r1_assets.verify.pass_rates import label_agreement, level, pass_rates, wilson


def decided(rows: list[tuple[str, str, bool]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(problem, origin, accepted) -> verified_set-like and rejected_responses-like rows."""
    frame = pl.DataFrame(
        {
            "response_uid": [f"r{i}" for i in range(len(rows))],
            "problem_uid": [p for p, _, _ in rows],
            "source_row_id": [p.upper() for p, _, _ in rows],
            "origin": [o for _, o, _ in rows],
            "ok": [a for _, _, a in rows],
        }
    )
    return frame.filter(pl.col("ok")).drop("ok"), frame.filter(~pl.col("ok")).drop("ok")


LABELS = pl.DataFrame(
    {
        "problem_uid": ["easy", "hard", "mid", "chat", "noref"],
        "source_row_id": ["EASY", "HARD", "MID", "CHAT", "NOREF"],
        "source": ["s"] * 5,
        "domain": ["math", "code", "math", "chat", "math"],
        "has_reference": [True, False, True, True, False],
        "has_tests": [False, True, False, False, False],
        "difficulty": [1, 5, None, 2, 3],
    },
    schema_overrides={"difficulty": pl.Int8},
)


def test_pass_rates_count_teacher_samples_of_problems_with_ground_truth() -> None:
    accepted, rejected = decided(
        [("easy", "teacher", True)] * 4
        + [("hard", "teacher", False)] * 3  # truncated or wrong: failures alike
        + [("hard", "source:solution", True)]  # the source's own chain: not a sample
        + [("mid", "teacher", True), ("mid", "teacher", False)]
        + [("chat", "teacher", True), ("noref", "teacher", True)]  # no ground truth: left out
    )
    rates = pass_rates(accepted, rejected, LABELS)
    by = {r["problem_uid"]: r for r in rates.iter_rows(named=True)}
    assert set(by) == {"easy", "hard", "mid"}
    assert (by["easy"]["samples"], by["easy"]["accepted"], by["easy"]["pass_rate"]) == (4, 4, 1.0)
    assert (by["hard"]["samples"], by["hard"]["accepted"]) == (3, 0)
    assert [by[p]["pass_rate_difficulty"] for p in ("easy", "mid", "hard")] == [1, 3, 5]
    assert (by["easy"]["llm_difficulty"], by["mid"]["llm_difficulty"]) == (1, None)
    # the interval is honest about k: 4 of 4 still leaves room below 1
    assert by["easy"]["pass_rate_low"] < 0.6 and by["easy"]["pass_rate_high"] == 1.0
    assert by["hard"]["pass_rate_low"] == 0.0 and by["hard"]["pass_rate_high"] > 0.3
    table, rho = label_agreement(rates)
    assert table["len"].sum() == 3 and rho is None  # two labelled problems: no correlation


def test_wilson_interval_and_levels_by_hand() -> None:
    # 5 of 10 at z = 1.96: 0.5 +- 0.2856 / 1.384 (center stays 0.5)
    low, high = wilson(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)
    assert [level(p) for p in (1.0, 0.8, 0.79, 0.6, 0.4, 0.2, 0.19, 0.0)] == [
        1,
        1,
        2,
        2,
        3,
        4,
        5,
        5,
    ]
    with pytest.raises(ValueError, match="decreasing"):
        pass_rates(*decided([("easy", "teacher", True)]), LABELS, thresholds=(0.2, 0.4, 0.6, 0.8))


def test_spearman_of_the_llm_label_against_the_measured_level() -> None:
    rows = []
    for problem, passes in (("a", 4), ("b", 3), ("c", 1), ("d", 0)):
        rows += [(problem, "teacher", True)] * passes + [(problem, "teacher", False)] * (4 - passes)
    labels = pl.DataFrame(
        {
            "problem_uid": ["a", "b", "c", "d"],
            "source_row_id": ["A", "B", "C", "D"],
            "source": ["s"] * 4,
            "domain": ["math"] * 4,
            "has_reference": [True] * 4,
            "has_tests": [False] * 4,
            "difficulty": [1, 2, 4, 5],
        },
        schema_overrides={"difficulty": pl.Int8},
    )
    _, rho = label_agreement(pass_rates(*decided(rows), labels))
    assert rho == 1.0  # the label orders the problems as their pass rates do
