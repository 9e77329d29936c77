"""Rating parsing, language identification and markdown tables."""

from __future__ import annotations

import polars as pl
import pytest

from r1_assets.text.language import detect_language
from r1_assets.text.markdown import markdown_table
from r1_assets.text.rating import parse_level


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


def test_markdown_tables_shorten_cells_escape_pipes_and_count_hidden_rows() -> None:
    frame = pl.DataFrame({"a": ["x|y", "a  b\nc", "long text here"], "n": [1, None, 3]})
    assert markdown_table(frame, max_rows=2, max_chars=5).split("\n") == [
        "| a | n |",
        "|---|---|",
        "| x\\|y | 1 |",
        "| a b c |  |",
        "",
        "_2 of 3 rows shown_",
    ]
    assert markdown_table(frame.clear()) == "_no rows_"
