"""What every source format shares: the parsed problem, response and test-case rows, and the
test-case shapes several datasets use (:func:`io_tests`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from r1_assets.catalog.kernel import Format, RowError
from r1_assets.catalog.schema import split_think


@dataclass
class ParsedProblem:
    """What a format extracts from one row, before cleaning, uid and limits."""

    problem: str
    row_id: str | None = None
    reference_answer: str | None = None
    reference_solution: str | None = None
    test_cases: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    origin: str | None = None  # the upstream dataset a row says it came from (AM's info.source)
    domain: str | None = None  # set when the row itself tells its domain


RecordFormat = Format[ParsedProblem]
"""A source format: one real dataset's row shape mapped onto the canonical problem schema."""


def text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def none_if_blank(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def response_row(
    origin: str,
    content: str,
    model: str | None = None,
    verified: bool | None = None,
    think: str | None = None,
    answer: str | None = None,
) -> dict[str, Any]:
    if think is None and answer is None:
        think, answer = split_think(content)
    return {
        "origin": origin,
        "model": model,
        "content": content,
        "think": think,
        "answer": answer,
        "verified": verified,
    }


def case_row(
    kind: str,
    input_: str,
    output: str | None = None,
    fn_name: str | None = None,
    split: str | None = None,
) -> dict[str, Any]:
    return {"kind": kind, "input": input_, "output": output, "fn_name": fn_name, "split": split}


def json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def io_tests(spec: Any, field_name: str, split: str | None) -> list[dict[str, Any]]:
    """Test cases from the common shapes: {"inputs": [...], "outputs": [...], "fn_name"?}
    (APPS, TACO, AM's test_case), {"input": [...], "output": [...]} (CodeContests) or a list of
    {"input", "output"} pairs (Codeforces); list items with a ``kind`` (r1-assets' own export of
    assert tests, which have no other form) keep it."""
    if spec is None:
        return []
    if isinstance(spec, list):
        tests = []
        for i, case in enumerate(spec):
            if isinstance(case, dict) and case.get("kind") == "assert" and case.get("input"):
                tests.append(case_row("assert", str(case["input"]), split=split))
                continue
            if isinstance(case, dict) and case.get("kind") == "call" and case.get("fn_name"):
                tests.append(
                    case_row("call", case["input"], case["output"], case["fn_name"], split=split)
                )
                continue
            if (
                not isinstance(case, dict)
                or case.get("input") is None
                or case.get("output") is None
            ):
                raise RowError(
                    "malformed_field",
                    f"{field_name}[{i}]",
                    "expected an object with 'input' and 'output'",
                )
            tests.append(
                case_row("stdio", json_text(case["input"]), json_text(case["output"]), split=split)
            )
        return tests
    if not isinstance(spec, dict):
        raise RowError(
            "malformed_field",
            field_name,
            f"expected test cases as an object or list, got {type(spec).__name__}",
        )
    inputs = spec.get("inputs", spec.get("input"))
    outputs = spec.get("outputs", spec.get("output"))
    if inputs is None and outputs is None:
        return []
    if (
        not isinstance(inputs, list)
        or not isinstance(outputs, list)
        or len(inputs) != len(outputs)
        or any(v is None for v in [*inputs, *outputs])
    ):
        raise RowError(
            "malformed_field",
            field_name,
            "expected equally long 'inputs' and 'outputs' lists without nulls",
        )
    fn_name = spec.get("fn_name")
    if fn_name:
        return [
            case_row("call", json.dumps(i), json.dumps(o), fn_name=str(fn_name), split=split)
            for i, o in zip(inputs, outputs, strict=True)
        ]
    return [
        case_row("stdio", json_text(i), json_text(o), split=split)
        for i, o in zip(inputs, outputs, strict=True)
    ]
