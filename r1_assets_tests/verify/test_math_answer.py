"""Math verification with real math-verify in real worker processes: verdicts, the hard time bound
per item, and the pool's life cycle."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from r1_assets.text.answers import extract_final_answer
from r1_assets.verify.math_answer import MATH_VERIFIER_VERSION, MathCheck, MathVerifier

BOUND_S = 2.0
# a timed-out item costs the bound plus killing and reaping one process; the machine is shared
MARGIN_S = 1.0


@pytest.fixture(scope="module")
def verifier() -> Iterator[MathVerifier]:
    with MathVerifier(workers=2, timeout_s=BOUND_S) as pool:
        pool.check("1", "\\boxed{1}")  # start the workers before anything is timed
        yield pool


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def timed(verifier: MathVerifier, reference: str, answer: str) -> tuple[MathCheck, float]:
    started = time.monotonic()
    check = verifier.check(reference, answer)
    return check, time.monotonic() - started


# -- extraction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("so \\boxed{3} or rather \\boxed{5}.", "5"),
        ("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"),
        ("\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}", "\\left( 3, \\frac{\\pi}{2} \\right)"),
        ("\\boxed {x = 5}", "x = 5"),
        ("\\fbox{7}", "7"),
        ("\\boxed{\\{1, 2\\}}", "\\{1, 2\\}"),  # escaped braces are not groups
        ("\\boxed{\\text{(C)}} then \\boxed{4", "\\text{(C)}"),  # a truncated box does not count
        ("The answer is 5.", None),
        ("\\boxed{", None),
    ],
)
def test_extract_final_answer(text: str, expected: str | None) -> None:
    assert extract_final_answer(text) == expected


def test_extract_final_answer_is_linear_on_a_megabyte_of_open_boxes() -> None:
    started = time.monotonic()
    assert extract_final_answer("\\boxed{" * 150_000) is None
    assert time.monotonic() - started < 1.0


# -- verdicts


EQUIVALENT = [
    ("\\frac{1}{2}", "\\boxed{0.5}"),
    ("0.5", "so the answer is \\boxed{\\frac12}"),
    ("\\frac12", "\\boxed{\\dfrac{1}{2}}"),
    ("3/4", "\\boxed{0.75}"),
    ("\\frac34", "\\boxed{3/4}"),
    ("\\left( 3, \\frac{\\pi}{2} \\right)", "\\boxed{(3,\\frac{\\pi}{2})}"),
    ("[1, 2)", "\\boxed{1 \\le x < 2}"),  # interval vs inequality: allow_set_relation_comp
    ("(2,\\infty)", "\\boxed{x > 2}"),
    ("\\sqrt{2}", "\\boxed{\\sqrt2}"),
    ("\\sqrt{2}", "\\boxed{sqrt(2)}"),
    ("50\\%", "\\boxed{50}"),  # DESIGN §4: 50% equals both 50 and 0.5
    ("50\\%", "\\boxed{0.5}"),
    ("5", "\\boxed{x = 5}"),
    ("x=5", "\\boxed{5}"),
    ("\\text{(C)}", "\\boxed{C}"),
    ("C", "\\boxed{\\textbf{(C)}}"),
    ("\\text{Evelyn}", "\\boxed{\\text{Evelyn}}"),
    ("1000", "\\boxed{1,000}"),
    ("10,\\!080", "\\boxed{10080}"),
    ("90^\\circ", "\\boxed{90}"),
    ("\\frac{270}7\\text{ degrees}", "\\boxed{\\frac{270}{7}}"),
    ("18", "\\boxed{\\$18}"),
    ("073", "\\boxed{\\textbf{(073)}}"),  # AIME's leading zeros inside a bold wrapper
    ("113", "\\boxed{\\textbf{(113) }}"),
    ("12", "\\boxed{12 \\text{ cm}^2}"),
    ("1 \\pm \\sqrt{19}", "\\boxed{1+\\sqrt{19}, 1-\\sqrt{19}}"),
    ("3, 5, 7", "\\boxed{7, 5, 3}"),
    ("-2 + 7i", "\\boxed{7i - 2}"),
    ("6+9i", "\\boxed{9 i + 6}"),  # i is the imaginary unit in both spellings
    (
        "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
        "\\boxed{\\begin{pmatrix}\n1 \\\\\n2\n\\end{pmatrix}}",
    ),
    # references with math delimiters or a box of their own
    ("$\\frac{1}{2}$", "\\boxed{0.5}"),
    ("\\boxed{18}", "\\boxed{18}"),
    # short answers without a box are parsed whole
    ("5", "x = 5"),
    ("42", "The answer is 42."),
    ("\\sqrt{2}", "\\sqrt{2}"),
]

DIFFERENT = [
    ("\\frac{1}{2}", "\\boxed{\\frac{1}{3}}"),
    ("3/4", "\\boxed{0.7}"),
    ("\\sqrt{2}", "\\boxed{2}"),
    ("(3, \\frac{\\pi}{2})", "\\boxed{(\\frac{\\pi}{2}, 3)}"),
    ("\\text{(C)}", "\\boxed{D}"),
    ("52_8", "\\boxed{42}"),
    ("\\pi", "\\boxed{3.14}"),
    ("5", "\\boxed{-5}"),
    ("6+9i", "\\boxed{6 + 8 i}"),
    ("5", "\\boxed{5} at first, but \\boxed{6} in the end"),  # the last box is the answer
]


def test_equivalent_answers_pass(verifier: MathVerifier) -> None:
    checks = verifier.check_many(EQUIVALENT, progress=False)
    failed = [(pair, c) for pair, c in zip(EQUIVALENT, checks, strict=True) if not c.passed]
    assert failed == []
    assert {c.status for c in checks} == {"ok"}
    assert checks[0].detail == "answer 0.5 equals reference \\frac{1}{2}"
    assert checks[0].parsed_answer == checks[0].parsed_reference == "1/2"


def test_different_answers_fail(verifier: MathVerifier) -> None:
    checks = verifier.check_many(DIFFERENT, progress=False)
    passed = [pair for pair, c in zip(DIFFERENT, checks, strict=True) if c.passed]
    assert passed == []
    assert {c.status for c in checks} == {"ok"}
    assert "differs from reference" in checks[0].detail


def test_last_boxed_answer_wins(verifier: MathVerifier) -> None:
    text = "First I thought \\boxed{3}. Checking again: the answer is \\boxed{5}."
    assert verifier.check("5", text).passed
    assert not verifier.check("3", text).passed


def test_no_boxed_answer(verifier: MathVerifier) -> None:
    long_prose = "We try 3 and then 4, and the result follows from 7 steps. " * 10
    check = verifier.check("7", long_prose)
    assert check == MathCheck(False, "no_answer", "no \\boxed{} answer")
    assert verifier.check("7", "   ").status == "no_answer"
    assert verifier.check("7", "\\boxed{}").status == "no_answer"


def test_unparsable_answer(verifier: MathVerifier) -> None:
    check = verifier.check("7", "\\boxed{\\text{}}")
    assert (check.passed, check.status) == (False, "unparsable")


# -- the hard time bound


@pytest.mark.parametrize("hostile", ["9^{9^{9^9}}", "10^{10^{9}}"])
def test_hostile_answer_costs_at_most_the_bound(verifier: MathVerifier, hostile: str) -> None:
    check, seconds = timed(verifier, "5", f"The answer is \\boxed{{{hostile}}}")
    assert check.status == "timeout" and not check.passed
    assert check.detail == "verification exceeded the 2 s bound (worker killed)"
    assert BOUND_S - 0.1 <= seconds <= BOUND_S + MARGIN_S
    # the pool carries on with a replacement worker
    after, seconds = timed(verifier, "\\frac{1}{2}", "\\boxed{0.5}")
    assert after.passed and seconds < MARGIN_S
    assert len(verifier.worker_pids()) == 2


def test_megabyte_of_latex_is_rejected_without_a_worker(verifier: MathVerifier) -> None:
    megabyte = "\\boxed{" + "\\frac{1}{2}+" * 90_000 + "1}"
    check, seconds = timed(verifier, "5", megabyte)
    assert (check.passed, check.status) == (False, "too_long")
    assert check.detail == "answer is 1,080,001 chars, over the 20,000 limit"
    assert seconds < 0.5
    # a megabyte of prose with a small box at its end is an ordinary answer
    check, seconds = timed(verifier, "5", "blah " * 200_000 + "\\boxed{5}")
    assert check.passed and seconds < MARGIN_S


def test_megabyte_of_latex_shipped_to_a_worker_costs_at_most_the_bound() -> None:
    megabyte = "\\boxed{" + "\\frac{1}{2}+" * 90_000 + "1}"
    with MathVerifier(workers=1, timeout_s=BOUND_S, max_chars=2_000_000) as pool:
        pool.check("1", "\\boxed{1}")
        check, seconds = timed(pool, "5", megabyte)
        assert check.status == "timeout"
        assert seconds <= BOUND_S + MARGIN_S
        # one worker: the next item waits for the replacement to import math-verify
        assert pool.check("5", "\\boxed{5}").passed


def test_check_many_keeps_order_around_timeouts(verifier: MathVerifier) -> None:
    pairs = [("\\frac{1}{2}", "\\boxed{0.5}"), ("5", "\\boxed{9^{9^{9^9}}}")]
    pairs += [(str(n), f"\\boxed{{{n}}}") for n in range(20)]
    pairs += [("7", "no box here, and no short answer either. " * 10), ("3", "\\boxed{4}")]
    started = time.monotonic()
    checks = verifier.check_many(pairs, progress=False)
    seconds = time.monotonic() - started
    statuses = [c.status for c in checks]
    assert statuses == ["ok", "timeout"] + ["ok"] * 20 + ["no_answer", "ok"]
    assert [c.passed for c in checks] == [True, False] + [True] * 20 + [False, False]
    assert [c.parsed_reference for c in checks[2:22]] == [str(n) for n in range(20)]
    assert seconds <= BOUND_S + MARGIN_S  # the other worker did the rest meanwhile


def test_works_from_a_thread(verifier: MathVerifier) -> None:
    """math-verify's own signal timeouts raise outside the main thread; the pool does not."""
    results: list[MathCheck] = []
    thread = threading.Thread(target=lambda: results.append(verifier.check("2", "\\boxed{2}")))
    thread.start()
    thread.join()
    assert results[0].passed


# -- the pool's life cycle


def test_workers_start_lazily_and_leave_nothing_after_close() -> None:
    pool = MathVerifier(workers=2, timeout_s=BOUND_S)
    assert pool.worker_pids() == []
    assert pool.check("1", "\\boxed{1}").passed
    pids = pool.worker_pids()
    assert len(pids) == 2 and all(alive(pid) for pid in pids)
    pool.close()
    assert pool.worker_pids() == []
    assert not any(alive(pid) for pid in pids)  # killed and reaped, not zombies
    # reused after close: the pool starts again
    assert pool.check("1", "\\boxed{1}").passed
    pids = pool.worker_pids()
    with pool:
        pass
    assert not any(alive(pid) for pid in pids)


def test_worker_killed_from_outside() -> None:
    with MathVerifier(workers=1, timeout_s=10.0) as pool:
        pool.check("1", "\\boxed{1}")
        # killed while idle: no item is lost
        os.kill(pool.worker_pids()[0], signal.SIGKILL)
        time.sleep(0.1)
        assert pool.check("1", "\\boxed{1}").passed
        # killed mid-item: that item is an error, the pool carries on
        pid = pool.worker_pids()[0]
        threading.Timer(0.5, os.kill, (pid, signal.SIGKILL)).start()
        check = pool.check("5", "\\boxed{9^{9^{9^9}}}")
        assert (check.status, check.detail) == ("error", "verification worker died (exit code -9)")
        assert pool.check("2", "\\boxed{2}").passed


def test_version() -> None:
    assert MathVerifier.version == MATH_VERIFIER_VERSION == "1"
