"""Events only the Orders service uses: a refund case opening and closing on an order (SM-ORD).

RefundPending remembers the state the order was in, so a case closed without a refund puts the
order back where it was.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, EventData
from shop_contracts.queries.orders import OrderStatus


class OrderRefundPending(EventData):
    event_type: ClassVar[str] = "OrderRefundPending"
    schema_version: ClassVar[int] = 1

    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    previous_status: OrderStatus
    requested_at: AwareDatetime


class OrderRefundCaseClosed(EventData):
    event_type: ClassVar[str] = "OrderRefundCaseClosed"
    schema_version: ClassVar[int] = 1

    order_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    outcome: str = Field(min_length=1, max_length=32)
    restored_status: OrderStatus
    delivered_at: AwareDatetime | None = None
