"""Reactions to fulfilment and after-sales events, and the order deadlines (SM-ORD; ORD-1, ORD-2,
ORD-3 overdue evidence; ORD-16 refunded amounts; AS-11 completion after the return window)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from jetstream_es.errors import RuleViolated
from orders.bootstrap import OrdersSettings
from orders.domain.policy import OrderPolicy
from orders.domain.sla import DeadlineKind as K
from orders.domain.status import OrderStatus
from shop_contracts.commands import orders as c
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.fulfilment import ShipmentDelivered, ShipmentStamped
from shop_contracts.events.order_progress import (
    CustomerContactOverdue,
    OrderCancelled,
    OrderHandoverOverdue,
    OrderPartiallyRefunded,
    OrderRefreshOverdue,
    OrderRefunded,
)

from .helpers import ACCOUNT, AMOUNT, NOW, SALES, Orders, confirm, contact, hand_over, pay, place, view

STAMPED = ShipmentStamped(
    shipment_id="s-1",
    order_id="o-1",
    outbound_note_no="ON-1",
    waybill_no="WB-1",
    keeper="wk-1",
    stamped_at=NOW,
)
DELIVERED = ShipmentDelivered(shipment_id="s-1", order_id="o-1", delivered_at=NOW + timedelta(days=2))


def requested(case: str = "case-1", received: bool = True) -> RefundRequested:
    return RefundRequested(
        case_id=case,
        order_id="o-1",
        reason="quality",
        goods_received=received,
        amount=AMOUNT,
        requested_at=NOW,
    )


def issued(amount: str = "3020.00", case: str = "case-1") -> RefundIssued:
    return RefundIssued(
        case_id=case, order_id="o-1", amount=Decimal(amount), issued_by="sup-1", issued_at=NOW
    )


def closed(outcome: str = "withdrawn", case: str = "case-1") -> RefundCaseClosed:
    return RefundCaseClosed(case_id=case, order_id="o-1", outcome=outcome, closed_at=NOW)  # type: ignore[arg-type]


@pytest.fixture
async def confirmed() -> Orders:
    orders = Orders()
    await orders.given(place(), pay(), contact(), confirm())
    return orders


async def test_a_stamped_shipment_marks_a_confirmed_order_shipped(confirmed: Orders) -> None:
    await confirmed.react(STAMPED, "e-1")
    assert confirmed.types()[-1] == "OrderMarkedShipped"
    assert (await confirmed.state()).status is OrderStatus.SHIPPED


async def test_a_remark_after_the_order_shipped_is_refused_ord_9(confirmed: Orders) -> None:
    """ORD-9: remarks are there to prevent wrong shipments; once stamped, one can no longer help."""
    await confirmed.react(STAMPED, "e-1")
    before = confirmed.types()
    remark = c.RecordBuyerRemark(command_id="late-remark", actor=SALES, order_id="o-1", logistics_method="SF")
    with pytest.raises(RuleViolated) as refused:
        await confirmed.when(remark)
    assert refused.value.rule == "ORD-9"
    assert confirmed.types() == before


async def test_a_redelivered_shipment_event_changes_nothing(confirmed: Orders) -> None:
    first = await confirmed.react(STAMPED, "e-1")
    again = await confirmed.react(STAMPED, "e-1")
    assert again.repeated
    assert again.event_ids == first.event_ids
    assert confirmed.types().count("OrderMarkedShipped") == 1


async def test_a_second_stamp_for_a_shipped_order_is_ignored(confirmed: Orders) -> None:
    await confirmed.react(STAMPED, "e-1")
    result = await confirmed.react(STAMPED, "e-2")
    assert result.event_ids == ()


async def test_a_stamp_for_an_unconfirmed_order_is_ignored() -> None:
    orders = Orders()
    await orders.given(place(), pay())
    assert (await orders.react(STAMPED, "e-1")).event_ids == ()


async def test_a_handed_over_order_is_shipped_then_delivered(confirmed: Orders) -> None:
    await confirmed.given(hand_over())
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(DELIVERED, "e-2")
    state = await confirmed.state()
    assert (state.status, state.delivered_at) == (OrderStatus.DELIVERED, DELIVERED.delivered_at)


async def test_a_refund_request_puts_the_order_in_refund_pending(confirmed: Orders) -> None:
    await confirmed.react(requested(), "r-1")
    state = await confirmed.state()
    assert (state.status, state.open_cases, state.status_before_refund) == (
        OrderStatus.REFUND_PENDING,
        {"case-1"},
        OrderStatus.CONFIRMED,
    )


async def test_a_refund_issued_before_shipping_cancels_the_order_ord_16(confirmed: Orders) -> None:
    await confirmed.react(requested(received=False), "r-1")
    await confirmed.react(issued(), "r-2")
    cancelled = confirmed.events()[-1]
    assert isinstance(cancelled, OrderCancelled)
    assert cancelled.amount_refunded == AMOUNT
    assert (await confirmed.state()).status is OrderStatus.CANCELLED


async def test_a_full_refund_issued_after_shipping_refunds_the_order_with_its_amount_ord_16(
    confirmed: Orders,
) -> None:
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(requested(), "r-1")
    await confirmed.react(issued(), "r-2")
    refunded = confirmed.events()[-1]
    assert isinstance(refunded, OrderRefunded)
    assert refunded.amount_refunded == AMOUNT
    assert (await confirmed.state()).status is OrderStatus.REFUNDED


async def test_a_partial_refund_after_shipping_puts_the_order_back_with_the_amount_netted_ord_16(
    confirmed: Orders,
) -> None:
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(requested(), "r-1")
    await confirmed.react(issued("100.00"), "r-2")
    partial = confirmed.events()[-1]
    assert isinstance(partial, OrderPartiallyRefunded)
    assert (partial.amount_refunded, partial.remaining, partial.status) == (
        Decimal("100.00"),
        AMOUNT - Decimal("100.00"),
        OrderStatus.SHIPPED,
    )
    state = await confirmed.state()
    assert (state.status, state.refunded) == (OrderStatus.SHIPPED, Decimal("100.00"))


async def test_shipping_while_a_refund_is_pending_keeps_it_pending_and_counts_as_shipped(
    confirmed: Orders,
) -> None:
    await confirmed.react(requested(), "r-1")
    await confirmed.react(STAMPED, "e-1")
    state = await confirmed.state()
    assert (state.status, state.status_before_refund, state.shipped) == (
        OrderStatus.REFUND_PENDING,
        OrderStatus.SHIPPED,
        True,
    )


async def test_a_case_closed_without_refund_puts_the_order_back(confirmed: Orders) -> None:
    await confirmed.react(requested(), "r-1")
    await confirmed.react(closed("rejected"), "r-2")
    state = await confirmed.state()
    assert (state.status, state.open_cases) == (OrderStatus.CONFIRMED, frozenset())


async def test_a_case_refunded_once_is_not_netted_again_ord_16(confirmed: Orders) -> None:
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(requested(), "r-1")
    await confirmed.react(issued("100.00"), "r-2")
    assert (await confirmed.react(issued("100.00"), "r-3")).event_ids == ()
    assert (await confirmed.state()).refunded == Decimal("100.00")


async def test_an_unpaid_order_has_nothing_to_refund() -> None:
    orders = Orders()
    await orders.given(place())
    assert (await orders.react(requested(), "r-1")).event_ids == ()


async def test_an_unseen_order_gets_a_refresh_overdue_ord_1() -> None:
    orders = Orders()
    await orders.given(place())
    orders.clock.advance(timedelta(minutes=10))
    await orders.fire(K.REFRESH, timedelta(minutes=10))
    overdue = orders.events()[-1]
    assert isinstance(overdue, OrderRefreshOverdue)
    assert (overdue.lag_min, overdue.due_at) == (10, NOW + timedelta(minutes=10))


async def test_a_refresh_deadline_fired_twice_records_once_ord_1() -> None:
    orders = Orders()
    await orders.given(place())
    orders.clock.advance(timedelta(minutes=10))
    await orders.fire(K.REFRESH, timedelta(minutes=10))
    await orders.fire(K.REFRESH, timedelta(minutes=10))
    assert orders.types().count("OrderRefreshOverdue") == 1


async def test_a_viewed_order_gets_no_refresh_overdue_ord_1() -> None:
    orders = Orders()
    await orders.given(place(), view())
    orders.clock.advance(timedelta(minutes=10))
    await orders.fire(K.REFRESH, timedelta(minutes=10))
    assert "OrderRefreshOverdue" not in orders.types()


async def test_no_contact_within_the_sla_is_contact_overdue_ord_2() -> None:
    orders = Orders()
    await orders.given(place())
    orders.clock.advance(timedelta(minutes=12))
    await orders.fire(K.CONTACT, timedelta(minutes=10))
    overdue = orders.events()[-1]
    assert isinstance(overdue, CustomerContactOverdue)
    assert overdue.minutes_since_accept == 12


async def test_a_contacted_order_gets_no_contact_overdue_ord_2() -> None:
    orders = Orders()
    await orders.given(place(), contact())
    await orders.fire(K.CONTACT, timedelta(minutes=10))
    assert "CustomerContactOverdue" not in orders.types()


async def test_a_confirmed_order_not_handed_over_in_24_hours_is_overdue_ord_3(confirmed: Orders) -> None:
    confirmed.clock.advance(timedelta(hours=25))
    await confirmed.fire(K.HANDOVER, timedelta(hours=24))
    overdue = confirmed.events()[-1]
    assert isinstance(overdue, OrderHandoverOverdue)
    assert overdue.hours == Decimal("25.00")


async def test_a_handed_over_order_gets_no_handover_overdue_ord_3(confirmed: Orders) -> None:
    await confirmed.given(hand_over())
    await confirmed.fire(K.HANDOVER, timedelta(hours=24))
    assert "OrderHandoverOverdue" not in confirmed.types()


async def test_a_delivered_order_completes_after_the_return_window_as_11(confirmed: Orders) -> None:
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(DELIVERED, "e-2")
    confirmed.clock.set(DELIVERED.delivered_at + timedelta(days=7))
    await confirmed.fire(K.COMPLETE, timedelta(days=9))
    assert (await confirmed.state()).status is OrderStatus.COMPLETED


async def test_completion_before_the_window_ends_is_refused_as_11(confirmed: Orders) -> None:
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(DELIVERED, "e-2")
    confirmed.clock.set(DELIVERED.delivered_at + timedelta(days=6))
    with pytest.raises(RuleViolated) as refused:
        await confirmed.fire(K.COMPLETE, timedelta(days=8))
    assert refused.value.rule == "AS-11"


async def test_a_shipped_order_never_reported_delivered_completes_after_transit_and_window_sm_ord_as_11(
    confirmed: Orders,
) -> None:
    """SM-ORD, AS-11: the carrier never reports the delivery; receipt is the stamp plus the transit
    allowance (3 days), and the order completes 7 days after that instead of staying Shipped."""
    await confirmed.react(STAMPED, "e-1")
    confirmed.clock.set(STAMPED.stamped_at + timedelta(days=10))
    await confirmed.fire(K.COMPLETE, timedelta(days=10))
    assert (await confirmed.state()).status is OrderStatus.COMPLETED
    assert confirmed.types()[-1] == "OrderCompleted"


async def test_a_shipped_order_does_not_complete_inside_transit_plus_window_sm_ord_as_11(
    confirmed: Orders,
) -> None:
    await confirmed.react(STAMPED, "e-1")
    confirmed.clock.set(STAMPED.stamped_at + timedelta(days=9, hours=23))
    with pytest.raises(RuleViolated) as refused:
        await confirmed.fire(K.COMPLETE, timedelta(days=10))
    assert refused.value.rule == "AS-11"
    assert (await confirmed.state()).status is OrderStatus.SHIPPED


async def test_the_transit_allowance_of_a_shipped_order_is_the_policy_setting_as_11() -> None:
    orders = Orders(OrderPolicy(company_accounts=frozenset({ACCOUNT}), transit_days=1))
    await orders.given(place(), pay(), contact(), confirm())
    await orders.react(STAMPED, "e-1")
    orders.clock.set(STAMPED.stamped_at + timedelta(days=8))
    await orders.fire(K.COMPLETE, timedelta(days=8))
    assert (await orders.state()).status is OrderStatus.COMPLETED


async def test_a_delivery_decides_completion_over_the_transit_allowance_as_11(confirmed: Orders) -> None:
    """AS-11: once the carrier reports the delivery, receipt is the delivery (here 5 days after the
    stamp, later than stamp plus transit), so stamp + 10 days is still inside the window."""
    late = DELIVERED.model_copy(update={"delivered_at": STAMPED.stamped_at + timedelta(days=5)})
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(late, "e-2")
    confirmed.clock.set(STAMPED.stamped_at + timedelta(days=10))
    with pytest.raises(RuleViolated):
        await confirmed.fire(K.COMPLETE, timedelta(days=10))
    confirmed.clock.set(late.delivered_at + timedelta(days=7))
    await confirmed.fire(K.COMPLETE, timedelta(days=12))
    assert (await confirmed.state()).status is OrderStatus.COMPLETED


async def test_a_shipped_order_with_an_open_case_does_not_complete_sm_ord(confirmed: Orders) -> None:
    """SM-ORD: an open refund case holds completion of a shipped order too."""
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(requested(received=False), "r-1")
    confirmed.clock.set(STAMPED.stamped_at + timedelta(days=11))
    await confirmed.fire(K.COMPLETE, timedelta(days=10))
    assert (await confirmed.state()).status is OrderStatus.REFUND_PENDING


def test_orders_read_the_department_transit_setting_shared_with_aftersales_as_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AS-11: SHOP_TRANSIT_DAYS is the one allowance (after-sales reads it too, its own test)."""
    monkeypatch.setenv("SHOP_TRANSIT_DAYS", "4")
    assert OrdersSettings().policy().transit_allowance == timedelta(days=4)


async def test_a_delivered_order_with_an_open_case_does_not_complete(confirmed: Orders) -> None:
    await confirmed.react(STAMPED, "e-1")
    await confirmed.react(DELIVERED, "e-2")
    await confirmed.react(requested(), "r-1")
    confirmed.clock.set(DELIVERED.delivered_at + timedelta(days=8))
    await confirmed.fire(K.COMPLETE, timedelta(days=9))
    assert (await confirmed.state()).status is OrderStatus.REFUND_PENDING
