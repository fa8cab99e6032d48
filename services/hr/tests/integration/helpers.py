"""The HR service started through `bootstrap.build` against a real nats-server, and the helpers its
integration tests share: request/reply, stream reads, polling."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from nats.aio.client import Client

from hr.bootstrap import HrSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import ask, caught_up, eventually, send_command
from jetstream_es.testing.identity import session_identity


async def command(nc: Client, name: str, body: dict[str, Any] | bytes) -> dict[str, Any]:
    return await send_command(nc, "hr", name, body)


async def query(nc: Client, name: str, body: dict[str, Any], actor: dict[str, Any] | None = None) -> Any:
    """Asked as `actor` (default: the test reader, who holds every role)."""
    return await ask(nc, "hr", name, body, actor=actor)


T = TypeVar("T")
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SUPERVISOR = {"id": "sup-1", "roles": ["ecom_supervisor"]}
MANAGER = {"id": "mgr-1", "roles": ["dept_manager"]}
EMPLOYEE = {"id": "emp-1", "roles": []}
DIRECT = {"id": "ds-1", "roles": ["direct_supervisor"]}
SENIOR = {"id": "sl-1", "roles": ["senior_leader"]}
OFFICE = {"id": "off-1", "roles": ["office"]}


async def start_hr(url: str, nc: Client, db: Path, clock: FixedClock, **settings: Any) -> ServiceRuntime:
    runtime = build(
        RuntimeSettings(nats_url=url, connect_timeout=2, **session_identity().settings()),
        HrSettings(database_url=f"sqlite+aiosqlite:///{db}", **settings),
        clock=clock,
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))
    await runtime.start()
    return runtime


async def register(nc: Client, *employees: str, join: str = "2026-01-01") -> None:
    """Onboard each employee and record the safety exam passed on the join date: only employees on
    the register, trained, work a shift or stand in a rota (DIS-13)."""
    hr = {"id": "hr-1", "roles": ["hr_dept"]}
    personal = {
        "name": "王小明",
        "id_number": "310101199001011234",
        "phone": "13800000000",
        "address": "上海市浦东新区",
        "bank_account": "6222000011112222",
    }
    for employee in employees:
        onboard = {
            "command_id": f"register-{employee}",
            "actor": hr,
            "employee_id": employee,
            "join_date": join,
            "post": "customer service",
            "grade": "team_member",
            "id_copy_received": True,
            "employee_file_completed": True,
            "personal": personal,
        }
        reply = await command(nc, "OnboardEmployee", onboard)
        assert reply["ok"], reply
        exam = {
            "command_id": f"register-exam-{employee}",
            "actor": hr,
            "employee_id": employee,
            "passed": True,
            "taken_on": join,
            "score": 95,
        }
        reply = await command(nc, "RecordSafetyTrainingResult", exam)
        assert reply["ok"], reply


async def hr_events(nc: Client, aggregate: str, aggregate_id: str) -> list[str]:
    store = JetStreamEventStore(nc, "hr")
    try:
        return [e.event_type for e in await store.read(aggregate, aggregate_id)]
    finally:
        await store.close()


__all__ = ["caught_up", "eventually"]
