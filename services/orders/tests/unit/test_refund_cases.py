"""Several refund cases on one order (ORD-16, SM-ORD): every case is tracked, every refund reaches
the order and is netted, and the order is RefundPending while any case is open."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from orders.domain.status import OrderStatus
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.fulfilment import ShipmentDelivered, ShipmentStamped
from shop_contracts.events.order_progress import OrderCancelled, OrderPartiallyRefunded, OrderRefunded

from .helpers import AMOUNT, NOW, Orders, confirm, contact, pay, place

STAMPED = ShipmentStamped(
    shipment_id="s-1",
    order_id="o-1",
    outbound_note_no="ON-1",
    waybill_no="WB-1",
    keeper="wk-1",
    stamped_at=NOW,
)
DELIVERED = ShipmentDelivered(shipment_id="s-1", order_id="o-1", delivered_at=NOW + timedelta(days=2))


def requested(case: str, amount: str) -> RefundRequested:
    return RefundRequested(
        case_id=case,
        order_id="o-1",
        reason="not_as_described",
        goods_received=True,
        amount=Decimal(amount),
        requested_at=NOW,
    )


def issued(case: str, amount: str) -> RefundIssued:
    return RefundIssued(
        case_id=case, order_id="o-1", amount=Decimal(amount), issued_by="sup-1", issued_at=NOW
    )


def closed(case: str) -> RefundCaseClosed:
    return RefundCaseClosed(case_id=case, order_id="o-1", outcome="withdrawn", closed_at=NOW)


@pytest.fixture
async def delivered() -> Orders:
    orders = Orders()
    await orders.given(place(), pay(), contact(), confirm())
    await orders.react(STAMPED, "f-1")
    await orders.react(DELIVERED, "f-2")
    return orders


async def test_a_second_case_after_a_partial_refund_reaches_the_order_ord_16(delivered: Orders) -> None:
    # given a first case refunded in part
    await delivered.react(requested("case-1", "1000.00"), "a-1")
    await delivered.react(issued("case-1", "1000.00"), "a-2")
    assert (await delivered.state()).status is OrderStatus.DELIVERED
    # when a second case opens and is refunded
    await delivered.react(requested("case-2", "500.00"), "a-3")
    assert (await delivered.state()).status is OrderStatus.REFUND_PENDING
    await delivered.react(issued("case-2", "500.00"), "a-4")
    # then both refunds are on the order and it is back where it was
    state = await delivered.state()
    assert (state.status, state.refunded, dict(state.refunds)) == (
        OrderStatus.DELIVERED,
        Decimal("1500.00"),
        {"case-1": Decimal("1000.00"), "case-2": Decimal("500.00")},
    )


async def test_sequential_cases_refunding_the_whole_amount_end_refunded_ord_16(delivered: Orders) -> None:
    await delivered.react(requested("case-1", "1000.00"), "a-1")
    await delivered.react(issued("case-1", "1000.00"), "a-2")
    await delivered.react(requested("case-2", "2020.00"), "a-3")
    await delivered.react(issued("case-2", "2020.00"), "a-4")
    last = delivered.events()[-1]
    assert isinstance(last, OrderRefunded)
    state = await delivered.state()
    assert (state.status, state.refunded) == (OrderStatus.REFUNDED, AMOUNT)


async def test_with_two_concurrent_cases_the_order_stays_pending_until_both_end_ord_16(
    delivered: Orders,
) -> None:
    # given two cases open at once
    await delivered.react(requested("case-1", "1000.00"), "a-1")
    await delivered.react(requested("case-2", "500.00"), "a-2")
    # when the first is refunded
    await delivered.react(issued("case-1", "1000.00"), "a-3")
    partial = delivered.events()[-1]
    assert isinstance(partial, OrderPartiallyRefunded)
    assert (partial.status, partial.open_cases) == (OrderStatus.REFUND_PENDING, ("case-2",))
    assert (await delivered.state()).status is OrderStatus.REFUND_PENDING
    # then the second one ending puts the order back
    await delivered.react(issued("case-2", "500.00"), "a-4")
    state = await delivered.state()
    assert (state.status, state.refunded, state.open_cases) == (
        OrderStatus.DELIVERED,
        Decimal("1500.00"),
        frozenset(),
    )


async def test_a_concurrent_case_closed_without_refund_keeps_the_order_pending_ord_16(
    delivered: Orders,
) -> None:
    await delivered.react(requested("case-1", "1000.00"), "a-1")
    await delivered.react(requested("case-2", "500.00"), "a-2")
    await delivered.react(closed("case-2"), "a-3")
    assert (await delivered.state()).status is OrderStatus.REFUND_PENDING
    await delivered.react(closed("case-1"), "a-4")
    assert (await delivered.state()).status is OrderStatus.DELIVERED


async def test_a_full_refund_ends_the_order_even_with_another_case_open_ord_16() -> None:
    orders = Orders()
    await orders.given(place(), pay(), contact(), confirm())
    await orders.react(requested("case-1", "3020.00"), "a-1")
    await orders.react(requested("case-2", "3020.00"), "a-2")
    await orders.react(issued("case-1", "3020.00"), "a-3")
    assert isinstance(orders.events()[-1], OrderCancelled)
    # the other case can only close without a refund now; the order stays cancelled
    await orders.react(closed("case-2"), "a-4")
    state = await orders.state()
    assert (state.status, state.open_cases) == (OrderStatus.CANCELLED, frozenset())


async def test_a_refund_after_completion_still_reaches_the_order_ord_16(delivered: Orders) -> None:
    from orders.domain.sla import DeadlineKind

    delivered.clock.set(DELIVERED.delivered_at + timedelta(days=7))
    await delivered.fire(DeadlineKind.COMPLETE, timedelta(days=9))
    assert (await delivered.state()).status is OrderStatus.COMPLETED
    await delivered.react(requested("case-1", "100.00"), "a-1")
    await delivered.react(issued("case-1", "100.00"), "a-2")
    state = await delivered.state()
    assert (state.status, state.refunded) == (OrderStatus.COMPLETED, Decimal("100.00"))
