"""What a sandboxed execution is given and gives back: its limits, the raw run, the result."""

from __future__ import annotations

from dataclasses import dataclass, field


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
