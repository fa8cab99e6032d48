"""Fulfilment's integration events: ShipmentStamped, the moment an order counts as shipped (FUL-6),
and ShipmentDelivered, which starts the 7-day quality window (AS-11, FUL-11)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData

SHIPPING_ONLY_STAMP: Final = "發貨專用章"


class ShipmentLine(BaseModel):
    """One item of a shipment: what the warehouse must pick (and reserve) for the order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)
    size: str | None = Field(default=None, min_length=1, max_length=32)


class OrderQueuedForShipping(EventData):
    """A confirmed, paid and remarked order joined a shipping day's queue (FUL-1, FUL-2).

    Its lines are what the stock ledger reserves for the shipment (FUL-20).
    """

    event_type: ClassVar[str] = "OrderQueuedForShipping"
    schema_version: ClassVar[int] = 1

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    batch_date: dt.date = Field(description="the shipping day whose 14:00 batch takes the order")
    lines: tuple[ShipmentLine, ...] = Field(min_length=1)
    logistics_method: str = Field(min_length=1, max_length=64)
    queued_at: AwareDatetime


class ShipmentStamped(EventData):
    """The outbound note carries the shipping-only stamp (發貨專用章); only now is the order shipped."""

    event_type: ClassVar[str] = "ShipmentStamped"
    schema_version: ClassVar[int] = 1

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    outbound_note_no: str = Field(min_length=1, max_length=64)
    waybill_no: str = Field(min_length=1, max_length=64)
    stamp: Literal["發貨專用章"] = "發貨專用章"
    keeper: str = Field(min_length=1, max_length=128)
    stamped_at: AwareDatetime


class ShipmentDelivered(EventData):
    """The carrier delivered the shipment; the buyer has the goods (AS-2 branch, AS-11 window start)."""

    event_type: ClassVar[str] = "ShipmentDelivered"
    schema_version: ClassVar[int] = 1

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    delivered_at: AwareDatetime


class ShipmentCancelled(EventData):
    """Fulfilment cancelled or intercepted a shipment before it was stamped, e.g. after an approved
    refund for goods not received (AS-3, SM-SHIP)."""

    event_type: ClassVar[str] = "ShipmentCancelled"
    schema_version: ClassVar[int] = 1

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(default="refund", min_length=1, max_length=200)
    cancelled_at: AwareDatetime


class ReturnParcelReceived(EventData):
    """The warehouse received the buyer's return parcel for a refund case (AS-6, SM-RET)."""

    event_type: ClassVar[str] = "ReturnParcelReceived"
    schema_version: ClassVar[int] = 1

    case_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    order_id: str | None = Field(default=None, pattern=ID_PATTERN)
    received_at: AwareDatetime
