"""Orders' integration events, placement to confirmation (SM-ORD).

OrderPlaced (ORD-5, ORD-13, ORD-16; each line's listed price, CAT-7), OrderPaid (ORD-12), BuyerRemarkRecorded (ORD-8, ORD-9),
OrderConfirmed (ORD-7), and the audit trail of the immutability rule: OrderDetailsCorrected
(ORD-6, conflict C1) and OrderAmendmentRejected (ORD-5, ORD-13).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    size: str | None = Field(default=None, min_length=1, max_length=32)
    listed_price: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="CAT-7: the catalogue's listed price when the line was placed, recorded by orders "
        "next to `unit_price` (what the customer paid on the platform); None on orders placed before "
        "the catalogue existed (old OrderPlaced events load unchanged, schema version 1)",
    )

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class ShippingAddress(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    recipient: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=5, max_length=32)
    address: str = Field(min_length=1, max_length=500)


class OrderPlaced(EventData):
    """An order exists and is legally binding from here on (ORD-5); its lines never change."""

    order_id: str = Field(pattern=ID_PATTERN)
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    amount: Decimal = Field(ge=0, description="sum of the lines; sales are this minus refunds (ORD-16)")
    buyer_id: str = Field(min_length=1, max_length=128)
    shipping: ShippingAddress
    channel: str = Field(min_length=1, max_length=64)
    sales_owner: str = Field(min_length=1, max_length=128, description="set once, never reassigned (ORD-13)")
    placed_at: AwareDatetime


class OrderConfirmed(EventData):
    """Paid, customer contacted, details verified (ORD-2, ORD-7); starts the 24 h hand-over (ORD-3)."""

    order_id: str = Field(pattern=ID_PATTERN)
    confirmed_by: str = Field(min_length=1, max_length=128)
    confirmed_at: AwareDatetime


class OrderPaid(EventData):
    """The buyer paid into one of the company's own accounts (ORD-12, ORD-14)."""

    order_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(ge=0)
    payee_account: str = Field(min_length=1, max_length=64, description="on the company list (ORD-12)")
    payment_ref: str = Field(min_length=1, max_length=128)
    paid_at: AwareDatetime


class BuyerRemarkRecorded(EventData):
    """The buyer's logistics method and requirements, used by shipping (ORD-8, ORD-9, FUL-1)."""

    order_id: str = Field(pattern=ID_PATTERN)
    logistics_method: str = Field(min_length=1, max_length=64)
    requirements: str = Field(default="", max_length=1000)
    recorded_by: str = Field(min_length=1, max_length=128)


class FieldCorrection(BaseModel):
    """One corrected field: `field` is e.g. `phone`, `address` or `lines.1.size`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str = Field(min_length=1, max_length=64)
    old: str | None = Field(default=None, max_length=500)
    new: str = Field(min_length=1, max_length=500)


class OrderDetailsCorrected(EventData):
    """After-sales corrected address, phone, goods or size before confirmation (ORD-6, C1).

    The order stream stays append-only: the original OrderPlaced is never rewritten (ORD-5).
    """

    order_id: str = Field(pattern=ID_PATTERN)
    corrections: tuple[FieldCorrection, ...] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=500)
    corrected_by: str = Field(min_length=1, max_length=128)


class OrderAmendmentRejected(EventData):
    """Someone tried to change a binding order and was refused (ORD-5; ORD-13 for the sales owner).

    Recorded for audit and discipline (DIS); `command_id` lets a repeated attempt get the same answer.
    """

    order_id: str = Field(pattern=ID_PATTERN)
    command_id: str = Field(pattern=ID_PATTERN)
    actor_id: str = Field(min_length=1, max_length=128)
    actor_roles: tuple[str, ...] = ()
    attempted_fields: tuple[str, ...] = Field(min_length=1)
    rule: str = Field(min_length=1, max_length=16)
    reason: str = Field(min_length=1, max_length=500)


class OrdersBackedUp(EventData):
    """The order stream was exported to a verified backup for one calendar week (ORD-4).

    `checksum` is the export manifest's content checksum (sha256 over every exported message);
    `last_seq` the last ORDERS stream sequence the backup holds.
    """

    week: str = Field(pattern=r"^\d{4}-W\d{2}$", description="ISO calendar week, e.g. 2026-W09")
    record_count: int = Field(ge=0, description="messages in the backup")
    location: str = Field(min_length=1, max_length=500, description="where the backup files are kept")
    checksum: str = Field(pattern=r"^[0-9a-f]{64}$")
    last_seq: int = Field(ge=0)
    backed_up_by: str = Field(min_length=1, max_length=128)
    backed_up_at: AwareDatetime


class OrdersBackupOverdue(EventData):
    """A calendar week ended without a recorded backup of the order data (ORD-4: back up every
    week). Recorded once per week by the orders deadline scheduler; a later backup of the week is
    still recorded (OrdersBackedUp), late."""

    week: str = Field(pattern=r"^\d{4}-W\d{2}$", description="ISO calendar week, e.g. 2026-W09")
    due_at: AwareDatetime = Field(description="the end of the week in the business time zone")
    detected_at: AwareDatetime
