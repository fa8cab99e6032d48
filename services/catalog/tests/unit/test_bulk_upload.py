"""Bulk upload checks (CAT-4, 产品的批量上传,避免出现产品违规发布,类目属性错误): every row is checked
against its product and its category's required attributes first; one wrong row refuses the whole
batch with one error detail per wrong field, and nothing is uploaded."""

from __future__ import annotations

import pytest

from catalog.bootstrap import CatalogSettings
from catalog.domain.product import PRODUCT
from jetstream_es.errors import Forbidden, InvalidCommand
from shop_contracts.commands import catalog as c
from shop_contracts.events.catalog import DetailPageEdited, ProductState

from .helpers import ARTIST, SALES, SPECS, app, cmd, select, to_images_approved


def row(sku: str, specs: dict[str, str] | None = None, category: str = "apparel") -> c.BulkUploadRow:
    return c.BulkUploadRow(
        sku=sku,
        name=f"Tee {sku}",
        category=category,
        specifications=SPECS if specs is None else specs,
        accessories=("tag",),
    )


def upload(*rows: c.BulkUploadRow, by: object = ARTIST) -> c.BulkUploadProducts:
    return cmd(c.BulkUploadProducts, by, batch_id="B-1", rows=rows)


async def test_cat4_a_valid_batch_writes_every_detail_page_at_once() -> None:
    a = app()
    await a.given(*to_images_approved("TEE-1"), *to_images_approved("TEE-2"))
    result = await a.when(upload(row("TEE-1"), row("TEE-2")))
    events = a.then(DetailPageEdited, DetailPageEdited)
    assert {e.sku for e in events if isinstance(e, DetailPageEdited)} == {"TEE-1", "TEE-2"}
    assert all(isinstance(e, DetailPageEdited) and e.batch_id == "B-1" for e in events)
    assert (result.aggregate_id, result.version, len(result.event_ids)) == ("B-1", 2, 2)
    assert (await a.state(PRODUCT, "TEE-2")).state is ProductState.DETAIL_READY


async def test_cat4_one_wrong_row_refuses_the_whole_batch_naming_each_field() -> None:
    a = app()
    await a.given(*to_images_approved("TEE-1"), *to_images_approved("TEE-2"), select("TEE-3"))
    bad_specs = {"material": "cotton"}
    with pytest.raises(InvalidCommand, match="nothing uploaded") as refused:
        await a.when(upload(row("TEE-1"), row("TEE-2", bad_specs), row("TEE-3"), row("TEE-1"), row("GHOST")))
    error = refused.value
    assert error.rule == "CAT-4"
    assert [d["field"] for d in error.details or []] == [
        "rows.1.specifications.sizes",
        "rows.1.specifications.colour",
        "rows.2.sku",
        "rows.3.sku",
        "rows.4.sku",
    ]
    assert "requires the attribute sizes" in (error.details or [])[0]["problem"]
    assert a.then() == []
    assert (await a.state(PRODUCT, "TEE-1")).state is ProductState.IMAGES_APPROVED


async def test_cat4_a_row_in_another_category_than_the_products_is_refused() -> None:
    a = app()
    await a.given(*to_images_approved("TEE-1"))
    with pytest.raises(InvalidCommand) as refused:
        await a.when(upload(row("TEE-1", {"material": "leather", "sizes": "40"}, category="footwear")))
    assert refused.value.fields == ("rows.0.category",)


async def test_cat4_the_category_table_is_a_setting() -> None:
    a = app(CatalogSettings(categories={"apparel": ("material", "care")}))
    await a.given(*to_images_approved("TEE-1"))
    with pytest.raises(InvalidCommand) as refused:
        await a.when(upload(row("TEE-1")))
    assert refused.value.fields == ("rows.0.specifications.care",)
    await a.when(upload(row("TEE-1", {"material": "cotton", "care": "30°C"})))
    a.then(DetailPageEdited)


async def test_cat4_only_the_artist_uploads_by_default() -> None:
    a = app()
    await a.given(*to_images_approved("TEE-1"))
    with pytest.raises(Forbidden) as refused:
        await a.when(upload(row("TEE-1"), by=SALES))
    assert refused.value.rule == "CAT-4"
