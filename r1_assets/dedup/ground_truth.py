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
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import polars as pl

MAX_ANSWER_WORDS = 3  # "x = 5", "(2, 3)", "\text{(B)}": more words than this is a prose answer
MAX_ANSWER_CHARS = 48

_WRAPPERS = (
    re.compile(r"^\\boxed\{(.*)\}$"),
    re.compile(r"^\\text(?:bf|rm)?\{(.*)\}$"),
    re.compile(r"^\\\((.*)\\\)$"),
    re.compile(r"^\\\[(.*)\\\]$"),
)
_TEXT = re.compile(r"\\(?:text|mathrm|textbf)\{([^{}]*)\}")  # "5\text{ cm}" -> "5  cm "
_SPACING = re.compile(r"\\left|\\right|\\[,;!: ]")
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}")  # LaTeX commands are not words
_AROUND_SYMBOL = re.compile(r"\s*([^\w\s\\])\s*")  # "( 2 , 3 )" -> "(2,3)"; "2 3" stays
_VARIABLE = re.compile(r"^[A-Za-z] ?= ?(?!=)")  # "x = 5" -> "5"
# a number, then words ("120 ways", "5 cm^2") or a LaTeX factor ("49\pi", "2\sqrt{2}")
_NUMBER = re.compile(
    r"^(-?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?)(?:\s+([A-Za-z][A-Za-z ]*(?:\^\d)?)|(\\\S*))?$"
)
_FRACTION = re.compile(r"^(-?)\\[dt]?frac(?:\{(\d+)\}|(\d))(?:\{(\d+)\}|(\d))$|^(-?)(\d+)/(\d+)$")


def answer_key(answer: str | None) -> str | None:
    """A comparable form of a short reference answer, or None for no answer or a prose one.

    A number becomes ``value|words``: its value (``0.5`` = ``.50`` = ``\\frac{1}{2}`` = ``1/2``,
    ``1,000`` = ``1000``, ``x = 5`` = ``5``) and the words after it, if any (``120 ways``,
    ``5 cm``). Anything else keeps its text without ``$``, ``\\boxed{}``, ``\\left``/``\\right``
    or the spaces around symbols. Letter case is kept (``\\Gamma`` is not ``\\gamma``), and so are
    spaces between words and digits (``2 3`` is not ``23``). Compare keys with ``answers_agree``.
    """
    if not isinstance(answer, str):
        return None
    text = " ".join(unicodedata.normalize("NFKC", answer).split())
    if not text or len(text) > MAX_ANSWER_CHARS:
        return None
    text = text.replace("$", "")
    for wrapper in _WRAPPERS:  # "\boxed{120}" -> "120"
        if match := wrapper.match(text):
            text = match.group(1).strip()
    text = _SPACING.sub(" ", _TEXT.sub(r" \1 ", text))
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    text = " ".join(text.split()).removesuffix(".").removesuffix("\\%").removesuffix("%").strip()
    if not text or len(_WORD.findall(text)) > MAX_ANSWER_WORDS:
        return None
    text = _VARIABLE.sub("", text)
    if number := _NUMBER.match(text):  # before spaces go: "2, 300" is a list, not 2300
        digits, words, factor = number.groups()
        if any(c.isdigit() for c in digits):
            try:
                value = Fraction(Decimal(digits.replace(",", "")))
            except (InvalidOperation, ValueError):
                return text
            unit = factor or " ".join((words or "").lower().split()).replace(" ^", "^")
            return f"{_canonical(value)}|{unit}"
    text = _AROUND_SYMBOL.sub(r"\1", text)
    if fraction := _FRACTION.match(text):
        parts = fraction.groups()
        sign = parts[0] or parts[5] or ""
        numerator = parts[1] or parts[2] or parts[6]
        denominator = parts[3] or parts[4] or parts[7]
        if int(denominator) == 0:
            return text
        value = Fraction(int(numerator), int(denominator)) * (-1 if sign else 1)
        return f"{_canonical(value)}|"
    return text or None


def answers_agree(a: str | None, b: str | None) -> bool | None:
    """Whether two answer keys say the same (True), something different (False), or cannot be
    told apart cheaply (None). Only clear cases disagree: two different numbers with the same
    words or factor after them ("5" vs "6", "49\\pi" vs "25\\pi"), or two different plain texts
    (no LaTeX). Unknown: anything with other words or factors ("5 cm" vs "5 km" vs "6"), two LaTeX
    forms ("\\frac{\\sqrt{3}}{2}" vs "\\frac{\\sqrt3}{2}"), a number against an expression ("2"
    vs "\\sqrt{4}")."""
    if a is None or b is None:
        return None
    if a == b:
        return True
    a_number, b_number = "|" in a, "|" in b
    if a_number and b_number:
        (a_value, a_unit), (b_value, b_unit) = a.split("|", 1), b.split("|", 1)
        return False if a_unit == b_unit and a_value != b_value else None
    if not a_number and not b_number and not any(c in a + b for c in "\\{}"):
        return False
    return None


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


EXAMPLE_SPLITS = frozenset({"example", "examples", "public", "sample"})


def example_inputs(tests: Sequence[dict] | None) -> set[str]:
    """The signature keys (see signatures_of_tests) of a problem's example tests. Examples are
    shown in the statement and shared by design between a problem's easy and hard versions, so
    examples alone are never evidence that two problems are one task (a conflicting output still
    is evidence that they are not)."""
    examples = [t for t in tests or () if (t.get("split") or "") in EXAMPLE_SPLITS]
    return set(signatures_of_tests(examples))


def _asserted_call(source: str) -> tuple[str, str] | None:
    """(arguments, expected) of ``assert name(arguments) == expected``, spelled canonically; None
    for any other assert. Runs on one thread: the AST constructor is not thread-safe in 3.11."""
    if not source.startswith("assert ") or "\n" in source or len(source) > 2_000:
        return None
    try:  # deep nesting ("1+1+…") raises RecursionError in parse or unparse: not a call then
        body = ast.parse(source).body
        if len(body) != 1 or not isinstance(body[0], ast.Assert):
            return None  # "assert f(1) == 2; assert f(2) == 3" counts whole
        test = body[0].test
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
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


TEST_AGREEMENT_SCHEMA = pl.Schema(
    {
        "i": pl.Int64,
        "j": pl.Int64,
        "shared_tests": pl.Int64,
        "shared_outputs": pl.Int64,
        "conflicting_tests": pl.Int64,
    }
)


def agreement_of_tests(
    signatures: Sequence[dict[str, str]],
    common_limit: int,
    examples: Sequence[set[str]] | None = None,
) -> pl.DataFrame:
    """Pairs of positions (i < j) that have a test input in common, with how many of those inputs
    expect the same output (shared tests), how many different outputs those expect (shared
    outputs: two regex tasks that both answer "Not matched!" to "ac" and "dc" share two tests but
    one output, and are not the same task) and how many inputs expect a different output
    (conflicting tests: a task maps an input to one answer, so these are different tasks — unless
    the problem accepts several answers, which a source's tests cannot tell).

    An input found in more than ``common_limit`` problems ("1") says nothing about which task it
    belongs to and is ignored. A hash join: pairs without a telling input in common are never
    looked at. ``examples`` (per position, see example_inputs): pairs that share only inputs that
    are an example of either problem share no tests (a conflicting output still conflicts)."""
    examples = examples or [set()] * len(signatures)
    exploded = pl.DataFrame(
        {
            "p": [p for p, tests in enumerate(signatures) for _ in tests],
            "given": [given for tests in signatures for given in tests],
            "expected": [expected for tests in signatures for expected in tests.values()],
            "example": [
                given in examples[p] for p, tests in enumerate(signatures) for given in tests
            ],
        },
        schema={"p": pl.Int64, "given": pl.String, "expected": pl.String, "example": pl.Boolean},
    )
    telling = exploded.filter(pl.len().over("given") <= common_limit)
    same = pl.col("expected") == pl.col("expected_b")
    # examples alone are no evidence: shared tests count once one of them is no example
    beyond_examples = (same & ~pl.col("example") & ~pl.col("example_b")).any()
    return (
        telling.join(telling, on="given", suffix="_b")
        .filter(pl.col("p") < pl.col("p_b"))
        .group_by(pl.col("p").alias("i"), pl.col("p_b").alias("j"))
        .agg(
            pl.when(beyond_examples).then(same.sum()).otherwise(0).alias("shared_tests"),
            pl.when(beyond_examples)
            .then(pl.col("expected").filter(same).n_unique())
            .otherwise(0)
            .alias("shared_outputs"),
            (~same).sum().cast(pl.Int64).alias("conflicting_tests"),
        )
        .select(TEST_AGREEMENT_SCHEMA.names())
        .cast(dict(TEST_AGREEMENT_SCHEMA))
        .sort(["i", "j"])
    )
