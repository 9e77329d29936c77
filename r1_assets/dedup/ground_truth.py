"""What a problem's ground truth says that its wording cannot.

Two statements of one task can be worded far apart (MiniLM scores a Codeforces statement and its
APPS rewrite 0.68–0.78), and two different tasks can be worded alike (the same story asking for
the other quantity scores 0.95). Answers and tests settle both cases:

- two code problems that share their tests (the same input gives the same output, in at least two
  tests that few other problems have and that expect different outputs, and no input gives
  different outputs) are one task, however
  they are worded — sources keep different test sets (CodeContests adds generated tests,
  Codeforces its official ones), so what they share is usually the examples and a few more;
- two math problems with the same numbers, the same short reference answer and a moderately
  similar text are one problem;
- two problems whose short reference answers differ, or whose tests expect different outputs for
  one input, are different problems, however alike their texts are ("how many blind students" vs
  "how many students altogether", same numbers; "divisible by 7" vs "by 3").

Only short answers count (numbers, fractions, short expressions): a prose answer ("The pH is about
2.3 because…") is worded like a problem, and two wordings of it would look like a conflict.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import polars as pl

from r1_assets.catalog.schema import normalize_problem_text

MAX_ANSWER_WORDS = 3  # "x = 5", "(2, 3)", "\text{(B)}": more words than this is a prose answer
MAX_ANSWER_CHARS = 48

_WRAPPERS = (
    re.compile(r"^\\boxed\{(.*)\}$"),
    re.compile(r"^\\text(?:bf)?\{(.*)\}$"),
    re.compile(r"^\$+(.*?)\$+$"),
    re.compile(r"^\\\((.*)\\\)$"),
    re.compile(r"^\\\[(.*)\\\]$"),
)
_NOISE = re.compile(r"\\left|\\right|\\[,;!: ]|\s+|\.$")
_FRACTION = re.compile(r"^(-?)\\[dt]?frac\{?(\d+)\}?\{?(\d+)\}?$|^(-?)(\d+)/(\d+)$")
_WORD = re.compile(r"(?<![\\a-z])[a-z]{2,}")
_UNIT = re.compile(r"^(-?[\d.,]+)\s*(?:\\text\{\s*[a-z ]+\}|\s[a-z]+(?: [a-z]+)*)(?:\^\d)?$")
_VARIABLE = re.compile(r"^[a-z]=(?!=)")
_DECIMAL = re.compile(r"^-?(?:\d+(?:,\d{3})*)?(?:\.\d+)?$")


def answer_key(answer: str | None) -> str | None:
    """A comparable form of a short reference answer, or None for no answer or a prose one.

    Numbers compare by value (``0.5`` = ``.50`` = ``\\frac{1}{2}`` = ``1/2``, ``1,000`` = ``1000``),
    without a unit in words or a leading variable (``120 ways`` = ``x = 120`` = ``120``); other
    short answers by their text without spacing, ``$`` delimiters, ``\\boxed{}``,
    ``\\left``/``\\right`` or letter case.
    """
    if answer is None:
        return None
    text = normalize_problem_text(answer)
    if not text or len(text) > MAX_ANSWER_CHARS:
        return None
    for wrapper in _WRAPPERS:  # "$\boxed{120}$" -> "120"
        if match := wrapper.match(text):
            text = match.group(1).strip()
    text = text.replace("$", "").strip()  # "$120$ ways"
    if len(_WORD.findall(text)) > MAX_ANSWER_WORDS:  # LaTeX commands are not words
        return None
    if unit := _UNIT.match(text):  # "120 ways", "5\\text{ cm}^2" -> the number
        text = unit.group(1)
    text = _NOISE.sub("", text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac"))
    text = _VARIABLE.sub("", text)  # "x=5" -> "5"
    text = text.removesuffix("\\%").removesuffix("%")
    if not text:
        return None
    if fraction := _FRACTION.match(text):
        sign, numerator, denominator = (
            fraction.groups()[:3] if fraction.group(2) else fraction.groups()[3:]
        )
        if int(denominator) == 0:
            return text
        return _canonical(Fraction(int(numerator), int(denominator)) * (-1 if sign else 1))
    if _DECIMAL.match(text) and any(c.isdigit() for c in text):
        try:
            return _canonical(Fraction(Decimal(text.replace(",", ""))))
        except (InvalidOperation, ValueError):
            return text
    return text


def _canonical(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def _tidy(io: str | None) -> str:
    """Test input/output as a judge compares it: no trailing spaces, no trailing blank lines."""
    return "\n".join(line.rstrip() for line in (io or "").replace("\r\n", "\n").split("\n")).strip()


def signatures_of_tests(tests: Sequence[dict] | None) -> dict[str, str]:
    """Each distinct test input (with its kind) as a short hash -> the hash of its expected output.

    The function name of a ``call`` test is left out: two sources name one function differently.
    An ``assert f(args) == expected`` test is read the same way (MBPP's "radians to degrees" and
    "degrees to radians" both call with 90 and expect different numbers); other asserts count as
    a whole, input without output."""
    found: dict[str, str] = {}
    for test in tests or ():
        kind = test.get("kind") or ""
        given, expected = _tidy(test.get("input")), _tidy(test.get("output"))
        if kind == "assert" and (call := _asserted_call(given)):
            kind, (given, expected) = "assert_call", call
        if not given and not expected:
            continue
        found.setdefault(_short_hash(kind + "\x00" + given), _short_hash(expected))
    return found


def _asserted_call(source: str) -> tuple[str, str] | None:
    """(arguments, expected) of ``assert name(arguments) == expected``, spelled canonically; None
    for any other assert. Runs on one thread: the AST constructor is not thread-safe in 3.11."""
    if not source.startswith("assert ") or "\n" in source or len(source) > 2_000:
        return None
    try:
        statement = ast.parse(source).body[0]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(statement, ast.Assert):
        return None
    test = statement.test
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.left, ast.Call)
        and isinstance(test.left.func, ast.Name)
    ):
        return None
    call = test.left
    arguments = ast.unparse(ast.Tuple(elts=[*call.args], ctx=ast.Load()))
    keywords = ",".join(sorted(ast.unparse(k) for k in call.keywords))
    return f"{arguments};{keywords}", ast.unparse(test.comparators[0])


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


PAIRS_SCHEMA = pl.Schema(
    {
        "i": pl.Int64,
        "j": pl.Int64,
        "shared_tests": pl.Int64,
        "shared_outputs": pl.Int64,
        "conflicting_tests": pl.Int64,
    }
)


def agreement_of_tests(signatures: Sequence[dict[str, str]], common_limit: int) -> pl.DataFrame:
    """Pairs of positions (i < j) that have a test input in common, with how many of those inputs
    expect the same output (shared tests), how many different outputs those expect (shared
    outputs: two regex tasks that both answer "Not matched!" to "ac" and "dc" share two tests but
    one output, and are not the same task) and how many inputs expect a different output
    (conflicting tests: a task maps an input to one answer, so these are different tasks — unless
    the problem accepts several answers, which a source's tests cannot tell).

    An input found in more than ``common_limit`` problems ("1") says nothing about which task it
    belongs to and is ignored. A hash join: pairs without a telling input in common are never
    looked at."""
    exploded = pl.DataFrame(
        {
            "p": [p for p, tests in enumerate(signatures) for _ in tests],
            "given": [given for tests in signatures for given in tests],
            "expected": [expected for tests in signatures for expected in tests.values()],
        },
        schema={"p": pl.Int64, "given": pl.String, "expected": pl.String},
    )
    telling = exploded.filter(pl.len().over("given") <= common_limit)
    same = pl.col("expected") == pl.col("expected_b")
    return (
        telling.join(telling, on="given", suffix="_b")
        .filter(pl.col("p") < pl.col("p_b"))
        .group_by(pl.col("p").alias("i"), pl.col("p_b").alias("j"))
        .agg(
            same.sum().cast(pl.Int64).alias("shared_tests"),
            pl.col("expected").filter(same).n_unique().cast(pl.Int64).alias("shared_outputs"),
            (~same).sum().cast(pl.Int64).alias("conflicting_tests"),
        )
        .select(PAIRS_SCHEMA.names())
        .cast(dict(PAIRS_SCHEMA))
        .sort(["i", "j"])
    )
