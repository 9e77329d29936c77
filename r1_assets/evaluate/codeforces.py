"""A model's Codeforces rating estimated from its results on rated problems.

Under the Elo model Codeforces ratings follow, a contestant of rating r solves a problem of rating
d with probability p(r, d) = 1 / (1 + 10^((d - r) / 400)) — a problem's rating is the rating at
which it is solved half the time. Given problems d_1..d_n and results s_1..s_n (1 solved, 0 not;
or a fraction: the share of k samples that solved it, pass@1's unit), the rating is the maximum of
the log-likelihood

    L(r) = sum_i s_i log p(r, d_i) + (1 - s_i) log(1 - p(r, d_i)),

whose derivative is (ln 10 / 400) * sum_i (s_i - p(r, d_i)): the estimate is the one rating at
which the expected number of problems solved equals the number solved. L is concave, so that
rating is found by bisection. The interval is the likelihood-ratio one: every r with
2 (L(r_hat) - L(r)) <= the chi-square(1) quantile, each end found by bisection too.

When every problem or no problem is solved, the likelihood keeps growing towards +infinity or
-infinity: there is no estimate, only a bound. The result is then the exact one-sided bound at
the confidence level (all solved: the rating at which solving them all had that probability's
complement, ``bound="lower"``; none solved, ``bound="upper"``), flagged, never infinite.

How this differs from the published numbers: DeepSeek-R1's rating (2029 for R1) simulates
contests — the model's submissions are ranked among the human participants of each of its
Codeforces Div. 2 contests, and the rating follows from those placements — and CodeElo (Quan et
al. 2025, arXiv 2501.01257) submits to Codeforces itself and computes an Elo rating from contest
standings with the platform's own rules. Both need contests and their standings; this estimate
needs only rated problems with tests, so it can be run on any problem set, but it ignores time,
penalties and partial credit, and its uncertainty is the interval's, not a contest's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import polars as pl

SCALE = 400.0  # Elo's scale: 400 rating points = odds of 10 to 1
SEARCH = (-2_000.0, 6_000.0)  # ratings searched; Codeforces' run from 0 to ~4,000
TOLERANCE = 0.01  # rating points


@dataclass(frozen=True)
class RatingEstimate:
    rating: float  # the maximum-likelihood rating, or the bound when ``bound`` is set
    low: float | None  # the interval's ends (None: unbounded on that side)
    high: float | None
    problems: int
    solved: float  # the sum of the results (fractional with several samples per problem)
    confidence: float
    bound: str | None = None  # "lower" (every problem solved) | "upper" (none solved)

    def __str__(self) -> str:
        if self.bound == "lower":
            return f">= {self.rating:.0f} (all {self.problems} solved)"
        if self.bound == "upper":
            return f"<= {self.rating:.0f} (none of {self.problems} solved)"
        return f"{self.rating:.0f} [{self.low:.0f}, {self.high:.0f}]"


def solve_probability(rating: float, problem_rating: float) -> float:
    return 1.0 / (1.0 + 10.0 ** ((problem_rating - rating) / SCALE))


def log_likelihood(rating: float, problem_ratings: Sequence[float], results: Sequence[float]):
    total = 0.0
    for d, s in zip(problem_ratings, results, strict=True):
        # log p and log (1 - p) without overflow: log p = -log(1 + 10^x), x = (d - r) / 400
        x = (d - rating) / SCALE * math.log(10.0)
        log_p = -_softplus(x)
        log_q = -_softplus(-x)
        total += s * log_p + (1.0 - s) * log_q
    return total


def estimate_rating(
    problem_ratings: Sequence[float], results: Sequence[float], confidence: float = 0.95
) -> RatingEstimate:
    """The rating that best explains ``results`` (each in [0, 1]) on problems of these ratings,
    with its likelihood-ratio interval at ``confidence``; a one-sided bound, flagged, when all
    or none were solved."""
    ratings = [float(d) for d in problem_ratings]
    scores = [float(s) for s in results]
    if len(ratings) != len(scores):
        raise ValueError(f"{len(ratings)} problem ratings but {len(scores)} results")
    if not ratings:
        raise ValueError("a rating needs at least one rated problem")
    if any(not 0.0 <= s <= 1.0 for s in scores):
        raise ValueError("each result is a share of samples solved, between 0 and 1")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    solved, n = sum(scores), len(scores)

    def expected(r: float) -> float:
        return sum(solve_probability(r, d) for d in ratings)

    if solved >= n:  # P(all solved | r) = prod p(r, d_i): the r where it equals 1 - confidence
        bound = _bisect(lambda r: _log_all(r, ratings, solved=True) - math.log(1 - confidence))
        return RatingEstimate(bound, bound, None, n, solved, confidence, bound="lower")
    if solved <= 0:
        bound = _bisect(lambda r: math.log(1 - confidence) - _log_all(r, ratings, solved=False))
        return RatingEstimate(bound, None, bound, n, solved, confidence, bound="upper")
    best = _bisect(lambda r: expected(r) - solved)
    peak = log_likelihood(best, ratings, scores)
    drop = NormalDist().inv_cdf((1 + confidence) / 2) ** 2 / 2.0  # chi-square(1) quantile / 2

    def inside(r: float) -> float:  # > 0 inside the interval
        return log_likelihood(r, ratings, scores) - (peak - drop)

    low = _bisect(lambda r: inside(r), SEARCH[0], best)
    high = _bisect(lambda r: -inside(r), best, SEARCH[1])
    return RatingEstimate(best, low, high, n, solved, confidence)


def _log_all(rating: float, ratings: list[float], solved: bool) -> float:
    """log P(every problem solved), or log P(none solved), at ``rating``."""
    sign = 1.0 if solved else -1.0
    return sum(-_softplus(sign * (d - rating) / SCALE * math.log(10.0)) for d in ratings)


def _bisect(increasing, low: float = SEARCH[0], high: float = SEARCH[1]) -> float:
    """The root of an increasing function in [low, high] (an end when it has none inside)."""
    if increasing(low) >= 0:
        return low
    if increasing(high) <= 0:
        return high
    while high - low > TOLERANCE:
        middle = (low + high) / 2
        if increasing(middle) < 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _softplus(x: float) -> float:
    """log(1 + e^x), exact for large |x|."""
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


def item_ratings(items: pl.DataFrame) -> pl.DataFrame:
    """(item_id, rating): each benchmark item's Codeforces rating from its metadata (JSON), null
    for an unrated item (most benchmarks have none)."""
    rating = pl.col("metadata").str.json_path_match("$.rating").cast(pl.Float64, strict=False)
    return items.select("item_id", rating.alias("rating"))
