"""What the host reads of a running execution: memory files for its stdio, events and stdout
read within their caps."""

from __future__ import annotations

import contextlib
import os

from r1_assets.sandbox.events import parse_event


class Streams:
    """What the host reads while a run goes on: the events, incrementally and never more than
    ``events_cap`` bytes, and the size of stdout, which may not pass ``stdout_cap``."""

    def __init__(self, reader, events_cap: int, stdout_fd: int, stdout_cap: int) -> None:
        self.reader, self.left = reader, events_cap
        self.stdout_fd, self.stdout_cap = stdout_fd, stdout_cap
        self.pending = b""
        self.events: list[dict] = []
        self.overflow = ""

    def poll(self) -> list[dict]:
        if os.fstat(self.stdout_fd).st_size > self.stdout_cap:
            self.overflow = "stdout"
        data = self.reader.read(self.left + 1)
        if len(data) > self.left:  # the events within the cap still count
            self.overflow, data = "events", data[: self.left]
        self.left -= len(data)
        *lines, self.pending = (self.pending + data).split(b"\n")
        new = [event for event in map(parse_event, lines) if event is not None]
        self.events += new
        return new

    def drain(self) -> None:
        if not self.overflow:
            self.poll()


def read_capped(fd: int, cap: int, tail: bool = False) -> tuple[bytes, int]:
    """At most ``cap`` bytes of the file (its end if ``tail``: where a traceback is) and its
    size."""
    size = os.fstat(fd).st_size
    start = size - cap if tail and size > cap else 0
    return os.pread(fd, min(cap, size), start), size


@contextlib.contextmanager
def memory_file(name: str, content: str = ""):
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    try:
        if content:
            os.write(fd, content.encode("utf-8"))
            os.lseek(fd, 0, os.SEEK_SET)
        yield fd
    finally:
        os.close(fd)
