"""Events only the Orders service uses: a refund case opening and closing on an order (SM-ORD),
and the order's shipment refused and resumed by the warehouse (FUL-5).

RefundPending remembers the state the order was in, so a case closed without a refund puts the
order back where it was. A refused shipment is a hold on the order, shown by GetOrder, until the
shipment resumes (ShipmentResumed) or is stamped after all (ShipmentStamped).
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from orders.domain.status import OrderStatus
from shop_contracts.messages import ID_PATTERN, EventData


class OrderRefundPending(EventData):
    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    previous_status: OrderStatus
    requested_at: AwareDatetime


class OrderRefundCaseClosed(EventData):
    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    outcome: str = Field(min_length=1, max_length=32)
    restored_status: OrderStatus
    delivered_at: AwareDatetime | None = None
    shipped_at: AwareDatetime | None = None
    """SM-ORD, AS-11: with `delivered_at`, what the completion clock restarts from."""


class OrderShipmentRefused(EventData):
    """The warehouse refused the order's shipment against incomplete paperwork (FUL-5); the order
    is held until the shipment resumes or is stamped."""

    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    keeper: str = Field(min_length=1, max_length=128)
    reported_to: tuple[str, ...] = ()
    refused_at: AwareDatetime


class OrderShipmentResumed(EventData):
    """The refused shipment goes on: its paperwork was fixed (ShipmentResumed) or it was stamped
    after all (ShipmentStamped); the hold is cleared (FUL-5)."""

    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    cleared_by: Literal["resumed", "stamped"]
    fixed: str = Field(default="", max_length=500)
    resumed_at: AwareDatetime
