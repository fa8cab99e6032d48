"""The HR service started through `bootstrap.build` against a real nats-server, and the helpers its
integration tests share: request/reply, stream reads, polling."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from nats.aio.client import Client

from hr.bootstrap import SPEC, HrSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import ask, caught_up, eventually, send_command


async def command(nc: Client, name: str, body: dict[str, Any] | bytes) -> dict[str, Any]:
    return await send_command(nc, "hr", name, body)


async def query(nc: Client, name: str, body: dict[str, Any]) -> Any:
    return await ask(nc, "hr", name, body)


T = TypeVar("T")
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SUPERVISOR = {"id": "sup-1", "roles": ["ecom_supervisor"]}
MANAGER = {"id": "mgr-1", "roles": ["dept_manager"]}
EMPLOYEE = {"id": "emp-1", "roles": []}
DIRECT = {"id": "ds-1", "roles": ["direct_supervisor"]}
SENIOR = {"id": "sl-1", "roles": ["senior_leader"]}
OFFICE = {"id": "off-1", "roles": ["office"]}


async def start_hr(url: str, nc: Client, db: Path, clock: FixedClock, **settings: Any) -> ServiceRuntime:
    await provision(nc, shop_streams(), list(SPEC.consumers))
    runtime = build(
        RuntimeSettings(nats_url=url, connect_timeout=2),
        HrSettings(database_url=f"sqlite+aiosqlite:///{db}", **settings),
        clock=clock,
    )
    await runtime.start()
    return runtime


async def hr_events(nc: Client, aggregate: str, aggregate_id: str) -> list[str]:
    store = JetStreamEventStore(nc, "hr")
    try:
        return [e.event_type for e in await store.read(aggregate, aggregate_id)]
    finally:
        await store.close()


__all__ = ["caught_up", "eventually"]
