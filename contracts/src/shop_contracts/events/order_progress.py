"""Orders' integration events after placement: SLA evidence and the order's lifecycle (SM-ORD).

Back-office SLAs: OrderViewed / OrderRefreshOverdue (ORD-1), CustomerContacted /
CustomerContactOverdue (ORD-2, ORD-7), OrderHandedOver / OrderHandoverOverdue (ORD-3);
out-of-stock notices (ORD-10); shipped, delivered, completed (ORD-11); cancelled and refunded with
the refunded amount, so sales can be netted against refunds (ORD-16): OrderCancelled and
OrderRefunded when the order is refunded in full, OrderPartiallyRefunded for every other case's
refund (an order may have several refund cases, each netted).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, EventData


class OrderViewed(EventData):
    """Back-office staff saw the order while refreshing the order back-office (ORD-1)."""

    order_id: str = Field(pattern=ID_PATTERN)
    staff_id: str = Field(min_length=1, max_length=128)
    lag_min: int = Field(ge=0, description="minutes since the order was placed")
    viewed_at: AwareDatetime


class OrderRefreshOverdue(EventData):
    """Nobody saw a new order within the refresh interval (ORD-1): evidence for KPI and DIS."""

    order_id: str = Field(pattern=ID_PATTERN)
    due_at: AwareDatetime
    lag_min: int = Field(ge=0)


class CustomerContacted(EventData):
    """Staff contacted the customer and verified (or not) the order details (ORD-2, ORD-7)."""

    order_id: str = Field(pattern=ID_PATTERN)
    staff_id: str = Field(min_length=1, max_length=128)
    details_verified: bool
    minutes_since_accept: int = Field(ge=0)
    note: str = Field(default="", max_length=1000)
    contacted_at: AwareDatetime


class CustomerContactOverdue(EventData):
    """No customer contact within the SLA after acceptance (ORD-2). A deadline outside online
    hours 08:50-18:10 (AS-22) names who was on duty then (DUTY-1: weekend rota, duty manager) and
    why; nobody on duty: `assigned_to` None and `escalate_to` the escalation role. The three fields
    are optional, so events written before read as they were (schema version 1)."""

    order_id: str = Field(pattern=ID_PATTERN)
    due_at: AwareDatetime
    minutes_since_accept: int = Field(ge=0)
    assigned_to: str | None = Field(default=None, max_length=64, description="DUTY-1: who was on duty")
    duty_reason: str | None = Field(default=None, max_length=500, description="DUTY-1, AS-22: why")
    escalate_to: str | None = Field(default=None, max_length=64, description="DUTY-1: nobody on duty")


class OrderHandedOver(EventData):
    """A confirmed order was handed to product-operations staff for tracking (ORD-3)."""

    order_id: str = Field(pattern=ID_PATTERN)
    handed_over_by: str = Field(min_length=1, max_length=128)
    to_staff_id: str = Field(min_length=1, max_length=128)
    hours: Decimal = Field(ge=0, description="hours since confirmation")
    handed_over_at: AwareDatetime


class OrderHandoverOverdue(EventData):
    """A confirmed order was not handed over within the SLA (ORD-3)."""

    order_id: str = Field(pattern=ID_PATTERN)
    due_at: AwareDatetime
    hours: Decimal = Field(ge=0)


class OrderOutOfStockNotified(EventData):
    """After-sales told the customer that a line cannot be filled from stock (ORD-10)."""

    order_id: str = Field(pattern=ID_PATTERN)
    sku: str = Field(min_length=1, max_length=64)
    notified_by: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=1000)


class OrderMarkedShipped(EventData):
    """Fulfilment stamped the outbound note (ShipmentStamped, FUL-6): the order is shipped."""

    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    shipped_at: AwareDatetime


class OrderMarkedDelivered(EventData):
    """The shipment was delivered; the return window starts (AS-11)."""

    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    delivered_at: AwareDatetime


class OrderCancelled(EventData):
    """Refunded before anything shipped (SM-ORD); the refund is netted from sales (ORD-16)."""

    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    amount_refunded: Decimal = Field(ge=0)
    cancelled_at: AwareDatetime


class OrderRefunded(EventData):
    """Refunded after shipping (SM-ORD); the refund is netted from sales (ORD-16)."""

    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    amount_refunded: Decimal = Field(ge=0)
    refunded_at: AwareDatetime


class OrderCompleted(EventData):
    """Delivered, the return window passed and no refund case is open (SM-ORD, AS-11)."""

    order_id: str = Field(pattern=ID_PATTERN)
    completed_at: AwareDatetime


class OrderPartiallyRefunded(EventData):
    """One refund case's refund that leaves money on the order (ORD-16, SM-ORD): the order has
    several cases or a partial amount. `status` is where the order stands afterwards: still
    `RefundPending` while another case is open, otherwise back in its pipeline (e.g. `Delivered`,
    with `delivered_at`, or `shipped_at` plus the transit allowance, restarting the completion
    clock). Sales net `amount_refunded` (ORD-16)."""

    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    amount_refunded: Decimal = Field(ge=0)
    refunded_total: Decimal = Field(ge=0, description="all refunds of the order so far, this one included")
    remaining: Decimal = Field(description="the order amount minus every refund")
    status: str = Field(min_length=1, max_length=32, description="the SM-ORD state afterwards (OrderStatus)")
    open_cases: tuple[str, ...] = Field(default=(), description="refund cases still open on the order")
    delivered_at: AwareDatetime | None = None
    shipped_at: AwareDatetime | None = Field(
        default=None,
        description="the stamp time; with no delivery, completion counts from it plus the transit "
        "allowance (SM-ORD, AS-11)",
    )
    refunded_at: AwareDatetime
