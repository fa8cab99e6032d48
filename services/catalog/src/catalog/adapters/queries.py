"""Reads: `GetProduct` from the product's own aggregate (never a lagging view: what is missing before
listing, CAT-1, CAT-2, CAT-5, CAT-6, CAT-9), `ListProducts` from the catalogue view (SM-LIST states,
CAT-3 new products, CAT-7 delisted) and `ProductSales` from the sales view (CAT-10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog.domain.policy import CatalogNumbers
from catalog.domain.product import Product, missing_for_listing
from jetstream_es.errors import NotFound
from jetstream_es.projection import Tables
from jetstream_es.sql import fetch_page, money
from shop_contracts.events.catalog import PRODUCTION_STEPS, ProductState
from shop_contracts.queries.catalog import ListProducts, ProductSales


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def product(sku: str, state: Product, numbers: CatalogNumbers, now: datetime) -> dict[str, Any]:
    if state.state is None:
        raise NotFound(f"no product {sku} in the catalogue (SelectProduct first)", "CAT-1")
    missing = [] if state.state is ProductState.LISTED else missing_for_listing(state, numbers)
    return {
        "sku": sku,
        "state": state.state.value,
        "name": state.name,
        "category": state.category,
        "positioning": state.positioning,
        "selling_points": list(state.selling_points),
        "specifications": dict(state.specifications),
        "labels": list(state.labels),
        "accessories": list(state.accessories),
        "images": [i.model_dump() for i in state.images],
        "price": str(state.price) if state.price is not None else None,
        "reference_price": str(state.reference_price) if state.reference_price is not None else None,
        "production_steps": {step: step in state.steps for step in PRODUCTION_STEPS},
        "inspection": state.inspection,
        "supplier": state.supplier,
        "quotes": [q.model_dump(mode="json") for q in state.quotes],
        "launch_approved_by": state.launch_approved_by,
        "listed_at": _iso(state.listed_at),
        "new_until": _iso(state.new_until),
        "is_new": state.state is ProductState.LISTED
        and state.is_new
        and state.new_until is not None
        and now < state.new_until,
        "delist_reason": state.delist_reason.value if state.delist_reason else None,
        "missing": [{"what": what, "rule": rule} for what, rule in missing],
    }


async def list_products(engine: AsyncEngine, tables: Tables, query: ListProducts) -> dict[str, Any]:
    t = tables["products"]
    condition = t.c.state == query.state.value if query.state is not None else t.c.state.is_not(None)
    stmt = select(t).where(condition).order_by(t.c.sku)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "products": [
            {
                "sku": r.sku,
                "state": r.state,
                "name": r.name,
                "category": r.category,
                "price": money(r.price_cents) if r.price_cents is not None else None,
                "listed_at": _iso(r.listed_at),
                "new_until": _iso(r.new_until),
                "is_new": bool(r.is_new),
                "delist_reason": r.delist_reason,
            }
            for r in rows
        ],
    }


async def product_sales(
    engine: AsyncEngine, products: Tables, sales: Tables, query: ProductSales
) -> dict[str, Any]:
    """CAT-10: every product that is or was on sale, with its units, amount and orders (not cancelled)."""
    p, lines = products["products"], sales["lines"]
    on_sale = p.c.state.in_([ProductState.LISTED.value, ProductState.DELISTED.value])
    only = p.c.sku == query.sku if query.sku is not None else true()
    totals = (
        select(
            lines.c.sku,
            func.sum(lines.c.units).label("units"),
            func.sum(lines.c.amount_cents).label("amount_cents"),
            func.count().label("orders"),
        )
        .where(lines.c.cancelled.is_(False))
        .group_by(lines.c.sku)
        .subquery()
    )
    stmt = (
        select(
            p.c.sku,
            p.c.name,
            p.c.state,
            p.c.listed_at,
            totals.c.units,
            totals.c.amount_cents,
            totals.c.orders,
        )
        .select_from(p.outerjoin(totals, totals.c.sku == p.c.sku))
        .where(and_(on_sale, only))
        .order_by(p.c.sku)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return {
        "products": [
            {
                "sku": r.sku,
                "name": r.name,
                "state": r.state,
                "listed_at": _iso(r.listed_at),
                "units": int(r.units or 0),
                "amount": money(r.amount_cents),
                "orders": int(r.orders or 0),
            }
            for r in rows
        ]
    }
