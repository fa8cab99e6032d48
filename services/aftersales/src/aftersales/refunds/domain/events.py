"""Events only the Aftersales service uses: what it learnt about an order from orders and
fulfilment (payment, AS-2 goods received, AS-11 delivery time, refund limits) and the refunds booked
against it (never twice, never above the order amount net of earlier refunds)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, EventData


class OrderFactsRecorded(EventData):
    order_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(ge=0)
    buyer_id: str = Field(min_length=1, max_length=128)
    placed_at: AwareDatetime
    skus: tuple[str, ...] = Field(
        default=(),
        description="AS-7: the SKUs of the order's lines, whose catalogue accessory lists a returned "
        "parcel is inspected against; empty on facts recorded before the catalogue (schema 1 still)",
    )


class PaymentNoted(EventData):
    """Orders recorded the buyer's payment (OrderPaid): the money a refund may give back (AS-3,
    AS-8, AS-9, SM-ORD)."""

    order_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(ge=0)
    paid_at: AwareDatetime


class ShipmentStampNoted(EventData):
    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    stamped_at: AwareDatetime


class DeliveryNoted(EventData):
    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    delivered_at: AwareDatetime


class ShipmentCancellationNoted(EventData):
    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    cancelled_at: AwareDatetime


class ShippedAccessoriesNoted(EventData):
    """The accessories fulfilment found complete before dispatch (FUL-4), kept to check a return
    against (AS-7)."""

    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    checklist: tuple[str, ...]
    checked_at: AwareDatetime


class RefundBooked(EventData):
    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(ge=0)
    booked_at: AwareDatetime


class RefundReserved(EventData):
    """A refund case was opened for `amount`: that much of the payment is held for it, so cases
    open at the same time never promise more than was paid (ORD-16, AS-9)."""

    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(ge=0)
    reserved_at: AwareDatetime


class RefundReleased(EventData):
    """A case ended without a refund (withdrawn or finally rejected): its hold is released."""

    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    released_at: AwareDatetime


class ShipmentRecallNoted(EventData):
    """Fulfilment holds the order's checked or dispatched shipment and asks the keeper to get it
    back (ShipmentRecallRequested, SM-SHIP): until it is cancelled or declined, a refund without
    return is refused (SM-RET, AS-3)."""

    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    case_id: str | None = Field(default=None, pattern=ID_PATTERN)
    requested_at: AwareDatetime


class ShipmentRecallDeclineNoted(EventData):
    """The keeper could not get the shipment back (ShipmentRecallDeclined, SM-SHIP): the goods ship,
    the buyer will receive them."""

    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    case_id: str | None = Field(default=None, pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    declined_at: AwareDatetime
