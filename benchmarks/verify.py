"""Verifier throughput: math verifications/s and sandbox executions/s with 1 and 2 workers,
each against a bare baseline run in the same process.

    python benchmarks/verify.py                    # 500 MATH-500 pairs, 164 HumanEval programs
    python benchmarks/verify.py --math 200 --code 60
    python benchmarks/verify.py --sandbox-baseline aa18d3c   # also the sandbox as of a commit

Math (steady state, after one untimed pass each): MATH-500 reference answers against the last
\\boxed{} of the solutions, through
``MathVerifier`` (worker processes, a hard time bound per item) vs the bare baseline — math-verify's
``parse``/``verify`` called in this process's main thread with its own signal timeouts, as a
notebook would (no isolation: a hostile answer stalls it for as long as it likes).
Code: HumanEval canonical solutions against their tests, through ``Sandbox`` (bubblewrap, a uid
per slot, rlimits, watchdog) vs the bare baseline — the same program and test as one plain
``subprocess.run([python, file])`` each, unisolated, from 1 or 2 threads.
``--sandbox-baseline REV`` also runs the sandbox package as it was at git revision REV, in this
process, beside today's (1 and 2 workers, interleaved), so a change to the sandbox is measured
against its predecessor on the same machine in the same minute.
Writes benchmarks/results/verify.json.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from math_gold import math500
from sandbox_gold import humaneval

from r1_assets.sandbox import Sandbox as DefaultSandbox
from r1_assets.sandbox import SandboxLimits as DefaultLimits
from r1_assets.verify.math_answer import MathVerifier

RESULTS = Path(__file__).parent / "results"
PYTHON = "/usr/bin/python3"  # the interpreter the sandbox uses, for a fair baseline


def bare_math(pairs: list[tuple[str, str]]) -> int:
    from math_verify import parse, verify

    from r1_assets.text.answers import extract_final_answer

    agreed = 0
    for reference, solution in pairs:
        gold = parse(f"${reference}$")
        answer = parse(f"${extract_final_answer(solution) or solution}$")
        agreed += bool(gold and answer and verify(gold, answer))
    return agreed


def pool_math(pairs: list[tuple[str, str]], workers: int) -> tuple[int, float]:
    with MathVerifier(workers=workers, timeout_s=5.0) as verifier:
        # start the workers and warm their parsers outside the timed part, as the baseline is
        verifier.check_many(pairs, progress=False)
        started = time.perf_counter()
        checks = verifier.check_many(pairs, progress=False)
        return sum(c.passed for c in checks), time.perf_counter() - started


def bare_code(jobs: list[tuple[str, str, list[dict]]], workers: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, (_, program, tests) in enumerate(jobs):
            path = Path(tmp) / f"job{i}.py"
            path.write_text(program + "\n" + tests[0]["input"])
            files.append(path)

        def run(path: Path) -> bool:
            done = subprocess.run([PYTHON, str(path)], capture_output=True, timeout=30, cwd=tmp)
            return done.returncode == 0

        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            passed = sum(pool.map(run, files))
        return passed, time.perf_counter() - started


def sandbox_at(revision: str, folder: Path):
    """The ``r1_assets.sandbox`` package as of ``revision``, importable beside today's under
    another name (its imports of itself renamed)."""
    name = f"sandbox_{revision[:12]}"
    archive = subprocess.run(
        ["git", "archive", revision, "r1_assets/sandbox"],
        cwd=Path(__file__).parents[1],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    package = folder / name
    (folder / "r1_assets" / "sandbox").rename(package)
    for path in package.glob("*.py"):
        path.write_text(path.read_text().replace("r1_assets.sandbox", name))
    sys.path.insert(0, str(folder))
    return importlib.import_module(name)


def sandbox_code(
    jobs: list[tuple[str, str, list[dict]]], workers: int, package=None
) -> tuple[int, float]:
    Sandbox, SandboxLimits = (
        (package.Sandbox, package.SandboxLimits) if package else (DefaultSandbox, DefaultLimits)
    )
    with Sandbox(SandboxLimits(), workers=workers) as sandbox:
        sandbox.run("pass")  # the probe run and the slots, outside the timed part
        started = time.perf_counter()
        reports = sandbox.run_many([(p, t) for _, p, t in jobs], progress=False)
        return sum(r.passed for r in reports), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--math", type=int, default=500, help="MATH-500 pairs")
    parser.add_argument("--code", type=int, default=164, help="HumanEval programs")
    parser.add_argument("--sandbox-baseline", metavar="REV", help="also the sandbox at REV")
    parser.add_argument("--repeats", type=int, default=1, help="sandbox runs, best kept")
    args = parser.parse_args()

    rows: list[dict] = []
    pairs = [(ref, sol) for _, ref, sol in math500(args.math)["math500"]]
    # one untimed pass each: the ANTLR parser behind math-verify fills its prediction cache as it
    # parses (a cold pass was ~1.6x slower), and the pool's workers live as long as a run does
    bare_math(pairs)
    started = time.perf_counter()
    agreed = bare_math(pairs)
    base = time.perf_counter() - started
    rows.append(_row("math", "bare math-verify, main thread", 1, len(pairs), agreed, base, base))
    for workers in (1, 2):
        agreed, seconds = pool_math(pairs, workers)
        rows.append(_row("math", "MathVerifier pool", workers, len(pairs), agreed, seconds, base))

    jobs = humaneval(args.code)
    baselines = {}
    for workers in (1, 2):
        passed, seconds = bare_code(jobs, workers)
        baselines[workers] = seconds
        rows.append(
            _row("code", "bare subprocess", workers, len(jobs), passed, seconds, baselines[1])
        )
    with tempfile.TemporaryDirectory() as folder:
        engines = [("bubblewrap sandbox", None)]
        if args.sandbox_baseline:
            baseline = sandbox_at(args.sandbox_baseline, Path(folder))
            engines.append((f"bubblewrap sandbox @{args.sandbox_baseline[:8]}", baseline))
        for workers in (1, 2):
            best: dict[str, tuple[int, float]] = {}
            for _ in range(args.repeats):  # interleaved: both see the same machine
                for engine, package in engines:
                    passed, seconds = sandbox_code(jobs, workers, package)
                    if engine not in best or seconds < best[engine][1]:
                        best[engine] = (passed, seconds)
            for engine, (passed, seconds) in best.items():
                rows.append(_row("code", engine, workers, len(jobs), passed, seconds, baselines[1]))

    header = (
        f"{'check':<5} {'engine':<31} {'workers':>7} {'n':>5} {'ok':>5} {'s':>7} {'/s':>7} "
        f"{'vs base':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['check']:<5} {r['engine']:<31} {r['workers']:>7} {r['n']:>5} {r['ok']:>5} "
            f"{r['seconds']:>7.2f} {r['per_second']:>7.1f} {r['speed_vs_baseline']:>7.2f}x"
        )
    print("vs base: throughput / the 1-worker bare baseline's throughput, same inputs")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "verify.json"
    out.write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    print(f"wrote {out}")


def _row(check, engine, workers, n, ok, seconds, baseline_seconds) -> dict:
    return {
        "check": check,
        "engine": engine,
        "workers": workers,
        "n": n,
        "ok": ok,
        "seconds": round(seconds, 3),
        "per_second": round(n / seconds, 2) if seconds else 0.0,
        "speed_vs_baseline": round(baseline_seconds / seconds, 3) if seconds else 0.0,
    }


if __name__ == "__main__":
    main()
