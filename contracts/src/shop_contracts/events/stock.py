"""The stock ledger's signals to shipping and to orders (FUL-20, FUL-22; ORD-10).

StockReserved: every line of a queued shipment is covered by inspected stock, lot by lot in
first-in first-out order. StockShortage: at least one line is not; the shipment must wait (it
cannot be dispatched) and orders can tell the buyer (ORD-10). A later inbound that covers the
shortage emits StockReserved for the waiting shipment.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData


class ReservedLot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    lot_no: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1)


class ShortLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    requested: int = Field(ge=1)
    available: int = Field(ge=0)


class StockReserved(EventData):
    """Inspected stock is set aside for a queued shipment, first-in first-out by lot (FUL-20, FUL-22)."""

    event_type: ClassVar[str] = "StockReserved"
    schema_version: ClassVar[int] = 1

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    lots: tuple[ReservedLot, ...] = Field(min_length=1)
    reserved_at: AwareDatetime


class StockShortage(EventData):
    """A queued shipment cannot be covered from sellable stock: the out-of-stock signal (ORD-10)."""

    event_type: ClassVar[str] = "StockShortage"
    schema_version: ClassVar[int] = 1

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    short: tuple[ShortLine, ...] = Field(min_length=1)
    detected_at: AwareDatetime
