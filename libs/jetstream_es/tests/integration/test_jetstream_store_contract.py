"""The JetStream store against a real nats-server: the shared contract suite, plus what only a
real server shows (restart durability, outage as a typed error)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client

from jetstream_es.errors import StreamUnavailable
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.testing.contract import EventStoreContract, envelope
from jetstream_es.testing.nats_server import NatsServer
from jetstream_es.testing.pytest_plugin import connect

pytestmark = pytest.mark.integration


@pytest.fixture
async def store(nc: Client) -> AsyncIterator[JetStreamEventStore]:
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE", timeout=2.0)
    yield store
    await store.close()


@pytest.fixture
async def second_store(nc2: Client) -> AsyncIterator[JetStreamEventStore]:
    store = JetStreamEventStore(nc2, "sample", stream="SAMPLE", timeout=2.0)
    yield store
    await store.close()


class TestJetStreamEventStore(EventStoreContract):
    pass


async def test_events_survive_a_server_restart(nats_server: NatsServer, nc: Client) -> None:
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE", timeout=2.0)
    await store.append("Counter", "durable", [envelope("durable", 1, "c1")], 0)
    await nc.close()
    nats_server.restart()
    client = await connect(nats_server.url)
    try:
        reloaded = JetStreamEventStore(client, "sample", stream="SAMPLE", timeout=2.0)
        assert [e.envelope.version for e in await reloaded.read("Counter", "durable")] == [1]
        await reloaded.close()
    finally:
        await client.close()


async def test_append_to_a_missing_stream_is_stream_unavailable(nc: Client) -> None:
    store = JetStreamEventStore(nc, "nosuchservice", stream="NOSUCH", timeout=0.5)
    with pytest.raises(StreamUnavailable):
        await store.append("Counter", "x", [envelope("x", 1)], 0)
    with pytest.raises(StreamUnavailable):
        await store.read("Counter", "x")
    await store.close()
