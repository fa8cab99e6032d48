"""The read models over orders' and after-sales' events (ORD-16, KPI-1, KPI-13): the wired
projections fed event by event, read by the queries' own functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kpi.adapters import queries
from shop_contracts.aggregates import (
    AFTERSALES_COMPLAINT,
    AFTERSALES_CUSTOMER_CONTACT,
    AFTERSALES_REFUND_CASE,
    AFTERSALES_REVIEW,
    ORDERS_ORDER,
)
from shop_contracts.events.aftersales import ComplaintRegistered, NegativeReviewRecorded, RevisitRecorded
from shop_contracts.events.order_progress import CustomerContacted, OrderHandedOver, OrderHandoverOverdue
from shop_contracts.events.orders import OrderConfirmed

from .helpers import TZ, Kpi, placed, refund

DAY = dt.datetime(2026, 3, 10, 10, 0, tzinfo=TZ)


async def test_sales_per_day_staff_and_channel_net_of_refunds_ord_16() -> None:
    k = Kpi()
    await k.feed(placed("o-1", "p-1", 300, DAY), ORDERS_ORDER, "o-1")
    await k.feed(placed("o-2", "p-2", 200, DAY + dt.timedelta(days=1), channel="jd"), ORDERS_ORDER, "o-2")
    await k.feed(refund("rc-1", "o-1", "50.50", DAY + dt.timedelta(days=2)), AFTERSALES_REFUND_CASE, "rc-1")
    await k.feed(refund("rc-2", "o-1", 20, DAY + dt.timedelta(days=2)), AFTERSALES_REFUND_CASE, "rc-2")
    report = await k.sales("2026-03")
    assert (report["orders"], report["refunds"], report["net"]) == ("500.00", "70.50", "429.50")
    assert {r["staff_id"]: r["net"] for r in report["by_staff"]} == {"p-1": "229.50", "p-2": "200.00"}
    assert {r["channel"]: r["net"] for r in report["by_channel"]} == {"taobao": "229.50", "jd": "200.00"}
    assert [(r["day"], r["net"]) for r in report["by_day"]] == [
        ("2026-03-10", "300.00"),
        ("2026-03-11", "200.00"),
        ("2026-03-12", "-70.50"),
    ]
    assert (await k.sales("2026-03", "p-2"))["net"] == "200.00"


async def test_a_refund_counts_in_the_month_it_was_issued_and_a_redelivery_counts_once_ord_16() -> None:
    k = Kpi()
    await k.feed(placed("o-1", "p-1", 300, DAY), ORDERS_ORDER, "o-1")
    late = refund("rc-1", "o-1", 100, dt.datetime(2026, 4, 2, 10, 0, tzinfo=TZ))
    await k.feed(late, AFTERSALES_REFUND_CASE, "rc-1", event_id="ev-refund")
    await k.feed(late, AFTERSALES_REFUND_CASE, "rc-1", event_id="ev-refund")
    assert (await k.sales("2026-03"))["net"] == "300.00"
    april = await k.sales("2026-04")
    assert (april["refunds"], april["by_staff"][0]["staff_id"]) == ("100.00", "p-1")
    facts = await k.facts("2026-04")
    assert facts.net_by_staff == {"p-1": Decimal("-100.00")}


async def test_an_order_placed_at_23_30_business_time_counts_on_that_business_day() -> None:
    k = Kpi()
    await k.feed(placed("o-1", "p-1", 10, dt.datetime(2026, 3, 31, 23, 30, tzinfo=TZ)), ORDERS_ORDER, "o-1")
    assert (await k.sales("2026-03"))["by_day"][0]["day"] == "2026-03-31"


async def test_satisfaction_counts_complaints_negative_reviews_and_return_visits_kpi_1() -> None:
    k = Kpi()
    complaint = ComplaintRegistered(
        complaint_id="c-1",
        customer_id="b-1",
        channel="phone",
        subject="late parcel",
        registered_by="cs-1",
        registered_at=DAY,
        respond_by=DAY + dt.timedelta(hours=24),
    )
    review = NegativeReviewRecorded(
        review_id="r-1", customer_id="b-1", rating=2, excerpt="slow", recorded_by="cs-1", recorded_at=DAY
    )
    visits = [
        RevisitRecorded(
            revisit_id=f"v-{i}",
            customer_id="b-1",
            note="ok",
            satisfaction=s,
            meets_target=m,
            visited_by="cs-1",
            visited_at=DAY,
        )
        for i, (s, m) in enumerate([(5, True), (3, False)])
    ]
    await k.feed(complaint, AFTERSALES_COMPLAINT, "c-1")
    await k.feed(review, AFTERSALES_REVIEW, "r-1")
    for v in visits:
        await k.feed(v, AFTERSALES_CUSTOMER_CONTACT, v.revisit_id)
    got = await queries.satisfaction(k.engine, await k.tables(k.aftersales), "2026-03")
    assert (got["complaints"], got["negative_reviews"], got["revisits"]) == (1, 1, 2)
    assert (got["revisits_meeting_target"], got["mean_revisit_satisfaction"]) == (1, "4.00")


async def test_processing_reports_what_orders_measured_against_its_slas_kpi_1() -> None:
    k = Kpi()
    for order in ("o-1", "o-2"):
        await k.feed(placed(order, "p-1", 10, DAY), ORDERS_ORDER, order)
        await k.feed(
            OrderConfirmed(order_id=order, confirmed_by="cs-1", confirmed_at=DAY), ORDERS_ORDER, order
        )
    contacted = CustomerContacted(
        order_id="o-1", staff_id="cs-1", details_verified=True, minutes_since_accept=8, contacted_at=DAY
    )
    await k.feed(contacted, ORDERS_ORDER, "o-1")
    handed = OrderHandedOver(
        order_id="o-1", handed_over_by="cs-1", to_staff_id="wh-1", hours=Decimal("20.5"), handed_over_at=DAY
    )
    await k.feed(handed, ORDERS_ORDER, "o-1")
    overdue = OrderHandoverOverdue(order_id="o-2", due_at=DAY, hours=Decimal(24))
    await k.feed(overdue, ORDERS_ORDER, "o-2")
    got = await queries.processing(k.engine, await k.tables(k.orders), "2026-03")
    assert (got["placed"], got["confirmed"], got["contacted"], got["mean_contact_min"]) == (2, 2, 1, "8.0")
    assert (got["handed_over"], got["mean_handover_hours"], got["handover_overdue"]) == (1, "20.50", 1)
