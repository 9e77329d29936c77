"""The sandbox against programs that try to fake a pass, crash the judge, or stall or exhaust
the host — through real bubblewrap, as root (a uid per slot) where the machine allows.

Every test states the verdict it expects, and where it applies what the host may spend on it.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

from r1_assets.sandbox import Sandbox, SandboxLimits
from r1_assets.sandbox.compare import call_difference, stdio_matches, tokens_match
from r1_assets.sandbox.events import parse_event
from r1_assets.sandbox.seccomp import syscall_numbers

LIMITS = SandboxLimits(
    wall_s=5.0, cpu_s=2, memory_mb=256, nproc=32, fsize_mb=16, tmpfs_mb=32, output_kb=64
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(LIMITS, workers=2) as box:
        yield box


def stdio(given: str, expected: str) -> dict:
    return {"kind": "stdio", "input": given, "output": expected, "fn_name": None}


def call(args: str, expected: str, fn_name: str = "f") -> dict:
    return {"kind": "call", "input": args, "output": expected, "fn_name": fn_name}


def check(code: str) -> dict:
    return {"kind": "assert", "input": code, "output": None, "fn_name": None}


def judged(program: str, sandbox: Sandbox, tests: list[dict]):
    return sandbox.run_tests(textwrap.dedent(program), tests)


# ---- exact comparison -----------------------------------------------------------------------

NEAR_MISSES = [  # (expected, printed): integers a float comparison called equal
    ("1000000006", "1000000000"),
    ("123456900", "123456789"),
    ("12345679", "12345678"),
    ("9007199254740993", "9007199254740992"),  # 2**53 + 1 vs 2**53: equal as floats
]


@pytest.mark.parametrize(("expected", "printed"), NEAR_MISSES)
def test_stdio_integers_compare_exactly(sandbox: Sandbox, expected: str, printed: str) -> None:
    report = sandbox.run_tests(f"print({printed})", [stdio("", expected)])
    assert (report.passed, report.status) == (False, "wrong_answer")
    assert sandbox.run_tests(f"print({expected})", [stdio("", expected)]).passed


@pytest.mark.parametrize(("expected", "printed"), NEAR_MISSES)
def test_call_integers_compare_exactly(sandbox: Sandbox, expected: str, printed: str) -> None:
    report = sandbox.run_tests(f"def f():\n    return {printed}\n", [call("[]", expected)])
    assert (report.passed, report.status) == (False, "wrong_answer")
    assert f"expected {expected}, got {printed}" in report.detail


def decimal(number: int) -> str:
    """Decimal digits of an int beyond Python's 4300-digit conversion limit."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return str(number)
    finally:
        sys.set_int_max_str_digits(limit)


def test_numbers_beyond_float_range(sandbox: Sandbox) -> None:
    # two different numbers that both parse to inf as floats
    assert not sandbox.run_tests("print('2e400')", [stdio("", "1e400")]).passed
    assert not sandbox.run_tests("print(10**400 + 1)", [stdio("", str(10**400))]).passed
    assert sandbox.run_tests("print(2**2000)", [stdio("", str(2**2000))]).passed
    program = "def f(n):\n    return 2**n\n"
    # a call result beyond float range, right and wrong: judged, never an OverflowError
    assert sandbox.run_tests(program, [call("[2000]", str(2**2000))]).passed
    wrong = sandbox.run_tests(program, [call("[1330]", str(10**400))])
    assert (wrong.passed, wrong.status) == (False, "wrong_answer")
    # beyond Python's 4300-digit conversion limit, both ways
    assert sandbox.run_tests(program, [call("[20000]", decimal(2**20000))]).passed
    assert not sandbox.run_tests(program, [call("[20000]", decimal(2**20000 + 1))]).passed


def test_tolerance_applies_only_where_a_float_is_involved() -> None:
    assert tokens_match("0.3333333", "0.33333333333")
    assert tokens_match("2.0", "2.0000001") and tokens_match("2.0", "2")
    assert not tokens_match("2", "3")
    assert tokens_match("-0", "0") and tokens_match("+5", "5") and tokens_match("007", "7")
    assert tokens_match("1e9", "1000000001")  # a float expected: within 1e-6 relative
    assert not tokens_match("1e9", "1000010000")
    # an integer expected: exactly its value, whatever the spelling
    assert tokens_match("2", "2.0") and tokens_match("1000000", "1e6")
    for expected, printed in [
        ("2", "2.0000001"),
        ("1000001", "1000000.0"),
        ("123456789", "123456700.0"),
        ("1000000000000000123", "1e18"),
        ("0", "1e-7"),
    ]:
        assert not tokens_match(expected, printed), (expected, printed)
    assert not tokens_match("nan", "nan0") and not tokens_match("inf", "1e400")
    assert not tokens_match("1e400", "1e4000")  # both beyond float range: never close


def test_a_64_kb_token_is_judged_in_linear_time(sandbox: Sandbox) -> None:
    token = "1" * 60000 + "x"  # 64 KB with the newline: within output_kb
    started = time.process_time()
    assert not stdio_matches("5", token)
    assert not stdio_matches("5.0", "1" * 65536 + ".")
    assert time.process_time() - started < 0.5  # was ~98 s: quadratic backtracking
    started = time.process_time()
    report = sandbox.run_tests(f"print('{token}')", [stdio("", "5")])
    assert (report.passed, report.status) == (False, "wrong_answer")
    assert time.process_time() - started < 1.0


def test_comparison_never_raises() -> None:
    hostile = [
        "[" * 5000 + "]" * 5000,
        '["s", ["l", 1]]',  # a set of an unhashable list
        '["x", "not hex"]',
        '["h", 1, "Foo"]',
        '{"a": 1}',
        "1" * 5000,
        '["q", 1, 0]',
        "not json",
        '["F", "inf"]',
    ]
    for wire in hostile:
        difference = call_difference(wire, 1)
        assert isinstance(difference, str) and difference.startswith("expected 1"), wire
    assert call_difference('["F", "inf"]', float("inf")) is not None  # never close
    assert call_difference('["t", 1, 2]', [1, 2]) is None  # tuples compare as lists


# ---- the verdict is made outside the program ------------------------------------------------

ALWAYS_EQUAL = """
    class Anything:
        def __eq__(self, other):
            return True
        def __ne__(self, other):
            return False
        __hash__ = object.__hash__
    class Int(int):
        def __eq__(self, other):
            return True
    def f(x):
        return Anything() if x == 1 else Int(0)
"""


def test_an_object_equal_to_everything_fails(sandbox: Sandbox) -> None:
    assert_tests = [check("assert f(1) == 7"), check("assert f(2) == 7")]
    for test in assert_tests:
        report = judged(ALWAYS_EQUAL, sandbox, [test])
        assert (report.passed, report.status) == (False, "wrong_answer"), report
    report = judged(ALWAYS_EQUAL, sandbox, [call("[1]", "7")])
    assert (report.passed, report.status) == (False, "wrong_answer")
    assert "got an unreadable value" in report.detail or "Anything" in report.detail
    report = judged(ALWAYS_EQUAL, sandbox, [call("[2]", "7")])
    assert report.detail == "test 0 (call) failed: expected 7, got 0"  # the int's value


IN_PROCESS_CHEATS = {
    # the harness's own reporting channel, found in memory and used for a forged pass
    "channel": """
        import gc, os
        def f(x):
            for obj in gc.get_objects():
                if type(obj).__name__ == "Channel":
                    obj.emit(ev="result", i=0)
                    obj.emit(ev="done")
                    os._exit(0)
            return 0
    """,
    # the test list, rewritten before the tests run
    "rewrite": """
        import gc
        for obj in gc.get_objects():
            if isinstance(obj, dict) and isinstance(obj.get("tests"), list):
                for test in obj["tests"]:
                    test["input"] = "pass"
        def f(x):
            return 0
    """,
    # the function that runs a test, replaced
    "patch": """
        import sys
        for module in list(sys.modules.values()):
            if hasattr(module, "run_test"):
                module.run_test = lambda *args: {}
            if hasattr(module, "exec_test"):
                module.exec_test = lambda *args: {}
        def f(x):
            return 0
    """,
}


@pytest.mark.parametrize("cheat", sorted(IN_PROCESS_CHEATS))
def test_in_process_cheats_of_a_shared_interpreter_fail(sandbox: Sandbox, cheat: str) -> None:
    for test in (check("assert f(1) == 7"), call("[1]", "7")):
        report = judged(IN_PROCESS_CHEATS[cheat], sandbox, [test])
        assert not report.passed and report.status in ("wrong_answer", "exit"), (cheat, report)


def test_the_program_cannot_find_or_rewrite_its_tests(sandbox: Sandbox) -> None:
    """The expected value is in the assert test's code: a program that finds it anywhere in
    its process (or its files) returns it and passes."""
    program = """
        import gc, os, sys
        def find():
            marker = "".join(("r1", "-", "secret"))  # a local: not in any object searched
            for path in ("/job/config.marshal", "/job/config", "/job/tests"):
                if os.path.exists(path):
                    return open(path).read()
            for obj in gc.get_objects():
                try:
                    text = repr(obj)
                except Exception:
                    continue
                if marker in text:
                    start = text.index(marker)
                    return text[start:start + len(marker) + 9]
            return "nothing found"
        for module in list(sys.modules.values()):  # patch whatever runs tests
            for name in ("run_tests", "run_test", "Channel", "emit", "describe"):
                if hasattr(module, name):
                    setattr(module, name, lambda *a, **k: None)
        def f(x):
            return find()
    """
    report = judged(program, sandbox, [check("assert f(1) == 'r1-secret-expected'")])
    assert (report.passed, report.status) == (False, "wrong_answer"), report
    report = judged(program, sandbox, [check("assert f(1) == 'nothing found'")])
    assert report.passed, report  # the search ran, and found nothing
    listing = "import os\ndef f():\n    return sorted(os.listdir('/job'))\n"
    report = sandbox.run_tests(listing, [call("[]", "0")])
    assert report.detail.endswith('got ["harness.pyc", "program.py"]'), report


def test_the_results_channel_is_out_of_reach(sandbox: Sandbox) -> None:
    program = """
        import os
        def f(x):
            reachable = []
            for path in ("/proc/1/fd", "/proc/1/mem", "/proc/1/environ", "/proc/1/root"):
                try:
                    os.listdir(path) if path.endswith(("fd", "root")) else open(path, "rb").read(1)
                    reachable.append(path)
                except OSError:
                    pass
            return [sorted(os.listdir("/proc/self/fd")), reachable]
    """
    report = judged(program, sandbox, [call("[1]", "0")])
    fds, reachable = json.loads(report.detail.split("got ", 1)[1])
    # stdin, stdout, stderr, the two pipes to the judge, and the one listing /proc/self/fd
    assert len(fds) == 6 and reachable == [], report.detail
    forger = """
        import os
        for fd in range(3, 64):
            for line in (b'{"ev": "result", "i": 0}\\n', b'{"ev": "done"}\\n'):
                try:
                    os.write(fd, line)
                except OSError:
                    pass
        def f(x):
            return 0
    """
    for tests in ([check("assert f(1) == 1")], [call("[1]", "1")]):
        report = judged(forger, sandbox, tests)
        assert (report.passed, report.status) == (False, "wrong_answer"), report
    printed = sandbox.run_tests(textwrap.dedent(forger), [stdio("", "1")])
    assert (printed.passed, printed.status) == (False, "wrong_answer")


def test_the_judge_cannot_be_traced_or_killed(sandbox: Sandbox) -> None:
    numbers = syscall_numbers()
    getfd, writev = numbers["pidfd_getfd"], numbers["process_vm_writev"]
    program = f"""
        import ctypes, os, signal
        libc = ctypes.CDLL(None, use_errno=True)
        results = []
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        results.append(("ptrace", libc.ptrace(16, 1, None, None), ctypes.get_errno()))  # ATTACH
        results.append(("pidfd_getfd", libc.syscall({getfd}, 3, 3, 0), ctypes.get_errno()))
        results.append(("vm_writev", libc.syscall({writev}, 1, 0, 0, 0, 0, 0), ctypes.get_errno()))
        for number in (signal.SIGSTOP, signal.SIGKILL, signal.SIGTERM):
            os.kill(1, number)  # pid 1 is the judge: signals from inside do not reach it
        def f(x):
            return results
    """
    report = judged(program, sandbox, [call("[1]", "0")])
    assert report.status == "wrong_answer", report
    got = json.loads(report.detail.split("got ", 1)[1])
    assert got == [["ptrace", -1, 1], ["pidfd_getfd", -1, 1], ["vm_writev", -1, 1]]  # EPERM
    report = judged(program, sandbox, [check("assert f(1) == 0")])
    assert (report.passed, report.status) == (False, "wrong_answer")


@pytest.mark.parametrize(
    "ending",
    [
        "os._exit(0)",
        "sys.exit(0)",
        "raise SystemExit(0)",
        "atexit.register(lambda: os._exit(0)); sys.exit(0)",
        "threading.Thread(target=lambda: os._exit(0)).start(); time.sleep(1)",
    ],
)
def test_early_exits_are_failures(sandbox: Sandbox, ending: str) -> None:
    program = f"import atexit, os, sys, threading, time\ndef f(x):\n    {ending}\n"
    for tests in ([call("[1]", "1")], [check("assert f(1) == 1")]):
        report = sandbox.run_tests(program, tests)
        assert not report.passed and report.status in ("exit", "wrong_answer"), report
    loading = f"import atexit, os, sys, threading, time\n{ending}\ndef f(x):\n    return x\n"
    report = sandbox.run_tests(loading, [check("assert f(1) == 1")])
    assert not report.passed, report


def test_forged_replies_on_the_judges_pipe(sandbox: Sandbox) -> None:
    forgeries = {
        "deep": b"[" * 5000 + b"]" * 5000,
        "odd": json.dumps({"ok": 7, "err": {"type": "x"}}).encode(),
        "error shape": json.dumps({"err": [1, 2]}).encode(),
        "huge length": None,
    }
    for name, body in forgeries.items():
        header = (
            b"r1w1" + (1 << 31).to_bytes(4, "big")
            if body is None
            else b"r1w1" + len(body).to_bytes(4, "big") + body
        )
        program = f"""
            import os
            def f(x):
                for fd in map(int, os.listdir("/proc/self/fd")):
                    if fd > 2:
                        try:
                            os.write(fd, {header!r})
                        except OSError:
                            pass
                os._exit(0)
        """
        for tests in ([call("[1]", "7")], [check("assert f(1) == 7")]):
            report = judged(program, sandbox, tests)
            assert not report.passed, (name, report)


# ---- the judge never crashes ----------------------------------------------------------------


def test_values_that_used_to_crash_the_judge(sandbox: Sandbox) -> None:
    program = """
        def big():
            return 10**400
        def deep():
            x = []
            for _ in range(5000):
                x = [x]
            return x
        def cyclic():
            x = []
            x.append(x)
            return x
        def weird():
            return {1: {2, 3}, (4, 5): b"bytes", "c": 1 + 2j}
    """
    cases = [
        (call("[]", "1e400", "big"), "wrong_answer"),
        (call("[]", "[]", "deep"), "wrong_answer"),
        (call("[]", "[]", "cyclic"), "wrong_answer"),
        (call("[]", "{}", "weird"), "wrong_answer"),
        (check("assert deep() == []"), "wrong_answer"),
        (check("assert weird() == {1: {2, 3}, (4, 5): b'bytes', 'c': 1 + 2j}"), "ok"),
        (check("assert big() == 10**400"), "ok"),
    ]
    for test, status in cases:
        report = judged(program, sandbox, [test])
        assert report.status == status, (test, report)
    report = judged(program, sandbox, [call("[]", "[]", "deep")])
    assert "nested deeper than 100 levels" in report.detail


def test_malformed_events_are_ignored() -> None:
    for line in [
        b'{"ev": "result", "i": [1], "value": "1"}',  # unhashable index
        b'{"ev": "result", "i": 0, "value": {"a": 1}}',
        b'{"ev": "hack"}',
        b"[1, 2]",
        b"\xff\xfe",
        b"[" * 5000,
    ]:
        assert parse_event(line) is None, line
    assert parse_event(b'{"ev": "result", "i": 0, "value": "[1]"}') == {
        "ev": "result",
        "i": 0,
        "value": "[1]",
    }


def test_run_many_keeps_every_report_beside_a_hostile_job(sandbox: Sandbox) -> None:
    good = "def f(x):\n    return x + 1\n"
    jobs: list[tuple[str, object]] = [(good, [call(f"[{n}]", str(n + 1))]) for n in range(120)]
    jobs[7] = (good, [{"kind": "magic", "input": "", "output": ""}])
    jobs[50] = (good, [None])
    jobs[90] = (good, "not a list of tests")
    jobs[100] = (ALWAYS_EQUAL, [call("[1]", "1")])
    reports = sandbox.run_many(jobs, progress=False)  # type: ignore[arg-type]
    assert len(reports) == 120
    for index in (7, 50, 90):
        assert (reports[index].passed, reports[index].status) == (False, "judge_error")
        assert reports[index].detail.startswith("judge error: ")
    assert not reports[100].passed
    assert all(r.passed for i, r in enumerate(reports) if i not in (7, 50, 90, 100))


# ---- bounded host resources -----------------------------------------------------------------

STDOUT_FLOOD = """
import sys
chunk = "x" * (1 << 20)
for _ in range(64):
    sys.stdout.write(chunk)
"""
PIPE_FLOOD = """
import os
def f():
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd > 2:
            try:
                os.write(fd, b"r1w1" + (32 << 20).to_bytes(4, "big") + b"x" * (32 << 20))
            except OSError:
                pass
"""
# a test's own code runs in the judge, which holds the results descriptor: the host caps it
EVENTS_FLOOD = """
import os
line = b'{"ev": "start", "i": 0}\\n' * (1 << 16)
for _ in range(64):
    for fd in range(3, 32):
        try:
            os.write(fd, line)
        except OSError:
            pass
"""
FLOOD = {
    "stdout": (STDOUT_FLOOD, [stdio("", "1")]),
    "value": ("def f():\n    return 'x' * (64 << 20)\n", [call("[]", "1")]),
    "pipe": (PIPE_FLOOD, [call("[]", "1")]),
    "events": ("def f():\n    return 1\n", [check(EVENTS_FLOOD)]),
}


def test_floods_are_cut_without_the_host_growing(tmp_path) -> None:
    """Each flood is 64 MiB; the orchestrator (a fresh process) may grow by < 50 MiB."""
    script = tmp_path / "flood.py"
    script.write_text(
        textwrap.dedent(
            """
            import json, resource, sys
            from r1_assets.sandbox import Sandbox, SandboxLimits
            program, tests = json.loads(sys.stdin.read())
            limits = SandboxLimits(wall_s=20, cpu_s=10, memory_mb=512, fsize_mb=256)
            with Sandbox(limits, workers=1) as box:
                box.run("pass")
                before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                report = box.run_tests(program, tests)
                after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(json.dumps({"growth_kb": after - before, "passed": report.passed,
                              "status": report.status, "detail": report.detail}))
            """
        )
    )
    for name, (program, tests) in FLOOD.items():
        done = subprocess.run(
            [sys.executable, str(script)],
            input=json.dumps([program, tests]),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert not result["passed"] and result["status"] == "output_limit", (name, result)
        assert result["growth_kb"] < 50 << 10, (name, result)


def test_no_writable_file_system_holds_more_than_its_size() -> None:
    limits = dataclasses.replace(LIMITS, fsize_mb=1024, wall_s=20, cpu_s=10)
    program = """
        import os
        chunk = b"0" * (1 << 20)
        for folder in ("/", "/dev", "/dev/shm", "/tmp", "/job", "/usr", "/proc"):
            written = 0
            try:
                with open(os.path.join(folder, "fill"), "wb") as file:
                    for _ in range(600):
                        file.write(chunk)
                        written += 1
                        file.flush()
            except OSError as error:
                print(folder, written, error.errno)
            else:
                print(folder, written, 0)
    """
    with Sandbox(limits, workers=1) as box:
        result = box.run(textwrap.dedent(program))
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()}
    assert set(rows) == {"/", "/dev", "/dev/shm", "/tmp", "/job", "/usr", "/proc"}, result
    for folder in ("/", "/dev", "/job", "/usr"):
        assert rows[folder] == ["0", "30"], (folder, rows)  # EROFS
    for folder in ("/dev/shm", "/tmp"):  # ENOSPC at the tmpfs size (32 MB)
        written, errno = map(int, rows[folder])
        assert errno == 28 and written <= LIMITS.tmpfs_mb, (folder, rows)
    assert rows["/proc"][0] == "0" and rows["/proc"][1] != "0"


def test_sysv_ipc_memfd_and_the_keyring_are_unavailable(sandbox: Sandbox) -> None:
    numbers = syscall_numbers()
    program = f"""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def attempt(name, *args):
            result = getattr(libc, name)(*args)
            print(name, result, ctypes.get_errno())
        attempt("shmget", 0, ctypes.c_size_t(1 << 30), 0o1600)  # IPC_PRIVATE, IPC_CREAT|0600
        attempt("semget", 0, 1, 0o1600)
        attempt("msgget", 0, 0o1600)
        attempt("syscall", {numbers["add_key"]}, b"user", b"r1-message", b"hello", 5, -4)
        attempt("syscall", {numbers["keyctl"]}, 0, -4, 0)  # KEYCTL_GET_KEYRING_ID
        try:
            os.memfd_create("x")
            print("memfd_create ok")
        except OSError as error:
            print("memfd_create -1", error.errno)
        import multiprocessing  # POSIX semaphores in /dev/shm still work
        print("lock", multiprocessing.Lock().acquire())
    """
    result = sandbox.run(textwrap.dedent(program))
    assert result.status == "ok", result
    lines = result.stdout.split("\n")
    for line in lines[:6]:
        assert line.split()[1:] == ["-1", "1"], lines  # EPERM
    assert lines[6] == "lock True"


def test_nothing_of_the_host_shows_inside(sandbox: Sandbox) -> None:
    program = """
        import os, socket, sys
        print(socket.gethostname(), os.uname().nodename)
        for path in ("/proc/self/mountinfo", "/proc/1/cmdline", "/proc/self/cmdline",
                     "/proc/self/environ", "/proc/1/environ", "/proc/1/exe", "/proc/1/cwd"):
            try:
                link = path.endswith(("exe", "cwd"))
                print(path, os.readlink(path) if link else open(path, "rb").read())
            except OSError as error:
                print(path, type(error).__name__)
        print(sorted(os.listdir("/")), sorted(os.listdir("/job")))
        harness = sys.modules["__main__"]  # the harness, of which this process is a fork
        print(harness.__file__, {f.__code__.co_filename for f in vars(harness).values()
                                 if hasattr(f, "__code__")})
    """
    result = sandbox.run(textwrap.dedent(program))
    assert result.status == "ok", result
    assert result.stdout.splitlines()[0] == "sandbox sandbox"
    for secret in (str(sandbox._root), "r1-sandbox", "bwrap", "/work", ".venv", "/root"):
        assert secret not in result.stdout, (secret, result.stdout)
    assert "/proc/1/exe PermissionError" in result.stdout  # the judge is not dumpable


# ---- found by attacking the new judge ------------------------------------------------------


def test_an_integer_answer_written_as_a_float_is_judged_by_its_value(sandbox: Sandbox) -> None:
    for printed, expected in [("1000000.0", "1000001"), ("1e18", "1000000000000000123")]:
        report = sandbox.run_tests(f"print('{printed}')", [stdio("", expected)])
        assert (report.passed, report.status) == (False, "wrong_answer"), printed
    report = sandbox.run_tests("def f():\n    return 123456700.0\n", [call("[]", "123456789")])
    assert (report.passed, report.status) == (False, "wrong_answer")
    assert sandbox.run_tests("def f():\n    return 4.0\n", [call("[]", "4")]).passed


SHADOWING = """
    import math as _math
    class _Lenient:
        def isclose(self, *args, **kwargs):
            return True
    math = _Lenient()
    def abs(x):
        return 0
    def set(x=()):
        return 0
    def sorted(x):
        return []
    def f(x):
        return [9]
"""


@pytest.mark.parametrize(
    "test",
    [
        "def check(candidate):\n    assert abs(candidate(1.0)[0] - 0.5) < 1e-6\n\ncheck(f)\n",
        "assert set(f(1)) == set((4, 5))",
        "assert sorted(f(1)) == sorted([1, 2, 3])",
        "assert math.isclose(f(1)[0], 2.0)",
    ],
)
def test_a_program_cannot_redefine_what_its_tests_use(sandbox: Sandbox, test: str) -> None:
    report = judged(SHADOWING, sandbox, [check(test)])
    # wrong, or a NameError where the program's fake was all the test would have had
    assert not report.passed and report.status in ("wrong_answer", "exit"), report


def test_a_stop_iteration_from_the_program_does_not_end_the_tests_loop(sandbox: Sandbox) -> None:
    program = "def f(x):\n    raise StopIteration\n"
    test = "assert all(map(lambda p: f(p[0]) == p[1], [(1, 2), (3, 4)]))"
    assert not judged(program, sandbox, [check(test)]).passed


def test_odd_errno_text_and_sigint_do_not_break_the_verdict(sandbox: Sandbox) -> None:
    report = sandbox.run_tests(
        "import sys\nsys.stderr.write('[Errno ²]\\n')\nsys.exit(1)\n", [stdio("", "1")]
    )
    assert (report.passed, report.status) == (False, "exit")
    result = sandbox.run("import os, signal\nos.kill(1, signal.SIGINT)\nprint('still here')\n")
    assert (result.status, result.stdout.strip()) == ("ok", "still here")


def test_no_space_beyond_the_limits_through_fallocate_or_xattrs(sandbox: Sandbox) -> None:
    program = """
        import os
        for fd in (1, 2):
            try:
                os.posix_fallocate(fd, 0, 2 << 30)
                print("fallocate", fd, "ok")
            except OSError as error:
                print("fallocate", fd, error.errno)
        open("/tmp/x", "w").close()
        try:
            os.setxattr("/tmp/x", "user.a", b"0" * 65000)
            print("setxattr ok")
        except OSError as error:
            print("setxattr", error.errno)
        print(sorted(os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)))
    """
    result = run_program(sandbox, program)
    lines = result.stdout.splitlines()
    assert lines[:3] == ["fallocate 1 1", "fallocate 2 1", "setxattr 1"], lines  # EPERM
    # the program's own streams name no host path
    streams = ["/memfd:stderr (deleted)", "/memfd:stdin (deleted)", "/memfd:stdout (deleted)"]
    assert lines[3] == str(streams)


def run_program(sandbox: Sandbox, program: str):
    return sandbox.run(textwrap.dedent(program))


def test_a_forged_dict_of_colliding_keys_costs_the_host_nothing(sandbox: Sandbox) -> None:
    """16,000 integer keys of one hash: building that dict is quadratic. The host never builds
    a dict whose keys are not strings (no JSON value has one)."""
    wire = '["d",' + ",".join(f"{k * ((1 << 61) - 1)},0" for k in range(16000)) + "]"
    started = time.process_time()
    difference = call_difference(wire, {"a": 0})
    assert difference is not None and "no JSON value" in difference
    assert time.process_time() - started < 0.5
