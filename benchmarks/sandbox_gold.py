"""Gold solutions through the code sandbox: canonical HumanEval and MBPP programs against their
own tests. Every one should pass; each miss is a sandbox problem (a module or file the sandbox
does not provide, a limit too tight, a comparison too strict) or a broken gold solution.

    python benchmarks/sandbox_gold.py                     # all 164 + 974 problems, 2 workers
    python benchmarks/sandbox_gold.py --workers 1 --limit 50

HumanEval: ``prompt + canonical_solution``, tested by ``test + check(entry_point)`` (one assert
test). MBPP: ``code + test_setup_code``, tested by each line of ``test_list`` (assert tests, run
in one sandbox execution); the 11 problems with a ``challenge_test_list`` are run again on those
as "mbpp-challenge". "humaneval-empty" (prompts without their solution) is a negative control
that must fail. Default sandbox limits. Writes benchmarks/results/sandbox_gold.json.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from r1_assets.sandbox import Sandbox, SandboxLimits
from r1_assets.settings import BENCHMARK_DATA_DIR

RESULTS = Path(__file__).parent / "results"
DATASETS = BENCHMARK_DATA_DIR

Job = tuple[str, str, list[dict]]  # (task id, program, tests)


def assert_test(code: str) -> dict:
    return {"kind": "assert", "input": code, "output": None, "fn_name": None, "split": "test"}


def read_jsonl(path: Path, limit: int | None) -> list[dict]:
    with open(path, encoding="utf-8") as file:
        rows = [json.loads(line) for line in file if line.strip()]
    return rows[:limit]


def humaneval(limit: int | None, solved: bool = True) -> list[Job]:
    """``solved=False`` leaves the body out (the function returns None): a negative control,
    which should fail almost everywhere, or the sandbox is passing what it should not."""
    rows = read_jsonl(DATASETS / "humaneval" / "HumanEval.jsonl", limit)
    return [
        (
            r["task_id"],
            r["prompt"] + (r["canonical_solution"] if solved else ""),
            [assert_test(f"{r['test']}\ncheck({r['entry_point']})\n")],
        )
        for r in rows
    ]


def mbpp(limit: int | None, challenge: bool = False) -> list[Job]:
    jobs = []
    for r in read_jsonl(DATASETS / "mbpp" / "mbpp.jsonl", limit):
        tests = r["challenge_test_list"] if challenge else r["test_list"]
        if tests:
            # the setup code builds fixtures from the solution's classes (e.g. a tree of Node)
            program = f"{r['code']}\n{r['test_setup_code']}\n"
            jobs.append((f"mbpp/{r['task_id']}", program, [assert_test(t) for t in tests]))
    return jobs


def run(sandbox: Sandbox, name: str, jobs: list[Job], control: bool = False) -> dict:
    started = time.perf_counter()
    reports = sandbox.run_many([(program, tests) for _, program, tests in jobs])
    seconds = time.perf_counter() - started
    misses = [
        {"task_id": task_id, **asdict(report)}
        for (task_id, _, _), report in zip(jobs, reports, strict=True)
        if not report.passed
    ]
    passed = len(jobs) - len(misses)
    return {
        "dataset": name,
        "control": control,
        "n": len(jobs),
        "passed": passed,
        "rate": passed / len(jobs) if jobs else 0.0,
        "seconds": seconds,
        "tests_run": sum(r.n_run for r in reports),
        "misses": misses,
    }


def print_table(rows: list[dict]) -> None:
    print(f"{'dataset':16} {'n':>5} {'passed':>7} {'rate':>7} {'seconds':>8} {'programs/s':>10}")
    for row in rows:
        rate = row["n"] / row["seconds"] if row["seconds"] else 0.0
        print(
            f"{row['dataset']:16} {row['n']:5d} {row['passed']:7d} {row['rate']:7.2%} "
            f"{row['seconds']:8.1f} {rate:10.1f}"
        )
    for row in rows:
        if row["control"]:
            print(f"  {row['dataset']} is a negative control: {row['n'] - row['passed']} misses")
            continue
        for miss in row["misses"]:
            print(f"  miss {miss['task_id']}: {miss['status']}: {miss['detail']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="first N problems of each set")
    args = parser.parse_args()

    limits = SandboxLimits()
    with Sandbox(limits, workers=args.workers) as sandbox:
        sandbox.run("pass")  # the trial run and uid leases are not part of the timing
        rows = [
            run(sandbox, "humaneval", humaneval(args.limit)),
            run(sandbox, "mbpp", mbpp(args.limit)),
            run(sandbox, "mbpp-challenge", mbpp(args.limit, challenge=True)),
            run(sandbox, "humaneval-empty", humaneval(args.limit, solved=False), control=True),
        ]
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "sandbox_gold.json"
    document = {"workers": args.workers, "limit": args.limit, "limits": asdict(limits)}
    out.write_text(json.dumps({**document, "datasets": rows}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
