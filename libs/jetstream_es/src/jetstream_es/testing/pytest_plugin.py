"""pytest fixtures: a real nats-server per test (loopback, temporary store), connected clients,
the shop's streams provisioned, and the session's test identity (the signing key and trust file
every runtime of the integration tests trusts, decision 0009). Registered by the repository's root
conftest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import nats
import pytest
from nats.aio.client import Client

from jetstream_es.provision import StreamSpec, provision, shop_streams
from jetstream_es.testing.identity import TestIdentity, session_identity
from jetstream_es.testing.nats_server import NatsServer

SAMPLE_STREAM = StreamSpec("SAMPLE", ("sample.events.>",))


@pytest.fixture(scope="session")
def shop_identity() -> TestIdentity:
    """The session's test identity (`jetstream_es.testing.identity.session_identity()`)."""
    return session_identity()


@pytest.fixture
def nats_server() -> Iterator[NatsServer]:
    server = NatsServer().start()
    try:
        yield server
    finally:
        server.cleanup()


async def connect(url: str) -> Client:
    return await nats.connect(url, connect_timeout=2, max_reconnect_attempts=60, reconnect_time_wait=0.25)


@pytest.fixture
async def nc(nats_server: NatsServer) -> AsyncIterator[Client]:
    client = await connect(nats_server.url)
    await provision(client, [*shop_streams(), SAMPLE_STREAM], [])
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def nc2(nats_server: NatsServer, nc: Client) -> AsyncIterator[Client]:
    client = await connect(nats_server.url)
    try:
        yield client
    finally:
        await client.close()
