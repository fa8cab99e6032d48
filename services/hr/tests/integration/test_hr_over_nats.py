"""The HR service over NATS: absences feed the ladder through its own durable consumer (HR-16,
SM-ABS), leave is routed, approved and filed (HR-18, HR-22, HR-26), and the queries answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
    MANAGER,
    NOW,
    OFFICE,
    SENIOR,
    SUPERVISOR,
    caught_up,
    command,
    eventually,
    hr_events,
    query,
    start_hr,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_hr(nats_server.url, nc, tmp_path / "hr.db", FixedClock(NOW))
    yield runtime
    await runtime.stop()


def absence(day: str) -> dict[str, Any]:
    return {
        "command_id": f"abs-{day}",
        "actor": SUPERVISOR,
        "employee_id": "emp-1",
        "work_date": day,
        "kind": "refused_assignment",
        "reason": "refused the reassignment",
    }


async def test_two_consecutive_absences_are_fined_and_proposed_for_dismissal_hr_16(
    service: ServiceRuntime, nc: Client
) -> None:
    for day in ("2026-03-02", "2026-03-03"):
        assert (await command(nc, "RecordAbsence", absence(day)))["ok"]
    events = await eventually(
        lambda: hr_events(nc, "AbsenceRecord", "emp-1_2026"), lambda e: "DismissalThresholdReached" in e
    )
    assert events.count("FineImposed") == 2
    reply = await command(
        nc,
        "DismissEmployee",
        {
            "command_id": "dis-1",
            "actor": MANAGER,
            "employee_id": "emp-1",
            "year": 2026,
            "effective_date": "2026-03-04",
        },
    )
    assert reply["ok"], reply
    await caught_up(service)
    ladder = await query(nc, "AbsenceLadder", {"employee_id": "emp-1", "year": 2026})
    assert ladder["fined"] == "400.00"
    assert [f["amount"] for f in ladder["fines"]] == ["100", "300"]
    assert ladder["dismissal"][0]["basis"] == "consecutive_days"
    assert ladder["dismissed"] is True


async def test_a_repeated_absence_command_is_counted_once_hr_16(service: ServiceRuntime, nc: Client) -> None:
    first = await command(nc, "RecordAbsence", absence("2026-03-02"))
    again = await command(nc, "RecordAbsence", absence("2026-03-02"))
    assert first["ok"]
    assert again["ok"]
    assert first["events"] == again["events"]
    await eventually(lambda: hr_events(nc, "AbsenceRecord", "emp-1_2026"), lambda e: len(e) >= 2)
    await caught_up(service)
    assert await hr_events(nc, "AbsenceRecord", "emp-1_2026") == ["AbsenceCounted", "FineImposed"]


async def test_leave_is_pending_with_its_routed_approver_and_a_wrong_approver_is_forbidden_hr_26(
    service: ServiceRuntime, nc: Client
) -> None:
    submit = {
        "command_id": "sub-1",
        "actor": EMPLOYEE,
        "leave_id": "lv-1",
        "employee_id": "emp-1",
        "leave_type": "personal",
        "start_date": "2026-03-03",
        "end_date": "2026-03-05",
        "reason": "moving house",
    }
    assert (await command(nc, "SubmitLeave", submit))["ok"]
    await caught_up(service)
    senior = {"approver_id": "sl-1", "approver_roles": ["senior_leader"]}
    pending = await query(nc, "LeaveRequests", senior, actor=SENIOR)
    assert [(r["leave_id"], r["days"], r["status"]) for r in pending["requests"]] == [
        ("lv-1", 3, "PendingApproval")
    ]
    direct = {"approver_id": "ds-1", "approver_roles": ["direct_supervisor"]}
    assert (await query(nc, "LeaveRequests", direct, actor=DIRECT))["requests"] == []
    wrong = await command(nc, "ApproveLeave", {"command_id": "ap-1", "actor": DIRECT, "leave_id": "lv-1"})
    assert wrong["error"]["code"] == "forbidden"
    assert wrong["error"]["rule"] == "HR-26"
    for name, body in (
        ("ApproveLeave", {"command_id": "ap-2", "actor": SENIOR, "leave_id": "lv-1"}),
        ("FileLeave", {"command_id": "file-1", "actor": OFFICE, "leave_id": "lv-1"}),
    ):
        assert (await command(nc, name, body))["ok"]
    await caught_up(service)
    decided = await query(nc, "LeaveRequests", senior, actor=SENIOR)
    assert decided["requests"] == [], "a decided request no longer waits for its approver"
    assert (await hr_events(nc, "LeaveRequest", "lv-1"))[-2:] == ["LeaveApproved", "LeaveFiled"]


async def test_leave_for_today_is_refused_with_its_rule_hr_24(service: ServiceRuntime, nc: Client) -> None:
    body = {
        "command_id": "sub-1",
        "actor": EMPLOYEE,
        "leave_id": "lv-1",
        "employee_id": "emp-1",
        "leave_type": "personal",
        "start_date": "2026-03-02",
        "end_date": "2026-03-02",
        "reason": "errand",
    }
    reply = await command(nc, "SubmitLeave", body)
    assert reply["error"]["code"] == "rule_violated"
    assert reply["error"]["rule"] == "HR-24"


async def test_an_unknown_command_is_invalid(service: ServiceRuntime, nc: Client) -> None:
    reply = await command(nc, "PublishNonsense", {"command_id": "x"})
    assert reply["error"]["code"] == "invalid"
