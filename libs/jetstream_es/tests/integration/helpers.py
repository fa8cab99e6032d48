"""Shared helpers for the runtime's integration tests."""

from __future__ import annotations

from typing import Any

from nats.aio.client import Client

from jetstream_es.commands import Cause, CommandResult
from jetstream_es.provision import ConsumerSpec, provision
from jetstream_es.repository import Repository
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.sample import COUNTER, CounterState, Increment, OpenCounter, increment, open_counter
from shop_contracts.envelope import Actor

CONSUMER = "sample-counter-totals"
ACTOR = Actor(id="clerk-1", roles=("system",))


async def provision_consumer(nc: Client, ack_wait_s: float = 1.0) -> None:
    await provision(
        nc, [], [ConsumerSpec("SAMPLE", CONSUMER, ("sample.events.Counter.>",), ack_wait_s=ack_wait_s)]
    )


def sample_service(url: str, database_url: str, **overrides: Any) -> ServiceRuntime:
    settings = RuntimeSettings(nats_url=url, connect_timeout=2, **overrides)
    service = ServiceRuntime("sample", settings, database_url)
    repos: dict[str, Repository[CounterState]] = {}

    def repo() -> Repository[CounterState]:
        if "r" not in repos:
            repos["r"] = Repository(service.store, COUNTER)
        return repos["r"]

    async def on_open(cmd: OpenCounter) -> CommandResult:
        cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
        return await service.commands.execute(repo(), cmd.counter_id, cause, lambda s: open_counter(s, cmd))

    async def on_increment(cmd: Increment) -> CommandResult:
        cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
        return await service.commands.execute(repo(), cmd.counter_id, cause, lambda s: increment(s, cmd.by))

    service.command(OpenCounter, on_open)
    service.command(Increment, on_increment)
    return service
