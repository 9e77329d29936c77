"""Verification after writing: re-reads every file, checks math answers, runs every code
solution against its tests and checks every manifest locator."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyarrow.parquet as pq

from demo_sources.am import AM_ROWS
from demo_sources.code_contests import PYTHON3
from demo_sources.code_tasks import CodeTask, task
from demo_sources.common import OUT, OVERSIZE_LIMIT, SIZE_BUDGET, Json
from demo_sources.math_items import MathItem, brute_answers, make_math
from demo_sources.openr1_math import OPENR1_ROWS
from demo_sources.render import cf_statement
from r1_assets.text.answers import extract_final_answer as last_boxed


@dataclass(frozen=True)
class Job:
    """One program run: stdin/stdout comparison or a call-based check."""

    label: str
    code: str
    stdin: str
    expected: str
    call: bool = False


def _run(job: Job) -> bool:
    """Run a job in a fresh python3 process; True if the output matches."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", job.code],
            input=job.stdin,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    if proc.returncode != 0:
        return False
    if job.call:
        return json.loads(proc.stdout) == json.loads(job.expected)
    return proc.stdout.strip() == job.expected.strip()


def run_jobs(jobs: list[Job]) -> list[bool]:
    """Run jobs in parallel threads (each in its own subprocess)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as ex:
        return list(ex.map(_run, jobs))


def call_job(label: str, solution: str, fn: str, args: list[Any], expected: Any) -> Job:
    """Job calling ``fn(*args)`` from a call-based solution."""
    harness = (
        "\n"
        "\n"
        "import json as _j, sys as _s\n"
        "_a = _j.loads(_s.stdin.read())\n"
        f"print(_j.dumps({fn}(*_a)))\n"
    )
    return Job(label, solution + harness, json.dumps(args), json.dumps(expected), call=True)


def classify(source: str, raw: Any) -> str | None:
    """Independent re-implementation of the bad-row rules, used to check the manifest."""
    if source in ("openr1_math_demo", "code_contests_demo"):
        text = raw.get("problem") if source == "openr1_math_demo" else raw.get("description")
        if text is None:
            return "missing_field"
        return "empty_problem" if not text.strip() else None
    try:
        row = json.loads(raw)
    except json.JSONDecodeError:
        return "malformed_json"
    if not isinstance(row, dict):
        return "malformed_json"
    if source == "am_distilled_demo":
        user = row["messages"][0]
        text = user.get("content")
        tc = user["info"].get("test_case")
    elif source == "codeforces_demo":
        text = cf_statement(
            row["title"], row["description"], row["input_format"], row["output_format"]
        )
        tc = None
    else:
        text = row.get("problem" if source == "numina_demo" else "question")
        tc = None
    if text is None:
        return "missing_field"
    if not isinstance(text, str):
        return "wrong_type"
    if not text.strip():
        return "empty_problem"
    if len(text) > OVERSIZE_LIMIT:
        return "oversized"
    if source == "natural_reasoning_demo" and not isinstance(row.get("responses"), list):
        return "wrong_type"
    for blob in (row.get("input_output") if source == "apps_demo" else None, tc):
        if blob is not None:
            try:
                json.loads(blob)
            except json.JSONDecodeError:
                return "malformed_field"
    return None


FILES = {
    "numina_demo": "train.jsonl",
    "openr1_math_demo": "default.parquet",
    "am_distilled_demo": "am_0.5M.jsonl",
    "apps_demo": "test.jsonl",
    "code_contests_demo": "train.parquet",
    "codeforces_demo": "problems.jsonl",
    "orca_demo": "orca.jsonl",
    "natural_reasoning_demo": "natural_reasoning.jsonl",
}
ID_FIELD = {
    "openr1_math_demo": "uuid",
    "apps_demo": "problem_id",
    "code_contests_demo": "name",
    "codeforces_demo": "id",
    "orca_demo": "id",
}


def load_rows(source: str) -> list[Any]:
    """Raw lines (JSONL) or row dicts (Parquet) of a source."""
    path = OUT / source / FILES[source]
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def locators(source: str, rows: list[Any]) -> list[str]:
    """The manifest locator of every row, in file order."""
    out = []
    for i, raw in enumerate(rows, 1):
        loc = f"{FILES[source]}:{i}"
        if source in ID_FIELD:
            row = raw if isinstance(raw, dict) else None
            if row is None:
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError:
                    row = None
            if isinstance(row, dict):
                loc = str(row[ID_FIELD[source]])
        out.append(loc)
    return out


def verify(
    manifest: Json,
    numina_checks: list[tuple[int, MathItem]],
    am_checks: list[tuple[int, str, str]],
    cf_tasks: dict[str, CodeTask],
    oversized_bytes: int,
) -> dict[str, int]:
    """Check answers, run all code tests, and validate the manifest; returns row counts."""
    rows = {s: load_rows(s) for s in FILES}
    locs = {s: locators(s, r) for s, r in rows.items()}
    for s, ls in locs.items():
        assert len(set(ls)) == len(ls), f"duplicate locators in {s}"

    # manifest locators exist and bad-row reasons are what an independent classifier finds
    expected_bad = {(b["source"], b["row"]): b["reason"] for b in manifest["bad_rows"]}
    for p in manifest["pairs"]:
        for side in (p["a"], p["b"]):
            assert side["row"] in locs[side["source"]], side
            assert (side["source"], side["row"]) not in expected_bad, side
    found_bad = {}
    for s in FILES:
        for loc, raw in zip(locs[s], rows[s], strict=True):
            reason = classify(s, raw)
            if reason:
                found_bad[(s, loc)] = reason
    assert found_bad == expected_bad, (found_bad, expected_bad)

    # math: brute-force answers, boxed answers in every file
    brute = brute_answers()
    used: list[MathItem] = [it for _, it in numina_checks]
    used += [make_math(f, p, ph) for f, p, ph, *_ in (r for r in OPENR1_ROWS if r[0] != "BAD")]
    used += [make_math(r[1], r[2], r[3]) for r in AM_ROWS if r[0] == "math"]
    for it in used:
        base = make_math(it.family, it.params, "p0")
        assert str(brute[it.family](*it.params)) == base.answer, (it.family, it.params)
        assert it.wrong != it.answer
    numina_lines = rows["numina_demo"]
    for line_no, it in numina_checks:
        row = json.loads(numina_lines[line_no - 1])
        assert (
            last_boxed(row["solution"]) == it.answer
            and row["messages"][0]["content"] == row["problem"]
        )
    for row in rows["openr1_math_demo"]:
        if row["problem"] is None:
            continue
        assert last_boxed(row["solution"]) == row["answer"]
        flags = [last_boxed(g) == row["answer"] for g in row["generations"]]
        assert flags == row["correctness_math_verify"] and any(flags)
        assert row["correctness_count"] == sum(flags)
        assert len(row["is_reasoning_complete"]) == len(row["generations"])
        assert all(g.startswith("<think>\n") and "\n</think>\n\n" in g for g in row["generations"])
        assert last_boxed(row["messages"][1]["content"]) == row["answer"]
    am_lines = rows["am_distilled_demo"]
    jobs: list[Job] = []
    for line_no, kind, key in am_checks:
        user, asst = json.loads(am_lines[line_no - 1])["messages"]
        info = asst["info"]
        assert asst["content"] == (
            f"<think>\n{info['think_content']}\n</think>\n<answer>\n"
            f"{info['answer_content']}\n</answer>"
        )
        if kind == "math":
            assert last_boxed(info["answer_content"]) == user["info"]["reference_answer"] == key
        else:
            tc = json.loads(user["info"]["test_case"])
            for inp, out in zip(tc["inputs"], tc["outputs"], strict=True):
                jobs.append(Job(f"am:{line_no}", task(key).solution, inp, out))

    # code: every solution against every test, read back from the files
    for raw in rows["apps_demo"]:
        if classify("apps_demo", raw):
            continue
        row = json.loads(raw)
        io = json.loads(row["input_output"])
        for sol in json.loads(row["solutions"]):
            for inp, out in zip(io["inputs"], io["outputs"], strict=True):
                label = f"apps:{row['problem_id']}"
                if "fn_name" in io:
                    jobs.append(call_job(label, sol, io["fn_name"], inp, out[0]))
                else:
                    jobs.append(Job(label, sol, inp, out))
    wrong_jobs: dict[str, list[Job]] = {}
    for row in rows["code_contests_demo"]:
        tests = [row[k] for k in ("public_tests", "private_tests", "generated_tests")]
        pairs = [(i, o) for t in tests for i, o in zip(t["input"], t["output"], strict=True)]
        assert all(lang == PYTHON3 for lang in row["solutions"]["language"])
        for sol in row["solutions"]["solution"]:
            jobs += [Job(f"cc:{row['name']}", sol, i, o) for i, o in pairs]
        for sol in row["incorrect_solutions"]["solution"]:
            wrong_jobs[row["name"]] = [Job(f"cc-wrong:{row['name']}", sol, i, o) for i, o in pairs]
    for raw in rows["codeforces_demo"]:
        row = json.loads(raw)
        if row["id"] not in cf_tasks:
            continue
        assert row["testset_size"] == len(row["official_tests"])
        for t in row["examples"] + row["official_tests"]:
            jobs.append(
                Job(f"cf:{row['id']}", cf_tasks[row["id"]].solution, t["input"], t["output"])
            )
    results = run_jobs(jobs)
    failed = sorted({j.label for j, ok in zip(jobs, results, strict=True) if not ok})
    assert not failed, f"solutions failing their tests: {failed}"
    for name, wj in wrong_jobs.items():
        assert not all(run_jobs(wj)), f"incorrect solution of {name} passes every test"

    # relation counts
    rel = Counter(p["relation"] for p in manifest["pairs"])
    exact_cross = sum(
        1
        for p in manifest["pairs"]
        if p["relation"] == "exact" and p["a"]["source"] != p["b"]["source"]
    )
    within = [
        p
        for p in manifest["pairs"]
        if p["relation"] == "exact" and p["a"]["source"] == p["b"]["source"]
    ]
    assert exact_cross >= 8 and rel["reworded"] >= 8 and rel["number_variant"] >= 6, rel
    assert len(within) == 1 and within[0]["a"]["source"] == "numina_demo", within

    # size budget
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    assert oversized_bytes > OVERSIZE_LIMIT and total - oversized_bytes < SIZE_BUDGET, total
    print(
        f"verified {len(jobs)} program runs, {len(used)} math items; total size {total} "
        f"bytes ({total - oversized_bytes} without the oversized row)"
    )
    return {s: len(r) for s, r in rows.items()}
