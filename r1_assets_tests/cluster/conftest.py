from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from r1_assets_tests.cluster.servers import FaultyProxy, PostgresServer, S3Server


def running(server):
    """A test server started, yielded, and closed whatever the test did."""
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    yield from running(PostgresServer())


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[S3Server]:
    yield from running(S3Server(tmp_path))


@pytest.fixture
def faulty_s3(s3: S3Server) -> Iterator[FaultyProxy]:
    yield from running(FaultyProxy(s3.port))
