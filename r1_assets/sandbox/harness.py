"""The script that runs first inside every sandbox: it sets the rlimits, then runs the program.

Copied into the job directory and run by the sandbox's own interpreter (Debian's python3, not
the project's venv), so it imports the standard library only and never the project. It imports
as little as it can at start (json, re, traceback cost ~10 ms per run): the config is marshal,
events are JSON objects written with the C string quoter ``_json`` alone, the rest is imported
when needed.

``mode: program`` runs ``program.py`` as ``__main__`` (stdio tests and ``Sandbox.run``).
``mode: tests`` loads the program once, then runs each call/assert test in order, stopping at the
first exception. Events go, one line each, to a results file descriptor the host opened, each
line prefixed with a nonce read from a pipe (then closed): output the program prints, or writes
to the same descriptor without the nonce, is not taken for a harness event. The program shares
this process, so a program that deliberately inspects the harness's memory could still forge
events: the sandbox contains hostile code, it does not make cheating impossible.

Expected outputs of ``call`` tests never enter the sandbox: the host compares the results.
"""

import builtins
import marshal
import os
import resource
import sys

PROGRAM = "/job/program.py"


class Channel:
    """Writes nonce-prefixed events (a JSON object of str/int/null) to the results fd.

    JSON, not ``repr``: the host would need ``ast.literal_eval`` for a repr, and CPython 3.11's
    AST constructor keeps its recursion depth per interpreter, so sandbox runs parsed on several
    threads at once could fail with "AST constructor recursion depth mismatch" (gh-106905).
    """

    def __init__(self, fd: int, nonce: str) -> None:
        from _json import encode_basestring_ascii

        # bound now: the program may replace os.write, repr or int later
        self._fd, self._prefix, self._write = fd, nonce + " ", os.write
        self._quote, self._repr, self._int, self._str = encode_basestring_ascii, repr, int, str

    def _value(self, value: object) -> str:
        if value is None:
            return "null"
        if value.__class__ is self._int:  # not bool, not a hostile int subclass
            return self._repr(value)
        if isinstance(value, self._str):
            return self._quote(value)
        return self._quote(self._repr(value))

    def emit(self, **event: object) -> None:
        fields = ",".join(self._quote(k) + ":" + self._value(v) for k, v in event.items())
        data = (self._prefix + "{" + fields + "}\n").encode("ascii")  # the quoter escapes the rest
        while data:
            data = data[self._write(self._fd, data) :]


def set_limits(limits: dict) -> None:
    """Lowering a limit never needs privileges; the program cannot raise a hard limit again."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name in ("AS", "FSIZE", "NOFILE", "NPROC"):
        resource.setrlimit(getattr(resource, "RLIMIT_" + name), (limits[name], limits[name]))
    resource.setrlimit(resource.RLIMIT_CPU, (limits["CPU"], limits["CPU_HARD"]))


def allow_cpu(seconds: int) -> None:
    """Per-test CPU budget: the soft limit (SIGXCPU) moves to the CPU used so far + seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = int(usage.ru_utime + usage.ru_stime) + 1 + seconds
    resource.setrlimit(resource.RLIMIT_CPU, (min(soft, hard), hard))


def describe(error: BaseException) -> dict:
    """Exception type, message and the innermost source line, short enough for a verdict."""
    try:
        message = str(error)[:500]
    except Exception:  # a hostile __str__ must not take the harness down
        message = "<unprintable>"
    where = ""
    try:
        if isinstance(error, SyntaxError):  # its place is in the source, not in a frame
            message = str(error.msg)[:500]
            filename, lineno, line = error.filename, error.lineno, error.text
        else:
            import traceback

            last = traceback.extract_tb(error.__traceback__)[-1]
            filename, lineno, line = last.filename, last.lineno, last.line
        name = "program" if filename == PROGRAM else filename
        where = f"{name} line {lineno}: {(line or '').strip()}"[:300]
    except Exception:  # no place found is fine: the type and message remain
        pass
    errno = getattr(error, "errno", None) if isinstance(error, OSError) else None
    return {"type": type(error).__name__, "msg": message, "where": where, "errno": errno}


def compile_source(source: str, filename: str):
    import linecache

    # registered so tracebacks of exec'd code show the failing line
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec")


def read_program() -> str:
    with open(PROGRAM, encoding="utf-8") as file:
        return file.read()


def run_program() -> None:
    """Like ``python3 program.py``, minus the harness frame in tracebacks."""
    sys.argv = [PROGRAM]
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": PROGRAM}
    try:
        exec(compile(read_program(), PROGRAM, "exec"), namespace)
    except SystemExit:
        raise
    except BaseException as error:
        import traceback

        traceback.print_exception(type(error), error, error.__traceback__.tb_next)
        sys.exit(1)


def plain(value: object) -> object:
    """Tuples compare as lists (APPS style); anything JSON cannot encode fails the encoding."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def encode(value: object) -> dict:
    import json

    try:
        return {"value": json.dumps(plain(value))}
    except Exception:
        try:
            return {"repr": repr(value)[:300]}
        except Exception:
            return {"repr": "<unprintable>"}


def resolve(namespace: dict, name: str):
    """A top-level function, else a LeetCode-style ``Solution`` method (APPS call tests)."""
    function = namespace.get(name)
    if callable(function):
        return function
    solution = namespace.get("Solution")
    if isinstance(solution, type) and hasattr(solution, name):
        return getattr(solution(), name)
    raise NameError(f"function {name!r} is not defined")


def run_test(namespace: dict, test: dict, index: int) -> dict:
    if test["kind"] == "call":
        import json

        args = json.loads(test["input"])
        if not isinstance(args, list):
            args = [args]
        return encode(resolve(namespace, test["fn_name"])(*args))
    exec(compile_source(test["input"], f"<test {index}>"), namespace)
    return {}


def run_tests(config: dict, channel: Channel) -> None:
    tests = config["tests"]
    # call tests import the program as a module, so an ``if __name__ == "__main__":`` block
    # that reads stdin does not run; assert tests run program + test as one script does
    name = "solution" if tests and tests[0]["kind"] == "call" else "__main__"
    namespace = {"__name__": name, "__builtins__": builtins, "__file__": PROGRAM}
    try:
        exec(compile_source(read_program(), PROGRAM), namespace)
    except BaseException as error:
        channel.emit(ev="error", i=None, **describe(error))
        return
    channel.emit(ev="loaded")
    for index, test in enumerate(tests):
        allow_cpu(config["cpu_s"])
        channel.emit(ev="start", i=index)
        try:
            outcome = run_test(namespace, test, index)
        except BaseException as error:
            channel.emit(ev="error", i=index, **describe(error))
            return
        channel.emit(ev="result", i=index, **outcome)
    channel.emit(ev="done")


def flush_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 (contextlib costs 2 ms of startup per run)
            stream.flush()
        except Exception:  # a closed or broken stream is the program's business
            pass


def main() -> None:
    with open(sys.argv[1], "rb") as file:
        config = marshal.load(file)
    nonce = os.read(config["nonce_fd"], 256).decode()
    os.close(config["nonce_fd"])
    channel = Channel(config["results_fd"], nonce)
    channel.emit(ev="hello")
    set_limits(config["limits"])
    if config["mode"] == "program":
        run_program()
        return
    code = 0
    try:
        run_tests(config, channel)
    except BaseException:  # e.g. no memory left to report an event: the host sees the exit
        code = 3
        try:
            import traceback

            traceback.print_exc()
        except BaseException:  # exiting with code 3 is the report
            pass
    finally:
        flush_streams()
        # threads the program left running must not keep the process alive
        os._exit(code)


if __name__ == "__main__":
    main()
