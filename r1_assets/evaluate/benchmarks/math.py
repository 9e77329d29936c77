"""Math benchmarks: MATH-500, AIME and GSM8K, scored by math-verify on the last boxed answer, each
parser beside its column map."""

from __future__ import annotations

from typing import Any

from r1_assets.catalog.kernel import Row, RowError
from r1_assets.evaluate.benchmarks.items import (
    BenchmarkFormat,
    ParsedItem,
    answer_text,
    problem_text,
)

# DeepSeek-R1's recommended instruction for math; GPQA asks for the letter the same way, so one
# extractor (the last \boxed{}) serves both.
MATH_PROMPT = (
    "{problem}\n\nPlease reason step by step, and put your final answer within \\boxed{{}}."
)


def _math_item(row: Row, metadata: dict[str, Any]) -> ParsedItem:
    """A math item (MATH-500, AIME): the problem, its answer, the boxed-answer prompt."""
    problem = problem_text(row)
    return ParsedItem(
        problem=problem,
        prompt=MATH_PROMPT.format(problem=problem),
        item_id=row.scalar_text("id"),
        reference=answer_text(row),
        metadata=metadata,
    )


def parse_math500(row: Row) -> ParsedItem:
    return _math_item(row, {"subject": row.meta("subject"), "level": row.meta("level")})


MATH500 = BenchmarkFormat(
    "math500",
    "MATH-500 (openai/prm800k math_splits/test.jsonl): problem, solution, answer, "
    "subject, level, unique_id",
    {
        "id": "unique_id",
        "problem": "problem",
        "answer": "answer",
        "subject": "subject",
        "level": "level",
    },
    parse_math500,
    scorer="math_verify",
)


def parse_aime(row: Row) -> ParsedItem:
    return _math_item(row, {"url": row.meta("url")})


AIME = BenchmarkFormat(
    "aime",
    "AIME (Qwen2.5-Math evaluation/data/aime24): id, problem, solution, answer (a string, "
    "leading zeros kept), url",
    {"id": "id", "problem": "problem", "answer": "answer", "url": "url"},
    parse_aime,
    fallbacks={"problem": ("question", "Problem"), "answer": ("Answer",), "id": ("ID",)},
    scorer="math_verify",
)


def gsm8k_answer(solution: str) -> str | None:
    """GSM8K's final answer: what follows ``####`` in its worked solution, thousands separators
    removed ("#### 1,200" -> "1200")."""
    _, mark, answer = solution.rpartition("####")
    answer = answer.strip().replace(",", "")
    return answer if mark and answer else None


def parse_gsm8k(row: Row) -> ParsedItem:
    problem = problem_text(row)
    solution = row.text("answer", required=True) or ""
    answer = gsm8k_answer(solution)
    if answer is None:
        raise RowError("missing_answer", row.column("answer"), "no '#### <answer>' line")
    return ParsedItem(
        problem=problem,
        prompt=MATH_PROMPT.format(problem=problem),
        item_id=row.scalar_text("id"),
        reference=answer,
    )


GSM8K = BenchmarkFormat(
    "gsm8k",
    "GSM8K (openai/grade-school-math): question, answer (a worked solution ending in "
    "'#### <number>')",
    {"id": "id", "problem": "question", "answer": "answer"},
    parse_gsm8k,
    scorer="math_verify",
)
