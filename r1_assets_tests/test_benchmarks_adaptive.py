"""benchmarks/adaptive_sampling.py: what adaptive sampling would have drawn, from a fixed-k
run's verdicts in sample order, agrees with draw_samples' own adaptive rounds."""

import importlib.util
from pathlib import Path

import polars as pl

from r1_assets.distill.sampling import draw_samples
from r1_assets.distill.teachers import Teacher
from r1_assets.llm.types import Completion, Sampling
from r1_assets_tests.distill.test_responses import problems

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "adaptive_sampling.py"
# per problem, which sample indices verify
RIGHT = {"m1": {1, 3}, "c1": {0, 1, 2, 3}, "q1": set()}


def _bench():
    spec = importlib.util.spec_from_file_location("bench_adaptive", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def accept(rows: pl.DataFrame) -> pl.Series:
    return pl.Series(
        [i in RIGHT[uid] for uid, i in zip(rows["problem_uid"], rows["sample_index"], strict=True)]
    )


def generate(teacher, requests):
    return [Completion("<think>\nx\n</think>\nok", "stop") for _ in requests]


def test_the_counterfactual_equals_the_adaptive_rounds():
    bench = _bench()
    teacher = Teacher("t", "m@1", Sampling(max_tokens=8), 4)
    fixed, _ = draw_samples(problems(), [teacher], generate)
    decided = fixed.with_columns(accepted=accept(fixed))
    for wanted in (1, 2):
        _, report = draw_samples(problems(), [teacher], generate, accept=accept, wanted=wanted)
        table = bench.summary(bench.adaptive_draws(decided, wanted), wanted)
        row = table.row(0, named=True)
        assert row["fixed_k_samples"] == report.fixed_k_samples == 12
        assert row["adaptive_samples"] == report.drawn, wanted
        assert row["unsolved"] == 1
    # wanted 1: m1 stops after index 1 (2 drawn), c1 after 0 (1), q1 never (4)
    assert bench.adaptive_draws(decided, 1)["adaptive"].sum() == 7
