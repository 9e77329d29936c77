"""The apps_demo source in the APPS format."""

from __future__ import annotations

from demo_sources.code_tasks import CALLS, CodeTask, task, uniq
from demo_sources.common import OUT, Json, dumps, hex_id, row_plan, write_jsonl
from demo_sources.planted import Collector
from demo_sources.render import render_apps

APPS_ROWS = row_plan("apps_demo")


def apps_inputs(t: CodeTask) -> list[str]:
    """Test inputs of an APPS stdin row."""
    return uniq(list(t.examples) + list(t.extra) + t.generated("apps", 3))


def apps_stdin_row(pid: int, t: CodeTask, ph: int, difficulty: str) -> Json:
    """One stdin/stdout APPS row."""
    ins = apps_inputs(t)
    sols = [t.solution] + ([t.alt_solution] if t.alt_solution else [])
    return {
        "problem_id": pid,
        "question": render_apps(t, ph),
        "solutions": dumps(sols),
        "input_output": dumps({"inputs": ins, "outputs": [t.expected(x) for x in ins]}),
        "difficulty": difficulty,
        "url": f"https://codeforces.com/problemset/problem/{t.cf.contest_id}/{t.cf.index}",
        "starter_code": "",
    }


def build_apps(col: Collector) -> None:
    """Write apps_demo/test.jsonl."""
    name, lines = "test.jsonl", []
    for spec in APPS_ROWS:
        pid, kind = spec[0], spec[1]
        line_no = len(lines) + 1
        if kind == "BAD":
            reason, fam = spec[2], spec[3]
            row = apps_stdin_row(pid, task(fam), 0, "interview")
            if reason == "malformed_json":
                text = dumps(row)
                lines.append(text[: len(text) // 2])
                col.bad_row("apps_demo", f"{name}:{line_no}", reason)
                continue
            if reason == "wrong_type":
                row["question"] = row["question"].split("\n")
            else:
                row["input_output"] = row["input_output"][:-9]
            lines.append(dumps(row))
            col.bad_row("apps_demo", str(pid), reason)
            continue
        if kind == "call":
            c = CALLS[spec[2]]
            sols = [c.solution] + ([c.alt_solution] if c.alt_solution else [])
            io = {
                "fn_name": c.fn_name,
                "inputs": [list(a) for a in c.args],
                "outputs": [[c.oracle(*a)] for a in c.args],
            }
            row = {
                "problem_id": pid,
                "question": c.question,
                "solutions": dumps(sols),
                "input_output": dumps(io),
                "difficulty": spec[3],
                "url": f"https://www.codewars.com/kata/{hex_id(c.family)}",
                "starter_code": f"def {c.fn_name}({c.arg_names}):\n\t",
            }
            col.plant("apps_demo", str(pid), f"code:{c.family}", (), "p0", "call", c.question)
        else:
            fam, ph, diff = spec[2], spec[3], spec[4]
            params = spec[5] if len(spec) > 5 else ()
            t = task(fam, params)
            row = apps_stdin_row(pid, t, ph, diff)
            col.plant(
                "apps_demo", str(pid), f"code:{fam}", params, f"p{ph}", "apps", row["question"]
            )
        lines.append(dumps(row))
    write_jsonl(OUT / "apps_demo" / name, lines)
