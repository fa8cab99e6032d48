"""The identity service over a real nats-server with real tokens (issue 17, decision 0009): grants
by their grantors (IDN-1), refusals that append nothing, HR's offboarding revoking every role
right away (IDN-5), and who reads RolesOf and ListGrants (IDN-6)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from identity.bootstrap import IdentitySettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import caught_up, eventually, publish_event, request, send_command
from jetstream_es.testing.identity import session_identity
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.hr_people import EmployeeOffboarded, SeparationReason
from shop_contracts.subjects import query_subject

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SETUP = {"id": "shop-setup", "roles": ["identity_admin"]}
ADMIN = {"id": "e-admin", "roles": ["identity_admin"]}
SUPERVISOR = {"id": "e-sup", "roles": ["dept_supervisor"]}
ISSUER = {"id": "shop-issuer", "roles": ["identity_issuer"]}
CLERK = {"id": "e-clerk", "roles": ["order_clerk"]}


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = build(
        RuntimeSettings(nats_url=nats_server.url, connect_timeout=2, **session_identity().settings()),
        IdentitySettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'identity.db'}"),
        clock=FixedClock(NOW),
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))  # from the catalogue (0007)
    await runtime.start()
    yield runtime
    await runtime.stop()


async def grant(nc: Client, cid: str, person: str, role: str, by: dict[str, Any]) -> dict[str, Any]:
    body = {"command_id": cid, "actor": by, "person_id": person, "role": role, "reason": "joins the team"}
    return await send_command(nc, "identity", "GrantRole", body)


async def ask(nc: Client, name: str, body: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
    return await request(nc, query_subject("identity", name), body, actor=actor)


async def types(nc: Client, person: str) -> list[str]:
    store = JetStreamEventStore(nc, "identity")
    try:
        return [e.event_type for e in await store.read("RoleHolder", person)]
    finally:
        await store.close()


async def test_idn7_setup_grants_the_admin_who_grants_staff_and_roles_of_answers_them(
    service: ServiceRuntime, nc: Client
) -> None:
    assert (await grant(nc, "g-1", "e-admin", "identity_admin", SETUP))["ok"]
    assert (await grant(nc, "g-2", "e-sup", "dept_supervisor", ADMIN))["ok"]
    assert (await grant(nc, "g-3", "e-1", "sales_staff", SUPERVISOR))["ok"]
    reply = await ask(nc, "RolesOf", {"person_id": "e-1"}, ISSUER)
    assert reply["ok"], reply
    assert reply["result"]["roles"] == ["sales_staff"]
    assert reply["result"]["grants"][0]["granted_by"] == "e-sup"


async def test_idn1_a_grant_by_someone_not_allowed_is_forbidden_and_appends_nothing(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await grant(nc, "g-1", "e-1", "hr_dept", SUPERVISOR)
    assert not reply["ok"]
    assert (reply["error"]["code"], reply["error"]["rule"]) == ("forbidden", "IDN-1")
    assert await types(nc, "e-1") == []


async def test_idn1_a_body_actor_the_token_does_not_prove_is_forbidden(
    service: ServiceRuntime, nc: Client
) -> None:
    body = {"command_id": "g-1", "actor": ADMIN, "person_id": "e-1", "role": "hr_dept", "reason": "x"}
    reply = await send_command(nc, "identity", "GrantRole", body, actor=CLERK)
    assert reply["error"]["code"] == "forbidden", reply
    assert await types(nc, "e-1") == []


async def test_idn5_offboarding_revokes_every_role_and_roles_of_answers_none_right_after(
    service: ServiceRuntime, nc: Client
) -> None:
    assert (await grant(nc, "g-1", "e-1", "sales_staff", SUPERVISOR))["ok"]
    assert (await grant(nc, "g-2", "e-1", "order_clerk", SUPERVISOR))["ok"]
    left = EmployeeOffboarded(
        employee_id="e-1",
        effective_date=date(2026, 12, 1),
        reason=SeparationReason.DISMISSED,
        final_settlement_blocked=True,
        offboarded_by="e-hr",
    )
    await publish_event(nc, "hr", "Employee", "e-1", left, "hr-ev-1", occurred_at=NOW)
    await publish_event(nc, "hr", "Employee", "e-1", left, "hr-ev-1", occurred_at=NOW)  # redelivered
    await eventually(lambda: types(nc, "e-1"), lambda t: t.count("RoleRevoked") >= 2)
    await caught_up(service)
    assert await types(nc, "e-1") == ["RoleGranted", "RoleGranted", "RoleRevoked", "RoleRevoked"]
    reply = await ask(nc, "RolesOf", {"person_id": "e-1"}, ISSUER)
    assert reply["result"]["roles"] == []
    history = await ask(nc, "ListGrants", {"person_id": "e-1"}, {"id": "e-hr", "roles": ["hr_dept"]})
    assert history["ok"], history
    rows = history["result"]["grants"]
    assert [(r["action"], r["cause"]) for r in rows] == [
        ("granted", None),
        ("granted", None),
        ("revoked", "offboarded"),
        ("revoked", "offboarded"),
    ]
    assert history["result"]["total"] == 4


async def test_idn6_anyone_else_reading_roles_or_the_history_is_forbidden(
    service: ServiceRuntime, nc: Client
) -> None:
    roles = await ask(nc, "RolesOf", {"person_id": "e-1"}, CLERK)
    assert (roles["error"]["code"], roles["error"]["rule"]) == ("forbidden", "IDN-6")
    own = await ask(nc, "RolesOf", {"person_id": "e-clerk"}, CLERK)
    assert own["ok"], own
    history = await ask(nc, "ListGrants", {}, SUPERVISOR)
    assert history["error"]["code"] == "forbidden", history
