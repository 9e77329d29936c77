"""The orca_demo source in the OpenOrca format."""

from __future__ import annotations

from demo_sources.chat import CHAT_BY_KEY, SYSTEM_PROMPTS, oversized_question
from demo_sources.common import OUT, dumps, row_plan, write_jsonl
from demo_sources.planted import Collector

ORCA_ROWS = row_plan("orca_demo")


def build_orca(col: Collector) -> int:
    """Write orca_demo/orca.jsonl; returns the length of the oversized row's line."""
    name, lines, big = "orca.jsonl", [], 0
    for rid, key in ORCA_ROWS:
        line_no = len(lines) + 1
        if rid == "BAD":
            if key == "malformed_json":
                lines.append(
                    dumps(["niv.412233", "", "Q: What is the chemical symbol for gold?\nA:", "Au"])
                )
                col.bad_row("orca_demo", f"{name}:{line_no}", key)
            elif key == "empty_problem":
                row = {
                    "id": "flan.1647722",
                    "system_prompt": SYSTEM_PROMPTS["follow"],
                    "question": "   ",
                    "response": "It seems your message is empty. Could you tell me what you need "
                    "help with?",
                }
                lines.append(dumps(row))
                col.bad_row("orca_demo", "flan.1647722", key)
            else:
                row = {
                    "id": "flan.2213349",
                    "system_prompt": SYSTEM_PROMPTS["detailed"],
                    "question": oversized_question(),
                    "response": "- The committee reviewed a long series of street projects: "
                    "resurfacing, pedestrian signals, drainage repairs, bus service "
                    "extensions and tree planting.\n- Each item came with a cost "
                    "estimate between 120 and 240 thousand dollars.\n"
                    "- Timelines ranged from three to seven months.\n"
                    "- Residents raised concerns about construction noise and "
                    "delivery access.\n- Every item was voted forward to the full "
                    "council.",
                }
                text = dumps(row)
                big = len(text.encode()) + 1
                lines.append(text)
                col.bad_row("orca_demo", "flan.2213349", key)
            continue
        c = CHAT_BY_KEY[(key, "p0")]
        lines.append(
            dumps(
                {
                    "id": rid,
                    "system_prompt": c.system,
                    "question": c.question,
                    "response": c.response,
                }
            )
        )
        col.plant("orca_demo", rid, f"chat:{key}", (), "p0", "text", c.question)
    write_jsonl(OUT / "orca_demo" / name, lines)
    return big
