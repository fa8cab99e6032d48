"""Helpers for services' integration tests: another service's events, waiting, polling."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from nats.aio.client import Client

from jetstream_es.service import ServiceRuntime
from shop_contracts.envelope import SYSTEM_ACTOR, EventEnvelope
from shop_contracts.messages import EventData
from shop_contracts.subjects import EVENT_TYPE_HEADER, MSG_ID_HEADER, event_subject

T = TypeVar("T")
_deliveries = itertools.count()


async def publish_event(
    nc: Client,
    service: str,
    aggregate: str,
    aggregate_id: str,
    data: EventData,
    event_id: str,
    *,
    occurred_at: datetime,
    version: int = 1,
) -> None:
    """An event as `service`'s event store would publish it. Publishing the same `event_id` twice
    stores two messages (a distinct Msg-Id each): that is how tests play a redelivery."""
    envelope = EventEnvelope(
        event_id=event_id,
        event_type=data.event_type,
        schema_version=data.schema_version,
        aggregate_type=aggregate,
        aggregate_id=aggregate_id,
        version=version,
        occurred_at=occurred_at,
        actor=SYSTEM_ACTOR,
        correlation_id=event_id,
        causation_id=event_id,
        data=data.model_dump(mode="json"),
    )
    await nc.jetstream().publish(
        event_subject(service, aggregate, aggregate_id),
        envelope.model_dump_json().encode(),
        headers={EVENT_TYPE_HEADER: data.event_type, MSG_ID_HEADER: f"{event_id}-{next(_deliveries)}"},
    )


async def caught_up(runtime: ServiceRuntime) -> None:
    """Every projection and reaction of the service has applied and acked all it was sent."""
    for runner in runtime.runners:
        await runner.wait_caught_up()


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], within: float = 10.0
) -> T:
    """Poll `probe` until `accept` holds for its value (bounded by `within` seconds)."""
    async with asyncio.timeout(within):
        while True:
            value = await probe()
            if accept(value):
                return value
            await asyncio.sleep(0.05)
