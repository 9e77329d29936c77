"""One unprivileged uid per worker slot: leasing it, finding its processes, killing them.

As root every worker slot runs as its own unprivileged uid, so RLIMIT_NPROC (which the kernel
does not apply to root) counts that slot's processes only, and after each run every leftover
process of that uid is killed. Not as root the sandbox keeps the caller's uid: NPROC then counts
all of that user's processes and the leftover sweep is skipped (the pid namespace still takes
every process of the run with it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pwd
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from r1_assets.sandbox.types import SandboxUnavailable

UID_LOCK_DIR = Path("/tmp/r1-sandbox-uids")
UID_RANGE = 1024  # uids tried from base_uid on when a slot's own uid is taken


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
