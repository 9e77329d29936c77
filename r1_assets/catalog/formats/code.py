"""Code sources: APPS, CodeContests, open-r1/codeforces, HumanEval and MBPP, each parser beside
its column map."""

from __future__ import annotations

from typing import Any

from r1_assets.catalog.formats.common import (
    ParsedProblem,
    RecordFormat,
    case_row,
    io_tests,
    none_if_blank,
)
from r1_assets.catalog.kernel import Format, Row, RowError


def parse_apps(row: Row) -> ParsedProblem:
    solutions = row.json_value("solutions") or []
    if not isinstance(solutions, list):
        raise RowError("malformed_field", row.column("solutions"), "expected a JSON list")
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_solution=next((s for s in solutions if isinstance(s, str) and s.strip()), None),
        test_cases=io_tests(row.json_value("tests"), row.column("tests"), "official"),
        metadata={
            "difficulty": row.meta("difficulty"),
            "url": row.meta("url"),
            "starter_code": none_if_blank(row.text("starter_code")),
        },
    )


APPS: RecordFormat = Format(
    "apps",
    "codeparrot/apps",
    {
        "id": "problem_id",
        "problem": "question",
        "solutions": "solutions",
        "tests": "input_output",
        "difficulty": "difficulty",
        "url": "url",
        "starter_code": "starter_code",
    },
    parse_apps,
)


# CodeContests' Language enum: 1 = PYTHON (2), 3 = PYTHON3.
_PYTHON_LANGUAGES = (3, 1)


def parse_code_contests(row: Row) -> ParsedProblem:
    tests: list[dict[str, Any]] = []
    for role, split in (
        ("public_tests", "public"),
        ("private_tests", "private"),
        ("generated_tests", "generated"),
    ):
        tests += io_tests(row.get(role, (dict,)), row.column(role), split)
    solutions = row.get("solutions", (dict,)) or {}
    languages, codes = solutions.get("language") or [], solutions.get("solution") or []
    solution = next(
        (
            c
            for lang in _PYTHON_LANGUAGES
            for lg, c in zip(languages, codes, strict=False)
            if lg == lang and isinstance(c, str)
        ),
        None,
    )
    time_limit = row.meta("time_limit")
    time_limit_s = None
    if isinstance(time_limit, dict):
        seconds, nanos = time_limit.get("seconds") or 0, time_limit.get("nanos") or 0
        if isinstance(seconds, (int, float)) and isinstance(nanos, (int, float)):
            time_limit_s = seconds + nanos / 1e9 or None
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_solution=solution,
        test_cases=tests,
        metadata={
            **row.metas("difficulty", "cf_rating", "cf_tags", "memory_limit_bytes"),
            "time_limit_s": time_limit_s,
        },
    )


CODE_CONTESTS: RecordFormat = Format(
    "code_contests",
    "deepmind/code_contests",
    {
        "id": "name",
        "problem": "description",
        "public_tests": "public_tests",
        "private_tests": "private_tests",
        "generated_tests": "generated_tests",
        "solutions": "solutions",
        "difficulty": "difficulty",
        "cf_rating": "cf_rating",
        "cf_tags": "cf_tags",
        "time_limit": "time_limit",
        "memory_limit_bytes": "memory_limit_bytes",
    },
    parse_code_contests,
)


def parse_codeforces(row: Row) -> ParsedProblem:
    sections = [
        ("", row.text("problem") or ""),
        ("Input", row.text("input_format") or ""),
        ("Output", row.text("output_format") or ""),
        ("Interaction", row.text("interaction_format") or ""),
    ]
    examples = row.items("examples", (dict,))
    statement = "\n\n".join(
        f"{title}\n\n{body.strip()}" if title else body.strip()
        for title, body in sections
        if body.strip()
    )
    if statement and examples:
        shown = "\n\n".join(
            f"Input\n\n{e.get('input', '')}\n\nOutput\n\n{e.get('output', '')}" for e in examples
        )
        statement += f"\n\nExamples\n\n{shown}"
    note = row.text("note")
    if statement and note and note.strip():
        statement += f"\n\nNote\n\n{note.strip()}"
    return ParsedProblem(
        problem=statement,
        row_id=row.scalar_text("id"),
        test_cases=io_tests(examples, row.column("examples"), "example")
        + io_tests(row.items("tests", (dict,)), row.column("tests"), "official"),
        metadata={
            "title": row.meta("title"),
            "rating": row.meta("rating"),
            "tags": row.meta("tags"),
            "time_limit_s": row.meta("time_limit"),
            "memory_limit_mb": row.meta("memory_limit"),
            "contest_id": row.meta("contest_id"),
        },
    )


CODEFORCES: RecordFormat = Format(
    "codeforces",
    "open-r1/codeforces",
    {
        "id": "id",
        "title": "title",
        "problem": "description",
        "input_format": "input_format",
        "output_format": "output_format",
        "interaction_format": "interaction_format",
        "note": "note",
        "examples": "examples",
        "tests": "official_tests",
        "rating": "rating",
        "tags": "tags",
        "time_limit": "time_limit",
        "memory_limit": "memory_limit",
        "contest_id": "contest_id",
    },
    parse_codeforces,
)


def parse_humaneval(row: Row) -> ParsedProblem:
    prompt = row.text("problem", required=True)
    entry_point = row.text("entry_point", required=True)
    test = row.text("tests", required=True)
    solution = row.text("solution")
    return ParsedProblem(
        problem=prompt,
        row_id=row.scalar_text("id"),
        reference_solution=prompt + solution if solution else None,
        test_cases=[
            case_row(
                "assert", f"{test}\n\ncheck({entry_point})\n", fn_name=entry_point, split="official"
            )
        ],
        metadata={"entry_point": entry_point},
    )


HUMANEVAL: RecordFormat = Format(
    "humaneval",
    "openai/openai_humaneval",
    {
        "id": "task_id",
        "problem": "prompt",
        "solution": "canonical_solution",
        "tests": "test",
        "entry_point": "entry_point",
    },
    parse_humaneval,
)


def parse_mbpp(row: Row) -> ParsedProblem:
    setup = (row.text("test_setup") or "").strip()
    tests = []
    for role, split in (("tests", "official"), ("challenge_tests", "challenge")):
        for line in row.items(role, (str,)):
            tests.append(case_row("assert", f"{setup}\n{line}" if setup else line, split=split))
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_solution=row.text("solution"),
        test_cases=tests,
    )


MBPP: RecordFormat = Format(
    "mbpp",
    "google-research mbpp (full and sanitized)",
    {
        "id": "task_id",
        "problem": "text",
        "solution": "code",
        "tests": "test_list",
        "test_setup": "test_setup_code",
        "challenge_tests": "challenge_test_list",
    },
    parse_mbpp,
    fallbacks={"problem": ("prompt",), "tests": ("test",)},
)
