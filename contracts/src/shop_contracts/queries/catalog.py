"""Queries of the catalogue service, on `catalog.queries.<QueryName>` (issue 19).

`GetProduct` answers a product's state, price, accessory list and what is still missing before it
may be listed; `ListProducts` the products in one state (`listed`: what the shop sells, CAT-7);
`ProductSales` the sales per listed product for the supervisor to watch (CAT-10). Who reads them is
the models' `read_roles` unless `CATALOG_QUERY_ROLES` says otherwise (decision 0009). The states
of SM-LIST are `ProductState` (shop_contracts.events.catalog).
"""

from __future__ import annotations

from typing import Final

from pydantic import Field

from shop_contracts.events.catalog import SKU_PATTERN, ProductState
from shop_contracts.messages import Query

SALES_READERS: Final = (
    "dept_supervisor",
    "dept_manager",
    "ecom_supervisor",
    "ops_specialist",
    "ops_director",
)
"""CAT-10: who watches the sales of listed products (上架后,运营人员需关注商品销量)."""


class GetProduct(Query):
    """One product: its state, name, category, specifications, price, accessories, labels, the
    CAT-2 steps done, its inspection and supplier, and `missing` (what listing still needs, CAT-5,
    CAT-6, CAT-9, CAT-2). Any proven actor of the shop reads the catalogue."""

    read_roles = None
    read_rule = "CAT-1"

    sku: str = Field(pattern=SKU_PATTERN)


class ListProducts(Query):
    """The products, optionally only those in `state`, ordered by SKU, one page at a time."""

    read_roles = None
    read_rule = "CAT-1"

    state: ProductState | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class ProductSales(Query):
    """CAT-10: units and amount sold per listed product (from orders' OrderPlaced, less cancelled
    orders), optionally for one SKU."""

    read_roles = SALES_READERS
    read_rule = "CAT-10"

    sku: str | None = Field(default=None, pattern=SKU_PATTERN)


__all__ = ["SALES_READERS", "GetProduct", "ListProducts", "ProductSales", "ProductState"]
