"""Reads: GetProduct with its state, price, accessories and what is missing before listing (CAT-1,
CAT-5, CAT-6); ListProducts by state from the catalogue view (SM-LIST, CAT-3 new, CAT-7 delisted);
the CAT-3 deadline scheduled at the listing's new_until; ProductSales per product from orders'
events (CAT-10, 上架后,运营人员需关注商品销量), less cancelled orders; who reads it (decision 0009)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from catalog.adapters import queries
from catalog.adapters.views import ListingDeadlines, ProductCatalogue, ProductSalesView
from catalog.bootstrap import CatalogSettings
from catalog.domain.product import NEW_WINDOW_DEADLINE, PRODUCT
from jetstream_es.errors import NotFound
from jetstream_es.testing.app import TestApp
from jetstream_es.testing.queries import ask_endpoint
from jetstream_es.testing.read_model import ReadModel
from shop_contracts.aggregates import CATALOG_PRODUCT, ORDERS_ORDER
from shop_contracts.commands import catalog as c
from shop_contracts.envelope import Actor
from shop_contracts.events.catalog import DelistReason, ProductState
from shop_contracts.events.order_progress import OrderCancelled
from shop_contracts.events.orders import OrderLine, OrderPlaced, ShippingAddress
from shop_contracts.queries.catalog import ListProducts, ProductSales

from .helpers import NOW, OPS, SALES, SUPERVISOR, app, cmd, to_approved, to_listed
from .helpers import select as select_product


async def feed(a: TestApp, model: ReadModel) -> None:
    """Every catalogue event of the store, in order, as the durable consumer delivers them."""
    for envelope in a.envelopes():
        data = a._decode(next(e for e in a.store.all_events if e.envelope.event_id == envelope.event_id))
        await model.apply(
            data,
            source=CATALOG_PRODUCT,
            aggregate_id=envelope.aggregate_id,
            version=envelope.version,
            occurred_at=envelope.occurred_at,
        )


def placed(order_id: str, *lines: tuple[str, int, str]) -> OrderPlaced:
    order_lines = tuple(OrderLine(sku=s, quantity=q, unit_price=Decimal(p)) for s, q, p in lines)
    return OrderPlaced(
        order_id=order_id,
        lines=order_lines,
        amount=sum((line.amount for line in order_lines), Decimal(0)),
        buyer_id="b-1",
        shipping=ShippingAddress(recipient="Li", phone="13800000000", address="Shanghai"),
        channel="tmall",
        sales_owner="e-sales",
        placed_at=NOW,
    )


async def test_cat1_get_product_says_what_is_missing_before_listing() -> None:
    a = app()
    await a.given(select_product())
    state = await a.state(PRODUCT, "TEE-1")
    answer = queries.product("TEE-1", state, CatalogSettings(), NOW)
    assert answer["state"] == "selected"
    assert answer["missing"] == [
        {"what": "selling_points: RecordSellingPoints", "rule": "CAT-1"},
        {"what": "price: SetPrice (above zero)", "rule": "CAT-5"},
    ]
    with pytest.raises(NotFound, match="NOPE"):
        queries.product("NOPE", await a.state(PRODUCT, "NOPE"), CatalogSettings(), NOW)


async def test_cat6_get_product_over_the_endpoint_answers_state_price_accessories() -> None:
    a = app()
    await a.given(*to_approved())
    reply = await ask_endpoint(a.runtime, "GetProduct", {"sku": "TEE-1"}, SALES)
    assert reply.ok, reply
    result: dict[str, Any] = reply.result  # type: ignore[assignment]
    assert (result["state"], result["price"], result["accessories"]) == (
        "approved",
        "59.00",
        ["spare button"],
    )
    assert result["missing"] == []
    assert result["production_steps"]["store"] is False


async def test_sm_list_list_products_by_state_and_cat3_new_flag() -> None:
    a = app()
    await a.given(*to_listed("TEE-1"), *to_approved("TEE-2"), select_product("TEE-3"))
    await a.given(
        *to_listed("TEE-4"), cmd(c.DelistProduct, OPS, sku="TEE-4", reason=DelistReason.DISCONTINUED)
    )
    model = ReadModel(ProductCatalogue())
    try:
        await feed(a, model)
        listed = await queries.list_products(
            model.engine, model.tables, ListProducts(state=ProductState.LISTED)
        )
        assert [(p["sku"], p["price"], p["is_new"]) for p in listed["products"]] == [("TEE-1", "59.00", True)]
        assert listed["products"][0]["new_until"] == (NOW + timedelta(days=30)).isoformat()
        every = await queries.list_products(model.engine, model.tables, ListProducts())
        assert [(p["sku"], p["state"]) for p in every["products"]] == [
            ("TEE-1", "listed"),
            ("TEE-2", "approved"),
            ("TEE-3", "selected"),
            ("TEE-4", "delisted"),
        ]
        assert every["products"][3]["delist_reason"] == "discontinued"
    finally:
        await model.close()


async def test_cat3_the_listing_schedules_its_window_deadline_at_new_until() -> None:
    a = app()
    await a.given(*to_listed())
    model = ReadModel(ListingDeadlines())
    try:
        await feed(a, model)
        await feed(a, model)  # a redelivery schedules nothing new
        table = model.tables["deadlines"]
        async with model.engine.connect() as conn:
            rows = (await conn.execute(select(table))).all()
        assert [(r.kind, r.aggregate_id, r.due_at) for r in rows] == [
            (NEW_WINDOW_DEADLINE, "TEE-1", NOW + timedelta(days=30))
        ]
    finally:
        await model.close()


async def test_cat10_sales_per_listed_product_less_cancelled_orders() -> None:
    a = app()
    await a.given(*to_listed("TEE-1"), *to_listed("TEE-2"), *to_approved("TEE-3"))
    catalogue = ReadModel(ProductCatalogue())
    sales = ReadModel(ProductSalesView())
    sales.engine = catalogue.engine  # one database, as in the service: the query joins both views
    try:
        await feed(a, catalogue)
        for event in (
            placed("o-1", ("TEE-1", 2, "59.00"), ("TEE-1", 1, "59.00")),
            placed("o-2", ("TEE-1", 1, "55.00"), ("TEE-2", 4, "10.00")),
            placed("o-3", ("TEE-2", 1, "10.00"), ("TEE-3", 1, "1.00")),
        ):
            await sales.apply(event, source=ORDERS_ORDER, aggregate_id=event.order_id)
        cancelled = OrderCancelled(
            order_id="o-3", case_id="k-1", amount_refunded=Decimal("11.00"), cancelled_at=NOW
        )
        await sales.apply(cancelled, source=ORDERS_ORDER, aggregate_id="o-3")
        answer = await queries.product_sales(catalogue.engine, catalogue.tables, sales.tables, ProductSales())
        assert [(p["sku"], p["units"], p["amount"], p["orders"]) for p in answer["products"]] == [
            ("TEE-1", 4, "232.00", 2),
            ("TEE-2", 4, "40.00", 1),
        ]
        one = await queries.product_sales(
            catalogue.engine, catalogue.tables, sales.tables, ProductSales(sku="TEE-2")
        )
        assert [p["sku"] for p in one["products"]] == ["TEE-2"]
    finally:
        await catalogue.close()


@pytest.mark.parametrize(("reader", "ok"), [(SUPERVISOR, True), (OPS, True), (SALES, False)])
async def test_cat10_who_reads_the_sales(reader: Actor, ok: bool) -> None:
    a = app()
    reply = await ask_endpoint(a.runtime, "ProductSales", {}, reader)
    if ok:
        assert reply.ok or (reply.error is not None and reply.error.code != "forbidden"), reply
    else:
        assert reply.error is not None
        assert (reply.error.code, reply.error.rule) == ("forbidden", "CAT-10")


async def test_decision_0009_catalog_query_roles_override_who_reads_the_sales() -> None:
    a = app(CatalogSettings(query_roles={"ProductSales": ["sales_staff"]}))
    reply = await ask_endpoint(a.runtime, "ProductSales", {}, SUPERVISOR)
    assert reply.error is not None
    assert reply.error.code == "forbidden"
