"""Payroll over NATS (SM-PAY; HR-16, HR-33..HR-37): an absence fined by the ladder's own consumer
and a discipline fine reach the payslip once, the period closes, the fund shows them collected,
and a replay of the payroll projection rebuilds the same payslip."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.testing.harness import request
from jetstream_es.testing.nats_server import NatsServer

from .helpers import NOW, SUPERVISOR, caught_up, command, eventually, hr_events, query, start_hr

pytestmark = pytest.mark.integration
HR = {"id": "hr-1", "roles": ["hr_dept"]}


async def test_a_month_is_calculated_closed_and_rebuilt_hr_33_hr_36_hr_37(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = await start_hr(nats_server.url, nc, tmp_path / "hr.db", clock)
    try:
        onboard = {
            "command_id": "onboard-1",
            "actor": HR,
            "employee_id": "emp-1",
            "join_date": "2026-02-01",
            "post": "sales",
            "grade": "team_member",
            "id_copy_received": True,
            "employee_file_completed": True,
            "personal": {
                "name": "李雷",
                "id_number": "310101199202021234",
                "phone": "13900000000",
                "address": "上海市",
                "bank_account": "6222000033334444",
            },
        }
        assert (await command(nc, "OnboardEmployee", onboard))["ok"]
        absence = {
            "command_id": "abs-1",
            "actor": SUPERVISOR,
            "employee_id": "emp-1",
            "work_date": "2026-03-02",
            "kind": "refused_assignment",
            "reason": "refused the reassignment",
        }
        assert (await command(nc, "RecordAbsence", absence))["ok"]
        offence = {
            "command_id": "off-1",
            "actor": SUPERVISOR,
            "employee_id": "emp-1",
            "case_id": "c1",
            "item": "3.2",
            "occurred_on": "2026-03-02",
            "description": "smoking",
        }
        assert (await command(nc, "RecordOffence", offence))["ok"]
        await eventually(lambda: hr_events(nc, "AbsenceRecord", "emp-1_2026"), lambda e: "FineImposed" in e)
        early = await command(
            nc, "CalculatePayroll", {"command_id": "pay-0", "actor": HR, "period": "2026-03"}
        )
        assert (early["ok"], early["error"]["rule"]) == (False, "HR-33")
        clock.set(datetime(2026, 4, 1, 2, 0, tzinfo=UTC))
        calc = {
            "command_id": "pay-1",
            "actor": HR,
            "period": "2026-03",
            "inputs": [{"employee_id": "emp-1", "completion": "1", "commission": "120.50"}],
        }
        reply = await command(nc, "CalculatePayroll", calc)
        assert reply["ok"], reply
        assert (await command(nc, "CalculatePayroll", calc))["events"] == reply["events"], (
            "a repeat appends nothing"
        )
        await caught_up(runtime)
        slip = await query(nc, "Payslip", {"period": "2026-03", "employee_id": "emp-1"})
        # one scheduled day (the absence) in the facts: base 2000 - 2000 absent - 100 - 50 + 500 + 120.50
        assert sorted((line["kind"], line["amount"]) for line in slip["lines"]) == [
            ("absence", "-2000.00"),
            ("base_salary", "2000.00"),
            ("commission", "120.50"),
            ("fine", "-100.00"),
            ("fine", "-50.00"),
            ("performance_pay", "500.00"),
        ]
        assert (slip["net"], slip["pay_date"]) == ("470.50", "2026-04-20")
        assert (
            await command(
                nc, "ClosePayrollPeriod", {"command_id": "close-1", "actor": HR, "period": "2026-03"}
            )
        )["ok"]
        again = await command(nc, "CalculatePayroll", calc | {"command_id": "pay-2"})
        assert (again["error"]["code"], again["error"]["rule"]) == ("rule_violated", "SM-PAY")
        await caught_up(runtime)
        fund = await query(nc, "ActivityFund", {})
        assert sorted((e["amount"], e["status"]) for e in fund["entries"]) == [
            ("100.00", "collected"),
            ("50.00", "collected"),
        ]
        replay = await request(
            nc, "hr.admin.ReplayProjection", {"projection": "hr_payroll_views", "from_seq": 1}
        )
        assert replay["ok"], replay
        rebuilt = await query(nc, "Payslip", {"period": "2026-03", "employee_id": "emp-1"})
        assert rebuilt == slip | {"period_closed": True}
        period = await query(nc, "PayrollPeriod", {"period": "2026-03"})
        assert (period["status"], period["total_payable"]) == ("closed", "470.50")
    finally:
        await runtime.stop()
