"""The natural_reasoning_demo source in the facebook/natural_reasoning format."""

from __future__ import annotations

from demo_sources.common import OUT, Json, dumps, row_plan, write_jsonl
from demo_sources.planted import Collector
from demo_sources.science import make_sci

NR_ROWS = row_plan("natural_reasoning_demo")
LLAMA = "Llama-3.3-70B-Instruct"


def build_nr(col: Collector) -> None:
    """Write natural_reasoning_demo/natural_reasoning.jsonl."""
    name, lines = "natural_reasoning.jsonl", []
    for spec in NR_ROWS:
        line_no = len(lines) + 1
        loc = f"{name}:{line_no}"
        if spec[0] == "BAD":
            if spec[1] == "missing_field":
                row: Json = {
                    "question": None,
                    "reference_answer": "About 8.3 minutes",
                    "responses": [
                        {
                            "response_model": LLAMA,
                            "response": "## Step 1: Use t = d / v\n$t = 1.496 \\times 10^{11} / "
                            "3.00 \\times 10^8 \\approx 499$ s.\n\n"
                            "The final answer is: $\\boxed{8.3 \\text{ minutes}}$",
                        }
                    ],
                }
            else:
                row = {
                    "question": "What is the momentum of a 0.15 kg baseball moving at 40 m/s?",
                    "reference_answer": "6.0 kg·m/s",
                    "responses": "## Step 1: Use p = mv\n$p = 0.15 \\times 40 = 6.0$ kg·m/s.\n\n"
                    "The final answer is: $\\boxed{6.0}$",
                }
            lines.append(dumps(row))
            col.bad_row("natural_reasoning_demo", loc, spec[1])
            continue
        family, params = spec
        s = make_sci(family, params)
        resp = s.think_response() if line_no % 3 == 0 else s.step_response()
        lines.append(
            dumps(
                {
                    "question": s.question,
                    "reference_answer": s.reference,
                    "responses": [{"response_model": LLAMA, "response": resp}],
                }
            )
        )
        col.plant("natural_reasoning_demo", loc, f"sci:{family}", params, "p0", "text", s.question)
    write_jsonl(OUT / "natural_reasoning_demo" / name, lines)
