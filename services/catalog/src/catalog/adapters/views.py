"""The catalogue's read models:

- `ProductCatalogue` (`ListProducts`): one row per product with its state, name, category, price
  and listing dates, from the Product events (SM-LIST; CAT-3 `is_new`, CAT-7 listed or delisted);
- `ListingDeadlines`: the CAT-3 new-product window of each listing, scheduled when it is listed
  (the due time is the event's own `new_until`, so a rebuild schedules the same deadline);
- `ProductSalesView` (`ProductSales`, CAT-10): units, amount and orders per SKU from orders'
  `OrderPlaced`, less the orders cancelled before shipping (`OrderCancelled`).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, update
from sqlalchemy.ext.asyncio import AsyncConnection

from catalog.domain.product import NEW_WINDOW_DEADLINE, new_window_deadline_id, registry
from jetstream_es.deadlines import Deadline, define_deadlines_table, schedule
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, cents, upsert
from shop_contracts.aggregates import CATALOG_PRODUCT, ORDERS_ORDER
from shop_contracts.events.catalog import (
    DetailPageEdited,
    NewProductWindowExpired,
    ProductDelisted,
    ProductDetailsChanged,
    ProductListed,
    ProductPriceSet,
    ProductSelected,
    ProductState,
)
from shop_contracts.events.order_progress import OrderCancelled
from shop_contracts.events.orders import OrderPlaced


class ProductCatalogue(Projection):
    name = "catalog_products"
    sources = (CATALOG_PRODUCT,)
    handles = registry.event_types

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"catalog_products{suffix}",
            metadata,
            Column("sku", String(64), primary_key=True),
            Column("state", String(32), nullable=True, index=True),
            Column("name", String(200), nullable=False, default=""),
            Column("category", String(64), nullable=False, default=""),
            Column("price_cents", Integer, nullable=True),
            Column("listed_at", UtcDateTime(), nullable=True),
            Column("new_until", UtcDateTime(), nullable=True),
            Column("is_new", Boolean, nullable=False, default=False),
            Column("delist_reason", String(32), nullable=True),
            Column("updated_at", UtcDateTime(), nullable=False),
        )
        return {"products": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        t, data, envelope = tables["products"], item.data, item.event.envelope
        sku, at = envelope.aggregate_id, envelope.occurred_at
        row = upsert(conn, t).values(sku=sku, state=None, name="", category="", is_new=False, updated_at=at)
        await conn.execute(row.on_conflict_do_nothing())
        values: dict[str, object] = {"updated_at": at}
        match data:
            case ProductSelected():
                values |= {"state": ProductState.SELECTED.value, "name": data.name, "category": data.category}
            case DetailPageEdited():
                values |= {
                    "state": ProductState.DETAIL_READY.value,
                    "name": data.name,
                    "category": data.category,
                }
            case ProductDetailsChanged():
                values |= {"name": data.name}
            case ProductListed():
                values |= {
                    "state": ProductState.LISTED.value,
                    "name": data.name,
                    "price_cents": cents(data.price),
                    "listed_at": data.listed_at,
                    "delist_reason": None,
                }
                if not data.relisted:
                    values |= {"new_until": data.new_until, "is_new": data.new_until > data.listed_at}
            case NewProductWindowExpired():
                values |= {"is_new": False}
            case ProductDelisted():
                values |= {"state": ProductState.DELISTED.value, "delist_reason": data.reason.value}
            case ProductPriceSet():
                values |= {"price_cents": cents(data.price)}
            case _:
                state = _STATE_OF.get(data.event_type)
                if state is not None:
                    values |= {"state": state.value}
        await conn.execute(update(t).where(t.c.sku == sku).values(**values))


_STATE_OF = {
    "SellingPointsRecorded": ProductState.BRIEFED,
    "ProductPhotographed": ProductState.PHOTOGRAPHED,
    "ProductImagesRetouched": ProductState.RETOUCHED,
    "ProductImagesRejected": ProductState.RETOUCHED,
    "ProductImagesApproved": ProductState.IMAGES_APPROVED,
    "ProductLaunchApproved": ProductState.APPROVED,
}
"""The pipeline events that only move the product on (SM-LIST)."""


class ListingDeadlines(Projection):
    name = "catalog_listing_deadlines"
    sources = (CATALOG_PRODUCT,)
    handles = frozenset({ProductListed.event_type})

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {"deadlines": define_deadlines_table(metadata, f"_catalog{suffix}")}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        data = item.data
        if not isinstance(data, ProductListed) or data.new_until <= data.listed_at:
            return
        deadline_id = new_window_deadline_id(data.sku, data.new_until)
        deadline = Deadline(deadline_id, NEW_WINDOW_DEADLINE, data.sku, data.new_until, {})
        await schedule(conn, tables["deadlines"], deadline)


SALES_MODELS = (OrderPlaced, OrderCancelled)


class ProductSalesView(Projection):
    name = "catalog_sales"
    sources = (ORDERS_ORDER,)
    handles = frozenset(m.event_type for m in SALES_MODELS)
    skip_unknown_types = True

    def __init__(self) -> None:
        super().__init__(EventRegistry(SALES_MODELS))

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        lines = Table(
            f"catalog_order_lines{suffix}",
            metadata,
            Column("order_id", String(128), primary_key=True),
            Column("sku", String(64), primary_key=True),
            Column("units", Integer, nullable=False),
            Column("amount_cents", Integer, nullable=False),
            Column("placed_at", UtcDateTime(), nullable=False),
            Column("cancelled", Boolean, nullable=False, default=False),
        )
        return {"lines": lines}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        t, data = tables["lines"], item.data
        match data:
            case OrderPlaced():
                per_sku: dict[str, tuple[int, int]] = {}
                for line in data.lines:
                    units, amount = per_sku.get(line.sku, (0, 0))
                    per_sku[line.sku] = (units + line.quantity, amount + cents(line.amount))
                for sku, (units, amount) in per_sku.items():
                    row = upsert(conn, t).values(
                        order_id=data.order_id,
                        sku=sku,
                        units=units,
                        amount_cents=amount,
                        placed_at=data.placed_at,
                        cancelled=False,
                    )
                    await conn.execute(row.on_conflict_do_nothing())
            case OrderCancelled():
                await conn.execute(update(t).where(t.c.order_id == data.order_id).values(cancelled=True))
