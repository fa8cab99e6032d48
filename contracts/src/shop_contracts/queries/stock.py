"""Queries of the fulfilment stock ledger, on `fulfilment.queries.<QueryName>` (FUL-13, FUL-14,
FUL-20, FUL-22)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shop_contracts.messages import Query


class StockLevels(Query):
    """Per item: on hand, reserved, sellable, quarantined, waiting; with `lots` in FIFO order
    (supplier, label, inspection, custodian) when `with_lots`."""

    query_name: ClassVar[str] = "StockLevels"
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    with_lots: bool = True


class MonthlyInventoryReport(Query):
    """The month's in/out/stock per item (FUL-14): the compiled report, or the live figures."""

    query_name: ClassVar[str] = "MonthlyInventoryReport"
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
