"""Comparing a program's output with a test's expected output, and the per-program verdict."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

FLOAT_TOLERANCE = 1e-6
DETAIL_CHARS = 300
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class TestReport:
    __test__ = False  # not a pytest test class, whatever its name

    passed: bool
    n_run: int  # tests executed, the failing one included
    n_passed: int
    n_tests: int  # tests the program was given (before max_tests)
    failed_test: int | None  # index of the first failing test
    status: str  # the failing run's status (wrong_answer: ran fine, wrong output), or "ok"
    detail: str  # which test failed and why, with a short excerpt


def clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shorten(text: str, limit: int = 80) -> str:
    return repr(clip(text, limit))


def output_lines(text: str) -> list[str]:
    """Trailing whitespace of each line and trailing blank lines do not count."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _numbers_close(a: str, b: str) -> bool:
    if not (_NUMBER.fullmatch(a) and _NUMBER.fullmatch(b)):
        return False
    return math.isclose(float(a), float(b), rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)


def stdio_matches(expected: str, got: str) -> bool:
    """Exact after normalizing line ends, else token by token with numbers equal within 1e-6
    (as most judges' default checkers: whitespace between tokens does not matter)."""
    if output_lines(expected) == output_lines(got):
        return True
    want, have = expected.split(), got.split()
    return len(want) == len(have) and all(
        w == h or _numbers_close(w, h) for w, h in zip(want, have, strict=True)
    )


def stdio_difference(expected: str, got: str) -> str:
    """Where the outputs first differ, for a human."""
    want, have = output_lines(expected), output_lines(got)
    for number, (w, h) in enumerate(zip(want, have, strict=False), start=1):
        if w != h:
            return f"line {number}: expected {shorten(w)}, got {shorten(h)}"
    if len(want) > len(have):
        missing = shorten(want[len(have)])
        return f"output ended after {len(have)} lines of {len(want)}; next expected {missing}"
    if len(have) > len(want):
        return f"{len(have) - len(want)} extra lines: {shorten(have[len(want)])}"
    return "outputs differ"


def values_match(got: object, expected: object) -> bool:
    """Equality of JSON values, floats within 1e-6 (bools are not numbers here)."""
    if _is_number(got) and _is_number(expected):
        return math.isclose(got, expected, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(got, list) and isinstance(expected, list):
        return len(got) == len(expected) and all(map(values_match, got, expected))
    if isinstance(got, dict) and isinstance(expected, dict):
        return got.keys() == expected.keys() and all(values_match(got[k], expected[k]) for k in got)
    return type(got) is type(expected) and got == expected


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_expected(output: str) -> object:
    try:
        return json.loads(output)
    except (TypeError, ValueError):
        return output  # not JSON: compare with the result as a string


def call_matches(got: object, expected: object) -> bool:
    """APPS wraps many expected values in a one-element list: either form is accepted."""
    if values_match(got, expected):
        return True
    return isinstance(expected, list) and len(expected) == 1 and values_match(got, expected[0])


def failure(index: int, kind: str, why: str) -> str:
    detail = f"test {index} ({kind}) failed: {why}"
    return detail if len(detail) <= DETAIL_CHARS else detail[: DETAIL_CHARS - 3] + "..."
