"""Aftersales' integration events: RefundRequested (AS-1, AS-2, AS-11)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

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
