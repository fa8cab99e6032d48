"""Helpers for services' integration tests: requests, another service's events, waiting, polling.

Every request is signed with the session's test identity (decision 0009, `testing.identity`): as
the actor its body names, or `actor=` (queries name none: `READER`, who holds every role, unless
the test names one). `signed=False` sends none, `token=` a token of the test's own making."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from nats.aio.client import Client

from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.identity import READER, actor_of, session_identity
from shop_contracts.envelope import SYSTEM_ACTOR, Actor, EventEnvelope
from shop_contracts.headers import Header
from shop_contracts.messages import EventData
from shop_contracts.subjects import (
    command_subject,
    event_subject,
    query_subject,
)

T = TypeVar("T")
_deliveries = itertools.count()


ActorLike = Actor | dict[str, Any]


def _actor(actor: ActorLike | None, body: dict[str, Any] | bytes) -> Actor:
    if isinstance(actor, Actor):
        return actor
    if actor is not None:
        return Actor.model_validate(actor)
    return actor_of(body) or READER


async def request(
    nc: Client,
    subject: str,
    body: dict[str, Any] | bytes,
    *,
    actor: ActorLike | None = None,
    signed: bool = True,
    token: str | None = None,
) -> dict[str, Any]:
    """The JSON reply to `body` (a dict, or raw bytes to send malformed input), signed as `actor`
    (default: the body's actor, else `READER`); `token` sends that token instead, `signed=False` none."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers: dict[str, str] | None = None
    if token is not None:
        headers = {Header.ACTOR_TOKEN: token}
    elif signed:
        headers = session_identity().headers(_actor(actor, body), subject, payload)
    reply = await nc.request(subject, payload, timeout=10, headers=headers)
    result: dict[str, Any] = json.loads(reply.data)
    return result


async def send_command(
    nc: Client, service: str, name: str, body: dict[str, Any] | bytes, **signing: Any
) -> dict[str, Any]:
    """The whole reply of `service`'s command `name`: success or error alike (signed as `request`)."""
    return await request(nc, command_subject(service, name), body, **signing)


async def ask(
    nc: Client, service: str, name: str, body: dict[str, Any], *, actor: ActorLike | None = None
) -> Any:
    """The result of `service`'s query `name` asked by `actor` (default `READER`); a failed reply
    fails the test."""
    reply = await request(nc, query_subject(service, name), body, actor=actor)
    assert reply["ok"], reply
    return reply["result"]


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
        headers={Header.EVENT_TYPE: data.event_type, Header.MSG_ID: f"{event_id}-{next(_deliveries)}"},
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
