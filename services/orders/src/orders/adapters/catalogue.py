"""Orders' instance of the catalogue's products (CAT-7): state, name and listed price per SKU; see
`shop_views.catalogue` for the events, the version rule and the race with a delisting (ORD-5, ORD-10).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.projection import Tables
from orders.domain.catalogue import CatalogueProduct, ProductState
from shop_views import catalogue
from shop_views.catalogue import Fact


class CatalogueProducts(catalogue.CatalogueProducts):
    name = "orders_catalogue_products"
    facts = (Fact.STATE, Fact.NAME, Fact.PRICE)


def to_domain(row: catalogue.CatalogueProductRow) -> CatalogueProduct:
    return CatalogueProduct(
        sku=row.sku, state=ProductState(row.state or ProductState.UNLISTED), price=row.price, name=row.name
    )


class CatalogueReader(catalogue.CatalogueReader[CatalogueProduct]):
    """The products of some SKUs as orders knows them (a SKU the catalogue never spoke for is absent)."""

    def __init__(self, engine: AsyncEngine, tables: Callable[[], Tables]) -> None:
        super().__init__(engine, tables, to_domain)
