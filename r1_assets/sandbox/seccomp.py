"""The seccomp filter every sandboxed process runs under (bubblewrap's ``--seccomp FD``).

What it takes away, and why: memory the address-space limit does not count (SysV shared memory,
POSIX message queues, memfd files), channels between runs of one uid that outlive a run (the
kernel keyring), ways to reach another process's memory or files (ptrace, process_vm_*,
pidfd_getfd, kcmp) — the judge process inside each run must stay out of the program's reach —
and kernel surface no test program needs (perf events, bpf, userfaultfd, io_uring). A denied
call fails with EPERM; a syscall of another ABI than the host's (x32, i386) kills the process.

The filter is classic BPF, written here rather than through libseccomp: the numbers are the
kernel's own tables for the two architectures this runs on (x86_64, and aarch64's generic table).
"""

from __future__ import annotations

import errno
import functools
import platform
import struct

DENIED = (
    # SysV IPC and POSIX message queues: shared memory outside RLIMIT_AS, state between runs
    "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semctl", "semtimedop",
    "msgget", "msgsnd", "msgrcv", "msgctl",
    "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
    # the kernel keyring: a message left by one run for the next run of the same uid
    "add_key", "request_key", "keyctl",
    # another process's memory and files (the judge beside the program)
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    # memory or disk no size limit counts: memfd, extended attributes on the tmpfs, space
    # fallocate reserves (with KEEP_SIZE) on the host files behind stdout and stderr
    "memfd_create", "memfd_secret", "setxattr", "lsetxattr", "fsetxattr", "setxattrat",
    "fallocate",
    # kernel surface
    "perf_event_open", "bpf", "userfaultfd", "io_uring_setup", "io_uring_enter",
    "io_uring_register",
)  # fmt: skip

# (AUDIT_ARCH_*, syscall numbers, lowest number of a foreign ABI sharing the arch value)
_ARCHES: dict[str, tuple[int, dict[str, int], int | None]] = {
    "x86_64": (
        0xC000003E,
        {
            "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67, "semget": 64, "semop": 65,
            "semctl": 66, "semtimedop": 220, "msgget": 68, "msgsnd": 69, "msgrcv": 70,
            "msgctl": 71, "mq_open": 240, "mq_unlink": 241, "mq_timedsend": 242,
            "mq_timedreceive": 243, "mq_notify": 244, "mq_getsetattr": 245, "add_key": 248,
            "request_key": 249, "keyctl": 250, "ptrace": 101, "process_vm_readv": 310,
            "process_vm_writev": 311, "pidfd_getfd": 438, "kcmp": 312, "memfd_create": 319,
            "memfd_secret": 447, "perf_event_open": 298, "bpf": 321, "userfaultfd": 323,
            "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
            "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "setxattrat": 463,
            "fallocate": 285,
        },
        0x40000000,  # x32 syscalls carry this bit
    ),
    "aarch64": (
        0xC00000B7,
        {
            "shmget": 194, "shmat": 196, "shmctl": 195, "shmdt": 197, "semget": 190,
            "semop": 193, "semctl": 191, "semtimedop": 192, "msgget": 186, "msgsnd": 189,
            "msgrcv": 188, "msgctl": 187, "mq_open": 180, "mq_unlink": 181,
            "mq_timedsend": 182, "mq_timedreceive": 183, "mq_notify": 184,
            "mq_getsetattr": 185, "add_key": 217, "request_key": 218, "keyctl": 219,
            "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
            "pidfd_getfd": 438, "kcmp": 272, "memfd_create": 279, "memfd_secret": 447,
            "perf_event_open": 241, "bpf": 280, "userfaultfd": 282, "io_uring_setup": 425,
            "io_uring_enter": 426, "io_uring_register": 427, "setxattr": 5, "lsetxattr": 6,
            "fsetxattr": 7, "setxattrat": 463, "fallocate": 47,
        },
        None,
    ),
}  # fmt: skip

_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000
_KILL_PROCESS = 0x80000000
_NR, _ARCH = 0, 4  # offsets in struct seccomp_data


class UnsupportedArchitecture(RuntimeError):
    """No syscall table for this machine: the sandbox refuses rather than run unfiltered."""


def syscall_numbers(machine: str | None = None) -> dict[str, int]:
    """The numbers of the denied syscalls on ``machine`` (default: this one)."""
    machine = machine or platform.machine()
    if machine not in _ARCHES:
        raise UnsupportedArchitecture(
            f"no seccomp syscall table for {machine!r} (known: {', '.join(_ARCHES)})"
        )
    return dict(_ARCHES[machine][1])


@functools.cache
def seccomp_filter(machine: str | None = None) -> bytes:
    """The compiled filter (an array of ``struct sock_filter``) for ``machine`` (default: this
    one), as bubblewrap reads it from ``--seccomp FD``."""
    numbers = syscall_numbers(machine)
    arch, _, foreign_abi = _ARCHES[machine or platform.machine()]
    denied = sorted({numbers[name] for name in DENIED})
    # layout: check arch, load nr, [foreign ABI], one jeq per denied call, allow, deny, kill
    checks = len(denied) + (foreign_abi is not None)
    allow_at = 3 + checks
    deny_at, kill_at = allow_at + 1, allow_at + 2
    program = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 0, kill_at - 2, arch),
        (_LD_W_ABS, 0, 0, _NR),
    ]
    if foreign_abi is not None:
        program.append((_JGE_K, kill_at - len(program) - 1, 0, foreign_abi))
    for number in denied:
        program.append((_JEQ_K, deny_at - len(program) - 1, 0, number))
    program += [
        (_RET_K, 0, 0, _ALLOW),
        (_RET_K, 0, 0, _ERRNO | errno.EPERM),
        (_RET_K, 0, 0, _KILL_PROCESS),
    ]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)
