"""Shared helpers for the runtime's integration tests."""

from __future__ import annotations

from typing import Any

from nats.aio.client import Client

from jetstream_es.provision import ConsumerSpec, provision
from jetstream_es.service.runtime import ServiceRuntime
from jetstream_es.testing.sample import (
    sample_runtime,
)
from shop_contracts.envelope import Actor

CONSUMER = "sample-counter-totals"
ACTOR = Actor(id="clerk-1", roles=("system",))


async def provision_consumer(nc: Client, ack_wait_s: float = 1.0) -> None:
    await provision(
        nc, [], [ConsumerSpec("SAMPLE", CONSUMER, ("sample.events.Counter.>",), ack_wait_s=ack_wait_s)]
    )


def sample_service(url: str, database_url: str, **overrides: Any) -> ServiceRuntime:
    """The sample service's commands without its projection."""
    return sample_runtime(url, database_url, totals=False, **overrides)
