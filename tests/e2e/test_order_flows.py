"""Cross-service flows of issue 10 on the whole shop: real processes on one embedded NATS server,
the simulation clock, public commands only.

1. Products listed through the catalogue (SM-LIST, CAT-7), then an order from placement to
   delivery across orders and fulfilment (ORD-7, ORD-3, FUL-1..FUL-7, FUL-11): Shipped once
   stamped, then Delivered.
2. A refund before shipping (AS-3): the queued shipment is cancelled, the order cancelled.
3. A return within 7 days of delivery (AS-4..AS-9, AS-11): parcel, note, inspection, receipt,
   refund, goods restocked, the order refunded and the day's sales net of it (ORD-16).
The clock only moves forward, so the flows run in file order within one shop.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from jetstream_es.testing.harness import eventually
from shopdemo.client import ShopClient, SimClock, Unreachable
from shopdemo.flows import (
    Line,
    approve_refund,
    close_day,
    deliver,
    generate_report,
    hand_over,
    hand_over_packet,
    issue_refund,
    list_product,
    order_ready_to_ship,
    pay,
    place_order,
    remark_contact_confirm,
    request_refund,
    return_goods,
    ship,
    stock_up,
)
from shopdemo.system import RunningShop

from .conftest import SHANGHAI

pytestmark = pytest.mark.integration

TEA = Line("SKU-TEA", 2, Decimal("59.00"))
KETTLE = Line("SKU-KETTLE", 1, Decimal("399.00"))
KETTLE_PARTS = ("電源線", "濾網")
DAY1 = dt.date(2026, 11, 2)


def at(day: dt.date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


async def order_status(client: ShopClient, order_id: str) -> str:
    await client.quiesce()
    order: dict[str, Any] = await client.query("orders", "GetOrder", {"order_id": order_id})
    return str(order["status"])


async def stock(client: ShopClient, sku: str) -> dict[str, Any]:
    levels: dict[str, Any] = await client.query("fulfilment", "StockLevels", {"sku": sku})
    return levels


async def test_1_an_order_goes_from_placement_to_delivered_across_orders_and_fulfilment(
    client: ShopClient, clock: SimClock
) -> None:
    await clock.set(at(DAY1, 9))
    await stock_up(client, TEA.sku, 50, "L-TEA-1", "西湖龍井")
    await stock_up(client, KETTLE.sku, 10, "L-KET-1", "電熱水壺")
    await list_product(
        client,
        TEA.sku,
        "西湖龍井",
        TEA.unit_price,
        category="accessories",
        specifications={"material": "綠茶"},
    )
    await list_product(
        client,
        KETTLE.sku,
        "電熱水壺",
        KETTLE.unit_price,
        category="electronics",
        specifications={"model": "K-17", "power": "1800W", "warranty": "1年"},
        accessories=KETTLE_PARTS,  # the list the keeper checks (FUL-4, decision 0011)
    )
    await client.quiesce()  # orders and fulfilment have learnt the listed products (CAT-7)

    await order_ready_to_ship(client, "o-e2e-1", (TEA, KETTLE))
    assert await order_status(client, "o-e2e-1") == "HandedOver"

    await clock.set(at(DAY1, 14))
    day = await generate_report(client, DAY1)
    assert [s["order_id"] for s in day["shipments"]] == ["o-e2e-1"]
    assert day["shipments"][0]["stock"] == "reserved"
    await hand_over_packet(client, day)
    await ship(client, "o-e2e-1", KETTLE_PARTS)
    assert await order_status(client, "o-e2e-1") == "Shipped"
    await close_day(client, DAY1)

    await clock.set(at(DAY1 + timedelta(days=1), 10))
    await deliver(client, "o-e2e-1")
    assert await order_status(client, "o-e2e-1") == "Delivered"
    closed = await client.query("fulfilment", "GetShippingDay", {"batch_date": DAY1.isoformat()})
    assert closed["status"] == "Closed"


DAY2 = DAY1 + timedelta(days=1)


async def sku_level(client: ShopClient, sku: str) -> dict[str, Any]:
    await client.quiesce()
    levels = await stock(client, sku)
    item: dict[str, Any] = levels["items"][0]
    return item


async def test_2_a_refund_before_shipping_cancels_the_queued_shipment_and_the_order(
    client: ShopClient, clock: SimClock
) -> None:
    await clock.set(at(DAY2, 9))
    before = await sku_level(client, TEA.sku)
    await order_ready_to_ship(client, "o-e2e-2", (TEA,))
    assert (await sku_level(client, TEA.sku))["reserved"] == before["reserved"] + TEA.quantity

    await request_refund(client, "case-e2e-2", "o-e2e-2", received=False, reason="not_received")
    await approve_refund(client, "case-e2e-2")
    await client.quiesce()
    shipment = await client.query("fulfilment", "GetShipment", {"shipment_id": "o-e2e-2"})
    assert shipment["status"] == "Cancelled"
    assert (await sku_level(client, TEA.sku))["reserved"] == before["reserved"]

    await issue_refund(client, "case-e2e-2")
    assert await order_status(client, "o-e2e-2") == "Cancelled"


async def test_3_a_return_within_7_days_refunds_the_order_and_restocks_the_goods(
    client: ShopClient, clock: SimClock
) -> None:
    await clock.set(at(DAY2, 10))
    await order_ready_to_ship(client, "o-e2e-3", (KETTLE,))
    await clock.set(at(DAY2, 14))
    day = await generate_report(client, DAY2)
    assert [s["order_id"] for s in day["shipments"] if s["documents"]["waybill_no"]] == ["o-e2e-3"]
    await hand_over_packet(client, day)
    await ship(client, "o-e2e-3", KETTLE_PARTS)
    await close_day(client, DAY2)
    shipped = await sku_level(client, KETTLE.sku)
    await clock.set(at(DAY2 + timedelta(days=1), 11))
    await deliver(client, "o-e2e-3")
    await client.quiesce()  # after-sales has noted the delivery: the 7-day window starts (AS-11)

    refund_day = DAY2 + timedelta(days=7)
    await clock.set(at(refund_day, 9))  # 5 days 22 hours after delivery: inside AS-11's 7 days
    await request_refund(client, "case-e2e-3", "o-e2e-3", received=True, reason="quality")
    await approve_refund(client, "case-e2e-3")
    await client.quiesce()
    await return_goods(client, "case-e2e-3", "o-e2e-3", KETTLE_PARTS)
    await client.quiesce()
    await issue_refund(client, "case-e2e-3")

    assert await order_status(client, "o-e2e-3") == "Refunded"
    restocked = await sku_level(client, KETTLE.sku)
    assert restocked["on_hand"] == shipped["on_hand"] + KETTLE.quantity
    assert restocked["sellable"] == shipped["sellable"] + KETTLE.quantity
    case = await client.query("aftersales", "GetRefundCase", {"case_id": "case-e2e-3"})
    assert case["status"] == "Refunded"
    sales = await client.query(
        "orders",
        "DailySales",
        {"date_from": DAY2.isoformat(), "date_to": refund_day.isoformat()},
    )
    by_day = {d["day"]: d for d in sales["days"]}
    assert by_day[DAY2.isoformat()]["ordered"] == "517.00"  # o-e2e-2 (118.00) and o-e2e-3 (399.00)
    assert by_day[refund_day.isoformat()]["refunded"] == "399.00"


async def healthy_again(client: ShopClient, service: str) -> None:
    """Wait until the restarted service answers its health query."""

    async def probe() -> bool:
        try:
            health = await client.query(service, "Health")
        except Unreachable:
            return False
        return bool(health["status"] == "ok")

    await eventually(probe, bool, within=60)


async def test_6_services_killed_in_the_middle_of_a_flow_finish_it_once(
    shop: RunningShop, client: ShopClient, clock: SimClock
) -> None:
    day = DAY2 + timedelta(days=8)
    await clock.set(at(day, 9))
    lines = (TEA,)
    await place_order(client, "o-e2e-6", lines)
    await pay(client, "o-e2e-6", lines)
    await shop.kill_service("fulfilment")  # it misses the payment and more while it is down
    await remark_contact_confirm(client, "o-e2e-6")
    await hand_over(client, "o-e2e-6")
    await healthy_again(client, "fulfilment")
    await clock.set(at(day, 14))
    report = await generate_report(client, day)
    assert [s["order_id"] for s in report["shipments"]] == ["o-e2e-6"]
    await hand_over_packet(client, report)
    await shop.kill_service("orders")  # it misses the stamp while it is down
    await ship(client, "o-e2e-6", ())
    await healthy_again(client, "orders")
    assert await order_status(client, "o-e2e-6") == "Shipped"
    await shop.kill_service("aftersales")
    await deliver(client, "o-e2e-6")
    await healthy_again(client, "aftersales")
    assert await order_status(client, "o-e2e-6") == "Delivered"

    order = await client.query("orders", "GetOrder", {"order_id": "o-e2e-6"})
    order_events = [e["event_type"] for e in order["history"]]
    assert order_events.count("OrderMarkedShipped") == 1
    assert order_events.count("OrderMarkedDelivered") == 1
    shipment = await client.query("fulfilment", "GetShipment", {"shipment_id": "o-e2e-6"})
    shipment_events = [e["event_type"] for e in shipment["history"]]
    assert shipment_events.count("ShipmentStamped") == 1
    assert shipment_events.count("OrderQueuedForShipping") == 1
    dead = await client.nc.jetstream().stream_info("DLQ")
    assert dead.state.messages == 0, "nothing was dead-lettered"
