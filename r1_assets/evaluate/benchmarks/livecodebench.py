"""LiveCodeBench code generation: stdin and functional tests run in the sandbox; the parser
beside its column map."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from r1_assets.catalog.kernel import Row, RowError
from r1_assets.evaluate.benchmarks.items import BenchmarkFormat, ParsedItem, problem_text

STDIN_PROMPT = (
    "{question}\n\nWrite a Python 3 program that reads the input from standard input and writes "
    "the answer to standard output. Put the complete program in one ```python code block."
)
STARTER_PROMPT = (
    "{question}\n\nComplete the following starter code in Python 3 and put the complete "
    "solution in one ```python code block.\n```python\n{starter_code}\n```"
)


_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]+")


def _json_field(row: Row, role: str) -> Any:
    """A field holding JSON, encoded as a string (the LiveCodeBench release) or decoded."""
    column = row.column(role)
    value = row.get(role, (str, list, dict))
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        if _BASE64.fullmatch(text) and _is_base64(text):
            raise RowError(
                "unsupported_encoding",
                column,
                "base64 data, not JSON: LiveCodeBench's code_generation_lite ships private tests "
                "as base64(zlib(pickle(json))) and unpickling untrusted data can run code; "
                "convert them to plain JSON in a trusted step first",
            ) from None
        raise RowError("malformed_field", column, f"not valid JSON: {exc}") from None


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=False)
        return True
    except (binascii.Error, ValueError):
        return False


def _call_arguments(text: str, where: str) -> str:
    """LiveCodeBench functional input (one JSON value per line, one line per argument) as our
    ``call`` input: a JSON argument list. JSON never has a raw newline inside a value, so
    splitting on newlines is exact."""
    try:
        return json.dumps([json.loads(line) for line in text.split("\n") if line.strip()])
    except ValueError as exc:
        raise RowError(
            "malformed_field", where, f"functional input is not JSON per line: {exc}"
        ) from None


def _lcb_tests(row: Row, role: str, split: str, func_name: str | None) -> list[dict[str, Any]]:
    cases = _json_field(row, role)
    if cases is None:
        return []
    column = row.column(role)
    if not isinstance(cases, list):
        raise RowError(
            "malformed_field", column, f"expected a list of tests, got {type(cases).__name__}"
        )
    tests = []
    for i, case in enumerate(cases):
        where = f"{column}[{i}]"
        if not (
            isinstance(case, dict)
            and isinstance(case.get("input"), str)
            and isinstance(case.get("output"), str)
        ):
            raise RowError("malformed_field", where, "expected {input, output, testtype} strings")
        testtype = case.get("testtype", "stdin")
        if testtype == "stdin":
            test = {
                "kind": "stdio",
                "input": case["input"],
                "output": case["output"],
                "fn_name": None,
            }
        elif testtype == "functional":
            if not func_name:
                raise RowError(
                    "missing_field", "metadata.func_name", "functional test, no function name"
                )
            try:
                expected = json.dumps(json.loads(case["output"]))
            except ValueError as exc:
                raise RowError(
                    "malformed_field", where, f"functional output is not JSON: {exc}"
                ) from None
            test = {
                "kind": "call",
                "input": _call_arguments(case["input"], where),
                "output": expected,
                "fn_name": func_name,
            }
        else:
            raise RowError("malformed_field", where, f"unknown testtype {testtype!r}")
        tests.append({**test, "split": split})
    return tests


def parse_livecodebench(row: Row) -> ParsedItem:
    question = problem_text(row, "question")
    metadata = _json_field(row, "metadata") or {}
    if not isinstance(metadata, dict):
        raise RowError("malformed_field", row.column("metadata"), "expected a JSON object")
    func_name = metadata.get("func_name")
    func_name = func_name if isinstance(func_name, str) and func_name else None
    tests = _lcb_tests(row, "public_tests", "public", func_name) + _lcb_tests(
        row, "private_tests", "private", func_name
    )
    if not tests:
        raise RowError("no_tests", row.column("private_tests"), "no public or private test case")
    starter = row.text("starter_code")
    starter = starter.rstrip() if starter and starter.strip() else None
    prompt = (
        STARTER_PROMPT.format(question=question, starter_code=starter)
        if starter
        else STDIN_PROMPT.format(question=question)
    )
    return ParsedItem(
        problem=question,
        prompt=prompt,
        item_id=row.scalar_text("id"),
        test_cases=tests,
        starter_code=starter,
        metadata={
            **row.metas("title", "platform", "contest_id", "contest_date", "difficulty"),
            "func_name": func_name,
        },
    )


LIVECODEBENCH = BenchmarkFormat(
    "livecodebench",
    "LiveCodeBench code_generation (lite): question_content, starter_code, "
    "public/private_test_cases as JSON strings of {input, output, testtype}, metadata "
    "with func_name for functional tests",
    {
        "id": "question_id",
        "title": "question_title",
        "question": "question_content",
        "starter_code": "starter_code",
        "public_tests": "public_test_cases",
        "private_tests": "private_test_cases",
        "metadata": "metadata",
        "platform": "platform",
        "contest_id": "contest_id",
        "contest_date": "contest_date",
        "difficulty": "difficulty",
    },
    parse_livecodebench,
    scorer="sandbox",
)
