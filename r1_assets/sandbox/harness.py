"""The script that runs first inside every sandbox: it sets the rlimits, then runs the program
in a process of its own and reports how it ended — and for call and assert tests, judges it.

Run by the sandbox's own interpreter (Debian's python3, not the project's venv), so it imports
the standard library only and never the project; the host imports it too, for the wire format.
It is the sandbox's pid 1 (bwrap ``--as-pid-1``: no bubblewrap process inside), which no process
of the sandbox can kill or stop, and it makes itself non-dumpable first, so no process of the
same uid can read or write its memory or open its descriptors through /proc. Its configuration
arrives on a file descriptor and its events leave on another (one JSON object per line);
neither is a path inside the sandbox, and the program's process holds neither.

``mode: program`` (stdio tests, ``Sandbox.run``): fork; the child closes every descriptor but
stdin/stdout/stderr and runs ``program.py`` as ``__main__`` (threads joined and atexit run at
its end, as the interpreter would); this process reports its exit (``exit`` event). The host
judges the output.

``mode: tests`` (call/assert tests): fork the *program* process, which keeps two pipes only and
loads the program, and run the tests here, as the *judge*:

- a call test asks the program process to call ``fn_name(*args)``; the value comes back as data
  (the wire format below) and is forwarded to the host, which alone knows the expected value;
- an assert test runs here, over the program's top-level names: data is copied, and anything
  else (functions, classes, other objects) is a :class:`Remote` handle whose calls, attributes,
  items and iteration are requests to the program process. Whatever crosses back is plain data,
  so ``==`` in a test compares values the judge built; a handle compares by identity and never
  asks the program (an ``__eq__`` that is always true has nothing to act on).

The program never sees the tests, the expected values or the results channel; it can only
answer requests, crash, or stall — each a failure, reported with how its process ended.
"""

import builtins
import marshal
import os
import resource
import sys

PROGRAM = "/job/program.py"
HARNESS = "/job/harness.py"  # this file's name in tracebacks (execute.prepare_harness)
MAX_DEPTH = 100  # nesting of a value that crosses between the program and the judge
NAME_BUDGET = 1 << 16  # a top-level value larger than this stays behind as a handle
_BIG = 1 << 12000  # ints beyond ~3600 digits cross in hex: decimal conversion is quadratic


class Channel:
    """Writes events (a JSON object of str/int/null per line) to the results descriptor."""

    def __init__(self, fd: int) -> None:
        from _json import encode_basestring_ascii

        self._fd, self._quote = fd, encode_basestring_ascii

    def _value(self, value: object) -> str:
        if value is None:
            return "null"
        if value.__class__ is int:  # not bool, not an int subclass
            return repr(value)
        return self._quote(value if value.__class__ is str else repr(value))

    def emit(self, **event: object) -> None:
        fields = ",".join(self._quote(k) + ":" + self._value(v) for k, v in event.items())
        data = ("{" + fields + "}\n").encode("ascii")  # the quoter escapes the rest
        while data:
            data = data[os.write(self._fd, data) :]


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
    """Exception type, message and the innermost source line, short enough for a verdict.
    An exception that stands for one raised in the program process carries that one's."""
    remote = getattr(error, "_r1_remote", None)
    if isinstance(remote, dict):
        return remote
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
            frame = error.__traceback__
            while frame.tb_next is not None:
                frame = frame.tb_next
            filename, lineno = frame.tb_frame.f_code.co_filename, frame.tb_lineno
            lines = SOURCES.get(filename, ())
            line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        name = "program" if filename == PROGRAM else filename
        # the harness's own line says nothing about the program
        if filename != HARNESS:
            where = f"{name} line {lineno}: {(line or '').strip()}"[:300]
    except Exception:  # no place found is fine: the type and message remain
        pass
    errno = getattr(error, "errno", None) if isinstance(error, OSError) else None
    return {
        "type": type(error).__name__,
        "msg": message,
        "where": where,
        "errno": errno if errno.__class__ is int else None,
        "base": not isinstance(error, Exception),
    }


SOURCES: dict = {}  # filename -> lines of code compiled here, for the line of an error


def compile_source(source: str, filename: str):
    # not linecache: importing it (and tokenize, re) costs ~7 ms per process
    SOURCES[filename] = source.splitlines()
    return compile(source, filename, "exec")


def read_program() -> str:
    with open(PROGRAM, encoding="utf-8") as file:
        return file.read()


def close_descriptors(keep: tuple = ()) -> None:
    """Everything but stdin/stdout/stderr and ``keep``: the program inherits nothing else."""
    start = 3
    for fd in sorted(keep):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, resource.getrlimit(resource.RLIMIT_NOFILE)[1])


def run_program() -> int:
    """Like ``python3 program.py``, minus the harness frame in tracebacks; the exit code."""
    sys.argv = [PROGRAM]
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": PROGRAM}
    try:
        exec(compile(read_program(), PROGRAM, "exec"), namespace)
        return 0
    except SystemExit as exit:
        return exit_code(exit)
    except BaseException as error:
        import traceback

        traceback.print_exception(type(error), error, error.__traceback__.tb_next)
        return 1


def exit_code(exit: SystemExit) -> int:
    """The interpreter's reading of ``sys.exit(code)``."""
    if exit.code is None:
        return 0
    if exit.code.__class__ is int:
        return exit.code & 0xFF
    try:  # noqa: SIM105 (no contextlib import per run)
        print(exit.code, file=sys.stderr)
    except Exception:  # an unprintable exit message still exits with 1
        pass
    return 1


def end_process(code: int) -> None:
    """End a forked process as the interpreter ends: join threads, run atexit, flush."""
    try:
        if "threading" in sys.modules:
            sys.modules["threading"]._shutdown()
        import atexit

        atexit._run_exitfuncs()
    except SystemExit as exit:
        code = exit_code(exit)
    except BaseException:  # a failing atexit handler: the interpreter prints it and goes on
        pass
    flush_streams()
    os._exit(code)


# ---- the wire format ------------------------------------------------------------------------
#
# A value is JSON: null, true/false, a finite float, an int of < ~3600 digits and a string stand
# for themselves; everything else is a list whose first item is a tag:
#   ["l", *items] list   ["t", *items] tuple   ["s", *items] set   ["f", *items] frozenset
#   ["d", k1, v1, ...] dict   ["x", hex] int   ["F", "inf"|"-inf"|"nan"] float
#   ["b", hex] bytes   ["y", hex] bytearray   ["c", re, im] complex   ["r", start, stop, step]
#   ["q", num, den] Fraction   ["D", text] Decimal   ["B", name] a builtin (int, len, ...)
#   ["h", ref, type name] a handle
# Subclasses of these types cross as the base type's value: what crosses is data, never code.


class ValueTooLarge(Exception):
    """A value larger than the reader accepts."""


class UnreadableValue(Exception):
    """A value that is not valid wire data (too deep, malformed, or not data at all)."""


_SEQUENCES = ((list, "l"), (tuple, "t"), (set, "s"), (frozenset, "f"))


def to_wire(value: object, refs: dict | None, budget: list, depth: int = 0) -> object:
    """``value`` as wire data. Objects that are not data become handles kept in ``refs`` (id →
    object); with ``refs`` None they cannot be sent. ``budget`` ([units]) bounds the size."""
    if depth > MAX_DEPTH:
        raise UnreadableValue(f"the value is nested deeper than {MAX_DEPTH} levels")
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueTooLarge("the value is too large")
    if value is None or value is True or value is False:
        return value
    if isinstance(value, Remote):
        return ["h", value._ref, value._type]
    if isinstance(value, int):
        number = int.__index__(value)
        return number if -_BIG < number < _BIG else ["x", hex(number)]
    if isinstance(value, float):
        number = float.__float__(value)
        return number if number - number == 0 else ["F", repr(number)]
    if isinstance(value, str):
        budget[0] -= len(value)
        if budget[0] < 0:
            raise ValueTooLarge("the value is too large")
        return str.__str__(value)
    for kind, tag in _SEQUENCES:
        if isinstance(value, kind):
            return [tag, *(to_wire(v, refs, budget, depth + 1) for v in kind.__iter__(value))]
    if isinstance(value, dict):
        wire = ["d"]
        for key, item in dict.items(value):
            wire += (to_wire(key, refs, budget, depth + 1), to_wire(item, refs, budget, depth + 1))
        return wire
    if isinstance(value, (bytes, bytearray)):
        budget[0] -= 2 * len(value)
        if budget[0] < 0:
            raise ValueTooLarge("the value is too large")
        return ["b" if isinstance(value, bytes) else "y", bytes(value).hex()]
    if isinstance(value, complex):
        return ["c", to_wire(value.real, refs, budget), to_wire(value.imag, refs, budget)]
    if isinstance(value, range):
        return ["r", value.start, value.stop, value.step]
    module, name = type(value).__module__, type(value).__name__
    if (module, name) == ("fractions", "Fraction"):
        numerator, denominator = value.numerator, value.denominator
        return ["q", to_wire(numerator, refs, budget), to_wire(denominator, refs, budget)]
    if (module, name) == ("decimal", "Decimal"):
        return ["D", str(value)]
    builtin = getattr(value, "__name__", None)
    if builtin.__class__ is str and getattr(builtins, builtin, None) is value:
        return ["B", builtin]  # int, len, ValueError: the same object on either side
    if refs is None:
        raise UnreadableValue(f"a {name} cannot be passed to the program")
    return handle_of(value, refs)


def handle_of(value: object, refs: dict) -> list:
    """The wire handle of an object that stays in the program process (kept alive in refs)."""
    refs[id(value)] = value
    return ["h", id(value), type(value).__name__[:100]]


def from_wire(data: object, handle, depth: int = 0, json_only: bool = False) -> object:
    """The value of wire data; ``handle(ref, type_name)`` makes a handle's stand-in. Anything
    malformed raises :class:`UnreadableValue`, never another exception. ``json_only``: sets and
    dicts with keys other than strings are refused unbuilt (they equal no JSON value)."""
    if depth > MAX_DEPTH:
        raise UnreadableValue(f"the value is nested deeper than {MAX_DEPTH} levels")
    kind = data.__class__
    if data is None or kind is bool or kind is int or kind is float or kind is str:
        return data
    if kind is not list or not data or data[0].__class__ is not str:
        raise UnreadableValue("malformed value")
    tag, items = data[0], data[1:]
    if json_only and (
        tag in ("s", "f") or (tag == "d" and any(k.__class__ is not str for k in items[::2]))
    ):
        raise UnreadableValue("a set, or a dict with keys other than strings: no JSON value")
    try:
        if tag in "ltsf" and len(tag) == 1:
            values = [from_wire(item, handle, depth + 1, json_only) for item in items]
            return values if tag == "l" else {"t": tuple, "s": set, "f": frozenset}[tag](values)
        if tag == "d" and len(items) % 2 == 0:
            values = [from_wire(item, handle, depth + 1, json_only) for item in items]
            return dict(zip(values[::2], values[1::2], strict=True))
        if tag == "h" and len(items) == 2 and _types(items, (int, str)):
            return handle(items[0], items[1])
        if len(items) == 1 and items[0].__class__ is str:
            text = items[0]
            if tag == "x":
                return int(text, 16)
            if tag == "F" and text in ("inf", "-inf", "nan"):
                return float(text)
            if tag in "by" and len(tag) == 1:
                return (bytes if tag == "b" else bytearray).fromhex(text)
            if tag == "B" and text in _BUILTIN_NAMES:
                return getattr(builtins, text)
            if tag == "D" and len(text) <= 1000:
                from decimal import Decimal

                return Decimal(text)
        if tag == "c" and len(items) == 2 and all(_is_real(v) for v in items):
            return complex(*items)
        if tag == "r" and len(items) == 3 and _types(items, (int, int, int)) and items[2]:
            return range(*items)
        if tag == "q" and len(items) == 2:
            numerator, denominator = (from_wire(v, handle, depth + 1, json_only) for v in items)
            if _types((numerator, denominator), (int, int)) and denominator:
                from fractions import Fraction

                return Fraction(numerator, denominator)
    except UnreadableValue:
        raise
    except Exception as error:  # unhashable set items, bad hex, ...: not data
        raise UnreadableValue(f"malformed {tag!r} value: {type(error).__name__}") from None
    raise UnreadableValue(f"malformed {tag!r} value")


_BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def _types(values, kinds) -> bool:
    return all(v.__class__ is k for v, k in zip(values, kinds, strict=True))


def _is_real(value: object) -> bool:
    return value.__class__ is int or value.__class__ is float


_MAGIC = b"r1w1"  # every message starts so: anything else in the pipe is not the protocol's


# JSON through the C scanner and string quoter of ``_json`` directly: importing ``json`` costs
# ``re`` and ~8 ms per run, more than a whole test of a small program


def dumps(value: object) -> str:
    """JSON text of wire data or a message (None, bool, int, finite float, str, list, and
    dicts with string keys)."""
    from _json import encode_basestring_ascii as quote

    parts: list[str] = []
    out = parts.append

    def dump(value: object) -> None:
        kind = value.__class__
        if value is None:
            out("null")
        elif kind is bool:
            out("true" if value else "false")
        elif kind is int:
            out(int.__repr__(value))
        elif kind is float:
            out(float.__repr__(value))
        elif kind is str:
            out(quote(value))
        elif kind is list:
            out("[")
            for index, item in enumerate(value):
                if index:
                    out(",")
                dump(item)
            out("]")
        elif kind is dict:
            out("{")
            for index, (key, item) in enumerate(value.items()):
                out("," + quote(key) + ":" if index else quote(key) + ":")
                dump(item)
            out("}")
        else:
            raise UnreadableValue(f"a {kind.__name__} is not wire data")

    dump(value)
    return "".join(parts)


class _ScanContext:
    """What ``_json.make_scanner`` reads from ``json.JSONDecoder``."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int  # beyond 4300 digits it raises ValueError: unreadable
    parse_constant = float  # NaN, Infinity, -Infinity


def loads(text: str | bytes) -> object:
    """The value of a JSON text; anything else raises UnreadableValue."""
    from _json import make_scanner

    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = text.strip(" \t\r\n")
    try:
        value, end = make_scanner(_ScanContext)(text, 0)
    except StopIteration:
        raise UnreadableValue("not JSON") from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise UnreadableValue(f"unreadable value ({type(error).__name__})") from None
    if end != len(text):
        raise UnreadableValue("not JSON (trailing data)")
    return value


def write_message(fd: int, message: object) -> None:
    data = dumps(message).encode()
    data = _MAGIC + len(data).to_bytes(4, "big") + data
    while data:
        data = data[os.write(fd, data) :]


def read_message(fd: int, cap: int | None) -> object:
    """The next message, or None at the end of the stream. Longer than ``cap``: ValueTooLarge,
    without reading it; not a message: UnreadableValue."""
    header = _read_exact(fd, 8)
    if header is None:
        return None
    if header[:4] != _MAGIC:
        raise UnreadableValue("the program wrote something else than replies to the judge")
    size = int.from_bytes(header[4:], "big")
    if cap is not None and size > cap:
        raise ValueTooLarge(f"the program's value is larger than {cap >> 10} KB")
    data = _read_exact(fd, size)
    if data is None:
        return None
    return loads(data)


def _read_exact(fd: int, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


# ---- the program process --------------------------------------------------------------------


def resolve(namespace: dict, name: str):
    """A top-level function, else a LeetCode-style ``Solution`` method (APPS call tests)."""
    function = namespace.get(name)
    if callable(function):
        return function
    solution = namespace.get("Solution")
    if isinstance(solution, type) and hasattr(solution, name):
        return getattr(solution(), name)
    raise NameError(f"function {name!r} is not defined")


def top_level_names(namespace: dict, refs: dict) -> dict:
    """The program's globals as the judge sees them: modules by name, small data as values,
    everything else as handles."""
    names = {}
    for name, value in namespace.items():
        if name == "__builtins__":
            continue
        if isinstance(value, type(sys)):
            names[name] = ["m", value.__name__]
            continue
        try:
            names[name] = to_wire(value, refs, [NAME_BUDGET])
        except (ValueTooLarge, UnreadableValue):
            names[name] = handle_of(value, refs)
    return names


def serve(kind: str, requests: int, replies: int, cap: int) -> None:
    """Load the program, then answer the judge's requests until it closes the pipe."""
    # call tests import the program as a module, so an ``if __name__ == "__main__":`` block
    # that reads stdin does not run; assert tests run program + test as one script does
    name = "solution" if kind == "call" else "__main__"
    namespace = {"__name__": name, "__builtins__": builtins, "__file__": PROGRAM}
    refs: dict = {}
    try:
        exec(compile_source(read_program(), PROGRAM), namespace)
        loaded = {"ok": top_level_names(namespace, refs) if kind == "assert" else None}
    except BaseException as error:
        loaded = {"err": describe(error)}
    write_message(replies, loaded)
    if "err" in loaded:
        return

    def local(ref: int, type_name: str) -> object:
        return refs[ref]

    while True:
        request = read_message(requests, None)  # from the judge: trusted
        if request is None:
            return
        try:
            value, arguments = _dispatch(request, namespace, refs, local)
            reply = {"ok": to_wire(value, refs, [cap])}
            if arguments:  # what the call left in the mutable arguments it was given
                budget = [cap]
                reply["args"] = [
                    to_wire(a, refs, budget) if type(a) in MUTABLE else None for a in arguments
                ]
        except StopIteration as stop:  # the end of an iteration, only where one was asked for
            reply = {"stop": True} if request["op"] == "next" else {"err": describe(stop)}
        except BaseException as error:  # SystemExit and friends too: a failure, not an exit
            reply = {"err": describe(error)}
        write_message(replies, reply)


MUTABLE = (list, dict, set, bytearray)  # arguments a call may change in place


def _dispatch(request: dict, namespace: dict, refs: dict, local) -> tuple[object, list]:
    """The value a request asks for, and the arguments of a call (to send their changes back)."""
    op = request["op"]
    if op == "cpu":
        allow_cpu(request["s"])
        return None, []
    if op == "run":  # a call test: the arguments are the test's JSON input
        args = loads(request["input"])
        function = resolve(namespace, request["name"])
        return function(*(args if isinstance(args, list) else [args])), []
    target = refs[request["ref"]]
    if op == "call":
        args = [from_wire(a, local) for a in request["args"]]
        kwargs = {k: from_wire(v, local) for k, v in request["kwargs"]}
        return target(*args, **kwargs), args if any(type(a) in MUTABLE for a in args) else []
    if op == "getattr":
        return getattr(target, request["name"]), []
    if op == "getitem":
        return target[from_wire(request["key"], local)], []
    if op == "next":
        return next(target), []
    conversions = {"len": len, "bool": bool, "str": str, "repr": repr, "iter": iter, "int": int}
    return conversions[op](target), []


# ---- the judge ------------------------------------------------------------------------------


class ProgramGone(BaseException):
    """The program process ended (or broke the protocol) while the judge waited for it."""


class RemoteError(Exception):
    """An exception of the program's that has no builtin counterpart here."""


class RemoteExit(BaseException):
    """SystemExit, KeyboardInterrupt or another BaseException raised in the program."""


class Program:
    """The judge's end of the connection to the program process."""

    def __init__(self, pid: int, requests: int, replies: int) -> None:
        self.pid, self.requests, self.replies = pid, requests, replies
        self.cap = 1 << 16
        self.arguments: list | None = None  # the last reply's changed arguments

    def receive(self) -> object:
        try:
            reply = read_message(self.replies, self.cap)
        except OSError:
            reply = None
        if reply is None:
            raise ProgramGone
        arguments = reply.pop("args", None) if isinstance(reply, dict) else None
        if not isinstance(reply, dict) or len(reply) != 1:
            raise UnreadableValue("malformed reply")
        self.arguments = arguments if isinstance(arguments, list) else None
        if "err" in reply:
            raise remote_exception(reply["err"])
        if "stop" in reply:
            raise StopIteration
        if "ok" not in reply:
            raise UnreadableValue("malformed reply")
        return reply["ok"]

    def ask_wire(self, op: str, **fields: object) -> object:
        try:
            write_message(self.requests, {"op": op, **fields})
        except OSError:  # the program process is gone: its exit status says why
            raise ProgramGone from None
        return self.receive()

    def ask(self, op: str, **fields: object) -> object:
        return from_wire(self.ask_wire(op, **fields), self.handle)

    def handle(self, ref: int, type_name: str) -> "Remote":
        return Remote(self, ref, type_name)

    def exit_status(self) -> int:
        """Wait for the program process (it ended, or is told to by closing its pipe)."""
        os.close(self.requests)
        return wait_for(self.pid)


def remote_exception(error: object) -> BaseException:
    """A local exception standing for the program's: a builtin type keeps its type (a test may
    catch it), anything else is a RemoteError; ``describe`` reports the program's own."""
    if not isinstance(error, dict) or not _types([error.get("type"), error.get("msg")], (str, str)):
        return UnreadableValue("malformed error")
    kind = getattr(builtins, error["type"], None)
    exception: BaseException
    if error.get("base") is True:
        exception = RemoteExit(error["msg"])
    elif error["type"] in ("StopIteration", "StopAsyncIteration"):
        # raised here it would end the test's own loop (map, a generator) as if exhausted
        exception = RemoteError(error["msg"])
    elif isinstance(kind, type) and issubclass(kind, Exception):
        try:
            exception = kind(error["msg"])
        except Exception:  # e.g. UnicodeDecodeError wants five arguments
            exception = RemoteError(error["msg"])
    else:
        exception = RemoteError(error["msg"])
    exception._r1_remote = {  # type: ignore[attr-defined]
        "type": error["type"][:100],
        "msg": error["msg"][:500],
        "where": str(error.get("where") or "")[:300],
        "errno": error.get("errno") if error.get("errno").__class__ is int else None,
    }
    return exception


class Remote:
    """An object that stays in the program process. Calls, attributes, items, iteration and
    conversions are asked of it; comparisons and hashing are by identity and never ask it."""

    __slots__ = ("_program", "_ref", "_type")
    _FORWARDED_DUNDERS = ("__name__", "__qualname__", "__doc__", "__module__")

    def __init__(self, program: Program, ref: int, type_name: str) -> None:
        self._program, self._ref, self._type = program, ref, type_name

    def _ask(self, op: str, **fields: object) -> object:
        return self._program.ask(op, ref=self._ref, **fields)

    def _typed(self, op: str, kind: type) -> object:
        value = self._ask(op)
        if value.__class__ is not kind:
            raise TypeError(f"{op}() of the program's {self._type} returned a non-{kind.__name__}")
        return value

    def __call__(self, *args: object, **kwargs: object) -> object:
        budget = [self._program.cap]
        value = self._ask(
            "call",
            args=[to_wire(a, None, budget) for a in args],
            kwargs=[[k, to_wire(v, None, budget)] for k, v in kwargs.items()],
        )
        changed = self._program.arguments
        if changed is not None and len(changed) == len(args):
            for argument, wire in zip(args, changed, strict=True):
                if wire is not None and type(argument) in MUTABLE:
                    write_back(argument, from_wire(wire, self._program.handle))
        return value

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") and name not in self._FORWARDED_DUNDERS:
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __getitem__(self, key: object) -> object:
        return self._ask("getitem", key=to_wire(key, None, [self._program.cap]))

    def __iter__(self) -> object:
        return self._ask("iter")

    def __next__(self) -> object:
        return self._ask("next")

    def __len__(self) -> int:
        return self._typed("len", int)

    def __bool__(self) -> bool:
        return self._typed("bool", bool)

    def __int__(self) -> int:
        return self._typed("int", int)

    def __index__(self) -> int:
        return self._typed("int", int)

    def __str__(self) -> str:
        return self._typed("str", str)

    def __repr__(self) -> str:
        return self._typed("repr", str)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Remote) and other._ref == self._ref

    def __hash__(self) -> int:
        return hash(self._ref)


_ended: dict = {}  # pid -> wait status of children reaped by the SIGCHLD handler


def reap(*_: object) -> None:
    """As pid 1 this process inherits every orphan of the sandbox: reap them, or their zombies
    count against RLIMIT_NPROC."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _ended[pid] = status


def wait_for(pid: int) -> int:
    while pid not in _ended:
        try:
            ended, status = os.waitpid(-1, 0)
        except ChildProcessError:  # reaped meanwhile by the handler
            continue
        except InterruptedError:
            continue
        _ended[ended] = status
    return _ended[pid]


def report_exit(channel: Channel, status: int) -> None:
    """How the program's process ended; then the sandbox ends (pid 1 takes the rest along)."""
    if os.WIFSIGNALED(status):
        channel.emit(ev="exit", code=None, signal=os.WTERMSIG(status))
    else:
        channel.emit(ev="exit", code=os.WEXITSTATUS(status), signal=None)
    flush_streams()
    os._exit(0)


def write_back(argument: object, changed: object) -> None:
    """A call changed a list, dict, set or bytearray it was given: so does the test's copy."""
    if type(changed) is not type(argument):
        raise UnreadableValue("malformed changed argument")
    if isinstance(argument, (list, bytearray)):
        argument[:] = changed
    else:
        argument.clear()
        argument.update(changed)


def undumpable() -> None:
    """PR_SET_DUMPABLE 0: processes of the same uid (the program's) can no longer ptrace this
    one, read or write its memory, or open its descriptors through /proc."""
    try:  # _ctypes alone: the ctypes package costs another ~1 ms per run
        from _ctypes import call_function, dlopen, dlsym

        result = call_function(dlsym(dlopen(None), "prctl"), (4, 0, 0, 0, 0))
    except (ImportError, AttributeError):
        import ctypes

        result = ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    if result != 0:
        raise OSError("prctl(PR_SET_DUMPABLE, 0) failed: the judge cannot be protected")


def start_program(kind: str, cap: int) -> Program:
    requests_read, requests_write = os.pipe()
    replies_read, replies_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the program process: it keeps only its two pipe ends
        code = 0
        try:
            import signal

            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            close_descriptors(keep=(requests_read, replies_write))
            serve(kind, requests_read, replies_write, cap)
        except BaseException:
            code = 3
        end_process(code)
    os.close(requests_read)
    os.close(replies_write)
    program = Program(pid, requests_write, replies_read)
    program.cap = cap
    return program


def import_names(names: object, program: Program) -> dict:
    """The test namespace's view of the program's globals (modules imported here anew)."""
    if not isinstance(names, dict):
        raise UnreadableValue("malformed names")
    namespace = {}
    for name, wire in names.items():
        # dunders stay the test's own; a standard module's name gets the real module or nothing
        # (a program's fake math.isclose would judge the test); builtins: see shadowed_calls
        if not isinstance(name, str) or name.startswith("__"):
            continue
        if name in STDLIB and not (isinstance(wire, list) and wire[:1] == ["m"]):
            continue
        if isinstance(wire, list) and len(wire) == 2 and wire[0] == "m":
            try:
                __import__(str(wire[1]))
                namespace[name] = sys.modules[str(wire[1])]
            except Exception:  # a module only the program could import: left out
                pass
        else:
            namespace[name] = from_wire(wire, program.handle)
    return namespace


STDLIB = getattr(sys, "stdlib_module_names", frozenset({"math", "re", "itertools", "collections"}))
BUILTINS = "__r1_builtins__"  # the test namespace's name for the real builtins


def compile_test(source: str, filename: str, shadowed: set):
    """A test's code, where a call to a program function named like a builtin (MBPP's
    ``sum(10, 15)``) stays the program's only when its arguments call nothing: a builtin
    applied to what the test computed (``abs(candidate(1.0) - 0.5)``, ``set(f(x))``) is the
    real one — else a program's ``abs`` returning 0 would judge its own answer."""
    if not shadowed:
        return compile_source(source, filename)
    import ast

    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in shadowed
            and any(
                isinstance(inner, ast.Call)
                for argument in [*node.args, *(k.value for k in node.keywords)]
                for inner in ast.walk(argument)
            )
        ):
            real = ast.Subscript(
                ast.Name(BUILTINS, ast.Load()), ast.Constant(node.func.id), ast.Load()
            )
            node.func = ast.copy_location(real, node.func)
    SOURCES[filename] = source.splitlines()
    return compile(ast.fix_missing_locations(tree), filename, "exec")


def run_tests(config: dict, config_fd: int, channel: Channel) -> None:
    # the program process is forked before the tests are read: its copy of this process's
    # memory holds no test (an assert test holds its expected values)
    program = start_program(config["kind"], config["cap"])
    tests = read_tests(config_fd)
    kind = config["kind"]
    try:
        try:
            names = program.receive()
        except StopIteration:
            raise UnreadableValue("malformed reply") from None
        namespace = {"__name__": "__main__", "__builtins__": builtins}
        if kind == "assert":
            namespace.update(import_names(names, program))
        namespace[BUILTINS] = vars(builtins)
        shadowed = {
            name for name in namespace if not name.startswith("__") and hasattr(builtins, name)
        }
    except ProgramGone:
        report_exit(channel, program.exit_status())
    except BaseException as error:
        channel.emit(ev="error", i=None, **describe(error))
        return
    channel.emit(ev="loaded")
    for index, test in enumerate(tests):
        allow_cpu(config["cpu_s"])
        channel.emit(ev="start", i=index)
        program.cap = test["cap"]
        try:
            program.ask_wire("cpu", s=config["cpu_s"])
            if kind == "call":
                wire = program.ask_wire("run", name=test["fn_name"], input=test["input"])
                from_wire(wire, lambda ref, type_name: None)  # valid wire data, or an error
                outcome = {"value": dumps(wire)}
            else:
                code = compile_test(test["input"], f"<test {index}>", shadowed)
                exec(code, namespace)
                outcome = {}
        except ProgramGone:
            report_exit(channel, program.exit_status())
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


def read_tests(config_fd: int) -> list:
    parts = []
    while chunk := os.read(config_fd, 1 << 20):
        parts.append(chunk)
    os.close(config_fd)
    return marshal.loads(b"".join(parts))


def main() -> None:
    undumpable()
    # the config descriptor holds a header (its size first), then the tests; unbuffered reads,
    # so nothing of the tests is in memory before the program process is forked
    config_fd = int(sys.argv[1])
    size = int.from_bytes(_read_exact(config_fd, 4), "big")
    config = marshal.loads(_read_exact(config_fd, size))
    channel = Channel(config["results_fd"])
    channel.emit(ev="hello")
    set_limits(config["limits"])
    import signal

    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # pid 1 takes no signal from inside
    if config["mode"] == "program":
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            close_descriptors()  # the results channel included
            end_process(run_program())
        report_exit(channel, wait_for(pid))
    code = 0
    try:
        run_tests(config, config_fd, channel)
    except BaseException:  # e.g. no memory left to report an event: the host sees the exit
        code = 3
        try:
            import traceback

            traceback.print_exc()
        except BaseException:  # exiting with code 3 is the report
            pass
    finally:
        flush_streams()
        # the judge ends the run; the program process dies with the sandbox's pid namespace
        os._exit(code)


if __name__ == "__main__":
    main()
