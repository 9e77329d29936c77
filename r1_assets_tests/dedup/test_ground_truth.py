"""Answer keys, test signatures and test agreement: the ground truth dedup weighs."""

import pytest

from r1_assets.dedup.ground_truth import (
    agreement_of_tests,
    answer_key,
    answers_agree,
    signatures_of_tests,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("120", "$120$"),
        ("120", "\\boxed{120}"),
        ("5", "x = 5"),
        ("0.5", "\\frac{1}{2}"),
        ("\\dfrac12", "1/2"),
        (".50", "0.5"),
        ("1,000", "1000"),
        ("-\\frac{3}{4}", "-0.75"),
        ("50\\%", "50"),
        ("5\\text{ cm}^2", "5 cm^2"),
        ("(2, 3)", "(2,3)"),
        ("\\left(2, 3\\right)", "(2,3)"),
        ("\\text{(B)}", "(B)"),
        ("\\frac{\\sqrt{3}}{2}", "\\frac{\\sqrt{3}}{2}"),
    ],
)
def test_answers_that_agree(a: str, b: str) -> None:
    assert answers_agree(answer_key(a), answer_key(b)) is True


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("120", "121"),
        ("1/2", "1/3"),
        ("5 cm", "6 cm"),
        ("49\\pi", "25\\pi"),  # the demo's circle areas: a number variant pair
        ("(2,3)", "(3,2)"),
        ("(B)", "(C)"),
        ("2 3", "23 4"),
    ],
)
def test_answers_that_differ(a: str, b: str) -> None:
    assert None not in (answer_key(a), answer_key(b))
    assert answers_agree(answer_key(a), answer_key(b)) is False


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("120", "120 ways"),  # the same number with words: maybe a unit, maybe a scale
        ("5 cm", "5 km"),
        ("5 cm", "6 km"),
        ("120 ways", "121"),
        ("2\\sqrt{2}", "\\sqrt{8}"),
        ("1", "1 million"),
        ("2", "\\sqrt{4}"),  # a number against an expression
        ("\\frac{\\sqrt{3}}{2}", "\\frac{\\sqrt3}{2}"),  # two LaTeX spellings
        ("2, 300", "2300"),  # a list against a number with a thousands separator
    ],
)
def test_answers_that_cannot_be_told_apart_cheaply(a: str, b: str) -> None:
    assert answers_agree(answer_key(a), answer_key(b)) is None


def test_answer_keys_keep_what_changes_the_answer() -> None:
    assert answer_key("\\Gamma") != answer_key("\\gamma")
    assert answer_key("2 3") != answer_key("23")
    assert answer_key("\\frac123") != answer_key("\\frac{12}{3}")  # LaTeX reads (1/2)·3


@pytest.mark.parametrize(
    "answer",
    [None, "", "   ", "The pH is about 2.3 because the acid dissociates fully", "x" * 200, 3],
)
def test_no_key_for_missing_or_prose_answers(answer) -> None:
    assert answer_key(answer) is None


def stdio(given: str, expected: str, kind: str = "stdio", fn_name: str | None = None) -> dict:
    return {"kind": kind, "input": given, "output": expected, "fn_name": fn_name}


def test_signatures_compare_what_a_judge_compares() -> None:
    tidy = signatures_of_tests([stdio("3\n1 2 3\n", "6\n")])
    assert tidy == signatures_of_tests([stdio("3  \r\n1 2 3", "6\n\n")])
    assert tidy != signatures_of_tests([stdio("3\n1 2 3\n", "7\n")])
    # a call test's function name is not part of the task
    assert signatures_of_tests([stdio("[1, 2]", "3", "call", "add")]) == signatures_of_tests(
        [stdio("[1, 2]", "3", "call", "plus")]
    )
    # assert f(args) == expected reads as a call: same arguments, another expected value
    radians = signatures_of_tests(
        [stdio("assert degree_radian(90)==5156.620156177409", "", "assert")]
    )
    degrees = signatures_of_tests(
        [stdio("assert radian_degree(90) == 1.5707963267948966", "", "assert")]
    )
    assert radians.keys() == degrees.keys() and radians != degrees
    # any other assert counts whole; broken code is text, not a crash
    other = signatures_of_tests([stdio("assert math.isclose(f(1), 2)", "", "assert")])
    broken = signatures_of_tests([stdio("assert f(((", "", "assert")])
    assert len(other) == len(broken) == 1 and other != broken
    assert signatures_of_tests([stdio("", ""), stdio(None, None)]) == {}  # type: ignore[arg-type]
    assert signatures_of_tests(None) == {}


def test_agreement_counts_shared_and_conflicting_tests_and_ignores_common_inputs() -> None:
    a = signatures_of_tests([stdio("8", "YES"), stdio("5", "NO"), stdio("1", "NO")])
    b = signatures_of_tests([stdio("8", "YES"), stdio("5", "NO"), stdio("7", "NO")])
    c = signatures_of_tests([stdio("8", "NO"), stdio("1", "NO")])
    d = signatures_of_tests([stdio("99", "1")])
    agreement = agreement_of_tests([a, b, c, d], common_limit=8).rows(named=True)
    by_pair = {(r["i"], r["j"]): r for r in agreement}
    assert set(by_pair) == {(0, 1), (0, 2), (1, 2)}  # d shares no input
    assert (by_pair[0, 1]["shared_tests"], by_pair[0, 1]["shared_outputs"]) == (2, 2)
    assert by_pair[0, 1]["conflicting_tests"] == 0
    assert (by_pair[0, 2]["shared_tests"], by_pair[0, 2]["conflicting_tests"]) == (1, 1)
    # input "8" is in all three: with a limit of 2 it says nothing; "5" still links a and b
    limited = {(r["i"], r["j"]): r for r in agreement_of_tests([a, b, c, d], 2).rows(named=True)}
    assert (limited[0, 1]["shared_tests"], limited[0, 1]["conflicting_tests"]) == (1, 0)
    assert (limited[0, 2]["shared_tests"], limited[0, 2]["conflicting_tests"]) == (1, 0)
    assert agreement_of_tests([{}, {}], 8).is_empty()


def test_hostile_and_compound_asserts_count_whole() -> None:
    deep = "assert f(1) == " + "+".join(["1"] * 400)  # RecursionError in the AST, once
    negated = "assert f(1) == " + "-" * 400 + "1"
    for source in (deep, negated):
        assert len(signatures_of_tests([stdio(source, "", "assert")])) == 1
    # two asserts on one line are not the first one alone: their conflict stays visible
    first = signatures_of_tests([stdio("assert f(1) == 2; assert f(2) == 3", "", "assert")])
    other = signatures_of_tests([stdio("assert f(1) == 2; assert f(2) == 4", "", "assert")])
    assert first.keys() != other.keys()
