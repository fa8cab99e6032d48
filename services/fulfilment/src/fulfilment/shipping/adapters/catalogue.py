"""Fulfilment's instance of the catalogue's products (FUL-4; decision 0011): name, specifications and
accessories per SKU (a SKU without a row falls back to the legacy `ProductAccessoriesDefined`
events); see `shop_views.catalogue` for the events and the version rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from fulfilment.shipping.domain.products import CatalogueProduct
from jetstream_es.projection import Tables
from shop_views import catalogue
from shop_views.catalogue import Fact


class CatalogueProducts(catalogue.CatalogueProducts):
    name = "fulfilment_catalogue_products"
    facts = (Fact.NAME, Fact.SPECIFICATIONS, Fact.ACCESSORIES)


def to_domain(row: catalogue.CatalogueProductRow) -> CatalogueProduct:
    return CatalogueProduct(
        sku=row.sku, name=row.name, specifications=row.specifications or {}, accessories=row.accessories
    )


async def catalogue_products(
    conn: AsyncConnection, tables: Tables, skus: Iterable[str]
) -> dict[str, CatalogueProduct]:
    """The catalogue's word on `skus` (a SKU it never spoke for is absent)."""
    found = await catalogue.catalogue_products(conn, tables, skus)
    return {sku: to_domain(row) for sku, row in found.items()}


class CatalogueReader(catalogue.CatalogueReader[CatalogueProduct]):
    """`catalogue_products` on the live tables (what the accessory check reads)."""

    def __init__(self, engine: AsyncEngine, tables: Callable[[], Tables]) -> None:
        super().__init__(engine, tables, to_domain)
