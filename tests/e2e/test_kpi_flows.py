"""From a listed product to the month's KPI on the payslip (issue 19), on the whole shop: real
processes on one embedded NATS server, the simulation clock, public commands only.

1. CAT-7: an order for a product the catalogue delisted is refused through PlaceOrder, naming the
   rule, and no order exists.
2. Before the 30th the supervisor sets next month's target of a promoter (KPI-5); in that month a
   product listed through the catalogue (SM-LIST) is ordered for the promoter (ORD-13), shipped,
   delivered and refunded in part after a return (AS-4..AS-9); at month end KPI's performance pay
   and commission are computed from the sales net of the refund (ORD-16, KPI-2, KPI-5) and HR's
   payslip carries them on lines whose source is KPI's event (HR-41).
The clock only moves forward, so the tests run in file order within one shop.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shopdemo.client import Actor, Refused, ShopClient, SimClock
from shopdemo.flows import (
    Line,
    approve_refund,
    calculate_month_pay,
    calculate_payroll,
    close_day,
    deliver,
    generate_report,
    hand_over,
    hand_over_packet,
    issue_refund,
    list_product,
    onboard,
    pay,
    place_order,
    remark_contact_confirm,
    request_refund,
    return_goods,
    set_monthly_target,
    ship,
    stock_up,
)
from shopdemo.staff import HR_DEPT, SUPERVISOR

from .conftest import SHANGHAI

pytestmark = pytest.mark.integration

TEA = Line("SKU-KPI-TEA", 2, Decimal("59.00"))
KETTLE = Line("SKU-KPI-KETTLE", 1, Decimal("399.00"))
KETTLE_PARTS = ("電源線", "濾網")
GONE = Line("SKU-KPI-GONE", 1, Decimal("88.00"))
NOVEMBER = dt.date(2026, 11, 2)  # a Monday, before the 30th: December's targets may be set (KPI-5)
DECEMBER = dt.date(2026, 12, 1)  # a Tuesday
PROMOTER = "kpi-e2e-promoter"
TARGET = Decimal("200.00")


def at(day: dt.date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


async def listed(client: ShopClient, line: Line, name: str, accessories: tuple[str, ...] = ()) -> None:
    await stock_up(client, line.sku, 20, f"L-{line.sku}", name)
    await list_product(
        client,
        line.sku,
        name,
        line.unit_price,
        category="electronics" if accessories else "accessories",
        specifications={"model": "K-17", "power": "1800W", "warranty": "1年"}
        if accessories
        else {"material": "綠茶"},
        accessories=accessories,
    )


async def test_1_an_order_for_a_delisted_product_is_refused_cat_7(
    client: ShopClient, clock: SimClock
) -> None:
    await clock.set(at(NOVEMBER, 9))
    await listed(client, GONE, "陳年普洱")
    await client.send(
        "catalog",
        "DelistProduct",
        {"sku": GONE.sku, "reason": "discontinued", "note": "停產"},
        actor=SUPERVISOR,
    )
    await client.quiesce()  # orders has learnt the delisting

    with pytest.raises(Refused) as refused:
        await place_order(client, "o-kpi-gone", (GONE,))

    assert refused.value.rule == "CAT-7"
    assert GONE.sku in refused.value.message
    with pytest.raises(Refused) as missing:
        await client.query("orders", "GetOrder", {"order_id": "o-kpi-gone"})
    assert missing.value.code == "not_found"


async def test_2_a_listed_product_sold_and_refunded_in_part_reaches_the_payslip_net_of_the_refund(
    client: ShopClient, clock: SimClock
) -> None:
    # November, before the 30th: the products are listed, the promoter taken on, December's target set
    await clock.set(at(NOVEMBER, 10))
    await listed(client, TEA, "西湖龍井")
    await listed(client, KETTLE, "電熱水壺", KETTLE_PARTS)
    await client.proven(Actor(PROMOTER, ("employee", "promotion_specialist")))
    await onboard(client, PROMOTER, "張偉", NOVEMBER)
    await set_monthly_target(client, "2026-12", PROMOTER, "promoter", TARGET)
    await client.quiesce()

    # December: ordered for the promoter, shipped, delivered, the kettle returned and refunded
    await clock.set(at(DECEMBER, 9))
    lines = (TEA, KETTLE)
    await place_order(client, "o-kpi-1", lines, sales_owner=PROMOTER)
    await pay(client, "o-kpi-1", lines)
    await remark_contact_confirm(client, "o-kpi-1")
    await hand_over(client, "o-kpi-1")
    await clock.set(at(DECEMBER, 14))
    day = await generate_report(client, DECEMBER)
    assert [s["order_id"] for s in day["shipments"] if s["documents"]["waybill_no"]] == ["o-kpi-1"]
    await hand_over_packet(client, day)
    await ship(client, "o-kpi-1", KETTLE_PARTS)
    await close_day(client, DECEMBER)
    await clock.set(at(DECEMBER + timedelta(days=1), 11))
    await deliver(client, "o-kpi-1")
    await client.quiesce()
    await clock.set(at(DECEMBER + timedelta(days=3), 10))
    await request_refund(
        client, "case-kpi-1", "o-kpi-1", received=True, reason="quality", amount=KETTLE.unit_price
    )
    await approve_refund(client, "case-kpi-1")
    await client.quiesce()
    await return_goods(client, "case-kpi-1", "o-kpi-1", KETTLE_PARTS)
    await client.quiesce()
    await issue_refund(client, "case-kpi-1")
    await client.quiesce()

    # month end: KPI's figures, net of the refund (ORD-16), and HR's payroll
    await clock.set(at(dt.date(2027, 1, 1), 9))
    await client.quiesce()
    sales = await client.query("kpi", "SalesReport", {"month": "2026-12", "staff_id": PROMOTER})
    assert (sales["orders"], sales["refunds"], sales["net"]) == ("517.00", "399.00", "118.00")
    await calculate_month_pay(client, "2026-12")
    await client.quiesce()
    pay_figures = await client.query("kpi", "MonthPay", {"month": "2026-12", "employee_id": PROMOTER})
    by_kind: dict[str, dict[str, Any]] = {f["kind"]: f for f in pay_figures["figures"]}
    performance, commission = by_kind["PerformancePayCalculated"], by_kind["CommissionCalculated"]
    assert Decimal(performance["actual"]) == Decimal("118.00"), "net of the refund (ORD-16)"
    assert Decimal(performance["completion"]) == Decimal("0.59")  # 118 / 200
    assert Decimal(performance["amount"]) == Decimal("295.00")  # 0.59 × 500 (KPI-2)
    assert Decimal(commission["amount"]) == Decimal("0.59")  # 118 × 1 % × the promoters' half (KPI-5)

    await calculate_payroll(client, "2026-12", (PROMOTER,), from_kpi=frozenset({PROMOTER}))
    await client.quiesce()
    slip = await client.query("hr", "Payslip", {"period": "2026-12", "employee_id": PROMOTER}, actor=HR_DEPT)
    lines_by_kind = {line["kind"]: line for line in slip["lines"]}
    perf_line, comm_line = lines_by_kind["performance_pay"], lines_by_kind["commission"]
    assert (perf_line["amount"], perf_line["rule"]) == ("295.00", "KPI-2")
    assert perf_line["sources"] == [f"kpi:{performance['event_id']}"]
    assert f"KPI PerformancePayCalculated {performance['event_id']}" in perf_line["description"]
    assert (comm_line["amount"], comm_line["rule"]) == ("0.59", "KPI-5")
    assert comm_line["sources"] == [f"kpi:{commission['event_id']}"]
