"""One sandboxed execution: the harness started in bubblewrap, watched, stopped and cleaned up.

The watchdog kills a run when one phase (loading the program, or one test) outlasts the wall-clock
limit, when stdout or the events outgrow what the host reads, or when the caller has seen
enough. Its options come from ``bwrap.py``, its uid from ``uids.py``, what it reads from
``streams.py``; ``status.py`` says what stopped it.

rlimits are per process: a program that forks can use up to nproc x memory_mb of memory. Where
the deployment delegates cgroups, a per-job cgroup (memory.max, pids.max) is the stronger bound.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from r1_assets.sandbox.bwrap import bwrap_options
from r1_assets.sandbox.events import program_exit
from r1_assets.sandbox.seccomp import seccomp_filter
from r1_assets.sandbox.streams import Streams, memory_file, read_capped
from r1_assets.sandbox.types import RawRun, SandboxLimits, SandboxUnavailable
from r1_assets.sandbox.uids import sweep_uid

HARNESS = Path(__file__).with_name("harness.py")
POLL_S = 0.05


def harness_limits(limits: SandboxLimits, phases: int) -> dict[str, int]:
    """rlimits for the harness; CPU_HARD covers every phase (load + each test) of a batch."""
    return {
        "AS": limits.memory_mb << 20,
        "FSIZE": limits.fsize_mb << 20,
        "NOFILE": limits.nofile,
        "NPROC": limits.nproc,
        "CPU": limits.cpu_s,
        "CPU_HARD": limits.cpu_s * phases + 1,
    }


def program_config(limits: SandboxLimits) -> dict:
    """The harness's config for a plain run: the program with its stdin, no tests."""
    return {"mode": "program", "limits": harness_limits(limits, 1)}


@dataclass(frozen=True)
class Box:
    """Everything one execution needs that does not change between runs."""

    bwrap: str
    python: str
    limits: SandboxLimits
    root: Path  # host directory for job directories
    uid: int | None  # run as this uid (root only), else the caller's
    harness: Path  # the harness file (compiled or source) every run starts with


def run_box(
    box: Box,
    program: str,
    config: dict,
    stdin: str = "",
    output_cap: int | None = None,
    on_event: Callable[[dict], bool] | None = None,
    events_cap: int = 1 << 16,
) -> RawRun:
    """Run the harness with ``config`` on ``program`` and return what happened.

    The watchdog kills the run when one phase (loading, or one test: a ``start`` event begins
    the next) outlasts ``wall_s``, when stdout grows past ``output_cap`` or the events past
    ``events_cap`` bytes, or when ``on_event`` returns True for an event.
    """
    job = Path(tempfile.mkdtemp(prefix="job-", dir=box.root))  # 0700: no slot uid enters it
    try:
        (job / "program.py").write_text(program, encoding="utf-8")
        cap = output_cap or box.limits.output_kb << 10
        return _spawn_and_watch(box, job, config, stdin, cap, events_cap, on_event)
    finally:
        shutil.rmtree(job, ignore_errors=True)


@functools.cache
def harness_source() -> str:
    return HARNESS.read_text(encoding="utf-8")


def _spawn_and_watch(
    box: Box,
    job: Path,
    config: dict,
    stdin: str,
    output_cap: int,
    events_cap: int,
    on_event: Callable[[dict], bool] | None,
) -> RawRun:
    # stdin, stdout and stderr are memory files the host made (never pipes: a daemonized
    # grandchild holding a pipe open would make the host wait for it). Not files on disk:
    # /proc/self/fd/1 inside would name the job folder, and their size is only bounded by
    # RLIMIT_FSIZE, which the watcher polls well before (stdout) and reads the tail of (stderr)
    with (
        memory_file("stdin", stdin) as stdin_fd,
        memory_file("stdout") as stdout_fd,
        memory_file("stderr") as stderr_fd,
        open(os.open(job / "results", os.O_WRONLY | os.O_CREAT, 0o600), "wb") as results,
        open(job / "results", "rb") as reader,
    ):
        started = time.monotonic()
        proc = _spawn(box, job, config, results.fileno(), stdin_fd, stdout_fd, stderr_fd)
        try:
            with _ExitWaiter(proc) as waiter:
                phases = len(config.get("tests", ())) + 1  # loading + each test
                streams = Streams(reader, events_cap, stdout_fd, output_cap)
                timed_out, stopped = _watch(
                    proc, waiter, streams, box.limits.wall_s, phases, on_event
                )
        finally:
            _kill_group(proc)
            if box.uid is not None:
                sweep_uid(box.uid)
        streams.drain()
        wall_s = time.monotonic() - started
        returncode = program_exit(streams.events, proc.returncode)
        out, out_size = read_capped(stdout_fd, output_cap)
        err, _ = read_capped(stderr_fd, box.limits.output_kb << 10, tail=True)
    return RawRun(
        returncode,
        timed_out,
        stopped,
        out,
        err,
        out_size,
        wall_s,
        streams.events,
        cpu_hard=config["limits"]["CPU_HARD"],
        overflow=streams.overflow,
    )


def _spawn(
    box: Box, job: Path, config: dict, results_fd: int, stdin, stdout, stderr
) -> subprocess.Popen:
    """Start bwrap on the harness. Everything it reads arrives on descriptors: its options,
    the program, the harness, the seccomp filter, the harness's config — which stays out of
    the sandbox's file system (the harness closes it before any program code runs)."""
    fds: list[int] = []
    try:
        # marshal: the harness reads it without importing json (and re) on every run; the
        # header (with its size first) and then the tests, which the harness reads only after
        # forking the program's process
        header = {k: v for k, v in config.items() if k != "tests"}
        header = marshal.dumps({**header, "results_fd": results_fd}, 4)
        tests = marshal.dumps(config.get("tests", []), 4)
        (job / "config").write_bytes(len(header).to_bytes(4, "big") + header + tests)
        harness_fd = os.open(box.harness, os.O_RDONLY)
        fds.append(harness_fd)
        for name in ("program.py", "config"):
            fds.append(os.open(job / name, os.O_RDONLY))
        program_fd, config_fd = fds[1], fds[2]
        seccomp_read, seccomp_write = os.pipe()
        fds.append(seccomp_read)
        with open(seccomp_write, "wb") as pipe:  # 8 bytes per instruction: fits the pipe
            pipe.write(seccomp_filter())
        # the interpreter runs bytecode for a name ending in .pyc, source otherwise
        harness = f"/job/{box.harness.name}"
        options = bwrap_options(box.limits, program_fd, harness_fd, harness, seccomp_read)
        (job / "args").write_bytes(b"".join(o.encode() + b"\0" for o in options))
        fds.append(os.open(job / "args", os.O_RDONLY))
        command = ["bwrap", "--args", str(fds[-1]), box.python, "-I", "-B", harness]
        return subprocess.Popen(
            [*command, str(config_fd)],
            executable=box.bwrap,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            pass_fds=(*fds, results_fd),
            start_new_session=True,
            # bwrap needs none of the host's environment (--clearenv clears only the harness's)
            env={},
            **_credentials(box.uid),
        )
    except OSError as error:
        who = f" as uid {box.uid} (it must be able to execute it)" if box.uid else ""
        raise SandboxUnavailable(f"cannot start bubblewrap {box.bwrap!r}{who}: {error}") from error
    finally:
        for fd in fds:
            os.close(fd)


def prepare_harness(python: str, root: Path) -> Path:
    """The harness, compiled once per sandbox root by the sandbox's own interpreter: every run
    then loads bytecode rather than compiling ~800 lines (~5 ms a run). Where compiling fails,
    the source is run as it is."""
    source = root / "harness.py"
    source.write_text(harness_source(), encoding="utf-8")
    compiled = root / "harness.pyc"
    code = "import py_compile, sys; py_compile.compile(*sys.argv[1:], doraise=True)"
    try:
        subprocess.run(
            # named by its path inside: the bytecode carries no host path into the sandbox
            [python, "-I", "-c", code, str(source), str(compiled), "/job/harness.py"],
            check=True,
            capture_output=True,
            timeout=60,
            env={},
        )
    except (OSError, subprocess.SubprocessError):
        return source
    return compiled


def _credentials(uid: int | None) -> dict:
    if uid is None:
        return {}
    return {"user": uid, "group": uid, "extra_groups": []}


def _kill_group(proc: subprocess.Popen) -> None:
    """bwrap leads its own process group; killing it kills the sandbox's pid 1 (it dies with
    its parent), which takes the whole pid namespace with it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _watch(
    proc: subprocess.Popen,
    waiter: _ExitWaiter,
    streams: Streams,
    wall_s: float,
    phases: int,
    on_event: Callable[[dict], bool] | None,
) -> tuple[bool, bool]:
    """Follow the events until the process ends; kill it at a phase's wall-clock limit, when a
    stream outgrows its cap, or when ``on_event`` says so. Returns (timed_out, stopped)."""
    phase_started = started = time.monotonic()
    # a bound that holds whatever the events say: every phase at its limit
    deadline = started + wall_s * phases + 1
    while not waiter.exited(POLL_S):
        new = streams.poll()
        if streams.overflow:
            _kill_group(proc)
            return False, False
        if any(e["ev"] == "start" for e in new):
            phase_started = time.monotonic()
        if on_event is not None and any(on_event(e) for e in new):
            _kill_group(proc)
            return False, True
        now = time.monotonic()
        if now - phase_started > wall_s or now > deadline:
            _kill_group(proc)
            return True, False
    return False, False


class _ExitWaiter:
    """Waits for a process with a pidfd, which wakes the moment it exits (Popen.wait with a
    timeout sleeps in growing steps, adding milliseconds to every run)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self._proc, self._fd = proc, None
        self._poll = select.poll()
        with contextlib.suppress(AttributeError, OSError):  # kernel < 5.3: plain wait
            self._fd = os.pidfd_open(proc.pid)
            self._poll.register(self._fd, select.POLLIN)

    def __enter__(self) -> _ExitWaiter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)

    def exited(self, timeout_s: float) -> bool:
        if self._fd is not None and not self._poll.poll(timeout_s * 1000):
            return False
        try:
            self._proc.wait(timeout=None if self._fd is not None else timeout_s)
        except subprocess.TimeoutExpired:
            return False
        return True
