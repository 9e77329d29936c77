from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from r1_assets_tests.cluster.servers import FaultyProxy, PostgresServer, S3Server


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[S3Server]:
    server = S3Server(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def faulty_s3(s3: S3Server) -> Iterator[FaultyProxy]:
    proxy = FaultyProxy(s3.port)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()
