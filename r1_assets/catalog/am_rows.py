"""The AM-DeepSeek-R1-Distilled row shape: building one row (the demo sources, the tests and the
verified set's export all write rows through here).

A row is ``{"messages": [user, assistant]}``. Both turns carry an ``info`` dict with the origin
dataset (``source``), ``reference_answer`` and ``test_case``; the assistant turn's content is
``<think>\\n…\\n</think>\\n<answer>\\n…\\n</answer>`` and its info repeats the two parts as
``think_content`` / ``answer_content``.
"""

from __future__ import annotations

import json
from typing import Any


def am_messages(
    source: str,
    problem: str,
    think: str,
    answer: str,
    *,
    reference_answer: str | None = None,
    test_case: Any = None,
    uniform_info: bool = False,
) -> list[dict]:
    """The user turn and the assistant turn of one AM row. ``uniform_info`` gives the user
    turn's info the think/answer keys too (as nulls), so both turns fit one Parquet struct."""
    info = {"source": source, "reference_answer": reference_answer, "test_case": test_case}
    user_info = {**info, "think_content": None, "answer_content": None} if uniform_info else info
    return [
        {"role": "user", "content": problem, "info": user_info},
        {
            "role": "assistant",
            "content": f"<think>\n{think}\n</think>\n<answer>\n{answer}\n</answer>",
            "info": {**info, "think_content": think, "answer_content": answer},
        },
    ]


def am_row(
    source: str,
    problem: str,
    think: str,
    answer: str,
    *,
    reference_answer: str | None = None,
    test_case: Any = None,
) -> dict:
    """One AM row as the published JSONL holds it. ``test_case`` is written as given (AM
    writes the JSON text of :func:`stdio_test_case`)."""
    messages = am_messages(
        source, problem, think, answer, reference_answer=reference_answer, test_case=test_case
    )
    return {"messages": messages}


def stdio_test_case(inputs: list[str], outputs: list[str]) -> str:
    """Stdin/stdout tests as AM (and APPS/TACO) write them:
    ``{"inputs": [...], "outputs": [...]}``."""
    return json.dumps({"inputs": inputs, "outputs": outputs}, ensure_ascii=False)


def am_test_case(tests: list[dict]) -> str | None:
    """The ``test_case`` text of pipeline test cases (``kind``/``input``/``output``/``fn_name``
    dicts), with ``fn_name`` for call tests (their inputs are argument lists). Assert tests have
    no such form: a mix containing them is written as the list of test dicts, kinds kept."""
    if not tests:
        return None
    kinds = {t["kind"] for t in tests}
    if kinds == {"stdio"}:
        return stdio_test_case([t["input"] for t in tests], [t["output"] for t in tests])
    if kinds == {"call"} and len({t.get("fn_name") for t in tests}) == 1:
        spec: Any = {
            "fn_name": tests[0]["fn_name"],
            "inputs": [json.loads(t["input"]) for t in tests],
            "outputs": [json.loads(t["output"]) for t in tests],
        }
    else:
        spec = [{k: t.get(k) for k in ("kind", "input", "output", "fn_name")} for t in tests]
    return json.dumps(spec, ensure_ascii=False)
