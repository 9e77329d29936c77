"""General sources: natural_reasoning (science), OpenOrca (chat) and the generic problem-column
format, each parser beside its column map."""

from __future__ import annotations

from r1_assets.catalog.formats.common import (
    ParsedProblem,
    RecordFormat,
    none_if_blank,
    response_row,
    text_or_none,
)
from r1_assets.catalog.kernel import Format, Row, RowError


def parse_natural_reasoning(row: Row) -> ParsedProblem:
    responses = []
    for i, item in enumerate(row.items("responses", (dict,))):
        content = item.get("response")
        if not isinstance(content, str):
            raise RowError(
                "wrong_type",
                f"{row.column('responses')}[{i}].response",
                f"expected string, got {type(content).__name__}",
            )
        model = item.get("response_model")
        responses.append(response_row(f"responses[{i}]", content, model=text_or_none(model)))
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_answer=none_if_blank(row.scalar_text("answer")),
        responses=responses,
    )


NATURAL_REASONING: RecordFormat = Format(
    "natural_reasoning",
    "facebook/natural_reasoning",
    {
        "id": "id",
        "problem": "question",
        "answer": "reference_answer",
        "responses": "responses",
    },
    parse_natural_reasoning,
)


def parse_openorca(row: Row) -> ParsedProblem:
    response = row.text("response")
    system_prompt = none_if_blank(row.text("system_prompt"))
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        responses=[response_row("response", response)] if response and response.strip() else [],
        metadata={"system_prompt": system_prompt},
    )


OPENORCA: RecordFormat = Format(
    "openorca",
    "Open-Orca/OpenOrca",
    {
        "id": "id",
        "system_prompt": "system_prompt",
        "problem": "question",
        "response": "response",
    },
    parse_openorca,
)


def parse_generic(row: Row) -> ParsedProblem:
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_answer=none_if_blank(row.scalar_text("answer")),
        reference_solution=row.text("solution"),
    )


GENERIC: RecordFormat = Format(
    "generic",
    "any JSONL/Parquet with a problem column (rename roles in fields:)",
    {"id": "id", "problem": "problem", "answer": "answer", "solution": "solution"},
    parse_generic,
)
