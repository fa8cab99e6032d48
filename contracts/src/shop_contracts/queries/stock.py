"""Queries of the fulfilment stock ledger, on `fulfilment.queries.<QueryName>` (FUL-13, FUL-14,
FUL-20, FUL-22)."""

from __future__ import annotations

from pydantic import Field

from shop_contracts.messages import Query


class StockLevels(Query):
    """One page of items by sku (`limit`, `offset`; `total` is how many there are): on hand,
    reserved, sellable, quarantined, waiting (quantity and number of shipments, with the oldest few
    waiting shipment ids; ListShipments with `stock="short"` pages them all). With `with_lots`, each
    item's lots that still hold goods, in FIFO order (supplier, label, inspection, custodian); lots
    emptied long ago only with `all_lots`."""

    sku: str | None = Field(default=None, min_length=1, max_length=64)
    with_lots: bool = True
    all_lots: bool = False
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class MonthlyInventoryReport(Query):
    """The month's in/out/stock per item (FUL-14): the compiled report, or the live figures; one page
    of its item lines by sku (`limit`, `offset`, `total`)."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    limit: int = Field(default=200, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)
