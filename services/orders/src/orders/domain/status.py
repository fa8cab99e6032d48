"""The states of an order (SM-ORD), owned by the domain.

The read side's query contract (`shop_contracts.queries.orders.OrderStatus`) reports the same
values; a unit test keeps the two enums equal so they cannot drift.
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    """The states of SM-ORD."""

    PLACED = "Placed"
    PAID = "Paid"
    CONTACTED = "Contacted"
    CONFIRMED = "Confirmed"
    HANDED_OVER = "HandedOver"
    SHIPPED = "Shipped"
    DELIVERED = "Delivered"
    COMPLETED = "Completed"
    REFUND_PENDING = "RefundPending"
    REFUNDED = "Refunded"
    CANCELLED = "Cancelled"
