"""The openr1_math_demo source in the OpenR1-Math-220k, Parquet format."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from demo_sources.common import OUT, Json, perturb, row_plan, stable_uuid
from demo_sources.math_items import MathItem, make_math, math_think, math_wrong_think
from demo_sources.planted import Collector

OPENR1_ROWS = row_plan("openr1_math_demo")

OPENR1_SCHEMA = pa.schema(
    [
        ("problem", pa.string()),
        ("solution", pa.string()),
        ("answer", pa.string()),
        ("problem_type", pa.string()),
        ("question_type", pa.string()),
        ("source", pa.string()),
        ("uuid", pa.string()),
        ("is_reasoning_complete", pa.list_(pa.bool_())),
        ("generations", pa.list_(pa.string())),
        ("correctness_math_verify", pa.list_(pa.bool_())),
        ("correctness_llama", pa.list_(pa.bool_())),
        ("finish_reasons", pa.list_(pa.string())),
        ("correctness_count", pa.int64()),
        ("messages", pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))),
    ]
)


def r1_generation(item: MathItem, k: int, correct: bool) -> str:
    """One OpenR1-style generation: <think> ... </think> then a final boxed answer."""
    if correct:
        return f"<think>\n{math_think(item, k)}\n</think>\n\n{item.solution}"
    final = f"{item.wrong_step}\n\nThe answer is $\\boxed{{{item.wrong}}}$."
    return f"<think>\n{math_wrong_think(item, k)}\n</think>\n\n{final}"


def build_openr1(col: Collector) -> None:
    """Write openr1_math_demo/default.parquet."""
    rows: list[Json] = []
    for i, spec in enumerate(OPENR1_ROWS):
        if spec[0] == "BAD":
            item = make_math("remainder_sum", (50, 9))
            gens = [r1_generation(item, 0, True), r1_generation(item, 1, True)]
            uid = stable_uuid("openr1|bad|missing_field")
            rows.append(
                {
                    "problem": None,
                    "solution": item.solution,
                    "answer": item.answer,
                    "problem_type": item.problem_type,
                    "question_type": "math-word-problem",
                    "source": "number_theory",
                    "uuid": uid,
                    "is_reasoning_complete": [True, True],
                    "generations": gens,
                    "correctness_math_verify": [True, True],
                    "correctness_llama": None,
                    "finish_reasons": ["stop", "stop"],
                    "correctness_count": 2,
                    "messages": [],
                }
            )
            col.bad_row("openr1_math_demo", uid, spec[1])
            continue
        family, params, phrasing, mode, source = spec
        item = make_math(family, params, phrasing)
        problem = perturb(item.problem, mode)
        n_gen = 2 + (i % 3 == 0) + (i % 7 == 0)
        correct = [True] * n_gen
        if i % 2 == 1:
            correct[1] = False
        if i % 5 == 4 and n_gen >= 3:
            correct[0] = False
        gens = [r1_generation(item, i + k, ok) for k, ok in enumerate(correct)]
        first_ok = gens[correct.index(True)]
        uid = stable_uuid(f"openr1|{family}|{params}|{phrasing}")
        rows.append(
            {
                "problem": problem,
                "solution": item.solution,
                "answer": item.answer,
                "problem_type": item.problem_type,
                "question_type": "MCQ" if phrasing == "mcq" else "math-word-problem",
                "source": source,
                "uuid": uid,
                "is_reasoning_complete": [True] * n_gen,
                "generations": gens,
                "correctness_math_verify": correct,
                "correctness_llama": None if i % 4 == 2 else list(correct),
                "finish_reasons": None if i % 6 == 5 else ["stop"] * n_gen,
                "correctness_count": sum(correct),
                "messages": [
                    {"content": problem, "role": "user"},
                    {"content": first_ok, "role": "assistant"},
                ],
            }
        )
        col.plant("openr1_math_demo", uid, f"math:{family}", params, phrasing, "text", problem)
    path = OUT / "openr1_math_demo" / "default.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=OPENR1_SCHEMA), path)
