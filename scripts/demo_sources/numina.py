"""The numina_demo source in the NuminaMath-CoT format."""

from __future__ import annotations

from demo_sources.common import OUT, dumps, row_plan, write_jsonl
from demo_sources.math_items import MathItem, make_math
from demo_sources.planted import Collector

NUMINA_ROWS = row_plan("numina_demo")

DIVISOR_SUM_SOLUTION = (
    "Since $36 = 2^2 \\cdot 3^2$, the sum of its divisors is $(1 + 2 + 4)(1 + 3 + 9) = 7 "
    "\\cdot 13 = 91$.\n\nTherefore, the answer is $\\boxed{91}$."
)


def build_numina(col: Collector) -> list[tuple[int, MathItem]]:
    """Write numina_demo/train.jsonl; returns (line, item) for verification."""
    name, lines, checks = "train.jsonl", [], []
    for spec in NUMINA_ROWS:
        line_no = len(lines) + 1
        loc = f"{name}:{line_no}"
        if spec[0] == "BAD":
            reason = spec[1]
            if reason == "malformed_json":
                full = dumps(
                    {
                        "problem": "Find the sum of all positive divisors of $36$.",
                        "solution": DIVISOR_SUM_SOLUTION,
                        "messages": [
                            {
                                "role": "user",
                                "content": "Find the sum of all positive divisors of $36$.",
                            },
                            {"role": "assistant", "content": DIVISOR_SUM_SOLUTION},
                        ],
                        "source": "synthetic_math",
                    }
                )
                lines.append(full[: len(full) * 3 // 5])
            elif reason == "missing_field":
                lines.append(
                    dumps({"solution": make_math("sum_cubes", (6,)).solution, "source": "cn_k12"})
                )
            else:
                sol = (
                    "There are $6 \\cdot 7 = 42$ chairs in total.\n\n"
                    "Therefore, the answer is $\\boxed{42}$."
                )
                lines.append(
                    dumps(
                        {
                            "problem": 42,
                            "solution": sol,
                            "messages": [
                                {"role": "user", "content": "42"},
                                {"role": "assistant", "content": sol},
                            ],
                            "source": "orca_math",
                        }
                    )
                )
            col.bad_row("numina_demo", loc, reason)
            continue
        family, params, source = spec
        item = make_math(family, params)
        row = {
            "problem": item.problem,
            "solution": item.solution,
            "messages": [
                {"role": "user", "content": item.problem},
                {"role": "assistant", "content": item.solution},
            ],
            "source": source,
        }
        lines.append(dumps(row))
        col.plant("numina_demo", loc, f"math:{family}", params, "p0", "text", item.problem)
        checks.append((line_no, item))
    write_jsonl(OUT / "numina_demo" / name, lines)
    return checks
