"""The manager's dashboard figures and the operators' requests, with a fake shop (issue 18 part 3):
orders by state from ListOrders' totals (SM-ORD), an empty shipping day shown open
(SM-SHIP-BATCH), a refused figure never drawn as zero, the department's attendance month from one
DepartmentAttendance ask, its refusal shown (HR-6); an admin request's bad field named (DropDeadLetter's reason)."""

from __future__ import annotations

import asyncio
import datetime as dt
from types import SimpleNamespace
from typing import Any

from backoffice.shop import ShopReply
from backoffice.web.core import Person
from backoffice.web.screens import manager
from backoffice.web.screens.operators import Replay, _request_of
from jetstream_es.service.admin import DropDeadLetter
from shop_contracts.messages import Query
from shop_contracts.queries.hr import DepartmentAttendance
from shop_contracts.queries.orders import ListOrders, OrderStatus

PERSON = Person("e-1", ("dept_manager",), "csrf", "hash")
DAY = dt.date(2026, 12, 2)


class FakeShop:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked: list[tuple[str, Query]] = []

    async def query(self, service: str, query: Query, actor: Any) -> ShopReply:
        self.asked.append((service, query))
        reply: ShopReply = self.answer(service, query)
        return reply


def request_with(shop: FakeShop, accounts: tuple[str, ...] = ()) -> Any:
    async def list_accounts() -> list[Any]:
        return [SimpleNamespace(person_id=p, disabled=False) for p in accounts]

    backoffice = SimpleNamespace(
        shop=shop, business_tz="Asia/Shanghai", store=SimpleNamespace(list_accounts=list_accounts)
    )
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(backoffice=backoffice)))


def test_orders_by_state_counts_today_and_the_month_per_state_sm_ord() -> None:
    def answer(service: str, query: Query) -> ShopReply:
        assert isinstance(query, ListOrders)
        assert query.placed_from is not None
        today = query.placed_from.date() == DAY
        totals = {OrderStatus.PLACED: (2, 5), OrderStatus.PAID: (1, 3)}
        return ShopReply(True, {"total": totals.get(query.status, (0, 0))[0 if today else 1]})  # type: ignore[arg-type]

    shop = FakeShop(answer)
    chart = asyncio.run(manager.orders_by_state(request_with(shop), PERSON, DAY))
    assert chart.refused is None
    assert chart.labels[:2] == ["Placed", "Paid"]
    today, month = chart.datasets
    assert (today["data"][0], today["data"][1], month["data"][0], month["data"][1]) == (2, 1, 5, 3)
    first = shop.asked[0][1]
    assert isinstance(first, ListOrders)
    assert first.placed_from is not None
    assert first.placed_from.utcoffset() == dt.timedelta(hours=8)  # the business day in Beijing time


def test_a_refused_figure_is_shown_as_the_refusal_never_as_zero() -> None:
    refusal = ShopReply(False, code="forbidden", message="not yours", rule="ORD-7")
    chart = asyncio.run(manager.orders_by_state(request_with(FakeShop(lambda s, q: refusal)), PERSON, DAY))
    assert chart.refused == refusal
    assert chart.datasets == []


def test_a_shipping_day_without_shipments_is_open_with_nothing_counted_sm_ship_batch() -> None:
    missing = ShopReply(False, code="not_found", message="shipping day 2026-12-02 has no shipments")
    chart, info = asyncio.run(manager.shipping_day(request_with(FakeShop(lambda s, q: missing)), PERSON, DAY))
    assert chart.refused is None
    assert info["status"] == "Open"
    assert set(chart.datasets[0]["data"]) == {0}


def test_attendance_is_the_departments_month_asked_once_hr_6() -> None:
    def answer(service: str, query: Query) -> ShopReply:
        assert (service, query) == ("hr", DepartmentAttendance(month="2026-12"))
        lines = [
            {"employee_id": "e-1", "lateness": {"count": 2, "minutes": 17}, "absences": [{}]},
            {"employee_id": "e-2", "lateness": {"count": 0, "minutes": 0}, "absences": []},
        ]
        return ShopReply(True, {"month": "2026-12", "employees": lines, "total": 2})

    shop = FakeShop(answer)
    chart = asyncio.run(manager.attendance(request_with(shop), PERSON, DAY))
    assert len(shop.asked) == 1, "one ask for the whole department, not one per employee"
    assert chart.labels == ["e-1", "e-2"]
    assert [d["data"] for d in chart.datasets] == [[2, 0], [17, 0], [1, 0]]
    assert chart.refused is None


def test_a_refused_department_month_is_shown_as_the_refusal_hr_6() -> None:
    refusal = ShopReply(False, code="forbidden", message="the department's management reads it", rule="HR-6")
    chart = asyncio.run(manager.attendance(request_with(FakeShop(lambda s, q: refusal)), PERSON, DAY))
    assert chart.refused == refusal
    assert chart.labels == []


def test_a_drop_without_its_reason_is_refused_naming_the_field() -> None:
    refused = _request_of(DropDeadLetter, {"dlq_seq": 3, "by": "e-9", "reason": ""})
    assert isinstance(refused, ShopReply)
    assert refused.code == "invalid"
    assert "reason" in refused.fields
    made = _request_of(DropDeadLetter, {"dlq_seq": "3", "by": "e-9", "reason": "a test order"})
    assert isinstance(made, DropDeadLetter)
    assert made.dlq_seq == 3


def test_a_replay_shows_its_progress_and_100_percent_only_once_it_succeeded() -> None:
    replay = Replay("r1", "orders", "orders_views", False, "e-9", seq=50, target=200)
    assert replay.percent == 25
    replay.done, replay.reply = True, ShopReply(False, code="unavailable", message="no answer")
    assert replay.percent == 25
    replay.reply = ShopReply(True, {"events": 200})
    assert replay.percent == 100
