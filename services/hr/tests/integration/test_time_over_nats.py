"""Working time over NATS: a rota published and refused (HR-1, HR-3), its shifts on the attendance
days and the Rota query; overtime ordered, refused, worked and filed as comp time, the comp-time
balance and comp leave drawing it (HR-30..HR-32); an absence rescinded by sick leave applied for
afterwards reverses its fine (HR-20, HR-16)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.nats_server import NatsServer

from .helpers import (
    DIRECT,
    EMPLOYEE,
    NOW,
    OFFICE,
    SUPERVISOR,
    caught_up,
    command,
    eventually,
    hr_events,
    query,
    register,
    start_hr,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def clock() -> FixedClock:
    return FixedClock(NOW)  # 09:00 in Shanghai on Monday 2 March 2026


@pytest.fixture
async def service(
    nats_server: NatsServer, nc: Client, tmp_path: Path, clock: FixedClock
) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_hr(nats_server.url, nc, tmp_path / "hr.db", clock)
    await register(nc, "emp-1", "amy", "bob", "cat")
    yield runtime
    await runtime.stop()


def rota(command_id: str, days: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "command_id": command_id,
        "actor": SUPERVISOR,
        "rota_id": "march-w1",
        "period_start": days[0][0],
        "period_end": days[-1][0],
        "employees": ["amy", "bob", "cat"],
        "days": [{"work_date": d, "main": m, "assistant": a} for d, m, a in days],
    }


async def test_a_rota_is_validated_published_and_read_back_per_day_hr_1_hr_3(
    service: ServiceRuntime, nc: Client
) -> None:
    refused = await command(
        nc, "PublishRota", rota("r-bad", [("2026-03-03", "amy", "bob"), ("2026-03-04", "amy", "cat")])
    )
    assert (refused["ok"], refused["error"]["code"], refused["error"]["rule"]) == (
        False,
        "rule_violated",
        "HR-3",
    )
    assert "2026-03-04" in refused["error"]["message"]
    assert "amy" in refused["error"]["message"]
    assert refused["error"]["details"] == [{"rule": "HR-3", "work_date": "2026-03-04", "employees": ["amy"]}]
    assert await hr_events(nc, "Rota", "march-w1") == []
    good = rota("r-1", [("2026-03-03", "amy", "bob"), ("2026-03-04", "cat", "bob")])
    assert (await command(nc, "PublishRota", good))["ok"]
    amy = await eventually(lambda: hr_events(nc, "AttendanceDay", "amy_2026-03-04"), lambda e: len(e) == 1)
    assert amy == ["ShiftAssigned"]
    await caught_up(service)
    answer = await query(nc, "Rota", {"start_date": "2026-03-01", "end_date": "2026-03-31"})
    assert [
        (d["work_date"], d["main"], d["assistant"], d["administrative"], d["rest"]) for d in answer["days"]
    ] == [
        ("2026-03-03", "amy", "bob", ["cat"], []),
        ("2026-03-04", "cat", "bob", [], ["amy"]),
    ]


async def test_overtime_on_a_rest_day_is_filed_as_comp_time_and_drawn_by_comp_leave_hr_30_hr_31(
    service: ServiceRuntime, nc: Client, clock: FixedClock
) -> None:
    rest = {
        "command_id": "rest-1",
        "actor": SUPERVISOR,
        "employee_id": "emp-1",
        "work_date": "2026-03-07",
        "shift": "rest",
    }
    assert (await command(nc, "AssignShift", rest))["ok"]
    ordered = {
        "command_id": "ot-1",
        "actor": DIRECT,
        "overtime_id": "ot-1",
        "employee_id": "emp-1",
        "start_at": "2026-03-07T08:30:00+08:00",
        "end_at": "2026-03-07T17:30:00+08:00",
        "reason": "stock take",
    }
    assert (await command(nc, "AssignOvertime", ordered))["ok"]
    second = ordered | {
        "command_id": "ot-2",
        "overtime_id": "ot-2",
        "start_at": "2026-03-03T18:00:00+08:00",
        "end_at": "2026-03-03T20:00:00+08:00",
    }
    assert (await command(nc, "AssignOvertime", second))["ok"]
    refusal = {
        "command_id": "no-2",
        "actor": DIRECT,
        "overtime_id": "ot-2",
        "special_reason": True,
        "reason": "child ill",
    }
    assert (await command(nc, "RecordOvertimeRefusal", refusal))["ok"]
    worked = {
        "command_id": "w-1",
        "actor": DIRECT,
        "overtime_id": "ot-1",
        "started_at": "2026-03-07T08:30:00+08:00",
        "ended_at": "2026-03-07T17:00:00+08:00",
    }
    clock.set(datetime.fromisoformat("2026-03-07T17:30:00+08:00"))  # recorded after the fact (HR-30)
    assert (await command(nc, "RecordOvertimeWorked", worked))["ok"]
    clock.set(NOW)
    comp = {
        "command_id": "comp-1",
        "actor": EMPLOYEE,
        "leave_id": "comp-1",
        "employee_id": "emp-1",
        "leave_type": "comp",
        "start_date": "2026-03-09",
        "end_date": "2026-03-09",
        "reason": "comp day",
    }
    unfiled = await command(nc, "SubmitLeave", comp)
    assert (unfiled["error"]["code"], unfiled["error"]["rule"]) == ("rule_violated", "HR-31")
    assert (await command(nc, "FileCompTime", {"command_id": "f-1", "actor": OFFICE, "overtime_id": "ot-1"}))[
        "ok"
    ]
    balance = await query(nc, "CompTimeBalance", {"employee_id": "emp-1"})
    assert (balance["balance_minutes"], balance["balance_days"]) == (510, 1)
    assert (await command(nc, "SubmitLeave", comp))["ok"]
    balance = await query(nc, "CompTimeBalance", {"employee_id": "emp-1"})
    assert (balance["balance_minutes"], balance["drawn"]) == (
        0,
        [{"leave_id": "comp-1", "days": 1, "minutes": 510}],
    )
    assert await hr_events(nc, "Overtime", "ot-2") == ["OvertimeAssigned", "OvertimeRefused"]
    await caught_up(service)
    assert await hr_events(nc, "AttendanceDay", "emp-1_2026-03-03") == [], "a refusal is no absence"


async def test_sick_leave_applied_for_afterwards_reverses_the_absence_fine_hr_20_hr_16(
    service: ServiceRuntime, nc: Client, clock: FixedClock
) -> None:
    assign = {
        "command_id": "assign-1",
        "actor": SUPERVISOR,
        "employee_id": "emp-1",
        "work_date": "2026-03-02",
        "shift": "administrative",
    }
    assert (await command(nc, "AssignShift", assign))["ok"]
    await caught_up(service)
    clock.advance(timedelta(hours=9, minutes=30))
    ladder = await eventually(lambda: hr_events(nc, "AbsenceRecord", "emp-1_2026"), lambda e: len(e) >= 2)
    assert ladder == ["AbsenceCounted", "FineImposed"]
    sick = {
        "command_id": "sick-1",
        "actor": EMPLOYEE,
        "leave_id": "sick-1",
        "employee_id": "emp-1",
        "leave_type": "sick",
        "start_date": "2026-03-02",
        "end_date": "2026-03-02",
        "reason": "fever",
    }
    assert (await command(nc, "SubmitLeave", sick))["ok"]
    assert (await command(nc, "ApproveLeave", {"command_id": "ap-1", "actor": DIRECT, "leave_id": "sick-1"}))[
        "ok"
    ]
    ladder = await eventually(lambda: hr_events(nc, "AbsenceRecord", "emp-1_2026"), lambda e: len(e) >= 4)
    assert ladder[2:] == ["AbsenceUncounted", "FineReversed"]
    await caught_up(service)
    answer = await query(nc, "AbsenceLadder", {"employee_id": "emp-1", "year": 2026})
    assert (answer["absences"], answer["fined"], answer["days"]) == ([], "0.00", "0")
    assert [r["work_date"] for r in answer["rescinded"]] == ["2026-03-02"]
