"""The harness's event lines: which are well formed, and the program's exit they report."""

from __future__ import annotations

import json

EVENTS = ("hello", "loaded", "start", "result", "error", "done", "exit")


def program_exit(events: list[dict], bwrap_code: int | None) -> int | None:
    """The program process's exit as the harness reported it (a signal as 128 + its number, as
    a shell says), else bwrap's: the harness itself was killed."""
    for event in events:
        if event["ev"] == "exit":
            if isinstance(event.get("signal"), int):
                return 128 + event["signal"]
            if isinstance(event.get("code"), int):
                return event["code"]
    return bwrap_code


def parse_event(line: bytes) -> dict | None:
    """One event line, or None if it is not a well-formed event: a known ``ev``, an integer
    or null ``i``, and fields that are strings, integers, booleans or null."""
    try:
        event = json.loads(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(event, dict) or event.get("ev") not in EVENTS:
        return None
    if event.get("i") is not None and type(event.get("i")) is not int:
        return None
    if not all(v is None or type(v) in (str, int, bool) for v in event.values()):
        return None
    return {key: _utf8(value) for key, value in event.items()}


def _utf8(value: object) -> object:
    """A lone surrogate (``\\udcff`` in JSON) would make the verdict unwritable to Parquet."""
    return value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else value
