"""Cross-service flows of issue 10 for the staff, on the whole shop (real processes, simulation
clock, public commands only):

4. An employee without leave misses two days (HR-12, HR-16): AbsenceRecorded twice, fines of 100
   and 300, the dismissal threshold reached; the fines on the month's payslip and in the activity
   fund (HR-37).
5. Four days of sick leave with a certificate, approved by the senior leader (HR-21, HR-22): the
   unpaid days on the payslip (HR-19, HR-36).
The clock only moves forward, so the flows run in file order within one shop.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from shopdemo.client import Refused, ShopClient, SimClock
from shopdemo.flows import assign_shift, calculate_payroll, clock_in, clock_out, onboard
from shopdemo.staff import DIRECT_SUPERVISOR, HR_DEPT, OFFICE, SENIOR_LEADER, Actor

from .conftest import SHANGHAI

pytestmark = pytest.mark.integration

JOINED = dt.date(2026, 10, 1)


def at(day: dt.date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


async def work_or_miss(
    client: ShopClient, clock: SimClock, employee_id: str, day: dt.date, works: bool
) -> None:
    """One administrative day (08:30-18:00, HR-2): clocked in and out, or not at all; the end-of-day
    evaluation runs at the shift end plus its grace (SM-DAY)."""
    if works:
        await clock.set(at(day, 8, 20))
        await clock_in(client, clock, employee_id, at(day, 8, 20))
        await clock.set(at(day, 18, 5))
        await clock_out(client, clock, employee_id, at(day, 18, 5))
    await clock.set(at(day, 18, 31))
    await client.quiesce(["hr"])


async def on_payroll(client: ShopClient, *employee_ids: str) -> tuple[str, ...]:
    """Those of `employee_ids` on the register: HR-40 needs a plan completion for each of them."""
    found = []
    for employee_id in employee_ids:
        try:
            await client.query("hr", "Employee", {"employee_id": employee_id}, actor=HR_DEPT)
        except Refused:
            continue
        found.append(employee_id)
    return tuple(found)


def lines_of(payslip: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [line for line in payslip["lines"] if line["kind"] == kind]


async def test_4_two_missed_days_fine_100_and_300_reach_dismissal_and_the_payslip(
    client: ShopClient, clock: SimClock
) -> None:
    await clock.set(at(dt.date(2026, 11, 2), 7))
    await onboard(client, "emp-e2e-a", "李四", JOINED)
    days = [dt.date(2026, 11, d) for d in range(2, 7)]
    for day in days:
        await assign_shift(client, "emp-e2e-a", day)
    for day in days:
        await work_or_miss(client, clock, "emp-e2e-a", day, works=day.day not in (3, 4))

    ladder = await client.query("hr", "AbsenceLadder", {"employee_id": "emp-e2e-a", "year": 2026})
    assert [a["work_date"] for a in ladder["absences"]] == ["2026-11-03", "2026-11-04"]
    assert [Decimal(f["amount"]) for f in ladder["fines"]] == [100, 300]
    assert [(p["basis"], p["decision"]) for p in ladder["dismissal"]] == [("consecutive_days", "pending")]

    await clock.set(at(dt.date(2026, 12, 1), 9))
    await calculate_payroll(client, "2026-11", ("emp-e2e-a",))
    await client.quiesce(["hr"])
    payslip = await client.query(
        "hr", "Payslip", {"period": "2026-11", "employee_id": "emp-e2e-a"}, actor=HR_DEPT
    )
    assert sorted(Decimal(line["amount"]) for line in lines_of(payslip, "fine")) == [-300, -100]
    fund = await client.query("hr", "ActivityFund", {"employee_id": "emp-e2e-a"})
    # HR-37: credited and deducted, but in the fund only once November's payroll is closed
    assert (Decimal(fund["credited"]), Decimal(fund["outstanding"]), Decimal(fund["balance"])) == (
        400,
        400,
        0,
    )


async def test_5_four_sick_days_with_a_certificate_approved_by_the_senior_leader_are_unpaid(
    client: ShopClient, clock: SimClock
) -> None:
    await clock.set(at(dt.date(2026, 12, 1), 10))
    await onboard(client, "emp-e2e-b", "王五", JOINED)
    employee = Actor("emp-e2e-b", ("employee",))
    leave = {
        "leave_id": "leave-e2e-b",
        "employee_id": "emp-e2e-b",
        "leave_type": "sick",
        "start_date": "2026-12-07",
        "end_date": "2026-12-10",
        "reason": "住院",
    }
    await client.send("hr", "SubmitLeave", leave, actor=employee)
    await client.send(
        "hr",
        "AttachMedicalCertificate",
        {"leave_id": "leave-e2e-b", "certificate_ref": "醫院證明-1207"},
        actor=employee,
    )
    with pytest.raises(Refused) as refused:
        await client.send("hr", "ApproveLeave", {"leave_id": "leave-e2e-b"}, actor=DIRECT_SUPERVISOR)
    assert refused.value.code == "forbidden"
    await client.send("hr", "ApproveLeave", {"leave_id": "leave-e2e-b"}, actor=SENIOR_LEADER)
    await client.send("hr", "FileLeave", {"leave_id": "leave-e2e-b"}, actor=OFFICE)

    days = [dt.date(2026, 12, d) for d in (4, 7, 8, 9, 10, 11)]
    for day in days:
        await assign_shift(client, "emp-e2e-b", day)
    for day in days:
        await work_or_miss(client, clock, "emp-e2e-b", day, works=day.day in (4, 11))

    await clock.set(at(dt.date(2027, 1, 1), 9))
    await calculate_payroll(client, "2026-12", await on_payroll(client, "emp-e2e-a", "emp-e2e-b"))
    await client.quiesce(["hr"])
    payslip = await client.query(
        "hr", "Payslip", {"period": "2026-12", "employee_id": "emp-e2e-b"}, actor=HR_DEPT
    )
    unpaid = lines_of(payslip, "unpaid_leave")
    assert len(unpaid) == 1, payslip
    assert Decimal(unpaid[0]["quantity"]) == 4, payslip
    assert len(unpaid[0]["sources"]) == 4, "each unpaid day traced to the event behind it"
