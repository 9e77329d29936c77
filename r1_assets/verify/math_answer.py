"""Math answers against reference answers with math-verify, each item under a hard time bound.

math-verify bounds its own work with ``signal.alarm``, which only works in a main thread and
cancels any outer SIGALRM (DESIGN §4). So ``parse`` and ``verify`` run in the main thread of
worker processes with math-verify's timeouts off, and the parent bounds each item instead: an
item that runs past ``timeout_s`` gets its worker SIGKILLed, the verdict "timeout", and a fresh
worker takes the dead one's place. A hostile answer (``9^{9^{9^9}}``) costs at most the bound.

The parent only does cheap string work: it picks the last ``\\boxed{}`` answer and rejects
oversized text before anything is shipped to a worker. Workers import sympy (~1-2 s), so they
start on first use and are reused until ``close()``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from tqdm import tqdm

from r1_assets.text.answers import bare_reference, extract_final_answer

# Stored with every verdict. Bump it on any change that can change a verdict: extraction,
# normalization, parse/verify options, and the math-verify pin in pyproject.toml.
MATH_VERIFIER_VERSION = "1"

# Without a \boxed{} answer the whole text is parsed only when it is this short: in a long text
# math-verify would pick some number out of the prose, not the model's answer.
SHORT_ANSWER_CHARS = 200
# Items per message to a worker: one IPC round trip per item costs more than a typical verify.
CHUNK_SIZE = 8
# A worker that has not imported math-verify by then is broken, not slow.
START_TIMEOUT_S = 120.0

_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
# A number in a text or bold wrapper, as AIME solutions box it: \textbf{(073)}
_FORMATTED_NUMBER = re.compile(
    r"\\(?:text|textbf|textrm|mathbf|mathrm|boldsymbol|mbox)\s*\{"
    r"\s*(\()?\s*(-?\d+(?:\.\d+)?)\s*(?(1)\))\s*\}"  # (073) or 073: parentheses only in pairs
)
# math-verify reads i as the imaginary unit only where its pattern \bi\b sees one: in "6 + 9 i"
# but not in "6+9i", where i stays a real symbol, so "6+9i" and "9 i + 6" differed
_DIGIT_I = re.compile(r"(?<=\d)i\b")
_DETAIL_CHARS = 80


@dataclass(frozen=True)
class MathCheck:
    passed: bool
    status: str  # "ok" | "no_answer" | "unparsable" | "too_long" | "timeout" | "error"
    detail: str  # one short human line
    parsed_answer: str | None = None
    parsed_reference: str | None = None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 3] + "..."


# ---------------------------------------------------------------------------------------------
# Worker side: math-verify in the main thread of a worker process


def _as_math(latex: str) -> str:
    """Boxed LaTeX as one line of math mode: math-verify's inline ``$...$`` pattern stops at a
    newline (a pmatrix over several lines) and at an inner ``$`` (``\\text{$18$ apples}``).

    A number in a text or bold wrapper becomes the bare number: math-verify reads
    ``\\textbf{(073)}`` as a symbol named "073", which equals 73 only without the leading zero.
    And "9i" becomes "9 i", so that math-verify sees the imaginary unit in both spellings.
    """
    latex = _FORMATTED_NUMBER.sub(r"\2", _UNESCAPED_DOLLAR.sub("", latex))
    return " ".join(_DIGIT_I.sub(" i", latex).split())


def _parse(latex: str) -> list[Any]:
    """math-verify's parse of bare LaTeX, with its own timeout off (the parent bounds time)."""
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse

    # The LaTeX extraction looks for math environments: bare, 108 of MATH-500's 500 answers
    # parse wrong or not at all ("3\\sqrt{13}" as 3, "p - q" as nothing); inside $...$ all
    # parse. The expression extraction is the fallback for plain text like 3/4 or 1,000.
    return parse(
        f"${_as_math(latex)}$",
        extraction_config=[LatexExtractionConfig(), ExprExtractionConfig()],
        parsing_timeout=None,  # type: ignore[arg-type]
    )


def _parse_text(text: str) -> list[Any]:
    """A short unboxed answer: prose ("The answer is 3/4.", "x = 5") as it is, where
    math-verify finds the answer; bare LaTeX ("\\sqrt{2}") in math mode."""
    from math_verify import parse

    return parse(text, parsing_timeout=None) or _parse(text)  # type: ignore[arg-type]


def _shown(parsed: list[Any]) -> str:
    return _short(str(parsed[0]))


def verify_item(
    reference: str, answer: str, boxed: bool, allow_set_relation_comp: bool
) -> MathCheck:
    """One verdict, unbounded in time: call it only in a worker process (or on trusted input).

    ``reference`` is bare LaTeX (see ``bare_reference``); ``answer`` is the boxed answer's
    content if ``boxed``, else a short answer text."""
    from math_verify import verify

    gold = _parse(reference)
    if not gold:
        return MathCheck(False, "unparsable", f"reference {_short(reference)} does not parse")
    target = _parse(answer) if boxed else _parse_text(answer)
    if not target:
        return MathCheck(
            False, "unparsable", f"answer {_short(answer)} does not parse", None, _shown(gold)
        )
    passed = verify(
        gold,
        target,
        allow_set_relation_comp=allow_set_relation_comp,
        timeout_seconds=None,  # type: ignore[arg-type]
    )
    relation = "equals" if passed else "differs from"
    detail = f"answer {_short(answer)} {relation} reference {_short(reference)}"
    return MathCheck(passed, "ok", detail, _shown(target), _shown(gold))


def _quiet_math_verify() -> None:
    """math-verify warns once per process that its timeouts are off: that is the design here."""
    import math_verify.grader
    import math_verify.parser

    math_verify.grader.TIMEOUT_WARNING_SHOWN = True
    math_verify.parser.TIMEOUT_WARNING_SHOWN = True


def _serve(fd: int, allow_set_relation_comp: bool, backstop_s: float) -> None:
    """A worker's loop. Reads chunks of (index, reference, answer, boxed) and sends (index,
    MathCheck, finished_at) after each item, so the parent knows when the next item started."""
    # Ctrl-C goes to the whole process group: the parent decides when workers stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The backstop if the parent dies mid-item (an orphan would grind on 9^{9^{9^9}} for
    # hours): SIGALRM's default action ends the process in the kernel, even while sympy holds
    # the GIL in one long C call, where no Python-level handler or thread could run
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    _quiet_math_verify()
    conn = Connection(fd)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            chunk = conn.recv()
        except EOFError:  # the parent is gone
            return
        if chunk is None:
            return
        for index, reference, answer, boxed in chunk:
            signal.setitimer(signal.ITIMER_REAL, backstop_s)
            try:
                check = verify_item(reference, answer, boxed, allow_set_relation_comp)
            except Exception as error:  # math-verify catches most; sympy can still raise
                check = MathCheck(False, "error", _short(f"{type(error).__name__}: {error}"))
            signal.setitimer(signal.ITIMER_REAL, 0)
            conn.send((index, check, time.monotonic()))


# A worker is a fresh interpreter that imports only this module, on the parent's sys.path (as
# multiprocessing's spawn does). spawn and forkserver themselves would also re-import the
# parent's __main__ in every worker (all of Dagster's CLI in a run worker: +0.7 s and its memory
# each), and fail in scripts without a __main__ guard.
_WORKER_BOOT = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from r1_assets.verify.math_answer import _serve; "
    "_serve(int(sys.argv[2]), sys.argv[3] == '1', float(sys.argv[4]))"
)


# ---------------------------------------------------------------------------------------------
# Parent side: the pool


_Job = tuple[int, str, str, bool]  # index, bare reference, answer, boxed


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    spawned_at: float
    ready: bool = False
    # jobs sent and not answered yet, in the worker's order; the head is running
    inflight: deque[_Job] = field(default_factory=deque)
    head_started_at: float = 0.0

    def kill(self) -> int | None:
        """SIGKILL (a no-op if it is already dead) and reap it; returns its exit code."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        exitcode = self.process.wait()
        self.conn.close()
        return exitcode


_LIVE: weakref.WeakSet[MathVerifier] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for verifier in list(_LIVE):
        verifier.close()


class MathVerifier:
    """A pool of math-verify worker processes with a hard time bound per item.

    ``check`` and ``check_many`` are serialized by a lock: one pool serves one call at a time.
    """

    version = MATH_VERIFIER_VERSION

    def __init__(
        self,
        workers: int = 2,
        timeout_s: float = 5.0,
        allow_set_relation_comp: bool = True,
        max_chars: int = 20_000,
    ) -> None:
        if workers < 1 or timeout_s <= 0:
            raise ValueError("workers must be >= 1 and timeout_s > 0")
        self.workers = workers
        self.timeout_s = timeout_s
        self.allow_set_relation_comp = allow_set_relation_comp
        self.max_chars = max_chars
        self._pool: list[_Worker] = []
        self._lock = threading.Lock()
        _LIVE.add(self)

    # -- public API

    def check(self, reference: str, answer_text: str) -> MathCheck:
        return self.check_many([(reference, answer_text)], progress=False)[0]

    def check_many(self, pairs: list[tuple[str, str]], progress: bool = True) -> list[MathCheck]:
        """Verdicts in input order. Answers without a boxed answer or over ``max_chars`` are
        settled here without a worker."""
        results: list[MathCheck | None] = [None] * len(pairs)
        jobs: deque[_Job] = deque()
        for index, (reference, answer_text) in enumerate(pairs):
            prepared = self._prepare(reference, answer_text)
            if isinstance(prepared, MathCheck):
                results[index] = prepared
            else:
                jobs.append((index, *prepared))
        with tqdm(total=len(pairs), disable=not progress, desc="math verify", unit="item") as bar:
            bar.update(len(pairs) - len(jobs))
            if jobs:
                with self._lock:
                    self._run(jobs, results, bar)
        assert all(r is not None for r in results)
        return results  # type: ignore[return-value]

    def close(self) -> None:
        """Kill every worker (they hold no state worth a graceful stop). The pool restarts
        lazily if used again."""
        pool, self._pool = self._pool, []
        for worker in pool:
            worker.kill()

    def __enter__(self) -> MathVerifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def worker_pids(self) -> list[int]:
        """Live worker processes (for tests and monitoring)."""
        return [w.process.pid for w in self._pool]

    # -- preparation in the parent

    def _prepare(self, reference: str, answer_text: str) -> MathCheck | tuple[str, str, bool]:
        """(bare reference, answer, boxed) to send to a worker, or a verdict without one."""
        answer = extract_final_answer(answer_text)
        boxed = answer is not None
        if answer is None:
            answer = answer_text.strip()
            if len(answer) > SHORT_ANSWER_CHARS:
                return MathCheck(False, "no_answer", "no \\boxed{} answer")
        if not answer:
            return MathCheck(False, "no_answer", "empty answer")
        if len(answer) > self.max_chars:
            detail = f"answer is {len(answer):,} chars, over the {self.max_chars:,} limit"
            return MathCheck(False, "too_long", detail)
        reference = bare_reference(reference)
        if not reference or len(reference) > self.max_chars:
            detail = f"reference is {len(reference):,} chars (empty or over the limit)"
            return MathCheck(False, "unparsable", detail)
        return reference, answer, boxed

    # -- the pool loop

    def _spawn(self) -> _Worker:
        parent_end, child_end = socket.socketpair()
        # the worker's own backstop only matters if this process is gone: we kill at timeout_s
        backstop_s = 2 * self.timeout_s + 1
        flag = "1" if self.allow_set_relation_comp else "0"
        args = [json.dumps(sys.path), str(child_end.fileno()), flag, str(backstop_s)]
        process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_BOOT, *args],
            pass_fds=(child_end.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        child_end.close()  # only the child holds its end: its death shows up as EOF here
        return _Worker(process, Connection(parent_end.detach()), time.monotonic())

    def _run(self, jobs: deque[_Job], results: list[MathCheck | None], bar: tqdm) -> None:
        try:
            while len(self._pool) < self.workers:
                self._pool.append(self._spawn())
            while jobs or any(w.inflight for w in self._pool):
                self._feed(jobs)
                ready = wait([w.conn for w in self._pool], timeout=self._next_deadline())
                for worker in list(self._pool):
                    if worker.conn in ready:
                        self._receive(worker, jobs, results, bar)
                self._enforce_deadlines(jobs, results, bar)
        except BaseException:
            # interrupted mid-batch: workers hold items of a call that is gone; start afresh
            self.close()
            raise

    def _feed(self, jobs: deque[_Job]) -> None:
        """Top up each ready worker so it never idles, but share a short tail evenly."""
        ready = [w for w in self._pool if w.ready]
        for worker in ready:
            if not jobs or len(worker.inflight) > CHUNK_SIZE // 2:
                continue
            share = -(-len(jobs) // len(ready))  # ceil: 3 items on 2 workers -> 2 + 1
            chunk = [jobs.popleft() for _ in range(min(CHUNK_SIZE, share, len(jobs)))]
            try:
                worker.conn.send(chunk)
            except OSError:  # it died while idle (OOM killer, someone's kill): no item lost
                jobs.extendleft(reversed(chunk))
                worker.kill()
                self._replace(worker, jobs)
                continue
            if not worker.inflight:
                worker.head_started_at = time.monotonic()
            worker.inflight.extend(chunk)

    def _next_deadline(self) -> float:
        """Seconds until the earliest item (or worker start) runs out of time."""
        now = time.monotonic()
        deadlines = [
            w.head_started_at + self.timeout_s if w.ready else w.spawned_at + START_TIMEOUT_S
            for w in self._pool
            if w.inflight or not w.ready
        ]
        return max(0.0, min(deadlines) - now) if deadlines else 1.0

    def _receive(
        self, worker: _Worker, jobs: deque[_Job], results: list[MathCheck | None], bar: tqdm
    ) -> None:
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "ready":
                    worker.ready = True
                    continue
                index, check, finished_at = message
                assert worker.inflight and worker.inflight[0][0] == index
                worker.inflight.popleft()
                worker.head_started_at = finished_at  # the next item started right then
                results[index] = check
                bar.update(1)
        except (EOFError, OSError):
            self._worker_died(worker, jobs, results, bar)

    def _worker_died(
        self, worker: _Worker, jobs: deque[_Job], results: list[MathCheck | None], bar: tqdm
    ) -> None:
        """A crash (segfault, OOM kill) on the head item: that item is an error, the rest go
        back to the queue. A worker that dies before it is ready is a broken environment."""
        exitcode = worker.kill()
        if not worker.ready:
            self._pool.remove(worker)
            raise RuntimeError(f"math-verify worker died while starting (exit code {exitcode})")
        if worker.inflight:
            index = worker.inflight.popleft()[0]
            if exitcode == -signal.SIGALRM:  # its backstop fired before we got to kill it
                detail = f"verification exceeded the {self.timeout_s:g} s bound (worker stopped)"
                results[index] = MathCheck(False, "timeout", detail)
            else:
                detail = f"verification worker died (exit code {exitcode})"
                results[index] = MathCheck(False, "error", detail)
            bar.update(1)
        self._replace(worker, jobs)

    def _enforce_deadlines(
        self, jobs: deque[_Job], results: list[MathCheck | None], bar: tqdm
    ) -> None:
        now = time.monotonic()
        for worker in list(self._pool):
            if not worker.ready and now - worker.spawned_at > START_TIMEOUT_S:
                raise RuntimeError(f"math-verify worker not ready after {START_TIMEOUT_S:.0f} s")
            if worker.inflight and now - worker.head_started_at >= self.timeout_s:
                worker.kill()
                index = worker.inflight.popleft()[0]
                detail = f"verification exceeded the {self.timeout_s:g} s bound (worker killed)"
                results[index] = MathCheck(False, "timeout", detail)
                bar.update(1)
                self._replace(worker, jobs)

    def _replace(self, worker: _Worker, jobs: deque[_Job]) -> None:
        """Items the dead worker had not started go back to the front of the queue, in order;
        a new worker starts in the background while the others carry on."""
        jobs.extendleft(reversed(worker.inflight))
        worker.inflight.clear()
        self._pool[self._pool.index(worker)] = self._spawn()
