"""Drawing teacher samples: fixed k, and adaptively until verified."""

from __future__ import annotations

import polars as pl
import pytest

from r1_assets.distill.responses import distill_requests
from r1_assets.distill.sampling import draw_samples
from r1_assets.distill.teachers import Teacher, check_teachers, teacher_comparison
from r1_assets.llm.types import Completion, Sampling
from r1_assets_tests.distill.test_responses import problems

# the sample index at which each problem's teacher first answers right (None: never)
FIRST_RIGHT = {"m1": 0, "c1": 2, "q1": None}


def answering(log: list) -> callable:
    """A teacher whose sample i of a problem is right from FIRST_RIGHT's index on."""

    def generate(teacher: Teacher, requests: list) -> list[Completion]:
        out = []
        for request in requests:
            uid = request.messages[0]["content"].split()[0]  # the problem's first word
            log.append((teacher.name, uid, request.sample_index))
            out.append(Completion(f"<think>\nx\n</think>\n{uid} {request.sample_index}", "stop"))
        return out

    return generate


def accept(rows: pl.DataFrame) -> pl.Series:
    first = rows["problem_uid"].replace_strict(FIRST_RIGHT, return_dtype=pl.Int64)
    return (rows["sample_index"] >= first).fill_null(False)


def test_adaptive_sampling_stops_a_problem_at_its_first_verified_sample():
    log: list = []
    teachers = [Teacher("t", "m@1", Sampling(max_tokens=8), 4)]
    rows, report = draw_samples(problems(), teachers, answering(log), accept=accept, wanted=1)
    drawn = rows.group_by("problem_uid").agg(pl.col("sample_index").sort())
    assert dict(drawn.iter_rows()) == {"m1": [0], "c1": [0, 1, 2], "q1": [0, 1, 2, 3]}
    assert len(log) == 8  # nothing generated beyond what the rows hold
    assert (report.fixed_k_samples, report.drawn, report.saved) == (12, 8, 4)
    assert report.rounds_table()["open_problems"].to_list() == [3, 2, 2, 1]
    # sample i is the fixed run's sample i: the same request, the same cache key
    fixed, _ = distill_requests(problems(), 4, teachers[0].sampling)
    keys = {r.key("m@1") for r in fixed}
    assert set(rows["request_hash"]) <= keys
    # wanting two verified responses draws on until two are accepted, or the budget is spent
    rows, report = draw_samples(problems(), teachers, answering([]), accept=accept, wanted=2)
    drawn = rows.group_by("problem_uid").agg(pl.len())
    assert dict(drawn.iter_rows()) == {"m1": 2, "c1": 4, "q1": 4}
    # fixed k: every teacher's n_samples, in one call per teacher
    log.clear()
    two = [*teachers, Teacher("u", "m@1", Sampling(temperature=1.0, max_tokens=8), 2)]
    rows, report = draw_samples(problems(), two, answering(log))
    assert rows.height == report.drawn == report.fixed_k_samples == len(log) == 3 * 4 + 3 * 2
    assert rows.group_by("teacher_name").len().sort("teacher_name").rows() == [("t", 12), ("u", 6)]
    table = teacher_comparison(rows)
    assert set(table["teacher_name"]) == {"t", "u"} and table["samples"].sum() == 18


def test_teachers_are_named_once_and_differ():
    same = Sampling(max_tokens=8)
    check_teachers([Teacher("a", "m", same, 1), Teacher("b", "m", Sampling(max_tokens=9), 1)])
    with pytest.raises(ValueError, match="unique"):
        check_teachers([Teacher("a", "m", same, 1), Teacher("a", "n", same, 1)])
    with pytest.raises(ValueError, match="same model with the same sampling"):
        check_teachers([Teacher("a", "m", same, 1), Teacher("b", "m", same, 2)])
    with pytest.raises(ValueError, match="source:"):
        check_teachers([Teacher("source:x", "m", same, 1)])
