"""A refused shipment reaches the order (FUL-5): the order records the hold instead of staying
silently Confirmed, and the hold clears when the shipment resumes or is stamped."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orders.domain.events import OrderShipmentRefused, OrderShipmentResumed
from orders.domain.status import OrderStatus
from shop_contracts.events.fulfilment import OutboundRefused, ShipmentResumed, ShipmentStamped

from .helpers import NOW, Orders, confirm, contact, pay, place

REFUSED = OutboundRefused(
    shipment_id="o-1",
    order_id="o-1",
    reason="outbound note missing",
    keeper="wk-1",
    reported_to=("ops_director", "store_manager"),
    refused_at=NOW,
)
RESUMED = ShipmentResumed(
    shipment_id="o-1",
    order_id="o-1",
    refusal_reason="outbound note missing",
    fixed="outbound note reprinted",
    documents=("WB-1", "ON-1", "INV-1"),
    handed_over_by="clerk-1",
    to_keeper="wk-1",
    resumed_to="AccessoriesChecked",
    reported_to=("ops_director", "store_manager"),
    resumed_at=NOW + timedelta(hours=1),
)
STAMPED = ShipmentStamped(
    shipment_id="o-1",
    order_id="o-1",
    outbound_note_no="ON-1",
    waybill_no="WB-1",
    keeper="wk-1",
    stamped_at=NOW + timedelta(hours=2),
)


@pytest.fixture
async def confirmed() -> Orders:
    orders = Orders()
    await orders.given(place(), pay(), contact(), confirm())
    return orders


async def test_a_refused_shipment_is_recorded_on_the_order_ful_5(confirmed: Orders) -> None:
    await confirmed.react(REFUSED, "f-1")
    refused = confirmed.events()[-1]
    assert isinstance(refused, OrderShipmentRefused)
    assert (refused.reason, refused.reported_to) == (
        "outbound note missing",
        ("ops_director", "store_manager"),
    )
    state = await confirmed.state()
    assert (state.status, state.refused_shipment) == (OrderStatus.CONFIRMED, "o-1")


async def test_a_redelivered_refusal_is_recorded_once_ful_5(confirmed: Orders) -> None:
    await confirmed.react(REFUSED, "f-1")
    assert (await confirmed.react(REFUSED, "f-2")).event_ids == ()
    assert confirmed.types().count("OrderShipmentRefused") == 1


async def test_a_resumed_shipment_clears_the_hold_ful_5(confirmed: Orders) -> None:
    await confirmed.react(REFUSED, "f-1")
    await confirmed.react(RESUMED, "f-2")
    resumed = confirmed.events()[-1]
    assert isinstance(resumed, OrderShipmentResumed)
    assert (resumed.cleared_by, resumed.fixed) == ("resumed", "outbound note reprinted")
    assert (await confirmed.state()).refused_shipment is None


async def test_a_stamp_after_a_refusal_clears_the_hold_and_ships_ful_5(confirmed: Orders) -> None:
    await confirmed.react(REFUSED, "f-1")
    await confirmed.react(STAMPED, "f-2")
    assert confirmed.types()[-2:] == ["OrderShipmentResumed", "OrderMarkedShipped"]
    state = await confirmed.state()
    assert (state.status, state.refused_shipment) == (OrderStatus.SHIPPED, None)


async def test_a_resume_without_a_refusal_decides_nothing_ful_5(confirmed: Orders) -> None:
    assert (await confirmed.react(RESUMED, "f-1")).event_ids == ()
