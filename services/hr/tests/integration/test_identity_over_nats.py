"""Who may read HR's payroll and personal data, and act as HR, against a real nats-server
(decision 0009, issue 17 deliverable 6): a payroll period is `hr_dept`'s only (HR-33); a payslip
(HR-36) and an attendance month (HR-6) are the employee's own or HR's; an employee's personal data
(HR-38) is HR's and the employee's, their line reads the record without it; a token whose roles
lack a command's role, or a body claiming another actor, appends nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import request
from jetstream_es.testing.nats_server import NatsServer

from .helpers import EMPLOYEE, NOW, SUPERVISOR, caught_up, command, hr_events, register, start_hr

pytestmark = pytest.mark.integration
HR = {"id": "hr-1", "roles": ["hr_dept"]}
OWNER = {"id": "emp-1", "roles": []}
COLLEAGUE = {"id": "emp-2", "roles": []}


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_hr(nats_server.url, nc, tmp_path / "hr.db", FixedClock(NOW))
    yield runtime
    await runtime.stop()


async def ask(nc: Client, name: str, body: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
    return await request(nc, f"hr.queries.{name}", body, actor=actor)


def forbidden(reply: dict[str, Any], reason: str, rule: str) -> None:
    assert reply["ok"] is False, reply
    assert reply["error"]["code"] == "forbidden", reply
    assert reply["error"]["rule"] == rule, reply
    assert reply["error"]["details"][0]["reason"] == reason, reply


async def test_the_payroll_period_is_read_by_hr_only_hr_33(service: ServiceRuntime, nc: Client) -> None:
    for reader in (SUPERVISOR, OWNER, {"id": "cash-1", "roles": ["cashier"]}):
        forbidden(
            await ask(nc, "PayrollPeriod", {"period": "2026-03"}, reader), "read_role_required", "HR-33"
        )
    assert (await ask(nc, "PayrollPeriod", {"period": "2026-03"}, HR))["ok"]


async def test_a_payslip_is_the_employees_own_or_hrs_hr_36(service: ServiceRuntime, nc: Client) -> None:
    slip = {"period": "2026-03", "employee_id": "emp-1"}
    forbidden(await ask(nc, "Payslip", slip, COLLEAGUE), "not_own_data", "HR-36")
    forbidden(await ask(nc, "Payslip", slip, SUPERVISOR), "not_own_data", "HR-36")
    # the owner and HR pass the check: there is no payslip yet, so the answer is not_found
    assert (await ask(nc, "Payslip", slip, OWNER))["error"]["code"] == "not_found"
    assert (await ask(nc, "Payslip", slip, HR))["error"]["code"] == "not_found"


async def test_an_attendance_month_is_the_employees_own_or_hrs_hr_6(
    service: ServiceRuntime, nc: Client
) -> None:
    month = {"employee_id": "emp-1", "month": "2026-03"}
    forbidden(await ask(nc, "AttendanceMonth", month, COLLEAGUE), "not_own_data", "HR-6")
    assert (await ask(nc, "AttendanceMonth", month, OWNER))["ok"]
    assert (await ask(nc, "AttendanceMonth", month, HR))["ok"]


async def test_personal_data_is_read_by_hr_and_the_employee_only_hr_38(
    service: ServiceRuntime, nc: Client
) -> None:
    await register(nc, "emp-1")
    await caught_up(service)
    record = {"employee_id": "emp-1"}
    forbidden(await ask(nc, "Employee", record, COLLEAGUE), "not_own_data", "HR-38")
    line = await ask(nc, "Employee", record, SUPERVISOR)
    assert line["ok"], line
    assert line["result"]["personal"] == "withheld"
    assert line["result"]["post"] == "customer service"
    for reader in (HR, OWNER):
        whole = await ask(nc, "Employee", record, reader)
        assert whole["result"]["personal"]["id_number"] == "310101199001011234"


async def test_a_token_without_the_commands_role_is_forbidden_and_appends_nothing_hr_38(
    service: ServiceRuntime, nc: Client
) -> None:
    onboard = {
        "command_id": "onboard-emp-9",
        "employee_id": "emp-9",
        "join_date": "2026-03-01",
        "post": "customer service",
        "grade": "team_member",
        "id_copy_received": True,
        "employee_file_completed": True,
        "personal": {
            "name": "李雷",
            "id_number": "310101199001019999",
            "phone": "13900000000",
            "address": "上海市",
            "bank_account": "6222000099990000",
        },
    }
    reply = await command(nc, "OnboardEmployee", onboard | {"actor": EMPLOYEE})
    assert reply["error"]["code"] == "forbidden", reply
    assert reply["error"]["rule"] == "HR-38"
    claimed = await request(nc, "hr.commands.OnboardEmployee", onboard | {"actor": HR}, actor=EMPLOYEE)
    assert claimed["error"]["details"] == [{"reason": "body_actor_mismatch"}], claimed
    assert await hr_events(nc, "Employee", "emp-9") == []
