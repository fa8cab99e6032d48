"""The business numbers and tables of the catalogue, each declared once with its default and rule
(`CatalogNumbers`, the service's settings `CATALOG_<FIELD>`; `CatalogSettings` inherits them), and
`CatalogPolicy`: the numbers plus who may do what (`CATALOG_COMMAND_ROLES`, `CATALOG_LISTING_ROLES`).

- CAT-3: `new_product_window_days` (30): 「新产品上架时权限为30天」 is ambiguous (a 30-day "new"
  flag or validity, or a 30-day edit permission); read here as the "new product" flag: a listing
  is new until listed_at + 30 days, when `NewProductWindowExpired` is emitted. Nothing is refused
  because of the window.
- CAT-4: `categories`, category -> the attributes its detail page must give (non-blank) among
  `specifications`; the default `DEFAULT_CATEGORIES` follows the seeds' 材質 and 尺碼 (000 §2.2).
- CAT-2: `require_production_steps` (false): when true, every CAT-2 step must be recorded before
  listing; by default they are recorded and shown but listing does not wait for them.
- CAT-9: `require_supplier_selection` (false): when true, a supplier must be selected before listing.
- CAT-11: `honest_pricing_days` (30): a "was" price must be one the product was on sale at within
  the last 30 days, and no discount may be shown within 30 days of a price rise.
- WEB-8: `max_image_kb` (500), `max_video_mb` (30), `max_document_kb` (1024) for the detail page's media.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

from catalog.domain.roles import DEFAULT_LISTING_VARIANT, DEFAULT_ROLES, LISTING_VARIANTS
from jetstream_es.roles import CommandRoles

DEFAULT_CATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "apparel": ("material", "sizes", "colour"),
    "footwear": ("material", "sizes"),
    "bags": ("material", "dimensions"),
    "accessories": ("material",),
    "electronics": ("model", "power", "warranty"),
}
"""CAT-4: the default category table (服裝 apparel: 材質 material, 尺碼 sizes, colour; ...)."""


class CatalogNumbers(BaseModel):
    """The numbers and tables operators set for the catalogue (`CATALOG_<FIELD>`)."""

    model_config = ConfigDict(frozen=True)

    new_product_window_days: int = Field(
        30, ge=1, le=365, description="CAT-3: days a listing counts as a new product (the 'new' flag reading)"
    )
    honest_pricing_days: int = Field(
        30,
        ge=1,
        le=365,
        description="CAT-11: a 'was' price must have been the product's price on sale within these days, "
        "and no discount is shown within these days of a price rise",
    )
    categories: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_CATEGORIES),
        min_length=1,
        description="CAT-4: category -> required attributes of its detail page (JSON object of lists)",
    )
    require_production_steps: bool = Field(
        False, description="CAT-2: every production step must be recorded before listing"
    )
    require_supplier_selection: bool = Field(
        False, description="CAT-9: a supplier must be selected before listing"
    )
    max_image_kb: int = Field(500, ge=1, description="WEB-8: largest image of a detail page, in KB")
    max_video_mb: int = Field(30, ge=1, description="WEB-8: largest video of a detail page, in MB")
    max_document_kb: int = Field(1024, ge=1, description="WEB-8: largest document of a detail page, in KB")

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for category, attributes in value.items():
            if not category.strip():
                raise ValueError("CAT-4: CATALOG_CATEGORIES: a category name is blank")
            if any(not a.strip() for a in attributes):
                raise ValueError(f"CAT-4: CATALOG_CATEGORIES: {category}: an attribute name is blank")
        return dict(value)

    @property
    def new_product_window(self) -> timedelta:
        return timedelta(days=self.new_product_window_days)

    @property
    def honest_pricing_window(self) -> timedelta:
        return timedelta(days=self.honest_pricing_days)

    def media_limit_bytes(self, kind: str) -> int:
        """WEB-8: the largest file of `kind` (image, video, document)."""
        if kind == "video":
            return self.max_video_mb * 1024 * 1024
        if kind == "document":
            return self.max_document_kb * 1024
        return self.max_image_kb * 1024


class CatalogPolicy(CatalogNumbers):
    """The catalogue's numbers and who may do what."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    roles: CommandRoles = Field(
        DEFAULT_ROLES, description="who may issue which command (roles.py, CATALOG_COMMAND_ROLES)"
    )
    listing_roles: tuple[str, ...] = Field(
        LISTING_VARIANTS[DEFAULT_LISTING_VARIANT],
        min_length=1,
        description="CAT-8: who may list and relist (CATALOG_LISTING_ROLES)",
    )
