"""The Codeforces rating estimate against cases worked out by hand from the Elo formula."""

from __future__ import annotations

import math

import pytest

from r1_assets.evaluate.codeforces import estimate_rating, log_likelihood, solve_probability

LOG19 = math.log10(19)  # p = 0.05 or 0.95 is odds of 19 to 1


def test_the_probability_is_elos() -> None:
    assert solve_probability(1500, 1500) == 0.5
    assert solve_probability(1900, 1500) == pytest.approx(10 / 11)  # 400 points: odds 10 to 1
    assert solve_probability(1100, 1500) == pytest.approx(1 / 11)


def test_the_estimate_solves_expected_equals_solved() -> None:
    # one problem solved half the time: its own rating
    assert estimate_rating([1500], [0.5]).rating == pytest.approx(1500, abs=0.05)
    # 1200 solved, 1800 not: symmetric around 1500
    assert estimate_rating([1200, 1800], [1, 0]).rating == pytest.approx(1500, abs=0.05)
    # four problems of 1000, three solved: p = 3/4, odds 3 -> r = 1000 + 400 log10 3
    found = estimate_rating([1000] * 4, [1, 1, 1, 0])
    assert found.rating == pytest.approx(1000 + 400 * math.log10(3), abs=0.05)
    assert found.bound is None and found.problems == 4 and found.solved == 3
    # a share of samples counts as that share of a solve: 0.75 on one problem is the same
    assert estimate_rating([1000], [0.75]).rating == pytest.approx(found.rating, abs=0.05)


def test_the_interval_is_the_likelihood_ratio_one() -> None:
    # one problem, result 0.5: L(r) = 0.5 log(p (1 - p)); the ends satisfy
    # p (1 - p) = 0.25 exp(-3.8415), the 95% chi-square(1) quantile
    found = estimate_rating([1500], [0.5])
    product = 0.25 * math.exp(-3.841458820694124)
    p = (1 - math.sqrt(1 - 4 * product)) / 2
    half_width = 400 * math.log10((1 - p) / p)
    assert found.low == pytest.approx(1500 - half_width, abs=0.1)
    assert found.high == pytest.approx(1500 + half_width, abs=0.1)
    assert str(found) == f"1500 [{1500 - half_width:.0f}, {1500 + half_width:.0f}]"
    # more problems, a narrower interval around the same estimate
    many = estimate_rating([1500] * 40, [1, 0] * 20)
    assert many.rating == pytest.approx(1500, abs=0.05)
    assert many.high - many.low < (found.high - found.low) / 4
    for end in (many.low, many.high):  # each end is 1.92 log-likelihood units below the top
        drop = log_likelihood(1500, [1500] * 40, [1, 0] * 20) - log_likelihood(
            end, [1500] * 40, [1, 0] * 20
        )
        assert drop == pytest.approx(3.841458820694124 / 2, abs=1e-3)


def test_all_or_none_solved_give_a_flagged_bound_not_infinity() -> None:
    top = estimate_rating([1500], [1])  # P(solved) = 0.05 at r = 1500 - 400 log10 19
    assert top.bound == "lower" and top.high is None
    assert top.rating == pytest.approx(1500 - 400 * LOG19, abs=0.05)
    assert str(top) == f">= {1500 - 400 * LOG19:.0f} (all 1 solved)"
    bottom = estimate_rating([1500, 1500], [0, 0])  # P(none) = (1 - p)^2 = 0.05
    p = 1 - math.sqrt(0.05)
    assert bottom.bound == "upper" and bottom.low is None
    assert bottom.rating == pytest.approx(1500 + 400 * math.log10(p / (1 - p)), abs=0.05)
    assert math.isfinite(top.rating) and math.isfinite(bottom.rating)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        estimate_rating([], [])
    with pytest.raises(ValueError, match="2 problem ratings but 1"):
        estimate_rating([1, 2], [1])
    with pytest.raises(ValueError, match="between 0 and 1"):
        estimate_rating([1500], [2])
