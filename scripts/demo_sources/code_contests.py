"""The code_contests_demo source in the DeepMind CodeContests, Parquet format."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from demo_sources.code_tasks import CodeTask, task, uniq
from demo_sources.common import OUT, Json, perturb, row_plan
from demo_sources.planted import Collector
from demo_sources.render import render_apps, render_cc

CC_ROWS = row_plan("code_contests_demo")

_TESTS = pa.struct([("input", pa.list_(pa.string())), ("output", pa.list_(pa.string()))])
_SOLS = pa.struct([("language", pa.list_(pa.int64())), ("solution", pa.list_(pa.string()))])
CC_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("description", pa.string()),
        ("public_tests", _TESTS),
        ("private_tests", _TESTS),
        ("generated_tests", _TESTS),
        ("source", pa.int64()),
        ("difficulty", pa.int64()),
        ("solutions", _SOLS),
        ("incorrect_solutions", _SOLS),
        ("cf_contest_id", pa.int64()),
        ("cf_index", pa.string()),
        ("cf_points", pa.float32()),
        ("cf_rating", pa.int64()),
        ("cf_tags", pa.list_(pa.string())),
        ("is_description_translated", pa.bool_()),
        ("untranslated_description", pa.string()),
        ("time_limit", pa.struct([("seconds", pa.int64()), ("nanos", pa.int64())])),
        ("memory_limit_bytes", pa.int64()),
        ("input_file", pa.string()),
        ("output_file", pa.string()),
    ]
)
PYTHON3 = 3
CODEFORCES = 2


def cc_name(t: CodeTask) -> str:
    """CodeContests problem name, e.g. '1548_A. Weird Sum'."""
    return f"{t.cf.contest_id}_{t.cf.index}. {t.title}"


def build_cc(col: Collector) -> None:
    """Write code_contests_demo/train.parquet."""
    rows: list[Json] = []
    for family, params, ph, style, mode in CC_ROWS:
        t = task(family, params)

        def tests(inputs: list[str], t: CodeTask = t) -> Json:
            return {"input": inputs, "output": [t.expected(x) for x in inputs]}

        desc = perturb(render_apps(t, ph) if style == "apps" else render_cc(t, ph), mode)
        private = uniq(list(t.extra) + t.generated("private", 3), t.examples)
        sols = [t.solution] + ([t.alt_solution] if t.alt_solution else [])
        wrong = [t.wrong_solution] if t.wrong_solution else []
        rows.append(
            {
                "name": cc_name(t),
                "description": desc,
                "public_tests": tests(list(t.examples)),
                "private_tests": tests(private),
                "generated_tests": tests(
                    uniq(t.generated("generated", 4), (*t.examples, *private))
                ),
                "source": CODEFORCES,
                "difficulty": 7 + "ABCDEFG".index(t.cf.index),
                "solutions": {"language": [PYTHON3] * len(sols), "solution": sols},
                "incorrect_solutions": {"language": [PYTHON3] * len(wrong), "solution": wrong},
                "cf_contest_id": t.cf.contest_id,
                "cf_index": t.cf.index,
                "cf_points": t.cf.cf_points,
                "cf_rating": t.cf.rating,
                "cf_tags": list(t.cf.tags),
                "is_description_translated": False,
                "untranslated_description": "",
                "time_limit": {"seconds": t.time_limit, "nanos": 0},
                "memory_limit_bytes": 256_000_000,
                "input_file": "",
                "output_file": "",
            }
        )
        col.plant("code_contests_demo", cc_name(t), f"code:{family}", params, f"p{ph}", style, desc)
    path = OUT / "code_contests_demo" / "train.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=CC_SCHEMA), path)
