"""The 30-day new-product window (CAT-3, 新产品上架时权限为30天: the "new" flag reading), fired once by
the deadline scheduler; the production pipeline checklist (CAT-2) and supplier selection (CAT-9),
conditions of listing when their settings say so; accessories and details after listing (FUL-4,
AS-7, CAT-4)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from catalog.bootstrap import CatalogSettings
from catalog.domain.product import NEW_WINDOW_DEADLINE, PRODUCT, new_window_deadline_id
from jetstream_es.deadlines import Deadline
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from shop_contracts.commands import catalog as c
from shop_contracts.events.catalog import (
    PRODUCTION_STEPS,
    NewProductWindowExpired,
    ProductAccessoriesChanged,
    ProductDetailsChanged,
    ProductionStepRecorded,
    ProductListed,
    SupplierQuoteRecorded,
    SupplierSelected,
    SupplierSelectionPlanned,
)

from .helpers import (
    ARTIST,
    NOW,
    OPS,
    PURCHASING,
    SPECS,
    SUPERVISOR,
    TECHNICIAN,
    app,
    cmd,
    to_approved,
    to_listed,
)

WINDOW_END = NOW + timedelta(days=30)


def window_deadline(sku: str = "TEE-1", due: object = WINDOW_END) -> Deadline:
    return Deadline(new_window_deadline_id(sku, due), NEW_WINDOW_DEADLINE, sku, due, {})  # type: ignore[arg-type]


async def test_cat3_the_window_expires_once_at_listed_at_plus_30_days() -> None:
    a = app()
    await a.given(*to_listed())
    assert (await a.state(PRODUCT, "TEE-1")).is_new
    a.clock.advance(timedelta(days=30))
    await a.fire(window_deadline())
    (event,) = a.then(NewProductWindowExpired)
    assert isinstance(event, NewProductWindowExpired)
    assert (event.listed_at, event.new_until) == (NOW, WINDOW_END)
    assert not (await a.state(PRODUCT, "TEE-1")).is_new
    await a.fire(window_deadline())
    assert a.then() == []
    assert a.types("TEE-1").count("NewProductWindowExpired") == 1


async def test_cat3_the_window_is_a_setting() -> None:
    a = app(CatalogSettings(new_product_window_days=7))
    await a.given(*to_listed())
    (listed,) = [e for e in a.events("TEE-1") if isinstance(e, ProductListed)]
    assert listed.new_until == NOW + timedelta(days=7)


async def test_cat3_a_deadline_for_another_window_decides_nothing() -> None:
    a = app()
    await a.given(*to_listed())
    await a.fire(window_deadline(due=NOW + timedelta(days=3)))
    assert a.then() == []


async def test_cat2_the_production_steps_are_recorded_once_each_after_retouching() -> None:
    a = app()
    await a.given(*to_approved())
    await a.when(cmd(c.RecordProductionStep, TECHNICIAN, sku="TEE-1", step="store"))
    a.then(ProductionStepRecorded)
    with pytest.raises(RuleViolated, match="recorded already") as again:
        await a.when(cmd(c.RecordProductionStep, ARTIST, sku="TEE-1", step="store"))
    assert again.value.rule == "CAT-2"


async def test_cat2_listing_waits_for_every_step_when_the_setting_says_so() -> None:
    a = app(CatalogSettings(require_production_steps=True))
    await a.given(*to_approved(), cmd(c.RecordProductionStep, ARTIST, sku="TEE-1", step="store"))
    with pytest.raises(RuleViolated, match="production_steps: upload, describe") as refused:
        await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    assert refused.value.rule == "CAT-2"
    for step in PRODUCTION_STEPS[1:]:
        await a.given(cmd(c.RecordProductionStep, ARTIST, sku="TEE-1", step=step))
    await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    a.then(ProductListed)


async def test_cat9_plan_quotes_then_the_choice_among_the_quotes() -> None:
    a = app(CatalogSettings(require_supplier_selection=True))
    await a.given(*to_approved())
    with pytest.raises(RuleViolated, match="supplier") as no_supplier:
        await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    assert no_supplier.value.rule == "CAT-9"
    with pytest.raises(RuleViolated, match="plan") as no_plan:
        await a.when(
            cmd(c.RecordSupplierQuote, PURCHASING, sku="TEE-1", supplier="Acme", unit_price=Decimal("20"))
        )
    assert no_plan.value.rule == "CAT-9"
    await a.when(cmd(c.PlanSupplierSelection, OPS, sku="TEE-1", plan="two quotes, cotton mills only"))
    a.then(SupplierSelectionPlanned)
    with pytest.raises(Forbidden):
        await a.when(cmd(c.RecordSupplierQuote, OPS, sku="TEE-1", supplier="Acme", unit_price=Decimal("20")))
    await a.given(
        cmd(c.RecordSupplierQuote, PURCHASING, sku="TEE-1", supplier="Acme", unit_price=Decimal("20.00")),
        cmd(c.RecordSupplierQuote, PURCHASING, sku="TEE-1", supplier="Bolt", unit_price=Decimal("18.50")),
    )
    with pytest.raises(InvalidCommand, match="no quote") as unquoted:
        await a.when(cmd(c.SelectSupplier, OPS, sku="TEE-1", supplier="Zed", reason="cheap"))
    assert (unquoted.value.rule, unquoted.value.fields) == ("CAT-9", ("supplier",))
    await a.when(cmd(c.SelectSupplier, OPS, sku="TEE-1", supplier="Bolt", reason="cheaper, same quality"))
    (chosen,) = a.then(SupplierSelected)
    assert isinstance(chosen, SupplierSelected)
    assert [q.supplier for q in chosen.compared_quotes] == ["Acme", "Bolt"]
    await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    a.then(ProductListed)
    assert (
        next(e for e in a.events("TEE-1") if isinstance(e, SupplierQuoteRecorded)).quote.recorded_by
        == "e-buy"
    )


async def test_ful4_as7_the_accessory_list_changes_after_listing() -> None:
    a = app()
    await a.given(*to_listed())
    await a.when(cmd(c.SetAccessories, ARTIST, sku="TEE-1", accessories=("spare button", "gift box")))
    (event,) = a.then(ProductAccessoriesChanged)
    assert isinstance(event, ProductAccessoriesChanged)
    assert event.accessories == ("spare button", "gift box")
    await a.when(cmd(c.SetAccessories, ARTIST, sku="TEE-1", accessories=("spare button", "gift box")))
    assert a.then() == []


async def test_cat4_details_change_keeping_the_categorys_attributes() -> None:
    a = app()
    await a.given(*to_listed())
    with pytest.raises(InvalidCommand) as refused:
        await a.when(
            cmd(c.ChangeProductDetails, ARTIST, sku="TEE-1", name="Tee", specifications={"material": "x"})
        )
    assert refused.value.rule == "CAT-4"
    await a.when(cmd(c.ChangeProductDetails, ARTIST, sku="TEE-1", name="Navy tee v2", specifications=SPECS))
    (event,) = a.then(ProductDetailsChanged)
    assert isinstance(event, ProductDetailsChanged)
    assert event.name == "Navy tee v2"
