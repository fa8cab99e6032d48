"""Reactions to fulfilment and after-sales events published on their streams (SM-ORD, ORD-16):
shipped, delivered, refund pending, cancelled or refunded, and redelivered events change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.fulfilment import (
    OutboundRefused,
    ShipmentDelivered,
    ShipmentResumed,
    ShipmentStamped,
)
from shop_contracts.messages import EventData

from .helpers import (
    NOW,
    caught_up,
    confirmed_order,
    eventually,
    order_events,
    publish_foreign,
    query,
    start_orders,
)

pytestmark = pytest.mark.integration

STAMPED = ShipmentStamped(
    shipment_id="s-1",
    order_id="o-1",
    outbound_note_no="ON-1",
    waybill_no="WB-1",
    keeper="wk-1",
    stamped_at=NOW,
)
DELIVERED = ShipmentDelivered(shipment_id="s-1", order_id="o-1", delivered_at=NOW + timedelta(days=1))
REQUESTED = RefundRequested(
    case_id="case-1",
    order_id="o-1",
    reason="quality",
    goods_received=False,
    amount=Decimal("3020.00"),
    requested_at=NOW,
)
ISSUED = RefundIssued(
    case_id="case-1", order_id="o-1", amount=Decimal("3020.00"), issued_by="sup-1", issued_at=NOW
)


class Unrelated(EventData):
    event_type = "AccessoriesChecked"
    shipment_id: str = "s-1"


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_orders(nats_server.url, nc, tmp_path / "orders.db", FixedClock(NOW))
    await confirmed_order(nc)
    yield runtime
    await runtime.stop()


async def settled(runtime: ServiceRuntime, nc: Client, count: int) -> list[str]:
    await caught_up(runtime)
    return await eventually(lambda: order_events(nc, "o-1"), lambda e: len(e) >= count)


async def test_a_stamped_then_delivered_shipment_marks_the_order_shipped_and_delivered(
    service: ServiceRuntime, nc: Client
) -> None:
    await publish_foreign(nc, "fulfilment", "Shipment", STAMPED, "f-1")
    await publish_foreign(nc, "fulfilment", "Shipment", DELIVERED, "f-2")
    events = await settled(service, nc, 6)
    assert events[-2:] == ["OrderMarkedShipped", "OrderMarkedDelivered"]
    await caught_up(service)
    order = await query(nc, "GetOrder", {"order_id": "o-1"})
    assert order["status"] == "Delivered"


async def test_a_redelivered_shipment_event_changes_nothing(service: ServiceRuntime, nc: Client) -> None:
    await publish_foreign(nc, "fulfilment", "Shipment", STAMPED, "f-1")
    await settled(service, nc, 5)
    await publish_foreign(nc, "fulfilment", "Shipment", STAMPED, "f-1")
    await caught_up(service)
    assert (await order_events(nc, "o-1")).count("OrderMarkedShipped") == 1
    assert len(await order_events(nc, "o-1")) == 5


async def test_foreign_events_orders_does_not_handle_are_skipped_not_dead_lettered(
    service: ServiceRuntime, nc: Client
) -> None:
    await publish_foreign(nc, "fulfilment", "Shipment", Unrelated(), "f-0")
    await publish_foreign(nc, "fulfilment", "Shipment", STAMPED, "f-1")
    await settled(service, nc, 5)
    assert (await nc.jetstream().stream_info("DLQ")).state.messages == 0


async def test_a_refund_issued_before_shipping_cancels_the_order_and_nets_daily_sales_ord_16(
    service: ServiceRuntime, nc: Client
) -> None:
    await publish_foreign(nc, "aftersales", "RefundCase", REQUESTED, "a-1")
    await publish_foreign(nc, "aftersales", "RefundCase", ISSUED, "a-2")
    events = await settled(service, nc, 6)
    assert events[-2:] == ["OrderRefundPending", "OrderCancelled"]
    await caught_up(service)
    sales = await query(nc, "DailySales", {"date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert sales["days"] == [
        {"day": "2026-03-02", "ordered": "3020.00", "refunded": "3020.00", "net": "0.00"}
    ]


async def test_a_case_closed_without_refund_restores_the_previous_state(
    service: ServiceRuntime, nc: Client
) -> None:
    await publish_foreign(nc, "aftersales", "RefundCase", REQUESTED, "a-1")
    closed = RefundCaseClosed(case_id="case-1", order_id="o-1", outcome="withdrawn", closed_at=NOW)
    await publish_foreign(nc, "aftersales", "RefundCase", closed, "a-2")
    await settled(service, nc, 6)
    await caught_up(service)
    order = await query(nc, "GetOrder", {"order_id": "o-1"})
    assert order["status"] == "Confirmed"
    assert [h["event_type"] for h in order["history"]][-2:] == ["OrderRefundPending", "OrderRefundCaseClosed"]


async def test_a_confirmed_order_not_handed_over_in_24_hours_is_overdue_ord_3(
    service: ServiceRuntime, nc: Client
) -> None:
    await caught_up(service)
    clock = service.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(hours=24))
    events = await eventually(lambda: order_events(nc, "o-1"), lambda e: "OrderHandoverOverdue" in e)
    assert events.count("OrderHandoverOverdue") == 1


async def test_a_delivered_order_completes_when_the_return_window_passes_as_11(
    service: ServiceRuntime, nc: Client
) -> None:
    await publish_foreign(nc, "fulfilment", "Shipment", STAMPED, "f-1")
    await publish_foreign(nc, "fulfilment", "Shipment", DELIVERED, "f-2")
    await settled(service, nc, 6)
    await caught_up(service)
    clock = service.clock
    assert isinstance(clock, FixedClock)
    clock.set(DELIVERED.delivered_at + timedelta(days=7))
    events = await eventually(lambda: order_events(nc, "o-1"), lambda e: "OrderCompleted" in e)
    assert events[-1] == "OrderCompleted"


async def completed_by_deadlines(runtime: ServiceRuntime, nc: Client) -> bool:
    await caught_up(runtime)
    for scheduler in runtime.schedulers:
        await scheduler.run_due()
    return "OrderCompleted" in await order_events(nc, "o-1")


async def test_a_shipped_order_never_reported_delivered_completes_after_transit_and_window_sm_ord_as_11(
    service: ServiceRuntime, nc: Client
) -> None:
    """SM-ORD, AS-11: the stamp schedules completion at stamp + transit (3 days) + window (7 days);
    without it an order the carrier never reports delivered stays Shipped forever."""
    await publish_foreign(nc, "fulfilment", "Shipment", STAMPED, "f-1")
    await settled(service, nc, 5)
    clock = service.clock
    assert isinstance(clock, FixedClock)
    clock.set(STAMPED.stamped_at + timedelta(days=9, hours=23))
    assert not await completed_by_deadlines(service, nc)
    clock.set(STAMPED.stamped_at + timedelta(days=10))
    events = await eventually(lambda: order_events(nc, "o-1"), lambda e: "OrderCompleted" in e)
    assert events[-1] == "OrderCompleted"
    assert "OrderMarkedDelivered" not in events


async def test_a_late_delivery_moves_the_completion_deadline_as_11(
    service: ServiceRuntime, nc: Client
) -> None:
    """AS-11: delivered 5 days after the stamp, the order completes 7 days after the delivery, not at
    stamp + transit + window."""
    late = DELIVERED.model_copy(update={"delivered_at": STAMPED.stamped_at + timedelta(days=5)})
    await publish_foreign(nc, "fulfilment", "Shipment", STAMPED, "f-1")
    await publish_foreign(nc, "fulfilment", "Shipment", late, "f-2")
    await settled(service, nc, 6)
    clock = service.clock
    assert isinstance(clock, FixedClock)
    clock.set(STAMPED.stamped_at + timedelta(days=11))
    assert not await completed_by_deadlines(service, nc)
    clock.set(late.delivered_at + timedelta(days=7))
    events = await eventually(lambda: order_events(nc, "o-1"), lambda e: "OrderCompleted" in e)
    assert events.count("OrderCompleted") == 1


async def test_a_case_closed_on_a_shipped_order_plans_completion_again_sm_ord(
    service: ServiceRuntime, nc: Client
) -> None:
    """SM-ORD: an open case holds completion of a shipped order; once it closes without a refund the
    order completes from the stamp plus transit and window (never before the close)."""
    await publish_foreign(nc, "fulfilment", "Shipment", STAMPED, "f-1")
    await publish_foreign(nc, "aftersales", "RefundCase", REQUESTED, "a-1")
    await settled(service, nc, 6)
    clock = service.clock
    assert isinstance(clock, FixedClock)
    clock.set(STAMPED.stamped_at + timedelta(days=10))
    assert not await completed_by_deadlines(service, nc)
    closed = RefundCaseClosed(case_id="case-1", order_id="o-1", outcome="withdrawn", closed_at=clock.now())
    await publish_foreign(nc, "aftersales", "RefundCase", closed, "a-2", version=2)
    events = await eventually(lambda: order_events(nc, "o-1"), lambda e: "OrderCompleted" in e)
    assert events[-1] == "OrderCompleted"
    assert events.index("OrderRefundCaseClosed") < events.index("OrderCompleted")


def _case(case_id: str, amount: str) -> tuple[RefundRequested, RefundIssued]:
    return (
        REQUESTED.model_copy(update={"case_id": case_id, "amount": Decimal(amount)}),
        ISSUED.model_copy(update={"case_id": case_id, "amount": Decimal(amount)}),
    )


async def test_two_concurrent_cases_both_net_daily_sales_and_show_on_the_order_ord_16(
    service: ServiceRuntime, nc: Client
) -> None:
    (req_1, paid_1), (req_2, paid_2) = _case("case-1", "1000.00"), _case("case-2", "500.00")
    await publish_foreign(nc, "aftersales", "RefundCase", req_1, "a-1")
    await publish_foreign(nc, "aftersales", "RefundCase", req_2, "a-2")
    await publish_foreign(nc, "aftersales", "RefundCase", paid_1, "a-3", version=2)
    await publish_foreign(nc, "aftersales", "RefundCase", paid_2, "a-4", version=2)
    events = await settled(service, nc, 8)
    assert events[-4:] == [
        "OrderRefundPending",
        "OrderRefundPending",
        "OrderPartiallyRefunded",
        "OrderPartiallyRefunded",
    ]
    await caught_up(service)
    order = await query(nc, "GetOrder", {"order_id": "o-1"})
    assert (order["status"], order["refunded"], order["open_refund_cases"]) == ("Confirmed", "1500.00", 0)
    assert [(c["case_id"], c["status"], c["refunded"]) for c in order["refund_cases"]] == [
        ("case-1", "refunded", "1000.00"),
        ("case-2", "refunded", "500.00"),
    ]
    sales = await query(nc, "DailySales", {"date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert sales["days"] == [
        {"day": "2026-03-02", "ordered": "3020.00", "refunded": "1500.00", "net": "1520.00"}
    ]


async def test_a_refused_shipment_shows_on_the_order_until_it_resumes_ful_5(
    service: ServiceRuntime, nc: Client
) -> None:
    refused = OutboundRefused(
        shipment_id="s-1",
        order_id="o-1",
        reason="invoice missing",
        keeper="wk-1",
        reported_to=("ops_director", "store_manager"),
        refused_at=NOW,
    )
    await publish_foreign(nc, "fulfilment", "Shipment", refused, "f-1")
    await settled(service, nc, 5)
    await caught_up(service)
    order = await query(nc, "GetOrder", {"order_id": "o-1"})
    assert (order["status"], order["shipment_held"]) == ("Confirmed", True)
    assert (order["shipment_refusal"]["reason"], order["shipment_refusal"]["rule"]) == (
        "invoice missing",
        "FUL-5",
    )
    resumed = ShipmentResumed(
        shipment_id="s-1",
        order_id="o-1",
        refusal_reason="invoice missing",
        fixed="invoice printed",
        documents=("WB-1", "ON-1", "INV-1"),
        handed_over_by="clerk-1",
        to_keeper="wk-1",
        resumed_to="InPacket",
        reported_to=("ops_director", "store_manager"),
        resumed_at=NOW,
    )
    await publish_foreign(nc, "fulfilment", "Shipment", resumed, "f-2", version=2)
    await settled(service, nc, 6)
    await caught_up(service)
    order = await query(nc, "GetOrder", {"order_id": "o-1"})
    assert order["shipment_held"] is False
    assert (order["shipment_refusal"]["cleared_by"], order["shipment_refusal"]["fixed"]) == (
        "resumed",
        "invoice printed",
    )
