"""The KPI read models over other services' events (issue 19 deliverable 1; ORD-16, KPI-1, KPI-13).

- `kpi_orders` (ORDERS Order): one row per order: the business day and month it was placed,
  channel, sales owner (ORD-13), amount; when it was confirmed, the customer contacted (minutes
  since accepted, as orders reports them against its 10-minute SLA, ORD-2) and handed over (hours
  since confirmation against the 24 h SLA, ORD-3), and whether orders reported either overdue.
  The SLA numbers stay orders' own: this view copies what its events say, it computes no deadline.
- `kpi_aftersales` (AFTERSALES RefundCase, Complaint, Review, CustomerContact): every refund
  issued (ORD-16 nets it from sales on the day it was issued, against the order's owner and
  channel), complaints, negative reviews and return visits (KPI-1 customer satisfaction).

Both upsert by id, so a redelivery changes nothing and a replay rebuilds the same rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, cents, upsert
from shop_contracts.aggregates import (
    AFTERSALES_COMPLAINT,
    AFTERSALES_CUSTOMER_CONTACT,
    AFTERSALES_REFUND_CASE,
    AFTERSALES_REVIEW,
    ORDERS_ORDER,
)
from shop_contracts.events.aftersales import (
    ComplaintRegistered,
    NegativeReviewRecorded,
    RefundIssued,
    RevisitRecorded,
)
from shop_contracts.events.order_progress import (
    CustomerContacted,
    CustomerContactOverdue,
    OrderHandedOver,
    OrderHandoverOverdue,
)
from shop_contracts.events.orders import OrderConfirmed, OrderPlaced

orders_registry = EventRegistry(
    [
        OrderPlaced,
        OrderConfirmed,
        CustomerContacted,
        CustomerContactOverdue,
        OrderHandedOver,
        OrderHandoverOverdue,
    ]
)
aftersales_registry = EventRegistry(
    [RefundIssued, ComplaintRegistered, NegativeReviewRecorded, RevisitRecorded]
)


class _Local:
    def __init__(self, business_tz: str) -> None:
        self.tz = ZoneInfo(business_tz)

    def day(self, at: datetime) -> str:
        return at.astimezone(self.tz).date().isoformat()


class SalesOrders(Projection):
    name = "kpi_orders"
    sources = (ORDERS_ORDER,)
    handles = orders_registry.event_types
    skip_unknown_types = True

    def __init__(self, business_tz: str) -> None:
        super().__init__(orders_registry)
        self.local = _Local(business_tz)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"kpi_orders{suffix}",
            metadata,
            Column("order_id", String(128), primary_key=True),
            Column("day", String(10), nullable=True, index=True),
            Column("month", String(7), nullable=True, index=True),
            Column("channel", String(64), nullable=True),
            Column("sales_owner", String(128), nullable=True, index=True),
            Column("amount_cents", BigInteger, nullable=False, default=0),
            Column("placed_at", UtcDateTime(), nullable=True),
            Column("confirmed_at", UtcDateTime(), nullable=True),
            Column("contact_min", Integer, nullable=True),
            Column("contact_overdue", Boolean, nullable=False, default=False),
            Column("handover_hours", String(16), nullable=True),
            Column("handover_overdue", Boolean, nullable=False, default=False),
        )
        return {"orders": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, data = tables["orders"], item.data
        row: dict[str, Any]
        match data:
            case OrderPlaced():
                day = self.local.day(data.placed_at)
                row = {
                    "day": day,
                    "month": day[:7],
                    "channel": data.channel,
                    "sales_owner": data.sales_owner,
                    "amount_cents": cents(data.amount),
                    "placed_at": data.placed_at,
                }
            case OrderConfirmed():
                row = {"confirmed_at": data.confirmed_at}
            case CustomerContacted():
                row = {"contact_min": data.minutes_since_accept}
            case CustomerContactOverdue():
                row = {"contact_overdue": True}
            case OrderHandedOver():
                row = {"handover_hours": str(data.hours)}
            case OrderHandoverOverdue():
                row = {"handover_overdue": True}
            case _:
                return
        stmt = upsert(conn, table).values(order_id=data.order_id, **row)
        await conn.execute(stmt.on_conflict_do_update(index_elements=[table.c.order_id], set_=row))


class AftersalesFacts(Projection):
    name = "kpi_aftersales"
    sources = (AFTERSALES_REFUND_CASE, AFTERSALES_COMPLAINT, AFTERSALES_REVIEW, AFTERSALES_CUSTOMER_CONTACT)
    handles = aftersales_registry.event_types
    skip_unknown_types = True

    def __init__(self, business_tz: str) -> None:
        super().__init__(aftersales_registry)
        self.local = _Local(business_tz)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        refunds = Table(
            f"kpi_refunds{suffix}",
            metadata,
            Column("event_id", String(64), primary_key=True),
            Column("case_id", String(128), nullable=False),
            Column("order_id", String(128), nullable=False, index=True),
            Column("amount_cents", BigInteger, nullable=False),
            Column("day", String(10), nullable=False),
            Column("month", String(7), nullable=False, index=True),
        )
        satisfaction = Table(
            f"kpi_satisfaction{suffix}",
            metadata,
            Column("event_id", String(64), primary_key=True),
            Column("kind", String(16), nullable=False),
            Column("day", String(10), nullable=False),
            Column("month", String(7), nullable=False, index=True),
            Column("staff_id", String(128), nullable=False),
            Column("score", Integer, nullable=True),
            Column("meets_target", Boolean, nullable=True),
        )
        return {"refunds": refunds, "satisfaction": satisfaction}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        data, event_id = item.data, item.event.envelope.event_id
        match data:
            case RefundIssued():
                day = self.local.day(data.issued_at)
                table = tables["refunds"]
                values: dict[str, Any] = {
                    "case_id": data.case_id,
                    "order_id": data.order_id,
                    "amount_cents": cents(data.amount),
                    "day": day,
                    "month": day[:7],
                }
            case ComplaintRegistered():
                table, values = (
                    tables["satisfaction"],
                    self._fact("complaint", data.registered_at, data.registered_by),
                )
            case NegativeReviewRecorded():
                table = tables["satisfaction"]
                values = self._fact("negative_review", data.recorded_at, data.recorded_by) | {
                    "score": data.rating
                }
            case RevisitRecorded():
                table = tables["satisfaction"]
                values = self._fact("revisit", data.visited_at, data.visited_by) | {
                    "score": data.satisfaction,
                    "meets_target": data.meets_target,
                }
            case _:
                return
        await conn.execute(upsert(conn, table).values(event_id=event_id, **values).on_conflict_do_nothing())

    def _fact(self, kind: str, at: datetime, staff: str) -> dict[str, Any]:
        day = self.local.day(at)
        return {"kind": kind, "day": day, "month": day[:7], "staff_id": staff}
