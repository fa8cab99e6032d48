"""The catalogue service's events (issue 19, CAT-1..CAT-11, SM-LIST): a product from its selection
to its listing, delisting and relisting, on the `Product.<sku>` aggregate (`CATALOG_PRODUCT`).

What other services know of a product comes from `ProductListed` (also emitted by a relisting,
`relisted=True`) plus `ProductPriceSet`, `ProductAccessoriesChanged`, `ProductDetailsChanged` and
`ProductDelisted`: name, specifications, price, the accessory list fulfilment checks (FUL-4) and
after-sales inspects (AS-7), labels. Orders refuse a SKU that is not listed or is delisted (CAT-7).
The other events record the listing pipeline (CAT-1, CAT-2, CAT-6, CAT-9) and inspections (CAT-5).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import EventData

SKU_PATTERN: Final = r"^[A-Za-z0-9_-]{1,64}$"
"""A SKU is the Product aggregate's id, so one subject token: letters, digits, '_' and '-'."""


class ProductState(StrEnum):
    """The states of SM-LIST (what GetProduct and ListProducts answer)."""

    SELECTED = "selected"
    BRIEFED = "briefed"
    PHOTOGRAPHED = "photographed"
    RETOUCHED = "retouched"
    IMAGES_APPROVED = "images_approved"
    DETAIL_READY = "detail_ready"
    APPROVED = "approved"
    LISTED = "listed"
    DELISTED = "delisted"


class DelistReason(StrEnum):
    """CAT-7: why a product left the shop (`failed_inspection` is CAT-5's automatic delisting)."""

    SLOW_MOVING = "slow_moving"
    DISCONTINUED = "discontinued"
    FAILED_INSPECTION = "failed_inspection"
    OTHER = "other"


ProductionStep = Literal[
    "store",
    "upload",
    "describe",
    "layout",
    "code",
    "animation",
    "decoration",
    "description",
]
"""CAT-2's production pipeline after shooting and retouching (拍摄→修饰→储存→上传→描述; 页面排版→
代码→动画→店铺装修→产品描述): store (backup), upload, describe; page layout, code, animation, shop
decoration, product description. Listing and publishing are `ProductListed` itself."""

PRODUCTION_STEPS: Final[tuple[ProductionStep, ...]] = (
    "store",
    "upload",
    "describe",
    "layout",
    "code",
    "animation",
    "decoration",
    "description",
)
"""The CAT-2 steps in their order."""


class MediaItem(BaseModel):
    """One image, video or document of a product's page, with its size (WEB-8 limits)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: str = Field(min_length=1, max_length=500, description="where the file is kept")
    kind: Literal["image", "video", "document"] = "image"
    size_bytes: int = Field(ge=1)


class SupplierQuote(BaseModel):
    """CAT-9: one supplier's price as purchasing asked for and negotiated it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    supplier: str = Field(min_length=1, max_length=200)
    unit_price: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    note: str = Field(default="", max_length=500)
    recorded_by: str = Field(min_length=1, max_length=128)
    recorded_at: AwareDatetime


# -- the listing pipeline (CAT-1, SM-LIST) ---------------------------------------------------------


class ProductSelected(EventData):
    """CAT-1 (1): the department supervisor selected and positioned the product (商品挑選、定位)."""

    sku: str = Field(pattern=SKU_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=64, description="a CATALOG_CATEGORIES key (CAT-4)")
    positioning: str = Field(min_length=1, max_length=1000)
    selected_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class SellingPointsRecorded(EventData):
    """CAT-1 (2): department staff briefed the product's selling points (賣點)."""

    sku: str = Field(pattern=SKU_PATTERN)
    selling_points: tuple[str, ...] = Field(min_length=1)
    recorded_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class ProductPhotographed(EventData):
    """CAT-1 (3), CAT-2 shoot: the supervisor with the artist or photographer photographed it."""

    sku: str = Field(pattern=SKU_PATTERN)
    images: tuple[MediaItem, ...] = Field(min_length=1)
    photographed_by: tuple[str, ...] = Field(min_length=1, description="the actor and the named helpers")
    at: AwareDatetime


class ProductImagesRetouched(EventData):
    """CAT-1 (4), CAT-2 retouch: the technician retouched the images (修圖)."""

    sku: str = Field(pattern=SKU_PATTERN)
    images: tuple[MediaItem, ...] = Field(min_length=1)
    retouched_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class ProductImagesApproved(EventData):
    """CAT-1 (5): the department manager approved the images (圖片審核部門經理)."""

    sku: str = Field(pattern=SKU_PATTERN)
    approved_by: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=500)
    at: AwareDatetime


class ProductImagesRejected(EventData):
    """CAT-1 (5): the department manager rejected the images; they go back to retouching."""

    sku: str = Field(pattern=SKU_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    rejected_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class DetailPageEdited(EventData):
    """CAT-1 (6), CAT-4: the artist edited the detail page (寶貝詳情編輯); the category's required
    attributes are among `specifications`. `batch_id` is set when it came from a bulk upload."""

    sku: str = Field(pattern=SKU_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=64)
    specifications: dict[str, str]
    labels: tuple[str, ...] = ()
    accessories: tuple[str, ...] = ()
    media: tuple[MediaItem, ...] = ()
    edited_by: str = Field(min_length=1, max_length=128)
    batch_id: str | None = Field(default=None, max_length=128)
    at: AwareDatetime


class ProductionStepRecorded(EventData):
    """CAT-2: one step of the production pipeline was done (store, upload, describe, layout, ...)."""

    sku: str = Field(pattern=SKU_PATTERN)
    step: ProductionStep
    recorded_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class ProductLaunchApproved(EventData):
    """CAT-6: the department manager approved the new product's launch (新产品投放)."""

    sku: str = Field(pattern=SKU_PATTERN)
    approved_by: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=500)
    at: AwareDatetime


# -- supplier selection (CAT-9) ---------------------------------------------------------------------


class SupplierSelectionPlanned(EventData):
    """CAT-9: operations drew up the supplier selection plan."""

    sku: str = Field(pattern=SKU_PATTERN)
    plan: str = Field(min_length=1, max_length=2000)
    planned_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class SupplierQuoteRecorded(EventData):
    """CAT-9: purchasing recorded one supplier's (negotiated) quote."""

    sku: str = Field(pattern=SKU_PATTERN)
    quote: SupplierQuote


class SupplierSelected(EventData):
    """CAT-9: operations assessed the quotes and chose the supplier (确定合作供应商)."""

    sku: str = Field(pattern=SKU_PATTERN)
    supplier: str = Field(min_length=1, max_length=200)
    compared_quotes: tuple[SupplierQuote, ...] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=1000)
    selected_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


# -- what other services read of a product ---------------------------------------------------------


class ProductListed(EventData):
    """CAT-1 (8), CAT-5, CAT-8: the product is on sale at `price`, with its accessory list (FUL-4,
    AS-7); new until `new_until` (CAT-3). A relisting after a delisting emits it again (`relisted`)."""

    sku: str = Field(pattern=SKU_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(default="", max_length=64)
    specifications: dict[str, str]
    price: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    accessories: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    listed_by: str = Field(default="", max_length=128)
    listed_at: AwareDatetime
    new_until: AwareDatetime = Field(description="listed_at + CATALOG_NEW_PRODUCT_WINDOW_DAYS (CAT-3)")
    relisted: bool = False


class NewProductWindowExpired(EventData):
    """CAT-3: the 30-day new-product window of the listing at `listed_at` ended (新产品上架时权限为30天)."""

    sku: str = Field(pattern=SKU_PATTERN)
    listed_at: AwareDatetime
    new_until: AwareDatetime


class ProductDelisted(EventData):
    """CAT-7 (CAT-5 for `failed_inspection`): the product is off sale; orders refuse new lines of it."""

    sku: str = Field(pattern=SKU_PATTERN)
    reason: DelistReason
    note: str = Field(default="", max_length=500)
    delisted_by: str = Field(default="", max_length=128)
    at: AwareDatetime


class ProductPriceSet(EventData):
    """CAT-11: the price changed from `previous_price` (None: the first price); `reference_price` is
    the "was" price shown next to it, one the product was on sale at within the honest-pricing window."""

    sku: str = Field(pattern=SKU_PATTERN)
    price: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    previous_price: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    reference_price: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    set_by: str = Field(default="", max_length=128)
    at: AwareDatetime


class ProductAccessoriesChanged(EventData):
    """The accessory list fulfilment checks at outbound (FUL-4) and after-sales inspects (AS-7)."""

    sku: str = Field(pattern=SKU_PATTERN)
    accessories: tuple[str, ...]
    changed_by: str = Field(default="", max_length=128)
    at: AwareDatetime


class ProductDetailsChanged(EventData):
    """The product's name, specifications or labels changed (CAT-4: the category's attributes kept)."""

    sku: str = Field(pattern=SKU_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    specifications: dict[str, str]
    labels: tuple[str, ...] = ()
    changed_by: str = Field(default="", max_length=128)
    at: AwareDatetime


# -- inspections (CAT-5) -----------------------------------------------------------------------------


class ProductFailedInspection(EventData):
    """CAT-5: goods of the product failed inspection (检验不合格); listing is refused until an
    inspection passes, and a listed product is delisted (`failed_inspection`). `lot_no` is the
    fulfilment lot when fulfilment's LotInspectionRecorded / InboundReceived reported it."""

    sku: str = Field(pattern=SKU_PATTERN)
    lot_no: str | None = Field(default=None, max_length=64)
    note: str = Field(default="", max_length=500)
    inspector: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class ProductInspectionPassed(EventData):
    """CAT-5: goods of the product passed inspection; listing is no longer refused for it."""

    sku: str = Field(pattern=SKU_PATTERN)
    lot_no: str | None = Field(default=None, max_length=64)
    note: str = Field(default="", max_length=500)
    inspector: str = Field(min_length=1, max_length=128)
    at: AwareDatetime
