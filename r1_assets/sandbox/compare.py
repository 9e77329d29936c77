"""Comparing a program's output with a test's expected output, and the per-program verdict.

An expected integer is matched only by exactly its value, whatever its length (``2.0`` for
``2``, never ``1000000.0`` for ``1000001``); a tolerance (1e-6, absolute or relative) applies
only where the expected value is a float, and a value that is not finite is never close to
anything. Every comparison is linear in its input (no backtracking regex, number tokens longer
than ``NUMBER_CHARS`` compare as text) and never raises: what cannot be read is a difference.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from r1_assets.sandbox.harness import UnreadableValue, from_wire

FLOAT_TOLERANCE = 1e-6
DETAIL_CHARS = 300
NUMBER_CHARS = 400  # a longer token is not parsed as a float
INT_DIGITS = 100_000  # a longer expected integer compares as text
# unambiguous: digits, optionally a point and digits, optionally an exponent — a failing match
# backtracks at most once per character
_FLOAT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


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


def _integer(token: str) -> str | None:
    """The canonical text of an integer token (no sign for 0, no leading zeros), else None."""
    digits = token[1:] if token[:1] in "+-" else token
    if not digits or not (digits.isascii() and digits.isdigit()):
        return None
    digits = digits.lstrip("0") or "0"
    return "-" + digits if token[0] == "-" and digits != "0" else digits


def _finite_float(token: str) -> float | None:
    if len(token) > NUMBER_CHARS or not _FLOAT.fullmatch(token):
        return None
    number = float(token)
    return number if math.isfinite(number) else None


def tokens_match(want: str, have: str) -> bool:
    """Equal text; else, when the expected token is an integer, a number of exactly its value
    (``2.0`` for ``2``, never ``1000000.0`` for ``1000001``); else, when it is a float, a finite
    number within the tolerance."""
    if want == have:
        return True
    exact = _integer(want)
    if exact is not None:
        other = _integer(have)
        if other is not None:
            return exact == other
        return _finite_float(have) is not None and Decimal(have) == Decimal(exact)
    a, b = _finite_float(want), _finite_float(have)
    return a is not None and b is not None and _close(a, b)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)


def stdio_matches(expected: str, got: str) -> bool:
    """Exact after normalizing line ends, else token by token (as most online judges' default
    checkers: whitespace between tokens does not matter), numbers compared as above."""
    try:
        if output_lines(expected) == output_lines(got):
            return True
        want, have = expected.split(), got.split()
        return len(want) == len(have) and all(map(tokens_match, want, have))
    except Exception:  # never raises: unreadable output is a wrong answer
        return False


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
    """Equality of values: ints exactly, floats within 1e-6 when either side is a float (never
    when either is not finite), tuples as lists (APPS style), bools are not numbers."""
    if _is_number(got) and _is_number(expected):
        if type(expected) is int:  # an integer answer: exactly its value (2.0 for 2)
            return got == expected if type(got) is int else _float_equals_int(got, expected)
        try:
            a, b = float(got), float(expected)
        except OverflowError:  # an int beyond float range is close to no float
            return False
        return math.isfinite(a) and math.isfinite(b) and _close(a, b)
    if isinstance(got, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(got) == len(expected) and all(map(values_match, got, expected))
    if isinstance(got, dict) and isinstance(expected, dict):
        return got.keys() == expected.keys() and all(values_match(got[k], expected[k]) for k in got)
    return type(got) is type(expected) and got == expected


def _float_equals_int(value: float, integer: int) -> bool:
    return math.isfinite(value) and value.is_integer() and int(value) == integer


def _is_number(value: object) -> bool:
    return type(value) in (int, float)


def _parse_int(text: str) -> int:
    """A JSON integer of any length up to INT_DIGITS, without Python's 4300-digit limit on
    ``int(str)`` (halves converted apart; the product is fast)."""
    if len(text.lstrip("-")) > INT_DIGITS:
        raise ValueError("integer too long")
    if len(text) <= 4000:
        return int(text)
    sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text)
    half = len(digits) // 2
    return sign * (_parse_int(digits[:-half]) * 10**half + _parse_int(digits[-half:]))


def parse_expected(output: str) -> object:
    """A test's expected value: JSON, else the text itself (compared as a string)."""
    try:
        return json.loads(output, parse_int=_parse_int)
    except (TypeError, ValueError, RecursionError):
        return output


class Opaque:
    """A program object that is not data (a handle in the wire format): equal to nothing."""

    def __init__(self, type_name: str) -> None:
        self.type_name = str(type_name)[:100]

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


def decode_value(wire_json: str) -> object:
    """A program's value as the harness forwarded it (``harness`` wire format), as far as it can
    equal a JSON value: sets and dicts with other than string keys are refused before they are
    built (a forged dict of colliding keys would cost the host quadratic time)."""
    try:
        data = json.loads(wire_json)
    except (ValueError, RecursionError) as error:
        raise UnreadableValue(f"unreadable value ({type(error).__name__})") from None
    return from_wire(data, lambda ref, type_name: Opaque(type_name), json_only=True)


def show(value: object) -> str:
    """A value for a human, as JSON where it can be. Never raises."""
    try:
        return json.dumps(_plain(value))
    except Exception:
        try:
            return repr(_plain(value))
        except Exception:
            return "<unprintable>"


def _plain(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, int) and value.bit_length() > 13_000:  # past decimal conversion
        return f"<an integer of {value.bit_length()} bits>"
    return value


def call_difference(wire_json: str, expected: object) -> str | None:
    """Why a call test's value differs from the expected one, or None if it matches. APPS
    wraps many expected values in a one-element list: either form is accepted. Never raises."""
    try:
        got = decode_value(wire_json)
        if values_match(got, expected) or (
            isinstance(expected, list) and len(expected) == 1 and values_match(got, expected[0])
        ):
            return None
        return f"expected {clip(show(expected))}, got {clip(show(got))}"
    except UnreadableValue as error:
        return f"expected {clip(show(expected))}, got an unreadable value: {error}"
    except Exception as error:  # a comparison never takes the host down
        why = type(error).__name__
        return f"expected {clip(show(expected))}; the value could not be compared ({why})"


def failure(index: int, kind: str, why: str) -> str:
    detail = f"test {index} ({kind}) failed: {why}"
    return detail if len(detail) <= DETAIL_CHARS else detail[: DETAIL_CHARS - 3] + "..."
