"""Math sources: NuminaMath, OpenR1-Math, Hendrycks MATH (and MATH-500/AIME files of its shape)
and GSM8K, each parser beside its column map."""

from __future__ import annotations

import re

from r1_assets.catalog.formats.common import ParsedProblem, RecordFormat, response_row, text_or_none
from r1_assets.catalog.kernel import Format, Row, RowError
from r1_assets.text.answers import extract_final_answer

_NO_ANSWER = {"", "proof", "notfound", "none"}


def _math_answer(row: Row, solution: str | None) -> str | None:
    answer = row.scalar_text("answer") if "answer" in row.columns else None
    if answer is not None and answer.strip().lower() not in _NO_ANSWER:
        return answer.strip()
    return extract_final_answer(solution) if solution else None


def parse_numina_math(row: Row) -> ParsedProblem:
    solution = row.text("solution")
    row.items("messages", (dict,))  # validated: the messages repeat problem and solution
    return ParsedProblem(
        problem=row.text("problem", required=True),
        reference_answer=_math_answer(row, solution),
        reference_solution=solution,
        metadata={
            "origin": row.meta("origin"),
            "problem_type": row.meta("problem_type"),
            "question_type": row.meta("question_type"),
        },
        origin=text_or_none(row.meta("origin")),
    )


NUMINA_MATH: RecordFormat = Format(
    "numina_math",
    "AI-MO/NuminaMath-CoT and NuminaMath-1.5",
    {
        "problem": "problem",
        "solution": "solution",
        "answer": "answer",
        "messages": "messages",
        "origin": "source",
        "problem_type": "problem_type",
        "question_type": "question_type",
    },
    parse_numina_math,
)


def parse_openr1_math(row: Row) -> ParsedProblem:
    """NuminaMath problems (OpenR1 re-used them) plus R1 generations and their verdicts."""
    parsed = parse_numina_math(row)
    generations = row.items("generations", (str,), allow_none=True)
    verdicts = row.items("correctness", (bool,), allow_none=True)
    if verdicts and len(verdicts) != len(generations):
        raise RowError(
            "malformed_field",
            row.column("correctness"),
            f"{len(verdicts)} verdicts for {len(generations)} generations",
        )
    parsed.responses = [
        response_row(
            f"generations[{i}]",
            text,
            model="DeepSeek-R1",
            verified=verdicts[i] if verdicts else None,
        )
        for i, text in enumerate(generations)
        if text is not None
    ]
    parsed.row_id = row.scalar_text("id")
    parsed.metadata["finish_reasons"] = row.meta("finish_reasons")
    return parsed


OPENR1_MATH: RecordFormat = Format(
    "openr1_math",
    "open-r1/OpenR1-Math-220k (with R1 generations)",
    {
        "id": "uuid",
        "problem": "problem",
        "solution": "solution",
        "answer": "answer",
        "messages": "messages",
        "generations": "generations",
        "correctness": "correctness_math_verify",
        "finish_reasons": "finish_reasons",
        "origin": "source",
        "problem_type": "problem_type",
        "question_type": "question_type",
    },
    parse_openr1_math,
)


def parse_math(row: Row) -> ParsedProblem:
    solution = row.text("solution")
    level = row.meta("level")
    if isinstance(level, str):  # Hendrycks MATH writes "Level 5"; MATH-500 writes 5
        digits = re.findall(r"\d+", level)
        level = int(digits[0]) if digits else None
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_answer=_math_answer(row, solution),
        reference_solution=solution,
        metadata={"subject": row.meta("subject"), "level": level, "url": row.meta("url")},
    )


MATH: RecordFormat = Format(
    "math",
    "hendrycks MATH, MATH-500 (and AIME files of the same shape)",
    {
        "id": "unique_id",
        "problem": "problem",
        "solution": "solution",
        "answer": "answer",
        "subject": "subject",
        "level": "level",
        "url": "url",
    },
    parse_math,
    fallbacks={"subject": ("type",)},
)


_CALCULATOR = re.compile(r"<<[^>]*>>")


def parse_gsm8k(row: Row) -> ParsedProblem:
    answer = row.text("answer", required=True)
    if "####" not in answer:
        raise RowError("malformed_field", row.column("answer"), "no '#### <final answer>' line")
    worked, final = answer.rsplit("####", 1)
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        # GSM8K finals are numbers, a few written with thousands separators ("1,400")
        reference_answer=final.strip().replace(",", ""),
        reference_solution=_CALCULATOR.sub("", worked).strip(),
    )


GSM8K: RecordFormat = Format(
    "gsm8k",
    "openai/gsm8k",
    {"id": "id", "problem": "question", "answer": "answer"},
    parse_gsm8k,
)
