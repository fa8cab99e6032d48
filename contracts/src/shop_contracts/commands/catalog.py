"""Commands of the catalogue service, on `catalog.commands.<CommandName>` (issue 19, CAT-1..CAT-11,
SM-LIST).

Field validation only (a SKU is one subject token, a price has two decimal places and is above
zero, texts are not blank); who may do which step (CAT-1, CAT-6, CAT-8, `CATALOG_COMMAND_ROLES`,
`CATALOG_LISTING_ROLES`), the state machine, category attributes (CAT-4), inspections (CAT-5) and
honest pricing (CAT-11) are the domain's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shop_contracts.events.catalog import SKU_PATTERN, DelistReason, MediaItem, ProductionStep
from shop_contracts.messages import ID_PATTERN, Command


def _visible(value: str) -> str:
    if not value.strip():
        raise ValueError("give a text (not only blanks)")
    return value.strip()


def _entries(values: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(value.strip() for value in values)
    if any(not value for value in cleaned):
        raise ValueError("an entry is blank")
    return cleaned


class SelectProduct(Command):
    """CAT-1 (1): the department supervisor selects the product `sku` of `category` and positions it."""

    sku: str = Field(pattern=SKU_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=64)
    positioning: str = Field(min_length=1, max_length=1000)

    _texts = field_validator("name", "category", "positioning")(_visible)


class RecordSellingPoints(Command):
    """CAT-1 (2): department staff brief the selling points."""

    sku: str = Field(pattern=SKU_PATTERN)
    selling_points: tuple[str, ...] = Field(min_length=1, max_length=50)

    _points = field_validator("selling_points")(_entries)


class RecordPhotography(Command):
    """CAT-1 (3): the supervisor with the artist or photographer (`with_staff`) photographed it."""

    sku: str = Field(pattern=SKU_PATTERN)
    images: tuple[MediaItem, ...] = Field(min_length=1, max_length=200)
    with_staff: tuple[str, ...] = Field(default=(), max_length=10, description="the helpers' ids")


class RetouchImages(Command):
    """CAT-1 (4): the technician hands in the retouched images."""

    sku: str = Field(pattern=SKU_PATTERN)
    images: tuple[MediaItem, ...] = Field(min_length=1, max_length=200)


class ReviewProductImages(Command):
    """CAT-1 (5): the department manager approves the images, or rejects them with a reason (back
    to retouching)."""

    sku: str = Field(pattern=SKU_PATTERN)
    decision: Literal["approve", "reject"]
    reason: str = Field(default="", max_length=500, description="required when rejecting")


class EditDetailPage(Command):
    """CAT-1 (6), CAT-4, WEB-8: the artist writes the detail page: name, the category's attributes
    among `specifications`, labels, the accessory list (FUL-4, AS-7) and the page's media."""

    sku: str = Field(pattern=SKU_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    specifications: dict[str, str]
    labels: tuple[str, ...] = Field(default=(), max_length=50)
    accessories: tuple[str, ...] = Field(default=(), max_length=100)
    media: tuple[MediaItem, ...] = Field(default=(), max_length=200)

    _name = field_validator("name")(_visible)
    _lists = field_validator("labels", "accessories")(_entries)


class BulkUploadRow(BaseModel):
    """One product's detail page in a bulk upload (CAT-4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(pattern=SKU_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=64)
    specifications: dict[str, str]
    labels: tuple[str, ...] = Field(default=(), max_length=50)
    accessories: tuple[str, ...] = Field(default=(), max_length=100)

    _name = field_validator("name", "category")(_visible)
    _lists = field_validator("labels", "accessories")(_entries)


class BulkUploadProducts(Command):
    """CAT-4 (产品的批量上传): the detail pages of many products at once. Every row is checked
    against its category's required attributes first; one wrong row refuses the whole batch."""

    batch_id: str = Field(pattern=ID_PATTERN)
    rows: tuple[BulkUploadRow, ...] = Field(min_length=1, max_length=500)


class RecordProductionStep(Command):
    """CAT-2: one production step is done (store, upload, describe, layout, code, animation,
    decoration, description)."""

    sku: str = Field(pattern=SKU_PATTERN)
    step: ProductionStep


class ApproveLaunch(Command):
    """CAT-6: the department manager approves the new product's launch."""

    sku: str = Field(pattern=SKU_PATTERN)
    note: str = Field(default="", max_length=500)


class ListProduct(Command):
    """CAT-1 (8), CAT-5, CAT-8: put the approved product on sale (the roles of CATALOG_LISTING_ROLES)."""

    sku: str = Field(pattern=SKU_PATTERN)


class SetPrice(Command):
    """CAT-11: set the price; `reference_price` is the "was" price to show, which must be one the
    product was on sale at within the honest-pricing window."""

    sku: str = Field(pattern=SKU_PATTERN)
    price: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    reference_price: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)


class SetAccessories(Command):
    """FUL-4, AS-7: the accessory list of the product (what fulfilment checks and after-sales inspects)."""

    sku: str = Field(pattern=SKU_PATTERN)
    accessories: tuple[str, ...] = Field(max_length=100)

    _lists = field_validator("accessories")(_entries)


class ChangeProductDetails(Command):
    """CAT-4: change the name, specifications or labels of a product that has a detail page."""

    sku: str = Field(pattern=SKU_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    specifications: dict[str, str]
    labels: tuple[str, ...] = Field(default=(), max_length=50)

    _name = field_validator("name")(_visible)
    _lists = field_validator("labels")(_entries)


class DelistProduct(Command):
    """CAT-7: take the product off sale (slow-moving, discontinued or other, with a note)."""

    sku: str = Field(pattern=SKU_PATTERN)
    reason: DelistReason
    note: str = Field(default="", max_length=500)


class RelistProduct(Command):
    """CAT-7, CAT-5: put a delisted product on sale again (the listing conditions apply again)."""

    sku: str = Field(pattern=SKU_PATTERN)


class RecordInspection(Command):
    """CAT-5: the warehouse keeper records an inspection result of the product's goods by hand (the
    catalogue also learns fulfilment's LotInspectionRecorded and InboundReceived)."""

    sku: str = Field(pattern=SKU_PATTERN)
    result: Literal["passed", "failed"]
    lot_no: str | None = Field(default=None, max_length=64)
    note: str = Field(default="", max_length=500)


class PlanSupplierSelection(Command):
    """CAT-9: operations draws up the supplier selection plan."""

    sku: str = Field(pattern=SKU_PATTERN)
    plan: str = Field(min_length=1, max_length=2000)

    _plan = field_validator("plan")(_visible)


class RecordSupplierQuote(Command):
    """CAT-9: purchasing records one supplier's negotiated quote."""

    sku: str = Field(pattern=SKU_PATTERN)
    supplier: str = Field(min_length=1, max_length=200)
    unit_price: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    note: str = Field(default="", max_length=500)

    _supplier = field_validator("supplier")(_visible)


class SelectSupplier(Command):
    """CAT-9: operations chooses the supplier among the recorded quotes, with the reason."""

    sku: str = Field(pattern=SKU_PATTERN)
    supplier: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=1000)

    _texts = field_validator("supplier", "reason")(_visible)
