"""Goods that fail inspection are refused listing (CAT-5, 检验不合格的商品,电商平台有权拒绝上架销售):
fulfilment's InboundReceived and LotInspectionRecorded reach the product through the
`catalog_inspections` reaction (idempotent on redelivery), the warehouse keeper may record a
result by hand (RecordInspection), a listed product that fails is delisted `failed_inspection`."""

from __future__ import annotations

from datetime import date

import pytest

from catalog.domain.product import PRODUCT
from jetstream_es.errors import Forbidden, RuleViolated
from shop_contracts.aggregates import FULFILMENT_STOCK_ITEM
from shop_contracts.commands import catalog as c
from shop_contracts.events.catalog import (
    DelistReason,
    ProductDelisted,
    ProductFailedInspection,
    ProductInspectionPassed,
    ProductListed,
)
from shop_contracts.events.stock import InboundReceived, LotInspectionRecorded, LotLabel

from .helpers import KEEPER, NOW, SALES, SUPERVISOR, app, cmd, to_approved, to_listed


def inbound(sku: str, inspection: str = "failed", lot: str = "L-1") -> InboundReceived:
    label = LotLabel(
        name="tee",
        specification="M",
        model="T1",
        production_date=date(2026, 11, 1),
        shelf_life_days=3650,
        safety_warning="none",
    )
    return InboundReceived(
        sku=sku,
        lot_no=lot,
        supplier="Acme",
        delivery_note_no="DN-7",
        note_quantity=10,
        received_quantity=10,
        label=label,
        inspection=inspection,  # type: ignore[arg-type]
        received_by="e-keeper",
        on_hand=10,
        received_at=NOW,
    )


def lot_inspected(sku: str, result: str, lot: str = "L-1") -> LotInspectionRecorded:
    return LotInspectionRecorded(
        sku=sku,
        lot_no=lot,
        inspection=result,
        inspector="e-keeper",
        note="seams",
        inspected_at=NOW,  # type: ignore[arg-type]
    )


async def test_cat5_a_failed_inbound_lot_refuses_the_listing_until_an_inspection_passes() -> None:
    a = app()
    await a.given(*to_approved())
    await a.react(inbound("TEE-1"), aggregate_id="TEE-1", source=FULFILMENT_STOCK_ITEM)
    (failed,) = a.then(ProductFailedInspection)
    assert isinstance(failed, ProductFailedInspection)
    assert (failed.lot_no, failed.inspector) == ("L-1", "e-keeper")
    with pytest.raises(RuleViolated, match="failed inspection") as refused:
        await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    assert refused.value.rule == "CAT-5"
    await a.react(
        lot_inspected("TEE-1", "passed", lot="L-2"), aggregate_id="TEE-1", source=FULFILMENT_STOCK_ITEM
    )
    a.then(ProductInspectionPassed)
    await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    a.then(ProductListed)


async def test_cat5_a_listed_product_that_fails_inspection_is_delisted() -> None:
    a = app()
    await a.given(*to_listed())
    await a.react(lot_inspected("TEE-1", "failed"), aggregate_id="TEE-1", source=FULFILMENT_STOCK_ITEM)
    _failed, delisted = a.then(ProductFailedInspection, ProductDelisted)
    assert isinstance(delisted, ProductDelisted)
    assert delisted.reason is DelistReason.FAILED_INSPECTION
    assert "L-1" in delisted.note
    with pytest.raises(RuleViolated, match="CAT-5"):
        await a.when(cmd(c.RelistProduct, SUPERVISOR, sku="TEE-1"))


async def test_cat5_a_redelivered_inspection_event_appends_nothing() -> None:
    a = app()
    await a.given(*to_listed())
    event = lot_inspected("TEE-1", "failed")
    await a.react(event, aggregate_id="TEE-1", source=FULFILMENT_STOCK_ITEM, event_id="ev-1")
    again = await a.react(event, aggregate_id="TEE-1", source=FULFILMENT_STOCK_ITEM, event_id="ev-1")
    assert all(r.repeated for r in again)
    assert a.types("TEE-1").count("ProductFailedInspection") == 1


async def test_cat5_a_pending_lot_decides_nothing_and_a_non_catalogue_sku_is_skipped() -> None:
    a = app()
    await a.given(*to_approved())
    assert (
        await a.react(inbound("TEE-1", "pending"), aggregate_id="TEE-1", source=FULFILMENT_STOCK_ITEM) == []
    )
    assert (
        await a.react(inbound("odd sku", "failed"), aggregate_id="sku-h-x", source=FULFILMENT_STOCK_ITEM)
        == []
    )
    assert a.then() == []


async def test_cat5_an_inspection_before_the_selection_is_kept_for_the_product() -> None:
    a = app()
    await a.react(inbound("NEW-1"), aggregate_id="NEW-1", source=FULFILMENT_STOCK_ITEM)
    state = await a.state(PRODUCT, "NEW-1")
    assert (state.state, state.inspection) == (None, "failed")


async def test_cat5_the_warehouse_keeper_records_an_inspection_by_hand() -> None:
    a = app()
    await a.given(*to_approved())
    with pytest.raises(Forbidden) as refused:
        await a.when(cmd(c.RecordInspection, SALES, sku="TEE-1", result="failed"))
    assert refused.value.rule == "CAT-5"
    await a.when(cmd(c.RecordInspection, KEEPER, sku="TEE-1", result="failed", note="torn seams"))
    a.then(ProductFailedInspection)
    assert (await a.state(PRODUCT, "TEE-1")).inspection == "failed"
