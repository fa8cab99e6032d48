"""After-sales' instance of the catalogue's products (AS-7; decision 0011): name, specifications and
accessories per SKU (a SKU without a row falls back to facts.expected_accessories); see
`shop_views.catalogue` for the events and the version rule.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from aftersales.refunds.domain.products import CatalogueProduct
from jetstream_es.projection import Tables
from shop_views import catalogue
from shop_views.catalogue import Fact


class CatalogueProducts(catalogue.CatalogueProducts):
    name = "aftersales_catalogue_products"
    facts = (Fact.NAME, Fact.SPECIFICATIONS, Fact.ACCESSORIES)


def to_domain(row: catalogue.CatalogueProductRow) -> CatalogueProduct:
    return CatalogueProduct(
        sku=row.sku, name=row.name, specifications=row.specifications or {}, accessories=row.accessories
    )


class CatalogueReader(catalogue.CatalogueReader[CatalogueProduct]):
    """The catalogue's products of some SKUs on the live tables (what the return inspection reads)."""

    def __init__(self, engine: AsyncEngine, tables: Callable[[], Tables]) -> None:
        super().__init__(engine, tables, to_domain)
