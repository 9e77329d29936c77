"""The R1 recipe and the rows of distilled_responses."""

from __future__ import annotations

import polars as pl

from r1_assets.catalog.schema import PROBLEM_SCHEMA
from r1_assets.distill.recipe import MATH_INSTRUCTION
from r1_assets.distill.responses import distill_requests, source_rows, teacher_rows
from r1_assets.llm.types import Completion, Sampling


def problems() -> pl.DataFrame:
    base = {
        "source": "s",
        "source_revision": "rev",
        "reference_answer": None,
        "reference_solution": None,
        "metadata": "{}",
    }
    rows = [
        {
            **base,
            "problem_uid": "m1",
            "source_row_id": "1",
            "domain": "math",
            "problem": "What is 2+2?",
            "test_cases": [],
            "responses": [
                {
                    "origin": "generations[0]",
                    "model": "DeepSeek-R1",
                    "content": "<think>\n2+2 is 4\n</think>\n\\boxed{4}",
                    "think": None,
                    "answer": None,
                    "verified": True,
                }
            ],
        },
        {
            **base,
            "problem_uid": "c1",
            "source_row_id": "2",
            "domain": "code",
            "problem": "Add two numbers.",
            "test_cases": [
                {"kind": "call", "input": "[1, 2]", "output": "3", "fn_name": "add", "split": "x"}
            ],
            "responses": [],
        },
        {
            **base,
            "problem_uid": "q1",
            "source_row_id": "3",
            "domain": "chat",
            "problem": "Explain rain.",
            "test_cases": [],
            "responses": [],
        },
    ]
    return pl.DataFrame(rows, schema=PROBLEM_SCHEMA)


def test_requests_follow_the_r1_recipe() -> None:
    requests, owners = distill_requests(problems(), 2, Sampling(max_tokens=64))
    assert len(requests) == 6 and [r.sample_index for r in requests[:2]] == [0, 1]
    math, code, chat = requests[0], requests[2], requests[4]
    assert all(m["role"] != "system" for r in requests for m in r.messages)  # no system prompt
    assert math.messages[0]["content"] == f"What is 2+2?\n\n{MATH_INSTRUCTION}"
    assert "`add`" in code.messages[0]["content"]
    assert chat.messages[0]["content"] == "Explain rain."
    assert math.prefill == "<think>\n"
    assert (math.sampling.temperature, math.sampling.top_p) == (0.6, 0.95)
    assert owners[2]["problem_uid"] == "c1"


def test_teacher_rows_split_think_and_keep_provenance() -> None:
    requests, owners = distill_requests(problems().head(1), 2, Sampling(max_tokens=64))
    completions = [
        Completion("<think>\nadd them\n</think>\n\nThe answer is \\boxed{4}.", "stop", 20, 12, 0.5),
        Completion("", "error", error="HTTP 503"),
    ]
    rows = teacher_rows(requests, owners, completions, "teacher@abc", "careful")
    ok, failed = rows.row(0, named=True), rows.row(1, named=True)
    assert (ok["think"], ok["answer"]) == ("add them", "The answer is \\boxed{4}.")
    assert ok["origin"] == "teacher" and ok["teacher"] == "teacher@abc"
    assert ok["teacher_name"] == "careful"
    assert ok["request_hash"] == requests[0].key("teacher@abc")
    assert (ok["source"], ok["source_row_id"], ok["source_revision"]) == ("s", "1", "rev")
    assert failed["finish_reason"] == "error" and failed["error"] == "HTTP 503"
    assert rows["response_uid"].n_unique() == 2


def test_source_reasoning_chains_enter_the_same_table() -> None:
    rows = source_rows(problems())
    assert rows.height == 1
    row = rows.row(0, named=True)
    assert row["origin"] == "source:generations[0]" and row["teacher"] == "DeepSeek-R1"
    assert row["teacher_name"] == "source:generations[0]"  # compared beside the teachers
    assert (row["think"], row["answer"]) == ("2+2 is 4", "\\boxed{4}")
    assert row["finish_reason"] == "source"
