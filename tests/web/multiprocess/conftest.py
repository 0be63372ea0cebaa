"""Fixtures: two `facet serve` processes on a fresh PostgreSQL database, per event transport.

The servers need PostgreSQL (``FACET_TEST_POSTGRES_URL``: its server is used, in databases of
their own). Redis and NATS transports run when their server answers; under CI (``CI=true``) a
server that is down fails the test instead of skipping it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import require_postgres
from tests.web.events.servers import require_server
from tests.web.multiprocess.harness import (
    SERVERS,
    TRANSPORTS,
    Cluster,
    EventSocket,
    Postgres,
    cluster,
    demo_template,
)


@pytest.fixture(scope="session")
def pg() -> Postgres:
    """The test PostgreSQL server (the servers run on databases of their own on it)."""
    return Postgres(require_postgres("several processes need PostgreSQL"))


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The servers' working directory and logs."""
    return tmp_path_factory.mktemp("multiprocess")


@pytest.fixture(scope="session")
def template(pg: Postgres, workdir: Path) -> Iterator[str]:
    """A database with the small demo, migrated once and copied for each transport."""
    name = f"facet_mp_template_{uuid.uuid4().hex[:10]}"
    try:
        demo_template(pg, name, workdir)
        yield name
    finally:
        pg.drop(name)


@pytest.fixture(scope="module", params=TRANSPORTS)
def servers(
    request: pytest.FixtureRequest, pg: Postgres, template: str, workdir: Path
) -> Iterator[Cluster]:
    """Servers ``a`` and ``b`` on a fresh copy of the demo, with one transport each time."""
    kind = str(request.param)
    if kind in SERVERS:
        require_server(*SERVERS[kind], f"the {kind} server")  # skips, or fails under CI
    with cluster(kind, pg, template, workdir) as group:
        yield group


@pytest.fixture
def b_events(servers: Cluster) -> Iterator[EventSocket]:
    """``/ws/events`` on server ``b``, signed in as the manager."""
    with servers["b"].client("manager") as client:
        socket = EventSocket(client)
    try:
        yield socket
    finally:
        socket.close()
