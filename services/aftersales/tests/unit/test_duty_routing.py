"""Out-of-hours routing of the complaint reply (DUTY-1, AS-22, AS-15): a 24-hour reply deadline
that falls outside online hours 08:50-18:10, or on a weekend covered by the rota (DUTY-2, C4 003),
names who is on duty then, learnt from HR's duty events, and why; nobody on duty names the
escalation role; within weekday online hours the event is as before."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aftersales.customers.adapters.queries import route_replies
from aftersales.shared.policy import AftersalesPolicy
from shop_contracts.aggregates import HR_DUTY_ROTA
from shop_contracts.events.aftersales import ComplaintResponseOverdue
from shop_contracts.events.hr_duty import DutyManagerDesignated, WeekendCsRotaPublished

from .customer_helpers import SLA, Customers, register

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAT, SUN = dt.date(2026, 3, 7), dt.date(2026, 3, 8)


def at(hhmm: str, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), SHANGHAI).astimezone(dt.UTC)


async def hr_publishes(customers: Customers) -> None:
    rota = WeekendCsRotaPublished(
        saturday=SAT, revision=1, saturday_staff=("bob",), sunday_staff=("amy", "bob"), published_by="cs-head"
    )
    await customers.duty_rota.apply(rota, source=HR_DUTY_ROTA, aggregate_id="weekend-2026-03-07")
    manager = DutyManagerDesignated(
        designation_id="d-1", manager_id="mia", start_date=SAT, end_date=SUN, designated_by="cs-head"
    )
    await customers.duty_rota.apply(manager, source=HR_DUTY_ROTA, aggregate_id="manager-d-1")


def overdue(customers: Customers) -> ComplaintResponseOverdue:
    event = customers.events()[-1]
    assert isinstance(event, ComplaintResponseOverdue)
    return event


async def filed(customers: Customers, moment: dt.datetime) -> None:
    customers.clock.set(moment)
    await customers.given(register())
    customers.clock.set(moment + SLA + dt.timedelta(minutes=1))
    await customers.fire(due=moment + SLA)


async def test_a_complaint_filed_saturday_morning_is_due_to_the_sunday_weekend_rota_duty_1_duty_2_as_15() -> (
    None
):
    customers = Customers()
    await hr_publishes(customers)
    await filed(customers, at("10:00", SAT))
    event = overdue(customers)
    assert event.assigned_to == "amy"
    assert event.duty_reason is not None
    assert "weekend rota, Sunday 2026-03-08" in event.duty_reason


async def test_a_complaint_filed_saturday_evening_is_due_to_the_duty_manager_duty_3_as_22() -> None:
    customers = Customers()
    await hr_publishes(customers)
    await filed(customers, at("20:00", SAT))
    event = overdue(customers)
    assert event.assigned_to == "mia"
    assert event.duty_reason is not None
    assert "outside online hours 08:50-18:10" in event.duty_reason


async def test_nobody_on_duty_names_the_escalation_role_duty_1() -> None:
    customers = Customers(AftersalesPolicy(duty_escalation_role="dept_supervisor"))
    await filed(customers, at("20:00", SAT))
    event = overdue(customers)
    assert (event.assigned_to, event.escalate_to) == (None, "dept_supervisor")


async def test_a_weekday_reply_due_in_online_hours_is_unrouted_as_15_as_22() -> None:
    customers = Customers()
    await hr_publishes(customers)
    await filed(customers, at("10:00", dt.date(2026, 3, 3)))
    event = overdue(customers)
    assert (event.assigned_to, event.duty_reason, event.escalate_to) == (None, None, None)


async def test_the_complaint_board_names_who_is_on_duty_for_an_out_of_hours_reply_duty_1_as_15() -> None:
    customers = Customers()
    await hr_publishes(customers)
    board = {
        "open": [
            {"complaint_id": "c-1", "respond_by": at("20:00", SUN).isoformat(), "responded_at": None},
            {"complaint_id": "c-2", "respond_by": at("10:00", SUN).isoformat(), "responded_at": None},
            {
                "complaint_id": "c-3",
                "respond_by": at("10:00", dt.date(2026, 3, 9)).isoformat(),
                "responded_at": None,
            },
        ],
        "overdue": [],
        "escalated": [],
    }
    routed = await route_replies(board, customers.service.customers.duty)
    assert [i.get("assigned_to") for i in routed["open"]] == ["mia", "amy", None]
