"""Scoring model samples on benchmark items: extract the answer, decide whether it is correct.

One scorer per item (``scorer`` column of the item schema):

- ``math_verify``: the last ``\\boxed{}`` answer against the reference with math-verify, through
  :class:`~r1_assets.verify.math_answer.MathVerifier` (worker processes, a hard time bound each).
- ``choice``: the answer letter (last ``\\boxed{X}``, else "Answer: X" / "answer is (X)") must equal
  the reference letter.
- ``sandbox``: the last fenced Python block runs against the item's tests (public, then private)
  in the bubblewrap :class:`~r1_assets.sandbox.Sandbox`.

Only the part after ``</think>`` is scored when the response has one: a boxed expression inside
the reasoning is a step, not the answer. A response cut off inside ``<think>`` has no answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import polars as pl

from r1_assets.catalog.schema import split_think, think_closed
from r1_assets.evaluate.metrics import Equivalence
from r1_assets.sandbox import TestReport, extract_program
from r1_assets.text.answers import extract_final_answer
from r1_assets.verify.math_answer import SHORT_ANSWER_CHARS, MathCheck

SCORED_SCHEMA = pl.Schema(
    {
        "benchmark": pl.String,
        "item_id": pl.String,
        "sample_index": pl.Int64,
        "answer": pl.String,  # what was extracted: math answer, letter, or program
        "correct": pl.Boolean,
        "status": pl.String,  # ok / no_answer / the verifier's or sandbox's status
        "detail": pl.String,
        "closed_think": pl.Boolean,  # the response closed its <think> block
        "answer_found": pl.Boolean,  # the scorer found an answer (a box, a letter, a program)
    }
)

# Put before every program the sandbox runs: LeetCode-style solutions (LiveCodeBench functional
# problems) use List, Optional, deque, Counter, ... without importing them, as the judge's
# environment provides them, and LiveCodeBench's own harness prepends such imports too. No star
# import of math: math.pow would shadow the builtin pow(a, b, mod).
CODE_PRELUDE = (
    "from typing import *\n"
    "from collections import *\n"
    "from itertools import *\n"
    "from functools import *\n"
    "from heapq import *\n"
    "from bisect import *\n"
    "import bisect, collections, functools, heapq, itertools, math, re, string, sys\n"
)

_TEX_WRAPPER = re.compile(r"\\(?:text|textbf|textrm|mathrm|mathbf)\s*\{([^{}]*)\}")
# a letter A-D at the start of a boxed answer, alone or as "(B)", "B)", "B. text", "B: text"
_BOXED_LETTER = re.compile(r"\s*\(?\s*([A-D])\s*(?:\)|\.|:|\s|$)")
# "Answer: B", "answer is (C)", "The final answer is **D**"; the letter itself must be uppercase
_ANSWER_LETTER = re.compile(
    r"(?i:answer)\s*(?:(?i:is)\s*)?:?\s*\**\s*\(?\s*([A-D])\s*\)?\**(?![A-Za-z0-9])"
)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class MathVerifierLike(Protocol):
    def check(self, reference: str, answer_text: str) -> MathCheck: ...

    def check_many(
        self, pairs: list[tuple[str, str]], progress: bool = True
    ) -> list[MathCheck]: ...


class SandboxLike(Protocol):
    def run_many(
        self,
        jobs: list[tuple[str, list[dict]]],
        max_tests: int | None = None,
        progress: bool = True,
    ) -> list[TestReport]: ...


# ---------------------------------------------------------------------------------------------
# Extraction


def final_part(text: str) -> str | None:
    """The answer part of a response: after ``</think>`` if there is one, the whole text if there
    is no think tag, None if it was cut off inside ``<think>``."""
    return split_think(text or "")[1]


def extract_math_answer(text: str) -> str | None:
    """The answer math-verify will check: the last boxed answer, else a short text as it is
    (MathVerifier parses a text of at most SHORT_ANSWER_CHARS without a box, nothing longer)."""
    boxed = extract_final_answer(text)
    if boxed is not None:
        return boxed or None
    text = text.strip()
    return text if text and len(text) <= SHORT_ANSWER_CHARS else None


def extract_choice(text: str) -> str | None:
    """The answer letter A-D: the last ``\\boxed{X}`` that holds a letter (``\\boxed{B}``,
    ``\\boxed{\\text{(C)}}``, ``\\boxed{D) 12 m}``), else the last "Answer: X" / "answer is (X)".
    Lowercase letters do not count: "answer: a" is prose more often than a choice."""
    boxed = extract_final_answer(text or "")
    if boxed is not None:
        content = boxed
        while True:  # \text{\textbf{B}} unwraps in two rounds
            unwrapped = _TEX_WRAPPER.sub(r"\1", content)
            if unwrapped == content:
                break
            content = unwrapped
        match = _BOXED_LETTER.match(content)
        if match:
            return match.group(1)
    matches = _ANSWER_LETTER.findall(text or "")
    return matches[-1] if matches else None


# ---------------------------------------------------------------------------------------------
# Scoring


def score_samples(
    items: pl.DataFrame,
    samples: Iterable[Mapping[str, Any]],
    math_verifier: MathVerifierLike | None = None,
    sandbox: SandboxLike | None = None,
    max_tests: int | None = None,
    code_prelude: str = CODE_PRELUDE,
) -> pl.DataFrame:
    """One verdict per sample: answer, correct, status, detail (:data:`SCORED_SCHEMA`).

    ``items`` are benchmark items (``benchmarks.ITEM_SCHEMA``, item ids unique); ``samples`` are
    dicts with item_id, sample_index and text (the model's whole response). Math answers go to
    ``math_verifier.check_many`` in one batch, programs to ``sandbox.run_many`` in one batch with
    the first ``max_tests`` tests of each item (all when None). A sample of an unknown item, or a
    scorer whose engine was not given, raises: a missing verdict must never read as wrong.
    """
    by_id = {
        row["item_id"]: row
        for row in items.with_columns(
            # items stored before setup_code existed have none
            setup_code=pl.col("setup_code") if "setup_code" in items.columns else pl.lit(None)
        )
        .select("benchmark", "item_id", "reference", "test_cases", "scorer", "setup_code")
        .iter_rows(named=True)
    }
    if len(by_id) != items.height:
        raise ValueError("item ids are not unique: score one benchmark at a time")
    rows: list[dict[str, Any]] = []
    math_jobs: list[tuple[int, str, str]] = []  # (row, reference, answer part)
    code_jobs: list[tuple[int, str, list[dict]]] = []  # (row, program, tests)
    for sample in samples:
        item = by_id.get(sample["item_id"])
        if item is None:
            raise ValueError(f"sample of unknown item {sample['item_id']!r}")
        row = {
            "benchmark": item["benchmark"],
            "item_id": item["item_id"],
            "sample_index": int(sample["sample_index"]),
            "answer": None,
            "correct": False,
            "status": "no_answer",
            "detail": "",
            "closed_think": think_closed(sample.get("text") or ""),
            "answer_found": False,
        }
        rows.append(row)
        final = final_part(sample.get("text") or "")
        if final is None:
            row["detail"] = "the response ended inside <think>: no final answer"
            continue
        scorer = item["scorer"]
        if scorer == "math_verify":
            row["answer"] = extract_math_answer(final)
            math_jobs.append((len(rows) - 1, item["reference"] or "", final))
        elif scorer == "choice":
            _score_choice(row, extract_choice(final), item["reference"])
        elif scorer == "sandbox":
            program = extract_program(final)
            if program is None:
                row["detail"] = "no complete ```python code block in the answer"
                continue
            row["answer"] = program
            setup = item.get("setup_code")
            program = code_prelude + program + (f"\n\n{setup}\n" if setup else "")
            code_jobs.append((len(rows) - 1, program, item["test_cases"] or []))
        else:
            raise ValueError(f"item {item['item_id']!r}: unknown scorer {scorer!r}")
    if math_jobs and math_verifier is None:
        raise ValueError("math items need a math_verifier")
    if code_jobs and sandbox is None:
        raise ValueError("code items need a sandbox")
    if math_jobs and math_verifier is not None:
        checks = math_verifier.check_many([(r, a) for _, r, a in math_jobs], progress=False)
        for (index, _, _), check in zip(math_jobs, checks, strict=True):
            rows[index].update(correct=check.passed, status=check.status, detail=check.detail)
    if code_jobs and sandbox is not None:
        jobs = [(program, tests) for _, program, tests in code_jobs]
        reports = sandbox.run_many(jobs, max_tests=max_tests, progress=False)
        for (index, _, _), report in zip(code_jobs, reports, strict=True):
            rows[index].update(correct=report.passed, status=report.status, detail=report.detail)
    for row in rows:
        row["answer_found"] = row["answer"] is not None
    return pl.DataFrame(rows, schema=SCORED_SCHEMA, orient="row")


def _score_choice(row: dict[str, Any], letter: str | None, reference: str | None) -> None:
    if letter is None:
        row["detail"] = "no answer letter (A-D) found"
        return
    row.update(
        answer=letter,
        correct=letter == reference,
        status="ok",
        detail=f"answer {letter}, reference {reference}",
    )


# ---------------------------------------------------------------------------------------------
# Answer equivalence for majority voting


def _boxed(answer: str) -> str:
    return "\\boxed{" + answer + "}"


def _plain_numbers_equal(a: str, b: str) -> bool | None:
    """Two plain decimal numbers ("025", "25", "2.50") compared exactly, without math-verify;
    None when either is something else."""
    if not (_PLAIN_NUMBER.fullmatch(a.strip()) and _PLAIN_NUMBER.fullmatch(b.strip())):
        return None
    try:
        return Decimal(a.strip()) == Decimal(b.strip())
    except InvalidOperation:
        return None


class MathEquivalence:
    """``equivalent(a, b)`` for math answers: math-verify's verdict on ``b`` boxed against ``a``
    as the reference, cached per pair for the life of the object (math-verify costs ~10-20 ms a
    pair plus a worker round trip). Identical strings and plain numbers are settled here.

    :meth:`prepare` checks every pair the vote may ask about in one ``check_many`` batch (both
    workers busy, chunked round trips); ``metrics.summarize_samples`` calls it when present.
    """

    def __init__(self, verifier: MathVerifierLike) -> None:
        self.verifier = verifier
        self._cache: dict[tuple[str, str], bool] = {}

    def _quick(self, a: str, b: str) -> bool | None:
        if a == b:
            return True
        return self._cache.get((a, b), _plain_numbers_equal(a, b))

    def __call__(self, a: str, b: str) -> bool:
        quick = self._quick(a, b)
        if quick is None:
            quick = self._cache[a, b] = self.verifier.check(a, _boxed(b)).passed
        return quick

    def prepare(self, groups: Sequence[Sequence[str | None]]) -> None:
        """Check, in one batch, each pair (earlier, later) of distinct answers within a group —
        majority_vote compares a group's first member with later answers in that order."""
        pending: dict[tuple[str, str], None] = {}
        for answers in groups:
            unique = list(dict.fromkeys(a for a in answers if a is not None))
            for i, a in enumerate(unique):
                for b in unique[i + 1 :]:
                    if self._quick(a, b) is None:
                        pending[a, b] = None
        if not pending:
            return
        pairs = list(pending)
        checks = self.verifier.check_many([(a, _boxed(b)) for a, b in pairs], progress=False)
        for pair, check in zip(pairs, checks, strict=True):
            self._cache[pair] = check.passed


def _same_letter(a: str, b: str) -> bool:
    return a == b


def equivalent_for(
    scorer: str, math_verifier: MathVerifierLike | None = None
) -> Equivalence | None:
    """The answer equivalence majority voting uses for a scorer, or None where cons@k is not
    defined: two programs are "the same answer" only if they behave the same on every input,
    which no cheap check decides, so code benchmarks report cons@k as null."""
    if scorer == "math_verify":
        if math_verifier is None:
            raise ValueError("math answer equivalence needs a math_verifier")
        return MathEquivalence(math_verifier)
    if scorer == "choice":
        return _same_letter
    if scorer == "sandbox":
        return None
    raise ValueError(f"unknown scorer {scorer!r}")


__all__ = [
    "CODE_PRELUDE",
    "SCORED_SCHEMA",
    "MathEquivalence",
    "equivalent_for",
    "extract_choice",
    "extract_math_answer",
    "final_part",
    "score_samples",
]
