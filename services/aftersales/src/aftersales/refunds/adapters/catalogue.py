"""After-sales' read model of the catalogue's products (AS-7; decision 0011): per SKU the name and
specifications the return note (退貨單) prints next to the SKU, and the accessory list a returned
parcel is inspected against, fed by the catalogue's `Product.<sku>` events
(`sources = (CATALOG_PRODUCT,)`, the CATALOG stream) instead of fulfilment's checklist.

ProductListed (a relisting too) sets all three; ProductAccessoriesChanged the accessory list;
ProductDetailsChanged the name and specifications. A SKU the catalogue never spoke for has no row:
the inspection falls back to the checklist fulfilment found complete at dispatch
(facts.expected_accessories) and the return note prints the SKU alone. An older event never
overwrites a newer one (the product's version decides), so a redelivery changes nothing and a
replay rebuilds the same rows. Eventually consistent: a list changed a moment ago is used once this
model has applied it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aftersales.refunds.domain.products import CatalogueProduct
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import upsert
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.events.catalog import ProductAccessoriesChanged, ProductDetailsChanged, ProductListed

registry = EventRegistry([ProductListed, ProductAccessoriesChanged, ProductDetailsChanged])


class CatalogueProducts(Projection):
    name = "aftersales_catalogue_products"
    sources = (CATALOG_PRODUCT,)
    handles = registry.event_types
    skip_unknown_types = True

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"catalogue_products{suffix}",
            metadata,
            Column("sku", String(64), primary_key=True),
            Column("name", String(200), nullable=False),
            Column("specifications", Text, nullable=False),
            Column("accessories", Text, nullable=False),
            Column("version", Integer, nullable=False),
        )
        return {"products": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, envelope, data = tables["products"], item.event.envelope, item.data
        row: dict[str, Any]
        match data:
            case ProductListed():
                row = {
                    "name": data.name,
                    "specifications": json.dumps(data.specifications, ensure_ascii=False),
                    "accessories": json.dumps(list(data.accessories), ensure_ascii=False),
                }
            case ProductAccessoriesChanged():
                row = {"accessories": json.dumps(list(data.accessories), ensure_ascii=False)}
            case ProductDetailsChanged():
                row = {
                    "name": data.name,
                    "specifications": json.dumps(data.specifications, ensure_ascii=False),
                }
            case _:
                return
        row["version"] = envelope.version
        first = {"name": "", "specifications": "{}", "accessories": "[]"} | row
        stmt = upsert(conn, table).values(sku=data.sku, **first)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.sku], set_=row, where=table.c.version < envelope.version
            )
        )


async def catalogue_products(
    conn: AsyncConnection, tables: Tables, skus: Iterable[str]
) -> dict[str, CatalogueProduct]:
    """The catalogue's word on `skus` (a SKU it never spoke for is absent)."""
    table = tables["products"]
    rows = (await conn.execute(select(table).where(table.c.sku.in_(sorted(set(skus)))))).all()
    return {
        row.sku: CatalogueProduct(
            sku=row.sku,
            name=row.name,
            specifications=json.loads(row.specifications),
            accessories=tuple(json.loads(row.accessories)),
        )
        for row in rows
    }


class CatalogueReader:
    """`catalogue_products` on the live tables (what the accessory check reads)."""

    def __init__(self, engine: AsyncEngine, tables: Callable[[], Tables]) -> None:
        self.engine = engine
        self.tables = tables

    async def products(self, skus: Iterable[str]) -> dict[str, CatalogueProduct]:
        async with self.engine.connect() as conn:
            return await catalogue_products(conn, self.tables(), skus)
