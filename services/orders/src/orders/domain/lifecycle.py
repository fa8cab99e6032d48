"""Decisions taken by the system: reactions to fulfilment (shipped, delivered, a shipment refused
and resumed, FUL-5) and after-sales, and deadlines (SM-ORD;
ORD-1, ORD-2, ORD-3 overdue evidence; ORD-16 every refund case and its amount; AS-11 return
window).

A reaction that does not apply to the order's state decides nothing (an empty list): events from
other services arrive once more on redelivery, and late or crossing events must not fail forever.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from jetstream_es.errors import RuleViolated
from orders.domain.events import (
    OrderRefundCaseClosed,
    OrderRefundPending,
    OrderShipmentRefused,
    OrderShipmentResumed,
)
from orders.domain.placing import hours_between, minutes_between
from orders.domain.policy import OrderPolicy
from orders.domain.state import ENDED, OrderState
from orders.domain.status import OrderStatus as S
from shop_contracts.duty import Cover
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.fulfilment import (
    OutboundRefused,
    ShipmentDelivered,
    ShipmentResumed,
    ShipmentStamped,
)
from shop_contracts.events.order_progress import (
    CustomerContactOverdue,
    OrderCancelled,
    OrderCompleted,
    OrderHandoverOverdue,
    OrderMarkedDelivered,
    OrderMarkedShipped,
    OrderPartiallyRefunded,
    OrderRefreshOverdue,
    OrderRefunded,
)
from shop_contracts.messages import EventData

SHIPPABLE = frozenset({S.CONFIRMED, S.HANDED_OVER})
REFUNDABLE = frozenset({S.PAID, S.CONTACTED, S.CONFIRMED, S.HANDED_OVER, S.SHIPPED, S.DELIVERED, S.COMPLETED})
"""Where a refund case may open (SM-ORD: Paid..Delivered; designer extension: a completed order
too, since after-sales may still refund it and every refund must reach sales, ORD-16)."""


def mark_shipped(state: OrderState, event: ShipmentStamped) -> Sequence[EventData]:
    if state.shipped or state.progress not in SHIPPABLE:
        return []
    cleared: list[EventData] = []
    if state.refused_shipment is not None:
        cleared.append(
            OrderShipmentResumed(
                order_id=state.order_id,
                shipment_id=event.shipment_id,
                cleared_by="stamped",
                resumed_at=event.stamped_at,
            )
        )
    return [
        *cleared,
        OrderMarkedShipped(
            order_id=state.order_id, shipment_id=event.shipment_id, shipped_at=event.stamped_at
        ),
    ]


def shipment_refused(state: OrderState, event: OutboundRefused) -> Sequence[EventData]:
    """FUL-5: the warehouse refused the shipment; the order records the hold, it does not stay
    silently Confirmed. A shipped or ended order, or a refusal already held, decides nothing."""
    if state.shipped or state.status in ENDED or state.refused_shipment == event.shipment_id:
        return []
    return [
        OrderShipmentRefused(
            order_id=state.order_id,
            shipment_id=event.shipment_id,
            reason=event.reason,
            keeper=event.keeper,
            reported_to=event.reported_to,
            refused_at=event.refused_at,
        )
    ]


def shipment_resumed(state: OrderState, event: ShipmentResumed) -> Sequence[EventData]:
    """FUL-5: the paperwork was fixed and the shipment goes on; the hold is cleared."""
    if state.refused_shipment is None:
        return []
    return [
        OrderShipmentResumed(
            order_id=state.order_id,
            shipment_id=event.shipment_id,
            cleared_by="resumed",
            fixed=event.fixed,
            resumed_at=event.resumed_at,
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
    """ORD-16, SM-ORD: every case of a paid order is tracked; the first open one makes the order
    RefundPending, further ones keep it so. An unpaid order has no money to give back (AS-3)."""
    if state.knows_case(event.case_id) or not state.paid:
        return []
    if state.status is S.REFUND_PENDING and state.status_before_refund is not None:
        previous = state.status_before_refund
    elif state.status in REFUNDABLE and state.status is not None:
        previous = state.status
    else:
        return []
    return [
        OrderRefundPending(
            order_id=state.order_id,
            case_id=event.case_id,
            previous_status=previous,
            requested_at=event.requested_at,
        )
    ]


def refund_issued(state: OrderState, event: RefundIssued) -> Sequence[EventData]:
    """ORD-16: every case's refund reaches the order and is netted from sales, whatever the order's
    state. Refunded in full: Refunded once shipped, else Cancelled. Otherwise the order stays
    RefundPending while another case is open, or goes back to where it was (a partial refund)."""
    if event.case_id in state.refunds or not state.paid:
        return []
    total = state.refunded + event.amount
    others = state.open_cases - {event.case_id}
    if total >= state.amount:
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
    after = S.REFUND_PENDING if others and state.status is S.REFUND_PENDING else state.progress
    if after is None:
        return []
    return [
        OrderPartiallyRefunded(
            order_id=state.order_id,
            case_id=event.case_id,
            amount_refunded=event.amount,
            refunded_total=total,
            remaining=state.amount - total,
            status=after,
            open_cases=tuple(sorted(others)),
            delivered_at=state.delivered_at,
            shipped_at=state.shipped_at,
            refunded_at=event.issued_at,
        )
    ]


def close_refund_case(state: OrderState, event: RefundCaseClosed) -> Sequence[EventData]:
    """A case ended without a refund: back to the remembered state once no other case is open."""
    if event.case_id not in state.open_cases or state.status is None:
        return []
    others = state.open_cases - {event.case_id}
    restored = state.status
    if state.status is S.REFUND_PENDING and not others:
        restored = state.status_before_refund or state.status
    return [
        OrderRefundCaseClosed(
            order_id=state.order_id,
            case_id=event.case_id,
            outcome=event.outcome,
            restored_status=restored,
            delivered_at=state.delivered_at,
            shipped_at=state.shipped_at,
        )
    ]


COMPLETABLE = frozenset({S.SHIPPED, S.DELIVERED})


def received_at(
    delivered_at: datetime | None, shipped_at: datetime | None, policy: OrderPolicy
) -> datetime | None:
    """AS-11: when the buyer received the goods, from the facts that exist: the delivery the carrier
    reported, else the stamp plus the department's transit allowance (SHOP_TRANSIT_DAYS, the same
    after-sales uses); never stamped, never received."""
    if delivered_at is not None:
        return delivered_at
    if shipped_at is not None:
        return shipped_at + policy.transit_allowance
    return None


def completes_at(
    delivered_at: datetime | None, shipped_at: datetime | None, policy: OrderPolicy
) -> datetime | None:
    """SM-ORD, AS-11: the return window after receipt, when the order completes if no case is open."""
    received = received_at(delivered_at, shipped_at, policy)
    return None if received is None else received + policy.return_window


def complete(state: OrderState, policy: OrderPolicy, now: datetime) -> Sequence[EventData]:
    """Delivered (or shipped and never reported delivered: the stamp plus the transit allowance
    counts as receipt), no open case, and the return window has passed (SM-ORD, AS-11). Without
    the shipped case an order the carrier never reports delivered would stay Shipped forever."""
    if state.status not in COMPLETABLE:
        return []
    due = completes_at(state.delivered_at, state.shipped_at, policy)
    if due is None:
        return []
    if now < due:
        raise RuleViolated(f"the return window is still open until {due.isoformat()}", "AS-11")
    return [OrderCompleted(order_id=state.order_id, completed_at=now)]


def refresh_overdue(state: OrderState, due_at: datetime, now: datetime) -> Sequence[EventData]:
    if state.viewed or state.status in ENDED:
        return []
    lag = minutes_between(state.placed_at, now)
    return [OrderRefreshOverdue(order_id=state.order_id, due_at=due_at, lag_min=lag)]


def contact_overdue(
    state: OrderState, due_at: datetime, now: datetime, cover: Cover | None = None
) -> Sequence[EventData]:
    """ORD-2; `cover`: who was on duty when the deadline fell (DUTY-1): outside online hours the
    event names them and why, or the escalation role when nobody was (AS-22, DUTY-2, DUTY-3)."""
    if state.contacted or state.status in ENDED:
        return []
    minutes = minutes_between(state.placed_at, now)
    overdue = CustomerContactOverdue(order_id=state.order_id, due_at=due_at, minutes_since_accept=minutes)
    if cover is not None and cover.routed:
        routing = {
            "assigned_to": cover.assigned_to,
            "duty_reason": cover.reason,
            "escalate_to": cover.escalate_to,
        }
        overdue = overdue.model_copy(update=routing)
    return [overdue]


def handover_overdue(state: OrderState, due_at: datetime, now: datetime) -> Sequence[EventData]:
    if state.handed_over or state.progress is not S.CONFIRMED or state.status in ENDED:
        return []
    hours = hours_between(state.confirmed_at, now)
    return [OrderHandoverOverdue(order_id=state.order_id, due_at=due_at, hours=hours)]
