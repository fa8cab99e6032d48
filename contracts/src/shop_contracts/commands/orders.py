"""Commands of the Orders service, on `orders.commands.<CommandName>` (rules.md §10.1, SM-ORD).

Field validation only; the rules (roles, ORD-5 immutability, ORD-12 payee accounts, SLAs) are
enforced by the Orders domain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shop_contracts.events.orders import OrderLine, ShippingAddress
from shop_contracts.messages import Command, FieldError

ORDER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""Order ids are one subject token of at most 64 characters."""


class PlaceOrder(Command):
    """The platform accepts an order; it is binding from now on (ORD-5), its sales owner fixed (ORD-13)."""

    order_id: str = Field(pattern=ORDER_ID_PATTERN)
    lines: tuple[OrderLine, ...] = Field(min_length=1, max_length=100)
    buyer_id: str = Field(min_length=1, max_length=128)
    shipping: ShippingAddress
    channel: str = Field(min_length=1, max_length=64)
    sales_owner: str = Field(min_length=1, max_length=128)

    @model_validator(mode="after")
    def _listed_price_is_the_catalogues(self) -> PlaceOrder:
        for index, line in enumerate(self.lines):
            if line.listed_price is not None:
                raise FieldError(
                    "listed_price is recorded by orders from the catalogue (CAT-7); send unit_price, "
                    "what the customer paid",
                    f"lines.{index}.listed_price",
                )
        return self


class RecordPayment(Command):
    """The buyer paid; the payee account must be one of the company's (ORD-12)."""

    order_id: str = Field(pattern=ORDER_ID_PATTERN)
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    payee_account: str = Field(min_length=1, max_length=64)
    payment_ref: str = Field(min_length=1, max_length=128)


class RecordBuyerRemark(Command):
    """Sales staff record the buyer's logistics method and requirements after payment (ORD-8, ORD-9)."""

    order_id: str = Field(pattern=ORDER_ID_PATTERN)
    logistics_method: str = Field(min_length=1, max_length=64)
    requirements: str = Field(default="", max_length=1000)


class MarkOrderViewed(Command):
    """Back-office staff saw the order while refreshing the back-office (ORD-1)."""

    order_id: str = Field(pattern=ORDER_ID_PATTERN)


class RecordCustomerContact(Command):
    """Back-office staff contacted the customer and verified the details (ORD-2, ORD-7)."""

    order_id: str = Field(pattern=ORDER_ID_PATTERN)
    details_verified: bool
    note: str = Field(default="", max_length=1000)


class ConfirmOrder(Command):
    """Paid, contacted and verified: the order is confirmed (ORD-7, SM-ORD); starts ORD-3's 24 h."""

    order_id: str = Field(pattern=ORDER_ID_PATTERN)


class HandOverOrder(Command):
    """The confirmed order goes to product-operations staff for tracking (ORD-3)."""

    order_id: str = Field(pattern=ORDER_ID_PATTERN)
    to_staff_id: str = Field(min_length=1, max_length=128)


class NotifyOutOfStock(Command):
    """After-sales notified the customer that a line is out of stock (ORD-10)."""

    order_id: str = Field(pattern=ORDER_ID_PATTERN)
    sku: str = Field(min_length=1, max_length=64)
    note: str = Field(default="", max_length=1000)


class LineChange(BaseModel):
    """A change to line `line` (1-based). Goods (`sku`) and `size` may be corrected (ORD-6);
    quantity and price are binding (ORD-5) and an attempt to change them is refused and recorded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int = Field(ge=1, le=100)
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    size: str | None = Field(default=None, min_length=1, max_length=32)
    quantity: int | None = Field(default=None, ge=1, le=10_000)
    unit_price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)

    @model_validator(mode="after")
    def _changes_something(self) -> LineChange:
        if not self.changed_fields():
            raise FieldError(
                "a line change must change sku, size, quantity or unit_price",
                "sku",
                "size",
                "quantity",
                "unit_price",
            )
        return self

    def changed_fields(self) -> tuple[str, ...]:
        names = ("sku", "size", "quantity", "unit_price")
        return tuple(f"lines.{self.line}.{n}" for n in names if getattr(self, n) is not None)


class OrderChanges(BaseModel):
    """What a caller wants changed. Only recipient, phone, address and lines' sku/size are correctable
    (ORD-6, before confirmation, by after-sales); everything else is binding (ORD-5, ORD-13)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    recipient: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, min_length=5, max_length=32)
    address: str | None = Field(default=None, min_length=1, max_length=500)
    lines: tuple[LineChange, ...] = Field(default=(), max_length=100)
    buyer_id: str | None = Field(default=None, min_length=1, max_length=128)
    channel: str | None = Field(default=None, min_length=1, max_length=64)
    sales_owner: str | None = Field(default=None, min_length=1, max_length=128)

    @model_validator(mode="after")
    def _changes_something(self) -> OrderChanges:
        if not self.changed_fields():
            raise FieldError("changes must name at least one field", "recipient", "phone", "address", "lines")
        return self

    def changed_fields(self) -> tuple[str, ...]:
        scalar = ("recipient", "phone", "address", "buyer_id", "channel", "sales_owner")
        names = tuple(n for n in scalar if getattr(self, n) is not None)
        return names + tuple(f for change in self.lines for f in change.changed_fields())


class CorrectOrderDetails(Command):
    """Correct address, phone, goods or size (ORD-6) under the configured policy (conflict C1).

    A refused attempt is recorded as OrderAmendmentRejected and answered `rule_violated` (ORD-5).
    """

    order_id: str = Field(pattern=ORDER_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    changes: OrderChanges


class BackUpOrders(Command):
    """Record this week's verified backup of the order stream (ORD-4; `shopctl backup orders`).

    Sent by back-office staff or the scheduled job (`system`) after the export was written; the
    aggregate is the calendar week (`OrderBackup.<week>`), so a week's backups stay together.
    """

    week: str = Field(pattern=r"^\d{4}-W\d{2}$", description="ISO calendar week, e.g. 2026-W09")
    record_count: int = Field(ge=0)
    location: str = Field(min_length=1, max_length=500)

    @field_validator("week")
    @classmethod
    def _a_real_week(cls, week: str) -> str:
        try:
            dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
        except ValueError:
            raise ValueError(f"{week} is not an ISO calendar week (ORD-4)") from None
        return week

    checksum: str = Field(pattern=r"^[0-9a-f]{64}$", description="the export manifest's content sha256")
    last_seq: int = Field(ge=0)
