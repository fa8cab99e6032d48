"""The Order aggregate's state and how each event changes it (SM-ORD).

Payment and customer contact are independent flags, both needed to confirm (SM-ORD designer
default). An order may have several refund cases (ORD-16): it is RefundPending while any is open,
remembers the pipeline state it left, and keeps every case's refund (`refunds`, case → amount). Corrections (ORD-6) are applied on top of the placed order, which itself never changes
(ORD-5). Rejected amendments are remembered by command id so a repeat gets the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from jetstream_es.aggregate import AggregateType
from jetstream_es.events import EventRegistry
from orders.domain.events import (
    OrderRefundCaseClosed,
    OrderRefundPending,
    OrderShipmentRefused,
    OrderShipmentResumed,
)
from orders.domain.status import OrderStatus
from shop_contracts.aggregates import ORDERS_ORDER
from shop_contracts.events.order_progress import (
    CustomerContacted,
    CustomerContactOverdue,
    OrderCancelled,
    OrderCompleted,
    OrderHandedOver,
    OrderHandoverOverdue,
    OrderMarkedDelivered,
    OrderMarkedShipped,
    OrderOutOfStockNotified,
    OrderPartiallyRefunded,
    OrderRefreshOverdue,
    OrderRefunded,
    OrderViewed,
)
from shop_contracts.events.orders import (
    BuyerRemarkRecorded,
    OrderAmendmentRejected,
    OrderConfirmed,
    OrderDetailsCorrected,
    OrderLine,
    OrderPaid,
    OrderPlaced,
    ShippingAddress,
)
from shop_contracts.messages import EventData

S = OrderStatus
BEFORE_CONFIRMATION = frozenset({S.PLACED, S.PAID, S.CONTACTED})
ENDED = frozenset({S.COMPLETED, S.REFUNDED, S.CANCELLED})


@dataclass(frozen=True)
class OrderState:
    status: OrderStatus | None = None
    order_id: str = ""
    lines: tuple[OrderLine, ...] = ()
    shipping: ShippingAddress | None = None
    amount: Decimal = Decimal(0)
    buyer_id: str = ""
    channel: str = ""
    sales_owner: str = ""
    placed_at: datetime | None = None
    paid: bool = False
    contacted: bool = False
    details_verified: bool = False
    viewed: bool = False
    remark: str | None = None
    confirmed_at: datetime | None = None
    handed_over: bool = False
    shipped: bool = False
    shipped_at: datetime | None = None
    refused_shipment: str | None = None
    delivered_at: datetime | None = None
    open_cases: frozenset[str] = frozenset()
    closed_cases: frozenset[str] = frozenset()
    status_before_refund: OrderStatus | None = None
    refunds: Mapping[str, Decimal] = field(default_factory=dict)
    refunded: Decimal = Decimal(0)
    rejections: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.status is not None

    @property
    def remaining(self) -> Decimal:
        """The order amount minus every refund (ORD-16)."""
        return self.amount - self.refunded

    def knows_case(self, case_id: str) -> bool:
        return case_id in self.open_cases or case_id in self.closed_cases or case_id in self.refunds

    @property
    def progress(self) -> OrderStatus | None:
        """Where the order stands in its pipeline, looking through an open refund case."""
        return self.status_before_refund if self.status is S.REFUND_PENDING else self.status


def _moved(state: OrderState, to: OrderStatus) -> OrderState:
    """Move along the pipeline; while a refund case is open, move the remembered state instead."""
    if state.status is S.REFUND_PENDING:
        return replace(state, status_before_refund=to)
    return replace(state, status=to)


def _status(state: OrderState, to: OrderStatus) -> OrderState:
    """Set the status; leaving RefundPending forgets the remembered pipeline state."""
    before = state.status_before_refund if to is S.REFUND_PENDING else None
    return replace(state, status=to, status_before_refund=before)


def _refund(state: OrderState, case_id: str, amount: Decimal) -> OrderState:
    """One case's refund, kept per case and in the total (ORD-16)."""
    return replace(
        state,
        open_cases=state.open_cases - {case_id},
        refunds={**state.refunds, case_id: amount},
        refunded=state.refunded + amount,
    )


def _corrected(state: OrderState, event: OrderDetailsCorrected) -> OrderState:
    shipping = state.shipping
    lines = list(state.lines)
    for c in event.corrections:
        if c.field in ("recipient", "phone", "address") and shipping is not None:
            shipping = shipping.model_copy(update={c.field: c.new})
        elif c.field.startswith("lines."):
            _, number, name = c.field.split(".")
            index = int(number) - 1
            lines[index] = lines[index].model_copy(update={name: c.new})
    return replace(state, shipping=shipping, lines=tuple(lines))


def evolve(state: OrderState, event: EventData) -> OrderState:
    match event:
        case OrderPlaced():
            return replace(
                state,
                status=S.PLACED,
                order_id=event.order_id,
                lines=event.lines,
                shipping=event.shipping,
                amount=event.amount,
                buyer_id=event.buyer_id,
                channel=event.channel,
                sales_owner=event.sales_owner,
                placed_at=event.placed_at,
            )
        case OrderPaid():
            paid = S.CONTACTED if state.contacted else S.PAID
            return replace(
                state, paid=True, status=paid if state.status in BEFORE_CONFIRMATION else state.status
            )
        case CustomerContacted():
            contacted = S.CONTACTED if state.status in BEFORE_CONFIRMATION else state.status
            return replace(state, contacted=True, details_verified=event.details_verified, status=contacted)
        case OrderViewed():
            return replace(state, viewed=True)
        case BuyerRemarkRecorded():
            return replace(state, remark=event.logistics_method)
        case OrderDetailsCorrected():
            return _corrected(state, event)
        case OrderAmendmentRejected():
            rejections = {**state.rejections, event.command_id: (event.rule, event.reason)}
            return replace(state, rejections=rejections)
        case OrderConfirmed():
            return replace(state, status=S.CONFIRMED, confirmed_at=event.confirmed_at)
        case OrderHandedOver():
            return replace(_moved(state, S.HANDED_OVER), handed_over=True)
        case OrderMarkedShipped():
            return replace(_moved(state, S.SHIPPED), shipped=True, shipped_at=event.shipped_at)
        case OrderShipmentRefused():
            return replace(state, refused_shipment=event.shipment_id)
        case OrderShipmentResumed():
            return replace(state, refused_shipment=None)
        case OrderMarkedDelivered():
            return replace(_moved(state, S.DELIVERED), delivered_at=event.delivered_at)
        case OrderRefundPending():
            opened = replace(state, open_cases=state.open_cases | {event.case_id})
            if state.status is S.REFUND_PENDING:
                return opened
            return replace(opened, status=S.REFUND_PENDING, status_before_refund=state.status)
        case OrderRefundCaseClosed():
            return _status(
                replace(
                    state,
                    open_cases=state.open_cases - {event.case_id},
                    closed_cases=state.closed_cases | {event.case_id},
                ),
                event.restored_status,
            )
        case OrderRefunded():
            return _status(_refund(state, event.case_id, event.amount_refunded), S.REFUNDED)
        case OrderCancelled():
            return _status(_refund(state, event.case_id, event.amount_refunded), S.CANCELLED)
        case OrderPartiallyRefunded():
            return _status(_refund(state, event.case_id, event.amount_refunded), S(event.status))
        case OrderCompleted():
            return replace(state, status=S.COMPLETED)
    return state


registry = EventRegistry(
    [
        OrderPlaced,
        OrderPaid,
        BuyerRemarkRecorded,
        OrderViewed,
        OrderRefreshOverdue,
        CustomerContacted,
        CustomerContactOverdue,
        OrderConfirmed,
        OrderHandedOver,
        OrderHandoverOverdue,
        OrderOutOfStockNotified,
        OrderDetailsCorrected,
        OrderAmendmentRejected,
        OrderMarkedShipped,
        OrderShipmentRefused,
        OrderShipmentResumed,
        OrderMarkedDelivered,
        OrderRefundPending,
        OrderRefundCaseClosed,
        OrderRefunded,
        OrderPartiallyRefunded,
        OrderCancelled,
        OrderCompleted,
    ]
)

ORDER: AggregateType[OrderState] = AggregateType.of(ORDERS_ORDER, registry, OrderState, evolve)
