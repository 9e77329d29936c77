import hashlib

import pytest

from r1_assets.catalog.schema import (
    clean_text,
    normalize_problem_text,
    problem_uid,
    split_think,
)

BASE = "Solve for x: 2x + 3 = 7. What is x?"


@pytest.mark.parametrize(
    "variant",
    [
        "  Solve for x: 2x + 3 = 7.\nWhat is x?  ",
        "Solve for x:  2x + 3 = 7.\r\n\r\nWhat is x?",
        "SOLVE FOR X: 2X + 3 = 7. WHAT IS X?",
        "Solve for x: ２x + ３ = ７. What is x?",  # full-width digits (NFKC)
        "Solve for\u200b x: 2x + 3 = 7. What is x?",  # zero-width space
        "Solve for x:\t2x + 3 = 7. What\u00a0is x?",  # tab and no-break space
    ],
)
def test_formatting_variants_share_the_uid(variant: str) -> None:
    assert problem_uid(variant) == problem_uid(BASE)


@pytest.mark.parametrize(
    "different",
    [
        "Solve for x: 2x + 3 = 9. What is x?",  # a number changed: a different problem
        "Solve for x: 2x - 3 = 7. What is x?",
        "Solve for y: 2y + 3 = 7. What is y?",
    ],
)
def test_content_changes_change_the_uid(different: str) -> None:
    assert problem_uid(different) != problem_uid(BASE)


def test_uid_is_stable_across_releases() -> None:
    # Pinned: every stored row and every later asset joins on this value. Changing the
    # normalization silently would orphan all of them, so it must be a deliberate migration.
    assert normalize_problem_text(BASE) == "solve for x: 2x + 3 = 7. what is x?"
    expected = hashlib.sha256(b"solve for x: 2x + 3 = 7. what is x?").hexdigest()[:32]
    assert problem_uid(BASE) == expected == "9b7d8d038d4866ae7ebe2c7eafe29cd1"


def test_clean_text_keeps_content_and_line_structure() -> None:
    assert clean_text("  a\u200b b  \r\n\r\nc\x00d \n") == "a b\n\ncd"


def test_split_think() -> None:
    assert split_think("<think>\nreason\n</think>\n\nThe answer is 4.") == (
        "reason",
        "The answer is 4.",
    )
    # R1's template opens <think> in the prompt, so outputs often only close it
    assert split_think("reason here</think>final") == ("reason here", "final")
    assert split_think("<think>r</think>\n<answer>\n42\n</answer>") == ("r", "42")
    assert split_think("no reasoning at all") == (None, "no reasoning at all")
    # cut off by max tokens: all reasoning, no answer (not the reasoning taken as the answer)
    assert split_think("<think>\nLet me see, 3*4 is") == ("Let me see, 3*4 is", None)
