"""CAT-7 at placement: orders sells only what the catalogue lists, and records the listed price of
each line next to what the customer paid, given / when / then over the real wiring and orders'
read model of the catalogue's events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.testing.catalogue import LISTED_AT, listed
from orders.domain.catalogue import PriceMismatch
from orders.domain.policy import OrderPolicy
from orders.domain.state import registry as order_registry
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.commands import orders as c
from shop_contracts.envelope import SYSTEM_ACTOR, EventEnvelope
from shop_contracts.events.catalog import DelistReason, ProductDelisted, ProductPriceSet
from shop_contracts.events.orders import OrderLine, OrderPlaced

from .helpers import ACCOUNT, NOW, Orders, place


def delisted(sku: str) -> ProductDelisted:
    return ProductDelisted(sku=sku, reason=DelistReason.DISCONTINUED, delisted_by="sup-1", at=NOW)


async def test_a_line_of_a_sku_the_catalogue_never_listed_is_refused_naming_line_and_sku_cat_7() -> None:
    orders = Orders(catalogue=(listed("TV-55", "2999.00"),))
    with pytest.raises(RuleViolated) as refused:
        await orders.when(place())
    assert refused.value.rule == "CAT-7"
    assert "line 1" in str(refused.value)
    assert "CABLE" in str(refused.value)
    assert orders.events() == []


async def test_a_line_of_a_delisted_product_is_refused_cat_7() -> None:
    orders = Orders()
    await orders.catalogue(delisted("TV-55"))
    with pytest.raises(RuleViolated) as refused:
        await orders.when(place())
    assert refused.value.rule == "CAT-7"
    assert "line 0" in str(refused.value)
    assert "TV-55 is delisted" in str(refused.value)
    assert orders.events() == []


async def test_a_relisted_product_is_sold_again_cat_7() -> None:
    orders = Orders()
    await orders.catalogue(
        delisted("TV-55"), listed("TV-55", "2999.00").model_copy(update={"relisted": True})
    )
    await orders.when(place())
    assert orders.types() == ["OrderPlaced"]


async def test_each_line_records_its_listed_price_and_keeps_what_the_customer_paid_cat_7() -> None:
    orders = Orders()
    await orders.catalogue(
        ProductPriceSet(sku="TV-55", price=Decimal("3199.00"), previous_price=Decimal("2999.00"), at=NOW)
    )
    await orders.when(place())
    [placed] = orders.events()
    assert isinstance(placed, OrderPlaced)
    assert [(line.sku, line.unit_price, line.listed_price) for line in placed.lines] == [
        ("TV-55", Decimal("2999.00"), Decimal("3199.00")),
        ("CABLE", Decimal("10.50"), Decimal("10.50")),
    ]
    assert placed.amount == Decimal("3020.00")  # the platform's prices (ORD-16)


async def test_a_price_differing_from_the_listed_one_is_refused_when_the_setting_says_refuse_cat_7() -> None:
    policy = OrderPolicy(company_accounts=frozenset({ACCOUNT}), price_mismatch=PriceMismatch.REFUSE)
    orders = Orders(policy, catalogue=(listed("TV-55", "2899.00"), listed("CABLE", "10.50")))
    with pytest.raises(RuleViolated) as refused:
        await orders.when(place())
    assert refused.value.rule == "CAT-7"
    assert "line 0" in str(refused.value)
    assert "2899.00" in str(refused.value)


async def test_a_repeated_place_command_answers_its_first_outcome_after_a_delisting_cat_7_ord_5() -> None:
    orders = Orders()
    first = await orders.when(place())
    await orders.catalogue(delisted("TV-55"))
    again = await orders.when(place())
    assert again.repeated
    assert again.event_ids == first.event_ids


async def test_an_older_catalogue_event_never_overwrites_a_newer_one_cat_7() -> None:
    orders = Orders()
    await orders.catalogue()
    await orders.products.apply(delisted("TV-55"), source=CATALOG_PRODUCT, aggregate_id="TV-55", version=5)
    await orders.products.apply(
        listed("TV-55", "2999.00"), source=CATALOG_PRODUCT, aggregate_id="TV-55", version=3
    )
    with pytest.raises(RuleViolated) as refused:
        await orders.when(place())
    assert refused.value.rule == "CAT-7"


def test_the_caller_cannot_set_the_listed_price_cat_7() -> None:
    body: dict[str, Any] = place().model_dump(mode="json")
    body["lines"][0]["listed_price"] = "1.00"
    with pytest.raises(ValidationError) as refused:
        c.PlaceOrder.model_validate(body)
    assert "CAT-7" in str(refused.value)


def test_an_order_placed_before_the_catalogue_loads_without_listed_prices_cat_7() -> None:
    old = {
        "order_id": "o-old",
        "lines": [{"sku": "TV-55", "quantity": 1, "unit_price": "2999.00"}],
        "amount": "2999.00",
        "buyer_id": "buyer-9",
        "shipping": {"recipient": "Li Lei", "phone": "13800000000", "address": "1 Nanjing Rd"},
        "channel": "tmall",
        "sales_owner": "sales-1",
        "placed_at": LISTED_AT.isoformat(),
    }
    envelope = EventEnvelope(
        event_id="e-old",
        event_type="OrderPlaced",
        schema_version=1,
        aggregate_type="Order",
        aggregate_id="o-old",
        version=1,
        occurred_at=LISTED_AT,
        actor=SYSTEM_ACTOR,
        correlation_id="e-old",
        causation_id="e-old",
        data=old,
    )
    registry: EventRegistry = order_registry
    placed = registry.decode(envelope)
    assert isinstance(placed, OrderPlaced)
    assert placed.lines == (OrderLine(sku="TV-55", quantity=1, unit_price=Decimal("2999.00")),)
    assert placed.lines[0].listed_price is None
