"""A program's test cases in the sandbox: grouped into executions, each read into a pass or the
first failure.

Consecutive call or assert tests share one execution (the harness runs them in order and
reports each); a stdio test runs alone, its output compared on the host (``compare.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from r1_assets.sandbox.compare import (
    TestReport,
    call_difference,
    failure,
    parse_expected,
    stdio_difference,
    stdio_matches,
)
from r1_assets.sandbox.execute import Box, harness_limits, program_config, run_box
from r1_assets.sandbox.status import classify, error_status, excerpt
from r1_assets.sandbox.types import ExecResult, RawRun, SandboxLimits

KINDS = ("stdio", "call", "assert")


@dataclass(frozen=True)
class Outcome:
    """A group of tests run in one execution: how many passed, and the first failure."""

    n_passed: int
    failed: tuple[int, str, str] | None = None  # (test index, status, detail)


def run_test_cases(
    box: Box, program: str, tests: list[dict], max_tests: int | None = None
) -> TestReport:
    """The first ``max_tests`` tests (all if None) in order, up to the first failure."""
    selected = tests if max_tests is None else tests[:max_tests]
    if not selected:
        return TestReport(False, 0, 0, len(tests), None, "no_tests", "no test cases to run")
    n_passed = 0
    for start, group in _groups(selected):
        if group[0]["kind"] == "stdio":
            outcome = _stdio(box, program, start, group[0])
        else:
            outcome = _batch(box, program, start, group)
        n_passed += outcome.n_passed
        if outcome.failed is not None:
            index, status, detail = outcome.failed
            return TestReport(False, n_passed + 1, n_passed, len(tests), index, status, detail)
    detail = f"all {n_passed} tests passed"
    return TestReport(True, n_passed, n_passed, len(tests), None, "ok", detail)


def _stdio(box: Box, program: str, index: int, test: dict) -> Outcome:
    expected = test.get("output") or ""
    cap = value_cap(box.limits, expected)
    raw = run_box(box, program, program_config(box.limits), test.get("input") or "", cap)
    result = classify(raw, box.limits, cap)
    if result.status != "ok":
        why = result.reason + _stderr_note(result.stderr)
        return Outcome(0, (index, result.status, failure(index, "stdio", why)))
    if not stdio_matches(expected, result.stdout):
        why = stdio_difference(expected, result.stdout)
        return Outcome(0, (index, "wrong_answer", failure(index, "stdio", why)))
    return Outcome(1)


def _batch(box: Box, program: str, start: int, group: list[dict]) -> Outcome:
    """call/assert tests of one kind in one execution, the harness running them in order."""
    kind = group[0]["kind"]
    # a value read back may be as long as the test (whose expected value it holds) allows
    caps = [value_cap(box.limits, t.get("output") or t.get("input") or "") for t in group]
    config = {
        "mode": "tests",
        "limits": harness_limits(box.limits, len(group) + 1),
        "cpu_s": box.limits.cpu_s,
        "kind": kind,
        "cap": max(caps),
        "tests": [
            {
                "kind": kind,
                "input": t.get("input") or "",
                "fn_name": t.get("fn_name") or "",
                "cap": cap,
            }
            for t, cap in zip(group, caps, strict=True)
        ],
    }
    expected = [parse_expected(t.get("output") or "") for t in group]

    def wrong(event: dict) -> bool:  # stop at the first wrong result: the rest is wasted
        return event["ev"] == "result" and _result_error(event, expected) is not None

    events_cap = 2 * sum(caps) + (4 << 10) * (len(group) + 4)  # values are JSON-escaped
    raw = run_box(
        box, program, config, on_event=wrong if kind == "call" else None, events_cap=events_cap
    )
    result = classify(raw, box.limits)
    return _batch_outcome(raw, result, box.limits, start, kind, expected)


def value_cap(limits: SandboxLimits, text: str) -> int:
    """Bytes a program's output or value may take: ``output_kb``, or twice the test's text."""
    return max(limits.output_kb << 10, 2 * len(text.encode("utf-8", "replace")) + 4096)


def _groups(tests: list[dict]) -> Iterator[tuple[int, list[dict]]]:
    """Consecutive call/assert tests of one kind share an execution; stdio tests run alone."""
    group: list[dict] = []
    start = 0
    for index, test in enumerate(tests):
        kind = test.get("kind")
        if kind not in KINDS:
            raise ValueError(f"test {index}: unknown kind {kind!r} (expected one of {KINDS})")
        if group and (kind == "stdio" or kind != group[0]["kind"]):
            yield start, group
            group = []
        if not group:
            start = index
        group.append(test)
    if group:
        yield start, group


def _result_error(event: dict, expected: list[object]) -> str | None:
    """Why a call result is wrong, or None if it matches."""
    position = event.get("i")
    if not isinstance(position, int) or not 0 <= position < len(expected):
        return "malformed result"
    value = event.get("value")
    if not isinstance(value, str):
        return "malformed result"
    return call_difference(value, expected[position])


def _batch_outcome(
    raw: RawRun,
    result: ExecResult,
    limits: SandboxLimits,
    start: int,
    kind: str,
    expected: list[object],
) -> Outcome:
    events = {(e["ev"], e.get("i")): e for e in raw.events}  # parse_event checked the shape
    if ("error", None) in events:  # the program itself failed (syntax error, import, ...)
        status, why = _exception(events["error", None], result, limits)
        return Outcome(0, (start, status, failure(start, kind, "loading the program: " + why)))
    for position in range(len(expected)):
        index = start + position
        if ("result", position) in events:
            error = _result_error(events["result", position], expected) if kind == "call" else None
            if error is not None:
                return Outcome(position, (index, "wrong_answer", failure(index, kind, error)))
            continue
        if ("error", position) in events:
            status, why = _exception(events["error", position], result, limits)
            return Outcome(position, (index, status, failure(index, kind, why)))
        return Outcome(position, _died(raw, result, index, kind, position, events))
    return Outcome(len(expected))


def _died(
    raw: RawRun, result: ExecResult, index: int, kind: str, position: int, events: dict
) -> tuple[int, str, str]:
    """No verdict from the harness for this test: the process ended (or was killed) in it."""
    if ("start", position) in events:
        when = ""
    elif ("loaded", None) not in events:
        when = " while loading the program"
    else:
        when = " before the test started"
    if result.status == "ok":  # exited 0 mid-test, e.g. os._exit(0) or exit() in a thread
        status = "exit"
        reason = f"the process exited (code {raw.returncode}) without a result"
    else:
        status, reason = result.status, result.reason
    return index, status, failure(index, kind, reason + when + _stderr_note(result.stderr))


def _exception(event: dict, result: ExecResult, limits: SandboxLimits) -> tuple[str, str]:
    """Status and description of an exception the harness reported."""
    name, message, where = event.get("type", "?"), event.get("msg", ""), event.get("where", "")
    errno = event.get("errno") if isinstance(event.get("errno"), int) else None
    status, cause = error_status(f"{name}: {message}", errno, where)
    text = f"{name}: {message}" if message else str(name)
    limit = {
        "memory": f"memory limit {limits.memory_mb} MB",
        "nproc": f"process limit {limits.nproc} reached",
        "fsize": f"file size limit {limits.fsize_mb} MB",
        "tmpfs": f"the private /tmp holds {limits.tmpfs_mb} MB",
    }.get(cause)
    if limit:
        text += f" ({limit})"
    return status, text + (f" at {where}" if where else "") + _stderr_note(result.stderr)


def _stderr_note(stderr: str) -> str:
    note = excerpt(stderr, 160)
    return f"; stderr: {note}" if note else ""
