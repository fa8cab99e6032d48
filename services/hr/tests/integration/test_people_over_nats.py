"""Employees over NATS (HR-38, DIS-7, DIS-13): onboarding with sealed personal data, the safety
gate flagged by its own durable consumer, resignation with short notice, discipline with an
appeal, and the erasure of personal data surviving a replay of the people projection."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import request
from jetstream_es.testing.nats_server import NatsServer

from .helpers import EMPLOYEE, NOW, SUPERVISOR, caught_up, command, eventually, hr_events, query, start_hr

pytestmark = pytest.mark.integration
HR = {"id": "hr-1", "roles": ["hr_dept"]}
PERSONAL = {
    "name": "王小明",
    "id_number": "310101199001011234",
    "phone": "13800000000",
    "address": "上海市浦东新区",
    "bank_account": "6222000011112222",
}


def onboarding(employee: str = "emp-1", join: str = "2026-03-01") -> dict[str, Any]:
    return {
        "command_id": f"onboard-{employee}",
        "actor": HR,
        "employee_id": employee,
        "join_date": join,
        "post": "customer service",
        "grade": "team_member",
        "id_copy_received": True,
        "employee_file_completed": True,
        "personal": PERSONAL,
    }


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_hr(nats_server.url, nc, tmp_path / "hr.db", FixedClock(NOW))
    yield runtime
    await runtime.stop()


async def raw_stream(nc: Client, aggregate: str, aggregate_id: str) -> str:
    store = JetStreamEventStore(nc, "hr")
    try:
        return json.dumps(
            [e.envelope.model_dump(mode="json") for e in await store.read(aggregate, aggregate_id)]
        )
    finally:
        await store.close()


async def test_onboarding_seals_personal_data_and_erasure_survives_a_replay_hr_38(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await command(nc, "OnboardEmployee", onboarding())
    assert reply["ok"], reply
    stored = await raw_stream(nc, "Employee", "emp-1")
    assert "310101199001011234" not in stored
    assert "王小明" not in stored
    await caught_up(service)
    view = await query(nc, "Employee", {"employee_id": "emp-1"})
    assert view["personal"]["bank_account"] == "6222000011112222"
    assert view["base_salary"] == "2000"
    erase = {"command_id": "erase-1", "actor": HR, "employee_id": "emp-1", "reason": "asked on leaving"}
    assert (await command(nc, "EraseEmployeePersonalData", erase))["ok"]
    await caught_up(service)
    assert (await query(nc, "Employee", {"employee_id": "emp-1"}))["personal"] == "erased"
    replay = await request(nc, "hr.admin.ReplayProjection", {"projection": "hr_people_views", "from_seq": 1})
    assert replay["ok"], replay
    view = await query(nc, "Employee", {"employee_id": "emp-1"})
    assert view["personal"] == "erased"
    assert view["post"] == "customer service"


async def test_no_working_shift_before_the_safety_exam_dis_13(service: ServiceRuntime, nc: Client) -> None:
    assert (await command(nc, "OnboardEmployee", onboarding()))["ok"]
    assign = {
        "command_id": "assign-1",
        "actor": SUPERVISOR,
        "employee_id": "emp-1",
        "work_date": "2026-03-03",
        "shift": "administrative",
    }
    refused = await command(nc, "AssignShift", assign)
    assert (refused["ok"], refused["error"]["code"], refused["error"]["rule"]) == (
        False,
        "rule_violated",
        "DIS-13",
    )
    training = {
        "command_id": "training-1",
        "actor": HR,
        "employee_id": "emp-1",
        "passed": True,
        "taken_on": "2026-03-02",
    }
    assert (await command(nc, "RecordSafetyTrainingResult", training))["ok"]
    assert (await command(nc, "AssignShift", assign | {"command_id": "assign-2"}))["ok"]
    events = await eventually(lambda: hr_events(nc, "Employee", "emp-1"), lambda e: len(e) >= 2)
    assert events == ["EmployeeOnboarded", "SafetyTrainingPassed"], "nothing to flag: the gate held"


async def test_short_notice_blocks_the_final_settlement_and_is_refused_for_others_dis_7(
    service: ServiceRuntime, nc: Client
) -> None:
    assert (await command(nc, "OnboardEmployee", onboarding()))["ok"]
    resign = {
        "command_id": "resign-1",
        "actor": EMPLOYEE,
        "employee_id": "emp-1",
        "effective_date": "2026-03-20",
    }
    refused = await command(nc, "SubmitResignation", resign | {"actor": HR, "command_id": "resign-0"})
    assert refused["error"]["code"] == "forbidden"
    assert refused["error"]["rule"] == "DIS-7"
    assert (await command(nc, "SubmitResignation", resign))["ok"]
    await caught_up(service)
    view = await query(nc, "Employee", {"employee_id": "emp-1"})
    assert view["resignation"]["final_settlement_blocked"] is True
    assert view["resignation"]["required_from"] == "2026-04-02"


async def test_an_offence_is_fined_appealed_and_overturned_dis_3_dis_10(
    service: ServiceRuntime, nc: Client
) -> None:
    offence = {
        "command_id": "off-1",
        "actor": SUPERVISOR,
        "employee_id": "emp-1",
        "case_id": "c1",
        "item": "3.2",
        "occurred_on": "2026-03-02",
        "description": "smoking in the warehouse",
    }
    assert (await command(nc, "RecordOffence", offence))["ok"]
    unknown = await command(
        nc, "RecordOffence", offence | {"command_id": "off-2", "case_id": "c2", "item": "7.7"}
    )
    assert (unknown["error"]["code"], unknown["error"]["rule"]) == ("invalid", "DIS-5")
    appeal = {
        "command_id": "ap-1",
        "actor": EMPLOYEE,
        "employee_id": "emp-1",
        "case_id": "c1",
        "grounds": "outside",
    }
    assert (await command(nc, "AppealPenalty", appeal))["ok"]
    decide = {
        "command_id": "de-1",
        "actor": HR,
        "employee_id": "emp-1",
        "case_id": "c1",
        "upheld": False,
        "note": "ok",
    }
    assert (await command(nc, "DecideAppeal", decide))["ok"]
    await caught_up(service)
    record = await query(nc, "DisciplineRecord", {"employee_id": "emp-1"})
    assert record["cases"][0]["fine"] == {
        "amount": "50",
        "fund": "public_activity",
        "rule": "DIS-3",
        "cancelled": True,
    }
    assert record["fined"] == "0.00"
    fund = await query(nc, "ActivityFund", {"employee_id": "emp-1"})
    assert [e["status"] for e in fund["entries"]] == ["reversed"]


async def test_hr_lists_the_names_and_the_accounts_administrator_only_ids_and_posts_hr_38(
    service: ServiceRuntime, nc: Client
) -> None:
    for employee in ("emp-1", "emp-2"):
        assert (await command(nc, "OnboardEmployee", onboarding(employee)))["ok"]
    await caught_up(service)
    listed = await query(nc, "ListEmployees", {"status": "active", "limit": 1}, actor=HR)
    assert listed["total"] == 2
    assert [(e["employee_id"], e["name"]) for e in listed["employees"]] == [("emp-1", "王小明")]
    admin = {"id": "adm-1", "roles": ["identity_admin"]}
    withheld = await query(nc, "ListEmployees", {}, actor=admin)
    assert withheld["personal"] == "withheld"
    assert [e["employee_id"] for e in withheld["employees"]] == ["emp-1", "emp-2"]
    assert "王小明" not in json.dumps(withheld)
    refused = await request(nc, "hr.queries.ListEmployees", {}, actor=EMPLOYEE)
    assert (refused["ok"], refused["error"]["code"], refused["error"]["rule"]) == (
        False,
        "forbidden",
        "HR-38",
    )
