"""Label parsing, language identification and the selection policy."""

from __future__ import annotations

import polars as pl
import pytest

from r1_assets.labels.language import detect_language
from r1_assets.labels.prompts import parse_category, parse_level
from r1_assets.labels.selection import SelectionPolicy, select


@pytest.mark.parametrize(
    ("output", "level"),
    [
        ("3", 3),
        (" 4\n", 4),
        ("Difficulty: 5", 5),
        ("I would say 2 because it is short", 2),
        ("Difficulty (1-5):", None),  # the prompt echoed back: no answer
        ("3 or 4", None),
        ("3.", 3),
        ("The difficulty is 4.", 4),
        ("4/5", 4),
        ("2.5", None),
        ("1.1", None),
        ("7", None),
        ("", None),
        ("The answer is", None),
    ],
)
def test_levels_are_parsed_or_unknown(output: str, level: int | None) -> None:
    assert parse_level(output) == level


def test_categories_are_parsed_or_unknown() -> None:
    assert parse_category("Math") == "math"
    assert parse_category("Category: code.") == "code"
    assert parse_category("The problem asks about triangles") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How many positive divisors does $360$ have? Explain your reasoning.", "en"),
        ("Combien de diviseurs positifs le nombre $360$ possède-t-il ? Justifiez.", "fr"),
        ("求所有满足条件的正整数的个数，并说明理由。", "zh"),
        ("Wie viele positive Teiler hat die Zahl $360$? Begründe deine Antwort.", "de"),
        ("$x^2 + 3x = 7$", "und"),
    ],
)
def test_language_ignores_latex_and_refuses_to_guess_on_symbols(text, language) -> None:
    assert detect_language(text)[0] == language


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
