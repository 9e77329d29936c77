"""The AM-DeepSeek-R1-Distilled format: mixed domains in chat messages, with R1's responses,
the row's origin and (for code) its test cases in the user message's ``info``."""

from __future__ import annotations

import json

from r1_assets.catalog.formats.common import (
    ParsedProblem,
    RecordFormat,
    io_tests,
    none_if_blank,
    response_row,
)
from r1_assets.catalog.kernel import Format, Row, RowError


def parse_am_distilled(row: Row) -> ParsedProblem:
    messages = row.items("messages", (dict,), required=True)
    column = row.column("messages")
    user = next((m for m in messages if m.get("role") == "user"), None)
    if user is None:
        raise RowError("missing_field", f"{column}[role=user]", "no user message")
    problem = user.get("content")
    if not isinstance(problem, str):
        raise RowError(
            "wrong_type",
            f"{column}[user].content",
            f"expected string, got {type(problem).__name__}",
        )
    info = user.get("info") or {}
    if not isinstance(info, dict):
        raise RowError("wrong_type", f"{column}[user].info", "expected an object")
    test_case = info.get("test_case")
    if isinstance(test_case, str):
        if test_case.strip():
            try:
                test_case = json.loads(test_case)
            except json.JSONDecodeError as exc:
                raise RowError(
                    "malformed_field", f"{column}[user].info.test_case", f"not valid JSON: {exc}"
                ) from None
        else:
            test_case = None
    tests = io_tests(test_case, f"{column}[user].info.test_case", "official")
    responses = []
    for i, message in enumerate(messages):
        if message.get("role") != "assistant":
            continue
        if not isinstance(message.get("content"), str):
            raise RowError(
                "wrong_type",
                f"{column}[{i}].content",
                f"expected string, got {type(message.get('content')).__name__}",
            )
        a_info = message.get("info") if isinstance(message.get("info"), dict) else {}
        think, answer = a_info.get("think_content"), a_info.get("answer_content")
        if not isinstance(think, str) or not isinstance(answer, str):
            think, answer = None, None
        responses.append(
            response_row(
                f"messages[{i}]",
                message["content"],
                model="DeepSeek-R1",
                think=think,
                answer=answer,
            )
        )
    reference = info.get("reference_answer")
    origin = info.get("source") if isinstance(info.get("source"), str) else None
    return ParsedProblem(
        problem=problem,
        row_id=row.scalar_text("id"),
        reference_answer=none_if_blank(None if reference is None else str(reference)),
        test_cases=tests,
        responses=responses,
        metadata={"origin": origin},
        origin=origin,
        domain="code" if tests else None,
    )


AM_DISTILLED: RecordFormat = Format(
    "am_distilled",
    "a-m-team/AM-DeepSeek-R1-Distilled-1.4M",
    {"id": "id", "messages": "messages"},
    parse_am_distilled,
)
