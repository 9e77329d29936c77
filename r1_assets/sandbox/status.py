"""What stopped an execution: its status and a one-line reason, from what the host saw."""

from __future__ import annotations

import signal

from r1_assets.sandbox.types import ExecResult, RawRun, SandboxLimits


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
    if kind == "ValueTooLarge":  # a value larger than the harness reads (harness.py)
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
