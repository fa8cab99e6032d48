"""Queries of the fulfilment stock ledger, on `fulfilment.queries.<QueryName>` (FUL-13, FUL-14,
FUL-20, FUL-22)."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from shop_contracts.messages import Query

STOCK_READERS: Final = (
    "warehouse_keeper",
    "order_clerk",
    "backoffice_order_staff",
    "sales_staff",
    "presales_cs",
    "aftersales_cs",
    "dept_manager",
    "dept_supervisor",
    "ecom_supervisor",
    "ops_director",
    "store_manager",
)
"""Who reads stock levels (rules.md §0, FUL-13, FUL-20): the warehouse and those who sell and ship."""


class StockLevels(Query):
    """One page of items by sku (`limit`, `offset`; `total` is how many there are): on hand,
    reserved, sellable, quarantined, waiting (quantity and number of shipments, with the oldest few
    waiting shipment ids; ListShipments with `stock="short"` pages them all). With `with_lots`, each
    item's lots that still hold goods, in FIFO order (supplier, label, inspection, custodian); lots
    emptied long ago only with `all_lots`."""

    read_roles = STOCK_READERS
    read_rule = "FUL-13"

    sku: str | None = Field(default=None, min_length=1, max_length=64)
    with_lots: bool = True
    all_lots: bool = False
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class MonthlyInventoryReport(Query):
    """The month's in/out/stock per item (FUL-14): the compiled report, or the live figures; one page
    of its item lines by sku (`limit`, `offset`, `total`)."""

    read_roles = ("warehouse_keeper", "dept_manager", "ecom_supervisor", "ops_director", "store_manager")
    read_rule = "FUL-14"

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    limit: int = Field(default=200, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)
