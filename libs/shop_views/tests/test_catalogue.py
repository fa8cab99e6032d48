"""The catalogue's products as another service sees them (CAT-7, FUL-4, AS-7): one projection
declared once, each service's instance keeping its own facts under its own name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from jetstream_es.testing.read_model import ReadModel
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.events.catalog import (
    DelistReason,
    ProductAccessoriesChanged,
    ProductDelisted,
    ProductDetailsChanged,
    ProductListed,
    ProductPriceSet,
)
from shop_contracts.messages import EventData
from shop_views import catalogue
from shop_views.catalogue import CatalogueProductRow, Fact, Listing

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Sales(catalogue.CatalogueProducts):
    name = "sales_catalogue_products"
    facts = (Fact.PRICE, Fact.STATE, Fact.NAME)


class Everything(catalogue.CatalogueProducts):
    name = "all_catalogue_products"


def listed(sku: str = "SKU-1", price: str = "39.80") -> ProductListed:
    return ProductListed(
        sku=sku,
        name="保溫杯",
        specifications={"容量": "500ml"},
        price=Decimal(price),
        accessories=("杯蓋", "說明書"),
        labels=("新品",),
        listed_at=AT,
        new_until=AT + timedelta(days=30),
    )


async def products(
    projection: catalogue.CatalogueProducts, *events: EventData
) -> dict[str, CatalogueProductRow]:
    model = ReadModel(projection)
    try:
        for event in events:
            await model.apply(event, source=CATALOG_PRODUCT, aggregate_id=str(getattr(event, "sku", "")))
        async with model.engine.connect() as conn:
            return await catalogue.catalogue_products(conn, await model.ensure(), ["SKU-1", "SKU-2"])
    finally:
        await model.close()


async def test_an_instance_keeps_only_its_facts_and_the_events_carrying_them_cat_7() -> None:
    assert Sales.handles == {"ProductListed", "ProductDelisted", "ProductPriceSet", "ProductDetailsChanged"}
    assert Sales.facts == (Fact.STATE, Fact.NAME, Fact.PRICE)
    columns = [
        c.name for c in Sales().define_tables(__import__("sqlalchemy").MetaData(), "_g1")["products"].c
    ]
    assert columns == ["sku", "state", "name", "price_cents", "version"]
    found = await products(Sales(), listed(), ProductPriceSet(sku="SKU-1", price=Decimal("35.00"), at=AT))
    assert found["SKU-1"].state is Listing.LISTED
    assert found["SKU-1"].price == Decimal("35.00")
    assert found["SKU-1"].accessories == ()
    assert found["SKU-1"].specifications is None


async def test_a_delisted_product_is_delisted_and_a_price_first_is_unlisted_cat_7() -> None:
    delisted = ProductDelisted(sku="SKU-1", reason=DelistReason.DISCONTINUED, at=AT)
    found = await products(
        Sales(), listed(), delisted, ProductPriceSet(sku="SKU-2", price=Decimal("9.90"), at=AT)
    )
    assert found["SKU-1"].state is Listing.DELISTED
    assert found["SKU-1"].price == Decimal("39.80")
    assert found["SKU-2"].state is Listing.UNLISTED
    assert found["SKU-2"].name == ""


async def test_every_public_fact_and_a_later_change_of_details_or_accessories_fu_4_as_7() -> None:
    details = ProductDetailsChanged(
        sku="SKU-1", name="保溫杯 II", specifications={"容量": "600ml"}, labels=(), at=AT
    )
    found = await products(
        Everything(), listed(), details, ProductAccessoriesChanged(sku="SKU-1", accessories=(), at=AT)
    )
    row = found["SKU-1"]
    assert (row.name, row.specifications, row.labels, row.accessories) == (
        "保溫杯 II",
        {"容量": "600ml"},
        (),
        (),
    )
    assert row.state is Listing.LISTED
    assert row.price == Decimal("39.80")
    assert row.version == 3


async def test_an_older_event_never_overwrites_a_newer_one_cat_7() -> None:
    model = ReadModel(Everything())
    try:
        await model.apply(listed(price="50.00"), source=CATALOG_PRODUCT, aggregate_id="SKU-1", version=5)
        await model.apply(listed(price="10.00"), source=CATALOG_PRODUCT, aggregate_id="SKU-1", version=4)
        async with model.engine.connect() as conn:
            found = await catalogue.catalogue_products(conn, model.tables, ["SKU-1"])
    finally:
        await model.close()
    assert found["SKU-1"].price == Decimal("50.00")
    assert found["SKU-1"].version == 5


def test_an_instance_without_facts_is_refused_when_declared() -> None:
    with pytest.raises(TypeError, match="facts"):

        class Nothing(catalogue.CatalogueProducts):
            name = "nothing_catalogue_products"
            facts = ()
