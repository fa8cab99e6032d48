"""Honest pricing (CAT-11, 不得虚假降价): a "was" price must be one the product was on sale at within
CATALOG_HONEST_PRICING_DAYS (30), above the new price, never after a rise within that window, and
a rise is never shown as a discount. Every refusal names `reference_price` and CAT-11."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from catalog.bootstrap import CatalogSettings
from catalog.domain.product import PRODUCT
from jetstream_es.errors import Forbidden, InvalidCommand
from shop_contracts.commands import catalog as c
from shop_contracts.events.catalog import DelistReason, ProductPriceSet

from .helpers import OPS, SALES, SUPERVISOR, app, cmd, to_approved, to_listed


def price(value: str, was: str | None = None) -> c.SetPrice:
    reference = Decimal(was) if was is not None else None
    return cmd(c.SetPrice, SUPERVISOR, sku="TEE-1", price=Decimal(value), reference_price=reference)


async def _refused(a: object, command: c.SetPrice, match: str) -> None:
    with pytest.raises(InvalidCommand, match=match) as refused:
        await a.when(command)  # type: ignore[attr-defined]
    assert (refused.value.rule, refused.value.fields) == ("CAT-11", ("reference_price",))


async def test_cat11_a_real_discount_from_the_price_on_sale_shows_the_was_price() -> None:
    a = app()
    await a.given(*to_listed(price="59.00"))
    a.clock.advance(timedelta(days=5))
    await a.when(price("49.00", was="59.00"))
    (event,) = a.then(ProductPriceSet)
    assert isinstance(event, ProductPriceSet)
    assert (event.price, event.previous_price, event.reference_price, event.set_by) == (
        Decimal("49.00"),
        Decimal("59.00"),
        Decimal("59.00"),
        "e-sup",
    )


async def test_cat11_a_was_price_the_product_was_never_on_sale_at_is_refused() -> None:
    a = app()
    await a.given(*to_listed(price="59.00"))
    await _refused(a, price("49.00", was="99.00"), "never on sale at 99.00")
    assert a.then() == []


async def test_cat11_a_price_set_before_listing_is_no_was_price() -> None:
    a = app()
    await a.given(*to_approved(price="99.00"), price("59.00"), cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    await _refused(a, price("49.00", was="99.00"), "never on sale at 99.00")


async def test_cat11_a_was_price_older_than_the_window_is_refused() -> None:
    a = app()
    await a.given(*to_listed(price="59.00"))
    a.clock.advance(timedelta(days=1))
    await a.given(price("55.00"))
    a.clock.advance(timedelta(days=31))
    await _refused(a, price("45.00", was="59.00"), "in the last 30 days")
    await a.when(price("45.00", was="55.00"))
    a.then(ProductPriceSet)


async def test_cat11_the_window_is_a_setting() -> None:
    a = app(CatalogSettings(honest_pricing_days=7))
    await a.given(*to_listed(price="59.00"))
    a.clock.advance(timedelta(days=1))
    await a.given(price("55.00"))
    a.clock.advance(timedelta(days=8))
    await _refused(a, price("45.00", was="59.00"), "last 7 days")


async def test_cat11_a_raise_then_a_discount_from_the_raised_price_is_refused() -> None:
    a = app()
    await a.given(*to_listed(price="59.00"))
    a.clock.advance(timedelta(days=1))
    await a.given(price("99.00"))
    a.clock.advance(timedelta(days=2))
    await _refused(a, price("79.00", was="99.00"), "raised on")
    a.clock.advance(timedelta(days=30))
    await a.when(price("79.00", was="99.00"))
    a.then(ProductPriceSet)


async def test_cat11_a_rise_shown_as_a_discount_is_refused() -> None:
    a = app()
    await a.given(*to_listed(price="59.00"), price("49.00"))
    await _refused(a, price("55.00", was="59.00"), "a rise is not shown as a discount")


async def test_cat11_a_was_price_not_above_the_price_is_refused() -> None:
    a = app()
    await a.given(*to_listed(price="59.00"))
    await _refused(a, price("59.00", was="59.00"), "above a price of 59.00 only")


async def test_cat11_a_was_price_of_a_delisted_period_counts_only_while_on_sale() -> None:
    a = app()
    await a.given(*to_listed(price="59.00"))
    a.clock.advance(timedelta(days=2))
    await a.given(cmd(c.DelistProduct, OPS, sku="TEE-1", reason=DelistReason.SLOW_MOVING))
    a.clock.advance(timedelta(days=10))
    await a.when(price("49.00", was="59.00"))
    a.then(ProductPriceSet)
    assert [(o.price, o.until is not None) for o in (await a.state(PRODUCT, "TEE-1")).offers] == [
        (Decimal("59.00"), True)
    ]


async def test_cat11_the_same_price_again_records_nothing_and_sales_staff_set_no_price() -> None:
    a = app()
    await a.given(*to_listed(price="59.00"))
    await a.when(price("59.00"))
    assert a.then() == []
    with pytest.raises(Forbidden) as refused:
        await a.when(cmd(c.SetPrice, SALES, sku="TEE-1", price=Decimal("1.00")))
    assert refused.value.rule == "CAT-11"
