"""Queries of the Orders service, on `orders.queries.<QueryName>`, and the order statuses (SM-ORD)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, Field, model_validator

from shop_contracts.commands.orders import ORDER_ID_PATTERN
from shop_contracts.messages import FieldError, Query

ORDER_READERS: Final = (
    "backoffice_order_staff",
    "product_ops_staff",
    "sales_staff",
    "presales_cs",
    "aftersales_cs",
    "cs_supervisor",
    "order_clerk",
    "dept_supervisor",
    "dept_manager",
    "ecom_supervisor",
)
"""Who reads orders (rules.md §0): the staff who handle them (ORD-1..ORD-11) and their supervisors."""
SALES_READERS: Final = (
    "ecom_supervisor",
    "dept_supervisor",
    "dept_manager",
    "general_manager",
    "ops_director",
    "store_manager",
)
"""Who reads the sales figures commissions are computed from (ORD-16, KPI)."""


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


class GetOrder(Query):
    """One order: its current state, its full history, and the buyer's `risk_tags` with their
    `risks` (`inferior_customer`: after-sales confirmed the flag on the buyer id, AS-18)."""

    read_roles = ORDER_READERS
    read_rule = "ORD-7"

    order_id: str = Field(pattern=ORDER_ID_PATTERN)


class ListOrders(Query):
    """Orders by status, placement time range and sales owner, newest first, one page at a time;
    each with the buyer's `risk_tags` (AS-18)."""

    read_roles = ORDER_READERS
    read_rule = "ORD-7"

    status: OrderStatus | None = None
    placed_from: AwareDatetime | None = None
    placed_to: AwareDatetime | None = Field(default=None, description="exclusive")
    sales_owner: str | None = Field(default=None, min_length=1, max_length=128)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class SlaBoard(Query):
    """What is overdue now (ORD-1, ORD-2, ORD-3), oldest due first, one page at a time (`limit`,
    `offset`; `overdue_total` is how many there are), and the next `upcoming` items to become
    overdue."""

    read_roles = (
        "backoffice_order_staff",
        "product_ops_staff",
        "ecom_supervisor",
        "dept_supervisor",
        "dept_manager",
    )
    read_rule = "ORD-1"

    upcoming: int = Field(default=20, ge=0, le=500)
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class DailySales(Query):
    """Order amount minus every refund per business day and sales owner (ORD-16), days inclusive:
    the totals of every day, and one page of the day × sales-owner rows (`limit`, `offset`;
    `total` is how many rows there are)."""

    read_roles = SALES_READERS
    read_rule = "ORD-16"

    date_from: dt.date
    date_to: dt.date
    sales_owner: str | None = Field(default=None, min_length=1, max_length=128)
    limit: int = Field(default=500, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> DailySales:
        if self.date_to < self.date_from:
            raise FieldError("date_to is before date_from", "date_to")
        if (self.date_to - self.date_from).days > 366:
            raise FieldError("at most 366 days per query", "date_to")
        return self


class BackupStatus(StrEnum):
    """Where a calendar week stands against ORD-4 (a backup every week)."""

    DUE = "due"
    BACKED_UP = "backed_up"
    OVERDUE = "overdue"
    BACKED_UP_LATE = "backed_up_late"


class OrderBackups(Query):
    """The calendar weeks since the first order, newest first, one page at a time: each week's
    deadline (its end in the business time zone), its backups and whether it ended without one
    (`overdue`, ORD-4); `overdue` counts the weeks still without a backup."""

    read_roles = ("backoffice_order_staff", "ecom_supervisor", "dept_supervisor", "dept_manager")
    read_rule = "ORD-4"

    status: BackupStatus | None = None
    limit: int = Field(default=52, ge=1, le=500)
    offset: int = Field(default=0, ge=0)
