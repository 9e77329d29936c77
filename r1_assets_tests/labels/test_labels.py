"""Category parsing and the selection policy."""

from __future__ import annotations

import polars as pl

from r1_assets.labels.prompts import parse_category
from r1_assets.labels.selection import SelectionPolicy, select, uninformative_labels


def test_categories_are_parsed_or_unknown() -> None:
    assert parse_category("Math") == "math"
    assert parse_category("Category: code.") == "code"
    assert parse_category("The problem asks about triangles") is None


def labels(**columns) -> pl.DataFrame:
    n = len(columns["problem_uid"])
    defaults = {
        "decision": ["kept"] * n,
        "duplicate_of": [None] * n,
        "domain": ["math"] * n,
        "has_reference": [True] * n,
        "has_tests": [False] * n,
        "language": ["en"] * n,
        "category": ["math"] * n,
        "difficulty": [3] * n,
        "quality": [4] * n,
        "labeler_error": [None] * n,
    }
    return pl.DataFrame({**defaults, **columns}, schema_overrides={"difficulty": pl.Int8})


def test_every_selection_decision_has_its_reason() -> None:
    frame = labels(
        problem_uid=["a", "b", "c", "d", "e", "f", "g"],
        decision=["kept", "duplicate", "kept", "kept", "kept", "kept", "kept"],
        duplicate_of=[None, "a", None, None, None, None, None],
        domain=["math", "math", "code", "chat", "math", "math", "chat"],
        has_reference=[True, True, False, False, True, True, False],
        language=["en", "en", "en", "en", "fr", "en", "en"],
        category=["math", "math", "code", None, "math", "chat", None],
        quality=[4, 4, 4, 4, 4, 1, None],
        labeler_error=[None, None, None, None, None, None, "difficulty: HTTP 503"],
    )
    policy = SelectionPolicy(languages=("en",), min_quality=2, keep_rate={})
    out = select(frame, policy)
    reasons = dict(zip(out["problem_uid"], out["selection_reason"], strict=True))
    assert reasons["a"] == "selected"
    assert reasons["b"] == "duplicate (its kept copy is in duplicate_of)"
    assert reasons["c"] == "no reference answer or test cases (code needs them)"
    assert reasons["d"] == "selected"  # chat needs no ground truth; unknown category passes
    assert reasons["e"].startswith("language fr not in")
    assert reasons["f"] == "quality 1 below 2"
    assert reasons["g"] == "labeler error (rerun to retry)"  # not an unknown label: not selected
    assert out["selected"].to_list() == [r == "selected" for r in out["selection_reason"]]
    only_math = select(frame, SelectionPolicy(categories=("math",), keep_rate={}))
    assert only_math.filter(pl.col("problem_uid") == "d")["selection_reason"][0] == (
        "category unknown not selected"
    )


def test_easy_problems_are_downsampled_at_the_configured_rate_deterministically() -> None:
    n = 2000
    frame = labels(problem_uid=[f"uid{i}" for i in range(n)], difficulty=[1] * 1000 + [4] * 1000)
    out = select(frame, SelectionPolicy(keep_rate={1: 0.3}))
    easy = out.head(1000)
    assert 0.25 < easy["selected"].mean() < 0.35
    assert out.tail(1000)["selected"].all()
    assert easy.filter(~pl.col("selected"))["selection_reason"][0] == (
        "downsampled: difficulty 1 keeps 0.3"
    )
    assert out.equals(select(frame, SelectionPolicy(keep_rate={1: 0.3})))
    reseeded = select(frame, SelectionPolicy(keep_rate={1: 0.3}, seed=1))
    assert not reseeded["selected"].equals(out["selected"])


def test_a_label_nearly_every_problem_shares_is_reported_as_uninformative():
    flat = pl.DataFrame(
        {
            "difficulty": [1] * 19 + [2],
            "category": ["math"] * 10 + ["code"] * 10,
            "quality": [None] * 15 + [1] * 5,  # too few labeled rows to say
        },
        schema={"difficulty": pl.Int8, "category": pl.String, "quality": pl.Int8},
    )
    assert uninformative_labels(flat) == {"difficulty": "1"}
    assert uninformative_labels(flat, share=0.96) == {}
    assert uninformative_labels(flat.head(10)) == {}  # below min_rows
