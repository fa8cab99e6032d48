"""The duty rota over NATS (DUTY-1..DUTY-3, AS-22, C4): HR learns who is customer service from
identity's role events, the customer-service supervisor publishes a weekend rota (refused for
someone without a customer-service role, appending nothing) and designates the duty manager, and
WhoIsOnDuty answers who covers customer service on Saturday morning and Saturday evening, and why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import publish_event
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.identity import RoleGranted

from .helpers import NOW, caught_up, command, eventually, hr_events, query, register, start_hr

pytestmark = pytest.mark.integration
CS_HEAD = {"id": "cs-head", "roles": ["cs_supervisor"]}


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_hr(nats_server.url, nc, tmp_path / "hr.db", FixedClock(NOW))
    await register(nc, "amy", "bob")
    for person in ("amy", "bob"):
        granted = RoleGranted(
            person_id=person, role="aftersales_cs", reason="joins", granted_by="gm-1", at=NOW
        )
        await publish_event(nc, "identity", "RoleHolder", person, granted, f"grant-{person}", occurred_at=NOW)
    yield runtime
    await runtime.stop()


async def test_a_weekend_rota_over_nats_answers_who_is_on_duty_duty_2_duty_3_as_22(
    service: ServiceRuntime, nc: Client
) -> None:
    await caught_up(service)
    refused = await command(
        nc,
        "PublishWeekendCsRota",
        {
            "command_id": "wk-bad",
            "actor": CS_HEAD,
            "saturday": "2026-03-07",
            "saturday_staff": ["amy"],
            "sunday_staff": ["cat"],
        },
    )
    assert not refused["ok"]
    assert refused["error"]["rule"] == "DUTY-2", refused
    assert "cat is not back-office customer-service staff" in refused["error"]["message"]
    assert await hr_events(nc, "DutyRota", "weekend-2026-03-07") == []
    rota = {
        "command_id": "wk-1",
        "actor": CS_HEAD,
        "saturday": "2026-03-07",
        "saturday_staff": ["bob"],
        "sunday_staff": ["amy"],
    }
    assert (await command(nc, "PublishWeekendCsRota", rota))["ok"]
    designation = {
        "command_id": "dm-1",
        "actor": CS_HEAD,
        "designation_id": "march-w1",
        "manager_id": "amy",
        "start_date": "2026-03-02",
        "end_date": "2026-03-08",
    }
    assert (await command(nc, "DesignateDutyManager", designation))["ok"]

    async def saturday_morning() -> Any:
        await caught_up(service)
        return await query(nc, "WhoIsOnDuty", {"at": datetime(2026, 3, 7, 2, 0, tzinfo=UTC).isoformat()})

    morning = await eventually(saturday_morning, lambda r: r["customer_service"]["basis"] == "weekend_rota")
    assert morning["customer_service"]["assigned_to"] == "bob"  # 10:00 in Shanghai
    evening = await query(nc, "WhoIsOnDuty", {"at": datetime(2026, 3, 7, 11, 0, tzinfo=UTC).isoformat()})
    assert evening["customer_service"]["basis"] == "duty_manager"  # 19:00 in Shanghai
    assert evening["customer_service"]["assigned_to"] == "amy"
    assert "outside online hours 08:50-18:10" in evening["customer_service"]["reason"]
    week = await query(nc, "DutyRota", {"week_start": "2026-03-02"})
    assert [d["duty_manager"] for d in week["days"]] == ["amy"] * 7
