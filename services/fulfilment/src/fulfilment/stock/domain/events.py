"""Events only the stock ledger uses: the per-sku reservation queue (FUL-20), the per-shipment
allocation that turns sku reservations into StockReserved / StockShortage, and the per-order record
of issued and returned goods (FUL-24, FUL-22)."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.events.stock import LotQuantity
from shop_contracts.messages import ID_PATTERN, EventData


class SkuStockRequested(EventData):
    """A shipment asked for this sku and waits in line: not enough sellable stock, or older
    shipments wait before it (FUL-20 oldest first)."""

    sku: str
    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    quantity: int = Field(ge=1)
    available: int = Field(ge=0)
    requested_at: AwareDatetime


class SkuStockReserved(EventData):
    """Sellable stock set aside for a shipment, first-in first-out by lot (FUL-20, FUL-22)."""

    sku: str
    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    lots: tuple[LotQuantity, ...] = Field(min_length=1)
    reserved_at: AwareDatetime


class SkuReservationWithdrawn(EventData):
    """A reservation lost its stock (a count found less, a lot failed inspection, damage); the
    shipment waits in line again at its old place (FUL-15, FUL-22)."""

    sku: str
    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    lots: tuple[LotQuantity, ...]
    reason: str
    available: int = Field(ge=0)
    withdrawn_at: AwareDatetime


class SkuReservationReleased(EventData):
    """The shipment was cancelled: its reservation (or its place in line) is given up."""

    sku: str
    shipment_id: str = Field(pattern=ID_PATTERN)
    lots: tuple[LotQuantity, ...]
    released_at: AwareDatetime


class AllocationLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    quantity: int = Field(ge=1)


class StockAllocationOpened(EventData):
    """A queued shipment's lines, summed per sku, wait for stock."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    lines: tuple[AllocationLine, ...] = Field(min_length=1)
    opened_at: AwareDatetime


class AllocationLineReserved(EventData):
    sku: str
    lots: tuple[LotQuantity, ...] = Field(min_length=1)


class AllocationLineWaiting(EventData):
    sku: str
    requested: int = Field(ge=1)
    available: int = Field(ge=0)


class AllocationReleased(EventData):
    reason: str
    released_at: AwareDatetime


class AllocationIssued(EventData):
    outbound_note_no: str
    issued_at: AwareDatetime


class OrderGoodsIssued(EventData):
    """Goods of an order left the warehouse from these lots (FUL-24 traceability)."""

    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    sku: str
    lots: tuple[LotQuantity, ...]


class ReturnInspectionNoted(EventData):
    """After-sales' inspection of a return case; the latest result decides where goods go (FUL-22)."""

    case_id: str = Field(pattern=ID_PATTERN)
    passed: bool


class RestockLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    quantity: int = Field(ge=1)
    source_lots: tuple[str, ...]


class ReturnRestockPlanned(EventData):
    """What of an order comes back into stock for a return case, and whether it is sellable."""

    case_id: str = Field(pattern=ID_PATTERN)
    lines: tuple[RestockLine, ...] = Field(min_length=1)
    sellable: bool
