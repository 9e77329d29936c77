"""A bubblewrap sandbox that runs untrusted model-written programs against test cases.

    with Sandbox(SandboxLimits(wall_s=10), workers=2) as sandbox:
        result = sandbox.run("print(input()[::-1])", stdin="abc")     # ExecResult
        report = sandbox.run_tests(program, row["test_cases"])         # TestReport
        reports = sandbox.run_many([(program, tests), ...])            # in input order

Each run: no network but its own loopback, no host files but a read-only /usr and the program
copied in, an empty environment, size-limited /tmp and /dev/shm, a seccomp filter, a dedicated
unprivileged uid per worker slot (as root), rlimits on CPU, memory, processes, file size and
open files, a wall-clock watchdog, and every process of the run killed when it ends. Call and
assert tests are judged by the harness in a process of its own, never in the program's
(``harness.py``). Without a working bubblewrap the
sandbox raises :class:`SandboxUnavailable`; it never runs a program unisolated.
"""

from r1_assets.sandbox.compare import TestReport
from r1_assets.sandbox.extract import extract_program
from r1_assets.sandbox.types import ExecResult, SandboxLimits, SandboxUnavailable
from r1_assets.sandbox.workers import Sandbox

__all__ = [
    "ExecResult",
    "Sandbox",
    "SandboxLimits",
    "SandboxUnavailable",
    "TestReport",
    "extract_program",
]
