"""Events only the shipping side uses (SM-SHIP, SM-SHIP-BATCH, FUL-4, FUL-20, AS-6).

- `OrderFactNoted`: one of the four facts a shipment waits for (placed, paid, remarked, confirmed).
- `ShipmentDetailsCorrected`: an order correction (ORD-6) reached the shipment before its documents.
- `ShipmentJoinedDay`: a queued shipment is on a shipping day's list; `carried_from` when its own
  day had already made its report (it then goes to the next shipping day).
- `DocumentNumbersIssued`: the document register handed out the next numbers of every series for
  one shipping day (see numbering.py).
- `ShipmentDocumentsAssigned`: the shipment's documents were printed in its day's batch (InPacket).
- `ShipmentStockNoted`: the stock ledger's answer (StockReserved / StockShortage, FUL-20, FUL-22).
- `ProductAccessoriesDefined`: a product's accessory list (FUL-4).
- `ReturnParcelExpected`: the buyer shipped a return parcel for a refund case (AS-4, AS-6).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from shop_contracts.events.fulfilment import ShipmentDocuments, ShipmentLine
from shop_contracts.events.orders import ShippingAddress
from shop_contracts.events.stock import ShortLine
from shop_contracts.messages import ID_PATTERN, EventData

Fact = Literal["placed", "paid", "remarked", "confirmed"]


class OrderFactNoted(EventData):
    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    fact: Fact
    lines: tuple[ShipmentLine, ...] = ()
    shipping: ShippingAddress | None = None
    amount: Decimal | None = None
    logistics_method: str | None = None
    requirements: str = ""
    noted_at: AwareDatetime


class ShipmentDetailsCorrected(EventData):
    """After-sales corrected the order's address, goods or size before confirmation (ORD-6, C1):
    the shipment's lines and address as they now are."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    lines: tuple[ShipmentLine, ...] = Field(min_length=1)
    shipping: ShippingAddress | None = None
    fields: tuple[str, ...] = Field(min_length=1)


class ShipmentJoinedDay(EventData):
    batch_date: dt.date
    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    carried_from: dt.date | None = None


class DocumentNumbersIssued(EventData):
    batch_date: dt.date
    report_no: str = Field(min_length=1, max_length=64)
    documents: tuple[ShipmentDocuments, ...] = Field(min_length=1)
    next_numbers: dict[str, int] = Field(description="series -> the next number after this issue")


class ShipmentDocumentsAssigned(EventData):
    shipment_id: str = Field(pattern=ID_PATTERN)
    batch_date: dt.date
    report_no: str
    waybill_no: str
    outbound_note_no: str
    invoice_no: str


class ShipmentStockNoted(EventData):
    shipment_id: str = Field(pattern=ID_PATTERN)
    reserved: bool
    short: tuple[ShortLine, ...] = ()
    noted_at: AwareDatetime


class ProductAccessoriesDefined(EventData):
    sku: str = Field(min_length=1, max_length=64)
    accessories: tuple[str, ...]
    defined_by: str = Field(min_length=1, max_length=128)
    defined_at: AwareDatetime


class ReturnParcelExpected(EventData):
    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    shipped_at: AwareDatetime
