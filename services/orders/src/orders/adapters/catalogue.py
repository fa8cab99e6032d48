"""Orders' read model of the catalogue's products (CAT-7): one row per SKU, listed, delisted or
known but never listed, with its listed price, fed by the catalogue's `Product.<sku>` events
(`sources = (CATALOG_PRODUCT,)`, the CATALOG stream).

ProductListed (also a relisting) makes a SKU listed at its price, ProductDelisted makes it
delisted, ProductPriceSet changes the price. An older event never overwrites a newer one (the
product's version decides), so a redelivery changes nothing and a replay rebuilds the same rows.

Eventually consistent: PlaceOrder reads this table, not the catalogue's aggregate, so an order
placed a moment after the catalogue delisted its product (before orders applied ProductDelisted)
is accepted with the price it was listed at. The window is the projection's lag (milliseconds
when the service is caught up; `orders.queries.Health` reports the lag). The order is binding once
placed (ORD-5); a sale slipped through that window is handled like any other order of a product
that cannot be supplied (ORD-10 out-of-stock notice, after-sales refund). Orders never waits on the
catalogue: a catalogue outage does not stop sales of products it listed before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import cents, upsert
from orders.domain.catalogue import CatalogueProduct, ProductState
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.events.catalog import ProductDelisted, ProductListed, ProductPriceSet

registry = EventRegistry([ProductListed, ProductDelisted, ProductPriceSet])


class CatalogueProducts(Projection):
    name = "orders_catalogue_products"
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
            Column("state", String(16), nullable=False),
            Column("name", String(200), nullable=False),
            Column("price_cents", BigInteger, nullable=True),
            Column("version", Integer, nullable=False),
        )
        return {"products": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, envelope, data = tables["products"], item.event.envelope, item.data
        row: dict[str, Any]
        match data:
            case ProductListed():
                row = {"state": ProductState.LISTED, "name": data.name, "price_cents": cents(data.price)}
            case ProductDelisted():
                row = {"state": ProductState.DELISTED}
            case ProductPriceSet():
                row = {"price_cents": cents(data.price)}
            case _:
                return
        row["version"] = envelope.version
        first = {"state": ProductState.UNLISTED, "name": "", "price_cents": None} | row
        stmt = upsert(conn, table).values(sku=data.sku, **first)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.sku], set_=row, where=table.c.version < envelope.version
            )
        )


class CatalogueReader:
    """The products of some SKUs as the read model holds them (a SKU it never heard of is absent)."""

    def __init__(self, engine: AsyncEngine, tables: Callable[[], Tables]) -> None:
        self.engine = engine
        self.tables = tables

    async def products(self, skus: Iterable[str]) -> dict[str, CatalogueProduct]:
        table = self.tables()["products"]
        wanted = sorted(set(skus))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(table).where(table.c.sku.in_(wanted)))).all()
        return {
            row.sku: CatalogueProduct(
                sku=row.sku,
                state=ProductState(row.state),
                price=None
                if row.price_cents is None
                else (Decimal(row.price_cents) / 100).quantize(Decimal("0.01")),
                name=row.name,
            )
            for row in rows
        }
