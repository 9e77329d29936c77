from __future__ import annotations

from collections.abc import Iterator

import pytest

from r1_assets_tests.cluster.servers import PostgresServer


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.close()
