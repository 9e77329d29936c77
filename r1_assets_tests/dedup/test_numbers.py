import pytest

from r1_assets.dedup.numbers import number_signature, numbers_differ


def test_signature_canonicalizes_numbers() -> None:
    assert number_signature("Pay $1,000.50 for three boxes of 007 items, \\frac{1}{2} off") == (
        "1",
        "1000.5",
        "2",
        "3",
        "7",
    )


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("Solve 2x+3=7.", "Solve 2x+3=9.", True),  # a number-only variant
        ("Solve 2x+3=7.", "Find x when 2x + 3 = 7.", False),  # a rewording
        ("Tom has 3 apples and buys 4.", "Tom owns three apples, then buys four.", False),
        ("Two friends; at least 2 must agree.", "2 friends, 2 of them must agree.", False),
        ("What is the capital of France?", "Name France's capital city.", False),
        ("A 5 x 5 grid.", "A 6 x 6 grid.", True),
    ],
)
def test_numbers_differ(a: str, b: str, differ: bool) -> None:
    assert numbers_differ(a, b) is differ
