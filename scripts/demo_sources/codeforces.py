"""The codeforces_demo source in the open-r1/codeforces format."""

from __future__ import annotations

from demo_sources.code_tasks import CodeTask, task, uniq
from demo_sources.common import OUT, dumps, row_plan, write_jsonl
from demo_sources.planted import Collector
from demo_sources.render import cf_start, cf_statement, cf_tex, year_of

CF_ROWS = row_plan("codeforces_demo")


def cf_id(t: CodeTask) -> str:
    """open-r1/codeforces problem id, e.g. '2000A'."""
    return f"{t.cf.contest_id}{t.cf.index}"


def build_cf(col: Collector) -> dict[str, CodeTask]:
    """Write codeforces_demo/problems.jsonl; returns id -> task for verification."""
    lines, by_id = [], {}
    for spec in CF_ROWS:
        if spec[0] == "BAD":
            start = cf_start(1950)
            row = {
                "id": "1950B",
                "contest_id": 1950,
                "contest_name": "Codeforces Round 937 (Div. 4)",
                "contest_type": "CF",
                "contest_start": start,
                "contest_start_year": year_of(start),
                "index": "B",
                "time_limit": 1.0,
                "memory_limit": 256.0,
                "title": "",
                "description": "",
                "input_format": "",
                "output_format": "",
                "interaction_format": None,
                "note": None,
                "examples": [{"input": "1\n5\n", "output": "5\n"}],
                "editorial": None,
                "rating": 800,
                "tags": ["implementation"],
                "testset_size": 1,
                "official_tests": [{"input": "1\n5\n", "output": "5\n"}],
                "official_tests_complete": True,
                "input_mode": "stdio",
                "generated_checker": None,
                "executable": True,
            }
            lines.append(dumps(row))
            col.bad_row("codeforces_demo", "1950B", spec[1])
            continue
        family, ph = spec
        t = task(family)
        tests = uniq(list(t.examples) + list(t.extra) + t.generated("cf", 4))
        start = cf_start(t.cf.contest_id)
        desc = cf_tex(t.legends[ph]) or ""
        inp, out = cf_tex(t.input_spec) or "", cf_tex(t.output_spec) or ""
        row = {
            "id": cf_id(t),
            "contest_id": t.cf.contest_id,
            "contest_name": t.cf.contest_name,
            "contest_type": "CF",
            "contest_start": start,
            "contest_start_year": year_of(start),
            "index": t.cf.index,
            "time_limit": float(t.time_limit),
            "memory_limit": 256.0,
            "title": t.title,
            "description": desc,
            "input_format": inp,
            "output_format": out,
            "interaction_format": None,
            "note": cf_tex(t.note),
            "examples": [{"input": x, "output": t.expected(x)} for x in t.examples],
            "editorial": None if len(lines) % 4 == 3 else cf_tex(t.approach),
            "rating": t.cf.rating,
            "tags": list(t.cf.tags),
            "testset_size": len(tests),
            "official_tests": [{"input": x, "output": t.expected(x)} for x in tests],
            "official_tests_complete": True,
            "input_mode": "stdio",
            "generated_checker": None,
            "executable": True,
        }
        lines.append(dumps(row))
        by_id[cf_id(t)] = t
        col.plant(
            "codeforces_demo",
            cf_id(t),
            f"code:{family}",
            (),
            f"p{ph}",
            "cf",
            cf_statement(t.title, desc, inp, out),
        )
    write_jsonl(OUT / "codeforces_demo" / "problems.jsonl", lines)
    return by_id
