"""Aftersales' integration events: RefundRequested (AS-1, AS-2, AS-11), RefundIssued (AS-8, AS-9,
ORD-16) and RefundCaseClosed (a case ended without a refund: withdrawn or rejected, AS-5)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, EventData


class RefundRequested(EventData):
    """A buyer asks for a refund with a reason from the configured list (AS-1).

    `goods_received` picks the branch of the return flow (AS-2): not received → refund only,
    received → the goods come back first.
    """

    event_type: ClassVar[str] = "RefundRequested"
    schema_version: ClassVar[int] = 1

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=64)
    goods_received: bool
    amount: Decimal = Field(ge=0)
    requested_at: AwareDatetime
    buyer_id: str | None = Field(default=None, max_length=128)
    claimed_received: bool | None = Field(default=None, description="what the buyer stated (AS-2)")
    received_basis: Literal["delivered", "not_shipped", "buyer_statement"] | None = Field(
        default=None, description="what decided goods_received: fulfilment's record or the buyer's word"
    )
    delivered_at: AwareDatetime | None = Field(default=None, description="start of the AS-11 window")


class RefundIssued(EventData):
    """The department supervisor released the refund (AS-8, AS-9); sales net it out (ORD-16)."""

    event_type: ClassVar[str] = "RefundIssued"
    schema_version: ClassVar[int] = 1

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    issued_by: str = Field(min_length=1, max_length=128)
    platform_ref: str | None = Field(default=None, max_length=128)
    issued_at: AwareDatetime


class RefundCaseClosed(EventData):
    """A refund case ended without a refund: the buyer withdrew it or it was finally rejected (AS-5)."""

    event_type: ClassVar[str] = "RefundCaseClosed"
    schema_version: ClassVar[int] = 1

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    outcome: Literal["withdrawn", "rejected"]
    closed_at: AwareDatetime
