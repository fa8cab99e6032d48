"""Decisions taken by the system: reactions to fulfilment and after-sales, and deadlines (SM-ORD;
ORD-1, ORD-2, ORD-3 overdue evidence; ORD-16 refunded amounts; AS-11 return window).

A reaction that does not apply to the order's state decides nothing (an empty list): events from
other services arrive once more on redelivery, and late or crossing events must not fail forever.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from jetstream_es.errors import RuleViolated
from orders.domain.events import OrderRefundCaseClosed, OrderRefundPending
from orders.domain.placing import hours_between, minutes_between
from orders.domain.policy import OrderPolicy
from orders.domain.state import ENDED, OrderState
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.fulfilment import ShipmentDelivered, ShipmentStamped
from shop_contracts.events.order_progress import (
    CustomerContactOverdue,
    OrderCancelled,
    OrderCompleted,
    OrderHandoverOverdue,
    OrderMarkedDelivered,
    OrderMarkedShipped,
    OrderRefreshOverdue,
    OrderRefunded,
)
from shop_contracts.messages import EventData
from shop_contracts.queries.orders import OrderStatus as S

SHIPPABLE = frozenset({S.CONFIRMED, S.HANDED_OVER})
REFUNDABLE = frozenset({S.PAID, S.CONTACTED, S.CONFIRMED, S.HANDED_OVER, S.SHIPPED, S.DELIVERED})


def mark_shipped(state: OrderState, event: ShipmentStamped) -> Sequence[EventData]:
    if state.shipped or state.progress not in SHIPPABLE:
        return []
    return [
        OrderMarkedShipped(
            order_id=state.order_id, shipment_id=event.shipment_id, shipped_at=event.stamped_at
        )
    ]


def mark_delivered(state: OrderState, event: ShipmentDelivered) -> Sequence[EventData]:
    if state.progress is not S.SHIPPED:
        return []
    return [
        OrderMarkedDelivered(
            order_id=state.order_id, shipment_id=event.shipment_id, delivered_at=event.delivered_at
        )
    ]


def open_refund(state: OrderState, event: RefundRequested) -> Sequence[EventData]:
    if state.open_case is not None or not state.paid or state.status not in REFUNDABLE:
        return []
    return [
        OrderRefundPending(
            order_id=state.order_id,
            case_id=event.case_id,
            previous_status=state.status,
            requested_at=event.requested_at,
        )
    ]


def refund_issued(state: OrderState, event: RefundIssued) -> Sequence[EventData]:
    if state.open_case != event.case_id:
        return []
    if state.shipped:
        return [
            OrderRefunded(
                order_id=state.order_id,
                case_id=event.case_id,
                amount_refunded=event.amount,
                refunded_at=event.issued_at,
            )
        ]
    return [
        OrderCancelled(
            order_id=state.order_id,
            case_id=event.case_id,
            amount_refunded=event.amount,
            cancelled_at=event.issued_at,
        )
    ]


def close_refund_case(state: OrderState, event: RefundCaseClosed) -> Sequence[EventData]:
    if state.open_case != event.case_id or state.status_before_refund is None:
        return []
    return [
        OrderRefundCaseClosed(
            order_id=state.order_id,
            case_id=event.case_id,
            outcome=event.outcome,
            restored_status=state.status_before_refund,
            delivered_at=state.delivered_at,
        )
    ]


def complete(state: OrderState, policy: OrderPolicy, now: datetime) -> Sequence[EventData]:
    """Delivered, no open case, and the return window has passed (SM-ORD, AS-11)."""
    if state.status is not S.DELIVERED or state.delivered_at is None:
        return []
    if now < state.delivered_at + policy.return_window:
        raise RuleViolated("the return window is still open", "AS-11")
    return [OrderCompleted(order_id=state.order_id, completed_at=now)]


def refresh_overdue(state: OrderState, due_at: datetime, now: datetime) -> Sequence[EventData]:
    if state.viewed or state.status in ENDED:
        return []
    lag = minutes_between(state.placed_at, now)
    return [OrderRefreshOverdue(order_id=state.order_id, due_at=due_at, lag_min=lag)]


def contact_overdue(state: OrderState, due_at: datetime, now: datetime) -> Sequence[EventData]:
    if state.contacted or state.status in ENDED:
        return []
    minutes = minutes_between(state.placed_at, now)
    return [CustomerContactOverdue(order_id=state.order_id, due_at=due_at, minutes_since_accept=minutes)]


def handover_overdue(state: OrderState, due_at: datetime, now: datetime) -> Sequence[EventData]:
    if state.handed_over or state.progress is not S.CONFIRMED or state.status in ENDED:
        return []
    hours = hours_between(state.confirmed_at, now)
    return [OrderHandoverOverdue(order_id=state.order_id, due_at=due_at, hours=hours)]
