"""The Aftersales service started through `bootstrap.build` against a real nats-server, and the
helpers its integration tests share: request/reply, foreign events, waiting for projections."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from nats.aio.client import Client

from aftersales.bootstrap import AftersalesSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import ask, caught_up, eventually, publish_event, request, send_command
from jetstream_es.testing.identity import session_identity
from shop_contracts.messages import EventData

T = TypeVar("T")
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
BUYER = {"id": "buyer-9", "roles": ["buyer"]}
SUPERVISOR = {"id": "sup-1", "roles": ["dept_supervisor"]}
CLERK = {"id": "clerk-1", "roles": ["order_clerk"]}
CS = {"id": "as-1", "roles": ["aftersales_cs"]}


async def start_aftersales(url: str, nc: Client, db: Path, clock: FixedClock) -> ServiceRuntime:
    runtime = build(
        RuntimeSettings(nats_url=url, connect_timeout=2, **session_identity().settings()),
        AftersalesSettings(database_url=f"sqlite+aiosqlite:///{db}"),
        clock=clock,
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))  # from the catalogue (0007)
    await runtime.start()
    return runtime


async def command(nc: Client, name: str, body: dict[str, Any] | bytes) -> dict[str, Any]:
    return await send_command(nc, "aftersales", name, body)


async def query(nc: Client, name: str, body: dict[str, Any]) -> Any:
    return await ask(nc, "aftersales", name, body)


async def publish_foreign(
    nc: Client, service: str, aggregate: str, aggregate_id: str, data: EventData, event_id: str
) -> None:
    """Another service's event, as its event store would publish it."""
    await publish_event(nc, service, aggregate, aggregate_id, data, event_id, occurred_at=NOW)


__all__ = ["caught_up", "eventually", "request"]
