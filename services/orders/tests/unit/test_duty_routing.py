"""Out-of-hours routing of the customer contact (DUTY-1, AS-22, ORD-2): a contact deadline that
falls outside online hours 08:50-18:10 names who is on duty then, learnt from HR's duty events
(weekend rota DUTY-2, duty manager DUTY-3), and why; nobody on duty names the escalation role;
within online hours the event is as before."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from orders.adapters.queries import route_contacts
from orders.domain.policy import OrderPolicy
from orders.domain.sla import DeadlineKind as K
from shop_contracts.aggregates import HR_DUTY_ROTA
from shop_contracts.events.hr_duty import DutyManagerDesignated, WeekendCsRotaPublished
from shop_contracts.events.order_progress import CustomerContactOverdue

from .helpers import ACCOUNT, Orders, place

SHANGHAI = ZoneInfo("Asia/Shanghai")
TUE, SAT = dt.date(2026, 3, 3), dt.date(2026, 3, 7)


def at(hhmm: str, day: dt.date = TUE) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), SHANGHAI).astimezone(dt.UTC)


async def hr_designates(orders: Orders, manager: str = "amy") -> None:
    event = DutyManagerDesignated(
        designation_id="d-1",
        manager_id=manager,
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 8),
        designated_by="cs-head",
    )
    await orders.duty_rota.apply(event, source=HR_DUTY_ROTA, aggregate_id="manager-d-1")


def overdue(orders: Orders) -> CustomerContactOverdue:
    event = orders.events()[-1]
    assert isinstance(event, CustomerContactOverdue)
    return event


async def test_a_contact_placed_at_19_00_goes_to_the_duty_manager_duty_1_duty_3_as_22_ord_2() -> None:
    orders = Orders()
    await hr_designates(orders)
    orders.clock.set(at("19:00"))
    await orders.given(place())
    placed = orders.events()[0]
    assert getattr(placed, "placed_at", None) == at("19:00")
    orders.clock.set(at("19:12"))
    await orders.fire_at(K.CONTACT, at("19:00") + orders.policy.contact_within)
    event = overdue(orders)
    assert event.minutes_since_accept == 12
    assert event.assigned_to == "amy"
    assert event.duty_reason is not None
    assert "outside online hours 08:50-18:10" in event.duty_reason
    assert event.escalate_to is None


async def test_a_contact_due_on_saturday_goes_to_the_weekend_rota_duty_2_c4() -> None:
    orders = Orders()
    rota = WeekendCsRotaPublished(
        saturday=SAT, revision=1, saturday_staff=("bob",), sunday_staff=("amy",), published_by="cs-head"
    )
    await orders.duty_rota.apply(rota, source=HR_DUTY_ROTA, aggregate_id="weekend-2026-03-07")
    await orders.given(place())
    orders.clock.set(at("10:15", SAT))
    await orders.fire_at(K.CONTACT, at("10:10", SAT))
    event = overdue(orders)
    assert event.assigned_to == "bob"
    assert event.duty_reason is not None
    assert "weekend rota" in event.duty_reason


async def test_nobody_on_duty_names_the_escalation_role_duty_1() -> None:
    orders = Orders(
        OrderPolicy(company_accounts=frozenset({ACCOUNT}), duty_escalation_role="ecom_supervisor")
    )
    await orders.given(place())
    orders.clock.set(at("23:05"))
    await orders.fire_at(K.CONTACT, at("23:00"))
    event = overdue(orders)
    assert (event.assigned_to, event.escalate_to) == (None, "ecom_supervisor")
    assert event.duty_reason is not None
    assert "no duty customer-service manager" in event.duty_reason


async def test_within_online_hours_the_contact_overdue_is_unrouted_as_22_ord_2() -> None:
    orders = Orders()
    await hr_designates(orders)
    await orders.given(place())
    orders.clock.set(at("10:12"))
    await orders.fire_at(K.CONTACT, at("10:10"))
    event = overdue(orders)
    assert (event.assigned_to, event.duty_reason, event.escalate_to) == (None, None, None)


async def test_the_sla_board_names_who_is_on_duty_for_an_out_of_hours_contact_duty_1_ord_2() -> None:
    orders = Orders()
    await hr_designates(orders)
    await orders.given(place())
    board = {
        "overdue": [{"order_id": "o-1", "kind": "contact", "due_at": at("19:10").isoformat()}],
        "upcoming": [{"order_id": "o-2", "kind": "contact", "due_at": at("10:10").isoformat()}],
    }
    routed = await route_contacts(board, orders.service.duty)
    assert routed["overdue"][0]["assigned_to"] == "amy"
    assert "assigned_to" not in routed["upcoming"][0]


def test_an_event_written_before_the_routing_fields_reads_as_it_was_duty_1_ord_2() -> None:
    old = {"order_id": "o-1", "due_at": at("19:10").isoformat(), "minutes_since_accept": 12}
    event = CustomerContactOverdue.model_validate(old)
    assert (event.assigned_to, event.duty_reason, event.escalate_to) == (None, None, None)
    assert event.schema_version == 1
