"""Hostile programs against the code sandbox: today's, and optionally the sandbox of an earlier
commit in the same process, side by side. Each attack should end in a failure, quickly, with
the host's CPU untouched.

    python benchmarks/sandbox_attacks.py
    python benchmarks/sandbox_attacks.py --baseline aa18d3c     # before issue 16

Prints a table (verdict and host CPU seconds per attack and sandbox) and writes
benchmarks/results/sandbox_attacks.json. The hostile suite (r1_assets_tests/sandbox/
test_hostile.py) pins today's verdicts; this script is for comparing sandboxes.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import textwrap
import time
from pathlib import Path

from verify import sandbox_at

import r1_assets.sandbox

RESULTS = Path(__file__).parent / "results"
LIMITS = {"wall_s": 5.0, "cpu_s": 2, "memory_mb": 256, "nproc": 32, "fsize_mb": 16, "tmpfs_mb": 32}


def stdio(given: str, expected: str) -> dict:
    return {"kind": "stdio", "input": given, "output": expected, "fn_name": None}


def call(args: str, expected: str, fn_name: str = "f") -> dict:
    return {"kind": "call", "input": args, "output": expected, "fn_name": fn_name}


def check(code: str) -> dict:
    return {"kind": "assert", "input": code, "output": None, "fn_name": None}


CHANNEL = """
import gc, os
def f(x):
    for obj in gc.get_objects():
        if type(obj).__name__ == "Channel":
            obj.emit(ev="result", i=0)
            obj.emit(ev="done")
            os._exit(0)
"""
REWRITE = """
import gc
for obj in gc.get_objects():
    if isinstance(obj, dict) and isinstance(obj.get("tests"), list):
        for test in obj["tests"]:
            test["input"] = "pass"
def f(x):
    return 0
"""
ALWAYS_EQUAL = """
class A:
    def __eq__(self, other):
        return True
def f(x):
    return A()
"""
DEEP = "def f():\n    x = []\n    for _ in range(5000):\n        x = [x]\n    return x\n"

TEST_ATTACKS = [  # (name, program, tests): every one must fail
    ("stdio 1000000000 for 1000000006", "print(1000000000)", [stdio("", "1000000006")]),
    ("call 123456789 for 123456900", "def f():\n    return 123456789\n", [call("[]", "123456900")]),
    ("stdio 2e400 for 1e400", "print('2e400')", [stdio("", "1e400")]),
    ("assert, __eq__ always true", ALWAYS_EQUAL, [check("assert f(1) == 7")]),
    ("assert, the harness channel reused", CHANNEL, [check("assert f(1) == 7")]),
    ("assert, the test list rewritten", REWRITE, [check("assert f(1) == 7")]),
    ("call returning 10**400", "def f():\n    return 10**400\n", [call("[]", "1")]),
    ("call, a list 5000 deep", DEEP, [call("[]", "[]")]),
    ("64 KB token against a number", "print('" + "1" * 60000 + "x')", [stdio("", "5")]),
]

ENVIRONMENT = """
import ctypes, os, socket
for folder in ("/", "/dev", "/dev/shm"):
    try:
        with open(os.path.join(folder, "fill"), "wb") as file:
            for _ in range(100):
                file.write(b"0" * (1 << 20))
        print(folder, "100 MiB written")
    except OSError as error:
        print(folder, error.strerror)
libc = ctypes.CDLL(None, use_errno=True)
print("shmget 1 GiB:", libc.shmget(0, ctypes.c_size_t(1 << 30), 0o1600), ctypes.get_errno())
print("hostname:", socket.gethostname())
print("pid 1:", open("/proc/1/cmdline", "rb").read().replace(b"\\0", b" ")[:100].decode())
"""


def attack(package, limits_class) -> dict:
    results: dict = {"tests": [], "environment": ""}
    with package.Sandbox(limits_class(**LIMITS), workers=1) as box:
        box.run("pass")
        for name, program, tests in TEST_ATTACKS:
            cpu = time.process_time()
            try:
                report = box.run_tests(textwrap.dedent(program), tests)
                verdict = "PASSED" if report.passed else report.status
            except Exception as error:  # a judge crash is a result here
                verdict = f"raised {type(error).__name__}"
            results["tests"].append(
                {"attack": name, "verdict": verdict, "host_cpu_s": time.process_time() - cpu}
            )
        results["environment"] = box.run(ENVIRONMENT).stdout
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", metavar="REV", help="also the sandbox at git revision REV")
    args = parser.parse_args()
    runs = {"today": attack(r1_assets.sandbox, r1_assets.sandbox.SandboxLimits)}
    with tempfile.TemporaryDirectory() as folder:
        if args.baseline:
            old = sandbox_at(args.baseline, Path(folder))
            runs[args.baseline] = attack(old, old.SandboxLimits)
    names = list(runs)
    print(f"{'attack':40}" + "".join(f" {name:>26}" for name in names))
    for index, (attack_name, _, _) in enumerate(TEST_ATTACKS):
        cells = []
        for name in names:
            row = runs[name]["tests"][index]
            cells.append(f"{row['verdict']} ({row['host_cpu_s']:.2f} s)")
        print(f"{attack_name:40}" + "".join(f" {cell:>26}" for cell in cells))
    for name in names:
        print(f"\nenvironment, {name}:\n{runs[name]['environment']}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "sandbox_attacks.json"
    out.write_text(json.dumps(runs, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
