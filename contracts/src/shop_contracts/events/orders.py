"""Orders' integration events: OrderPlaced (ORD-5, ORD-13, ORD-16) and OrderConfirmed (ORD-7, SM-ORD)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)

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

    event_type: ClassVar[str] = "OrderPlaced"
    schema_version: ClassVar[int] = 1

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

    event_type: ClassVar[str] = "OrderConfirmed"
    schema_version: ClassVar[int] = 1

    order_id: str = Field(pattern=ID_PATTERN)
    confirmed_by: str = Field(min_length=1, max_length=128)
    confirmed_at: AwareDatetime
