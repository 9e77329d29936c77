"""Record formats: how one row of each real dataset maps onto the canonical problem schema.

Each format names the columns it reads by *role* (``problem``, ``answer``, ``id``…) with the
dataset's own column names as defaults; a catalog entry can rename any role with ``fields:``.
A row that cannot be mapped raises :class:`RowError` with a quarantine reason code and the column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from r1_assets.catalog.schema import split_think
from r1_assets.verify.math_answer import extract_final_answer


class RowError(Exception):
    """A row that cannot become a problem; ``reason`` is a quarantine reason code."""

    def __init__(
        self, reason: str, field: str | None, detail: str, row_id: str | None = None
    ) -> None:
        super().__init__(f"{reason}: {field}: {detail}" if field else f"{reason}: {detail}")
        self.reason = reason
        self.field = field
        self.detail = detail
        self.row_id = row_id


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


_TYPE_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "list",
    dict: "object",
}


class Row:
    """Typed access to one source row through the format's role → column mapping."""

    def __init__(
        self,
        data: Mapping[str, Any],
        columns: Mapping[str, str],
        fallbacks: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.data = data
        self.columns = columns
        self.fallbacks = fallbacks

    def column(self, role: str) -> str:
        name = self.columns[role]
        if name not in self.data:
            for alt in self.fallbacks.get(role, ()):
                if alt in self.data:
                    return alt
        return name

    def get(self, role: str, types: tuple[type, ...] = (), required: bool = False) -> Any:
        name = self.column(role)
        value = self.data.get(name)
        if value is None:
            if required:
                raise RowError("missing_field", name, "required field is absent or null")
            return None
        if types and (
            not isinstance(value, types) or (bool not in types and isinstance(value, bool))
        ):
            expected = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
            raise RowError("wrong_type", name, f"expected {expected}, got {type(value).__name__}")
        return value

    def text(self, role: str, required: bool = False) -> str | None:
        return self.get(role, (str,), required)

    def scalar_text(self, role: str) -> str | None:
        """A string or a number, as text (answers and ids are either, depending on the dataset)."""
        value = self.get(role, (str, int, float))
        return None if value is None else str(value)

    def items(
        self,
        role: str,
        item_types: tuple[type, ...] = (),
        required: bool = False,
        allow_none: bool = False,
    ) -> list:
        value = self.get(role, (list, tuple), required)
        if value is None:
            return []
        if item_types:
            for i, item in enumerate(value):
                if item is None and allow_none:
                    continue
                if not isinstance(item, item_types):
                    expected = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in item_types)
                    raise RowError(
                        "wrong_type",
                        f"{self.column(role)}[{i}]",
                        f"expected {expected}, got {type(item).__name__}",
                    )
        return list(value)

    def meta(self, role: str) -> Any:
        """A descriptive field kept in metadata as given: its type never rejects a row (real
        dumps disagree, e.g. open-r1/codeforces stores contest_id as a string, rating as float)."""
        value = self.data.get(self.column(role))
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def json_value(self, role: str) -> Any:
        """A field that holds JSON, either encoded as a string (APPS) or already decoded."""
        value = self.get(role, (str, list, dict))
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise RowError(
                    "malformed_field", self.column(role), f"not valid JSON: {exc}"
                ) from None
        return value


Parser = Callable[[Row], ParsedProblem]


@dataclass(frozen=True)
class RecordFormat:
    name: str
    description: str
    fields: Mapping[str, str]
    parse: Parser
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def read(self, data: Mapping[str, Any], overrides: Mapping[str, str]) -> ParsedProblem:
        columns = {**self.fields, **overrides}
        fallbacks = {r: alts for r, alts in self.fallbacks.items() if r not in overrides}
        return self.parse(Row(data, columns, fallbacks))


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _none_if_blank(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def _response(
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


def _test(
    kind: str,
    input_: str,
    output: str | None = None,
    fn_name: str | None = None,
    split: str | None = None,
) -> dict[str, Any]:
    return {"kind": kind, "input": input_, "output": output, "fn_name": fn_name, "split": split}


def _json_text(value: Any) -> str:
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
                tests.append(_test("assert", str(case["input"]), split=split))
                continue
            if isinstance(case, dict) and case.get("kind") == "call" and case.get("fn_name"):
                tests.append(
                    _test("call", case["input"], case["output"], case["fn_name"], split=split)
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
                _test("stdio", _json_text(case["input"]), _json_text(case["output"]), split=split)
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
            _test("call", json.dumps(i), json.dumps(o), fn_name=str(fn_name), split=split)
            for i, o in zip(inputs, outputs, strict=True)
        ]
    return [
        _test("stdio", _json_text(i), _json_text(o), split=split)
        for i, o in zip(inputs, outputs, strict=True)
    ]


# --- math ------------------------------------------------------------------------------------

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
        origin=_text_or_none(row.meta("origin")),
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
        _response(
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


# --- code ------------------------------------------------------------------------------------


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
            "starter_code": _none_if_blank(row.text("starter_code")),
        },
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
            "difficulty": row.meta("difficulty"),
            "cf_rating": row.meta("cf_rating"),
            "cf_tags": row.meta("cf_tags"),
            "time_limit_s": time_limit_s,
            "memory_limit_bytes": row.meta("memory_limit_bytes"),
        },
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
            _test(
                "assert", f"{test}\n\ncheck({entry_point})\n", fn_name=entry_point, split="official"
            )
        ],
        metadata={"entry_point": entry_point},
    )


def parse_mbpp(row: Row) -> ParsedProblem:
    setup = (row.text("test_setup") or "").strip()
    tests = []
    for role, split in (("tests", "official"), ("challenge_tests", "challenge")):
        for line in row.items(role, (str,)):
            tests.append(_test("assert", f"{setup}\n{line}" if setup else line, split=split))
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_solution=row.text("solution"),
        test_cases=tests,
    )


# --- science / chat / mixed ------------------------------------------------------------------


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
        responses.append(_response(f"responses[{i}]", content, model=_text_or_none(model)))
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_answer=_none_if_blank(row.scalar_text("answer")),
        responses=responses,
    )


def parse_openorca(row: Row) -> ParsedProblem:
    response = row.text("response")
    system_prompt = _none_if_blank(row.text("system_prompt"))
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        responses=[_response("response", response)] if response and response.strip() else [],
        metadata={"system_prompt": system_prompt},
    )


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
            _response(
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
        reference_answer=_none_if_blank(None if reference is None else str(reference)),
        test_cases=tests,
        responses=responses,
        metadata={"origin": origin},
        origin=origin,
        domain="code" if tests else None,
    )


def parse_generic(row: Row) -> ParsedProblem:
    return ParsedProblem(
        problem=row.text("problem", required=True),
        row_id=row.scalar_text("id"),
        reference_answer=_none_if_blank(row.scalar_text("answer")),
        reference_solution=row.text("solution"),
    )


FORMATS: dict[str, RecordFormat] = {
    f.name: f
    for f in [
        RecordFormat(
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
        ),
        RecordFormat(
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
        ),
        RecordFormat(
            "am_distilled",
            "a-m-team/AM-DeepSeek-R1-Distilled-1.4M",
            {"id": "id", "messages": "messages"},
            parse_am_distilled,
        ),
        RecordFormat(
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
        ),
        RecordFormat(
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
        ),
        RecordFormat(
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
        ),
        RecordFormat(
            "openorca",
            "Open-Orca/OpenOrca",
            {
                "id": "id",
                "system_prompt": "system_prompt",
                "problem": "question",
                "response": "response",
            },
            parse_openorca,
        ),
        RecordFormat(
            "natural_reasoning",
            "facebook/natural_reasoning",
            {
                "id": "id",
                "problem": "question",
                "answer": "reference_answer",
                "responses": "responses",
            },
            parse_natural_reasoning,
        ),
        RecordFormat(
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
        ),
        RecordFormat(
            "gsm8k",
            "openai/gsm8k",
            {"id": "id", "problem": "question", "answer": "answer"},
            parse_gsm8k,
        ),
        RecordFormat(
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
        ),
        RecordFormat(
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
        ),
        RecordFormat(
            "generic",
            "any JSONL/Parquet with a problem column (rename roles in fields:)",
            {"id": "id", "problem": "problem", "answer": "answer", "solution": "solution"},
            parse_generic,
        ),
    ]
}
