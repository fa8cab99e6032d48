"""The listing flow SM-LIST on the Product aggregate: every transition with its role (CAT-1, 000's
chart 商品上架銷售流程), the manager's image approval and launch approval (CAT-1, CAT-6), who lists
(CAT-8), the listing conditions (CAT-5), delisting and relisting (CAT-7)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from catalog.bootstrap import CatalogSettings
from catalog.domain.product import PRODUCT
from jetstream_es.errors import Forbidden, InvalidCommand, NotFound, RuleViolated
from shop_contracts.commands import catalog as c
from shop_contracts.events.catalog import (
    DelistReason,
    DetailPageEdited,
    MediaItem,
    ProductDelisted,
    ProductImagesApproved,
    ProductImagesRejected,
    ProductLaunchApproved,
    ProductListed,
    ProductPhotographed,
    ProductSelected,
    ProductState,
    SellingPointsRecorded,
)

from .helpers import (
    ARTIST,
    IMAGE,
    KEEPER,
    MANAGER,
    NOW,
    OPS,
    PRESALES,
    SALES,
    SPECS,
    SUPERVISOR,
    TECHNICIAN,
    app,
    cmd,
    detail_page,
    select,
    to_approved,
    to_images_approved,
    to_listed,
    to_retouched,
)


async def test_cat1_the_department_supervisor_selects_and_positions_a_product() -> None:
    a = app()
    await a.when(select())
    (event,) = a.then(ProductSelected)
    assert isinstance(event, ProductSelected)
    assert (event.sku, event.category, event.selected_by, event.at) == ("TEE-1", "apparel", "e-sup", NOW)
    assert (await a.state(PRODUCT, "TEE-1")).state is ProductState.SELECTED


async def test_cat1_nobody_but_the_supervisor_selects_and_a_second_selection_is_refused() -> None:
    a = app()
    with pytest.raises(Forbidden, match="dept_supervisor") as refused:
        await a.when(cmd(c.SelectProduct, SALES, sku="TEE-1", name="x", category="apparel", positioning="y"))
    assert refused.value.rule == "CAT-1"
    await a.given(select())
    with pytest.raises(RuleViolated, match="selected already") as again:
        await a.when(select())
    assert again.value.rule == "SM-LIST"


async def test_cat4_a_product_of_an_unknown_category_is_refused_naming_the_field() -> None:
    a = app()
    with pytest.raises(InvalidCommand, match="unknown category") as refused:
        await a.when(select(category="spaceships"))
    assert (refused.value.rule, refused.value.fields) == ("CAT-4", ("category",))


async def test_cat1_all_department_staff_brief_the_selling_points() -> None:
    a = app()
    await a.given(select())
    await a.when(cmd(c.RecordSellingPoints, SALES, sku="TEE-1", selling_points=("soft", "cheap")))
    a.then(SellingPointsRecorded)
    outsider = SALES.model_copy(update={"roles": ("buyer",)})
    with pytest.raises(Forbidden):
        await a.when(cmd(c.RecordSellingPoints, outsider, sku="TEE-1", selling_points=("x",)))


async def test_cat1_the_supervisor_photographs_with_the_artist_or_photographer_two_people() -> None:
    a = app()
    await a.given(select(), cmd(c.RecordSellingPoints, SALES, sku="TEE-1", selling_points=("soft",)))
    with pytest.raises(InvalidCommand, match="name who helped") as alone:
        await a.when(cmd(c.RecordPhotography, SUPERVISOR, sku="TEE-1", images=(IMAGE,)))
    assert (alone.value.rule, alone.value.fields) == ("CAT-1", ("with_staff",))
    await a.when(cmd(c.RecordPhotography, SUPERVISOR, sku="TEE-1", images=(IMAGE,), with_staff=("e-photo",)))
    (event,) = a.then(ProductPhotographed)
    assert isinstance(event, ProductPhotographed)
    assert event.photographed_by == ("e-sup", "e-photo")


async def test_sm_list_a_step_out_of_order_is_refused() -> None:
    a = app()
    await a.given(select())
    with pytest.raises(RuleViolated, match="needs the product TEE-1 in photographed") as early:
        await a.when(cmd(c.RetouchImages, TECHNICIAN, sku="TEE-1", images=(IMAGE,)))
    assert early.value.rule == "SM-LIST"
    with pytest.raises(NotFound, match="NOPE"):
        await a.when(cmd(c.RecordSellingPoints, SALES, sku="NOPE", selling_points=("x",)))
    await a.given(cmd(c.RecordInspection, KEEPER, sku="NEW-1", result="passed"))
    with pytest.raises(RuleViolated, match="has not been selected"):
        await a.when(cmd(c.RecordSellingPoints, SALES, sku="NEW-1", selling_points=("x",)))


async def test_cat1_only_the_department_manager_approves_the_images() -> None:
    a = app()
    await a.given(*to_retouched())
    for actor in (SUPERVISOR, TECHNICIAN, ARTIST):
        with pytest.raises(Forbidden, match="dept_manager") as refused:
            await a.when(cmd(c.ReviewProductImages, actor, sku="TEE-1", decision="approve"))
        assert refused.value.rule == "CAT-1"
    await a.when(cmd(c.ReviewProductImages, MANAGER, sku="TEE-1", decision="approve"))
    a.then(ProductImagesApproved)
    assert (await a.state(PRODUCT, "TEE-1")).state is ProductState.IMAGES_APPROVED


async def test_cat1_rejected_images_go_back_to_retouching_before_the_next_review() -> None:
    a = app()
    await a.given(*to_retouched())
    with pytest.raises(InvalidCommand, match="what to retouch"):
        await a.when(cmd(c.ReviewProductImages, MANAGER, sku="TEE-1", decision="reject"))
    await a.when(cmd(c.ReviewProductImages, MANAGER, sku="TEE-1", decision="reject", reason="too dark"))
    a.then(ProductImagesRejected)
    assert (await a.state(PRODUCT, "TEE-1")).state is ProductState.RETOUCHED
    with pytest.raises(RuleViolated, match="retouches them again") as again:
        await a.when(cmd(c.ReviewProductImages, MANAGER, sku="TEE-1", decision="approve"))
    assert again.value.rule == "CAT-1"
    with pytest.raises(RuleViolated, match="SM-LIST"):
        await a.when(detail_page())
    await a.given(cmd(c.RetouchImages, TECHNICIAN, sku="TEE-1", images=(IMAGE,)))
    await a.when(cmd(c.ReviewProductImages, MANAGER, sku="TEE-1", decision="approve"))
    a.then(ProductImagesApproved)


async def test_cat1_cat4_the_artist_edits_the_detail_page_with_the_categorys_attributes() -> None:
    a = app()
    await a.given(*to_images_approved())
    with pytest.raises(Forbidden):
        await a.when(detail_page().model_copy(update={"actor": SUPERVISOR}))
    with pytest.raises(InvalidCommand, match="requires the attribute sizes") as missing:
        await a.when(detail_page(specs={"material": "cotton", "colour": "navy", "sizes": "  "}))
    assert (missing.value.rule, missing.value.fields) == ("CAT-4", ("specifications.sizes",))
    await a.when(detail_page())
    (event,) = a.then(DetailPageEdited)
    assert isinstance(event, DetailPageEdited)
    assert (event.accessories, event.specifications) == (("spare button",), SPECS)
    assert (await a.state(PRODUCT, "TEE-1")).state is ProductState.DETAIL_READY


async def test_web8_a_detail_page_image_above_500_kb_is_refused_naming_the_file() -> None:
    a = app()
    await a.given(*to_images_approved())
    big = MediaItem(ref="img/huge.jpg", size_bytes=500 * 1024 + 1)
    with pytest.raises(InvalidCommand, match=r"img/huge\.jpg") as refused:
        await a.when(detail_page(media=(IMAGE, big)))
    assert (refused.value.rule, refused.value.fields) == ("WEB-8", ("media.1.size_bytes",))


async def test_cat6_only_the_department_manager_approves_the_launch() -> None:
    a = app()
    await a.given(*to_images_approved(), detail_page())
    with pytest.raises(Forbidden) as refused:
        await a.when(cmd(c.ApproveLaunch, SUPERVISOR, sku="TEE-1"))
    assert refused.value.rule == "CAT-6"
    await a.when(cmd(c.ApproveLaunch, MANAGER, sku="TEE-1"))
    a.then(ProductLaunchApproved)


async def test_cat6_listing_without_the_launch_approval_is_refused() -> None:
    a = app()
    await a.given(
        *to_images_approved(), detail_page(), cmd(c.SetPrice, SUPERVISOR, sku="TEE-1", price=Decimal("59"))
    )
    with pytest.raises(RuleViolated, match="launch_approval") as refused:
        await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    assert refused.value.rule == "CAT-6"


async def test_cat5_cat3_an_approved_priced_product_is_listed_new_for_30_days() -> None:
    a = app()
    await a.given(*to_approved())
    await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    (event,) = a.then(ProductListed)
    assert isinstance(event, ProductListed)
    assert (event.price, event.accessories, event.name, event.relisted) == (
        Decimal("59.00"),
        ("spare button",),
        "Navy cotton tee",
        False,
    )
    assert (event.listed_at, event.new_until, event.listed_by) == (NOW, NOW + timedelta(days=30), "e-sup")
    with pytest.raises(RuleViolated, match="listed already"):
        await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))


async def test_cat5_listing_without_a_price_is_refused() -> None:
    a = app()
    await a.given(*to_approved(price=None))
    with pytest.raises(RuleViolated, match="price") as refused:
        await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    assert refused.value.rule == "CAT-5"


def test_cat5_a_price_of_zero_is_refused_at_the_field() -> None:
    with pytest.raises(ValidationError, match="price"):
        cmd(c.SetPrice, SUPERVISOR, sku="TEE-1", price=Decimal("0"))


async def test_cat8_by_default_the_supervisor_lists_and_nobody_else() -> None:
    a = app()
    await a.given(*to_approved())
    for actor in (PRESALES, OPS, KEEPER, MANAGER):
        with pytest.raises(Forbidden, match="CATALOG_LISTING_ROLES") as refused:
            await a.when(cmd(c.ListProduct, actor, sku="TEE-1"))
        assert refused.value.rule == "CAT-8"


@pytest.mark.parametrize(
    ("variant", "lister"),
    [("presales_000", PRESALES), ("ops_specialist_001", OPS), ("warehouse_001", KEEPER)],
)
async def test_cat8_the_listing_roles_are_a_setting_of_six_variants(variant: str, lister: object) -> None:
    """CAT-8, conflict C8: who lists is a permission granted to a configurable set of roles."""
    a = app(CatalogSettings(listing_roles=variant))
    await a.given(*to_approved())
    with pytest.raises(Forbidden):
        await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))
    await a.when(cmd(c.ListProduct, lister, sku="TEE-1"))
    a.then(ProductListed)


async def test_cat8_the_listing_roles_may_be_a_json_list_of_role_ids() -> None:
    a = app(CatalogSettings(listing_roles='["sales_staff"]'))
    await a.given(*to_approved())
    await a.when(cmd(c.ListProduct, SALES, sku="TEE-1"))
    a.then(ProductListed)


async def test_cat7_delisting_a_listed_product_for_a_reason() -> None:
    a = app()
    await a.given(*to_listed())
    with pytest.raises(InvalidCommand, match="note") as no_note:
        await a.when(cmd(c.DelistProduct, OPS, sku="TEE-1", reason=DelistReason.OTHER))
    assert no_note.value.rule == "CAT-7"
    with pytest.raises(Forbidden) as refused:
        await a.when(cmd(c.DelistProduct, SALES, sku="TEE-1", reason=DelistReason.SLOW_MOVING))
    assert refused.value.rule == "CAT-7"
    await a.when(
        cmd(c.DelistProduct, OPS, sku="TEE-1", reason=DelistReason.SLOW_MOVING, note="3 sold in 60 days")
    )
    (event,) = a.then(ProductDelisted)
    assert isinstance(event, ProductDelisted)
    assert (event.reason, event.delisted_by) == (DelistReason.SLOW_MOVING, "e-ops")
    state = await a.state(PRODUCT, "TEE-1")
    assert (state.state, state.delist_reason) == (ProductState.DELISTED, DelistReason.SLOW_MOVING)
    with pytest.raises(RuleViolated, match="relist it"):
        await a.when(cmd(c.ListProduct, SUPERVISOR, sku="TEE-1"))


async def test_cat7_cat3_a_relisted_product_is_listed_again_but_not_new_again() -> None:
    a = app()
    await a.given(*to_listed(), cmd(c.DelistProduct, OPS, sku="TEE-1", reason=DelistReason.DISCONTINUED))
    a.clock.advance(timedelta(days=40))
    await a.when(cmd(c.RelistProduct, SUPERVISOR, sku="TEE-1"))
    (event,) = a.then(ProductListed)
    assert isinstance(event, ProductListed)
    assert event.relisted
    assert event.new_until == event.listed_at == NOW + timedelta(days=40)
    with pytest.raises(RuleViolated, match="in delisted"):
        await a.when(cmd(c.RelistProduct, SUPERVISOR, sku="TEE-1"))


async def test_cat7_a_relisting_inside_the_window_keeps_the_first_window() -> None:
    a = app()
    await a.given(*to_listed(), cmd(c.DelistProduct, OPS, sku="TEE-1", reason=DelistReason.DISCONTINUED))
    a.clock.advance(timedelta(days=10))
    await a.when(cmd(c.RelistProduct, SUPERVISOR, sku="TEE-1"))
    (event,) = a.then(ProductListed)
    assert isinstance(event, ProductListed)
    assert event.new_until == NOW + timedelta(days=30)


async def test_sm_list_the_whole_flow_reaches_listed() -> None:
    a = app()
    await a.given(*to_listed())
    assert a.types("TEE-1") == [
        "ProductSelected",
        "SellingPointsRecorded",
        "ProductPhotographed",
        "ProductImagesRetouched",
        "ProductImagesApproved",
        "DetailPageEdited",
        "ProductLaunchApproved",
        "ProductPriceSet",
        "ProductListed",
    ]
    assert (await a.state(PRODUCT, "TEE-1")).state is ProductState.LISTED


async def test_cat1_the_command_roles_are_a_setting() -> None:
    a = app(CatalogSettings(command_roles={"SelectProduct": ["ops_specialist"]}))
    await a.when(cmd(c.SelectProduct, OPS, sku="TEE-1", name="x", category="apparel", positioning="y"))
    a.then(ProductSelected)
    with pytest.raises(Forbidden):
        await a.when(select("TEE-2"))


async def test_cat4_web8_a_detail_page_names_every_wrong_field_at_once() -> None:
    a = app()
    await a.given(*to_images_approved())
    big = MediaItem(ref="video/spin.mp4", kind="video", size_bytes=31 * 1024 * 1024)
    with pytest.raises(InvalidCommand) as refused:
        await a.when(detail_page(specs={"material": "cotton", "sizes": "M"}, media=(big,)))
    assert refused.value.rule == "CAT-4"
    assert refused.value.fields == ("specifications.colour", "media.0.size_bytes")
    assert [d["problem"][:6] for d in refused.value.details or []] == ["CAT-4:", "WEB-8:"]


async def test_cat2_no_production_step_before_the_images_are_retouched() -> None:
    a = app()
    await a.given(select())
    with pytest.raises(RuleViolated, match="SM-LIST"):
        await a.when(cmd(c.RecordProductionStep, ARTIST, sku="TEE-1", step="store"))
