"""The Orders read models: one row per order with its SLA clocks (ORD-1, ORD-2, ORD-3), its full
history, its latest refused shipment (FUL-5: held until it resumes or is stamped), its refund cases (one row per case: open, refunded with the amount, or closed without a
refund), and daily sales per sales owner, order amounts minus every refund (ORD-16).

Sales are booked on the business day (configured time zone) the order was placed; refunds on the
business day they were issued.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, BigInteger, Boolean, Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.history import define_history_table, record_event
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, cents, upsert
from orders.domain.events import (
    OrderRefundCaseClosed,
    OrderRefundPending,
    OrderShipmentRefused,
    OrderShipmentResumed,
)
from orders.domain.policy import OrderPolicy
from orders.domain.state import registry
from shop_contracts.aggregates import ORDERS_ORDER
from shop_contracts.events.order_progress import (
    CustomerContacted,
    OrderCancelled,
    OrderCompleted,
    OrderHandedOver,
    OrderMarkedDelivered,
    OrderMarkedShipped,
    OrderPartiallyRefunded,
    OrderRefunded,
    OrderViewed,
)
from shop_contracts.events.orders import (
    BuyerRemarkRecorded,
    OrderConfirmed,
    OrderDetailsCorrected,
    OrderPaid,
    OrderPlaced,
)
from shop_contracts.messages import EventData
from shop_contracts.queries.orders import OrderStatus as S


def define_views(metadata: MetaData, suffix: str) -> dict[str, Table]:
    orders = Table(
        f"orders{suffix}",
        metadata,
        Column("order_id", String(64), primary_key=True),
        Column("status", String(32), nullable=False, index=True),
        Column("buyer_id", String(128), nullable=False),
        Column("channel", String(64), nullable=False),
        Column("sales_owner", String(128), nullable=False, index=True),
        Column("amount_cents", BigInteger, nullable=False),
        Column("refunded_cents", BigInteger, nullable=False, default=0),
        Column("placed_at", UtcDateTime(), nullable=False, index=True),
        Column("updated_at", UtcDateTime(), nullable=False),
        Column("version", Integer, nullable=False),
        Column("paid", Boolean, nullable=False, default=False),
        Column("details", JSON, nullable=False),
        Column("refresh_due_at", UtcDateTime(), nullable=True),
        Column("viewed_at", UtcDateTime(), nullable=True),
        Column("contact_due_at", UtcDateTime(), nullable=True),
        Column("contacted_at", UtcDateTime(), nullable=True),
        Column("confirmed_at", UtcDateTime(), nullable=True),
        Column("handover_due_at", UtcDateTime(), nullable=True),
        Column("handed_over_at", UtcDateTime(), nullable=True),
        Column("shipped_at", UtcDateTime(), nullable=True),
        Column("delivered_at", UtcDateTime(), nullable=True),
    )
    history = define_history_table(metadata, f"order_history{suffix}", "order_id")
    sales = Table(
        f"daily_sales{suffix}",
        metadata,
        Column("day", String(10), primary_key=True),
        Column("sales_owner", String(128), primary_key=True),
        Column("orders_cents", BigInteger, nullable=False),
        Column("refunds_cents", BigInteger, nullable=False),
        Column("orders", Integer, nullable=False),
    )
    refunds = Table(
        f"order_refund_cases{suffix}",
        metadata,
        Column("order_id", String(64), primary_key=True),
        Column("case_id", String(64), primary_key=True),
        Column("status", String(16), nullable=False),
        Column("refunded_cents", BigInteger, nullable=False, default=0),
        Column("outcome", String(32), nullable=True),
        Column("opened_at", UtcDateTime(), nullable=True),
        Column("ended_at", UtcDateTime(), nullable=True),
    )
    holds = Table(
        f"order_shipment_holds{suffix}",
        metadata,
        Column("order_id", String(64), primary_key=True),
        Column("shipment_id", String(64), nullable=False),
        Column("held", Boolean, nullable=False),
        Column("reason", String(500), nullable=False),
        Column("keeper", String(128), nullable=False),
        Column("reported_to", JSON, nullable=False),
        Column("refused_at", UtcDateTime(), nullable=False),
        Column("cleared_by", String(16), nullable=True),
        Column("fixed", String(500), nullable=True),
        Column("resumed_at", UtcDateTime(), nullable=True),
    )
    return {"orders": orders, "history": history, "sales": sales, "refunds": refunds, "holds": holds}


STATUS_OF: dict[type[EventData], S] = {
    OrderConfirmed: S.CONFIRMED,
    OrderHandedOver: S.HANDED_OVER,
    OrderMarkedShipped: S.SHIPPED,
    OrderMarkedDelivered: S.DELIVERED,
    OrderRefundPending: S.REFUND_PENDING,
    OrderRefunded: S.REFUNDED,
    OrderCancelled: S.CANCELLED,
    OrderCompleted: S.COMPLETED,
}

PIPELINE = (OrderHandedOver, OrderMarkedShipped, OrderMarkedDelivered)
"""Progress made while a refund case is open leaves the order RefundPending."""


class OrderViews(Projection):
    name = "orders_views"
    sources = (ORDERS_ORDER,)
    handles = registry.event_types

    def __init__(self, policy: OrderPolicy, business_tz: str) -> None:
        super().__init__(registry)
        self.policy = policy
        self.tz = ZoneInfo(business_tz)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return define_views(metadata, suffix)

    def day(self, at: datetime) -> str:
        return at.astimezone(self.tz).date().isoformat()

    async def _book(
        self, conn: AsyncConnection, sales: Table, day: str, owner: str, ordered: int, refunded: int
    ) -> None:
        stmt = upsert(conn, sales).values(
            day=day,
            sales_owner=owner,
            orders_cents=ordered,
            refunds_cents=refunded,
            orders=1 if ordered else 0,
        )
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[sales.c.day, sales.c.sales_owner],
                set_={
                    "orders_cents": sales.c.orders_cents + stmt.excluded.orders_cents,
                    "refunds_cents": sales.c.refunds_cents + stmt.excluded.refunds_cents,
                    "orders": sales.c.orders + stmt.excluded.orders,
                },
            )
        )

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        orders, envelope, data = tables["orders"], item.event.envelope, item.data
        order_id, at = envelope.aggregate_id, envelope.occurred_at
        await record_event(conn, tables["history"], item.event)
        if isinstance(data, OrderPlaced):
            details = data.model_dump(mode="json", include={"lines", "shipping", "channel"})
            row = upsert(conn, orders).values(
                order_id=order_id,
                status=S.PLACED.value,
                buyer_id=data.buyer_id,
                channel=data.channel,
                sales_owner=data.sales_owner,
                amount_cents=cents(data.amount),
                refunded_cents=0,
                placed_at=data.placed_at,
                updated_at=at,
                version=envelope.version,
                paid=False,
                details=details,
                refresh_due_at=data.placed_at + self.policy.refresh_within,
                contact_due_at=data.placed_at + self.policy.contact_within,
            )
            await conn.execute(row.on_conflict_do_nothing())
            await self._book(
                conn, tables["sales"], self.day(data.placed_at), data.sales_owner, cents(data.amount), 0
            )
            return
        current = (await conn.execute(select(orders).where(orders.c.order_id == order_id))).first()
        if current is None:
            return
        values: dict[str, Any] = {
            "updated_at": at,
            "version": envelope.version,
            **self._changes(current, data, at),
        }
        pending = current.status == S.REFUND_PENDING and type(data) in PIPELINE
        if type(data) in STATUS_OF and not pending:
            values["status"] = STATUS_OF[type(data)].value
        if isinstance(data, OrderPartiallyRefunded):
            values["status"] = data.status
        if isinstance(data, OrderRefunded | OrderCancelled | OrderPartiallyRefunded):
            refund = cents(data.amount_refunded)
            values["refunded_cents"] = current.refunded_cents + refund
            await self._book(conn, tables["sales"], self.day(at), current.sales_owner, 0, refund)
        await self._track_case(conn, tables["refunds"], order_id, data, at)
        await self._track_hold(conn, tables["holds"], order_id, data)
        await conn.execute(orders.update().where(orders.c.order_id == order_id).values(**values))

    async def _track_case(
        self, conn: AsyncConnection, refunds: Table, order_id: str, data: EventData, at: datetime
    ) -> None:
        """Every refund case of the order, with what became of it (ORD-16)."""
        match data:
            case OrderRefundPending():
                row = upsert(conn, refunds).values(
                    order_id=order_id,
                    case_id=data.case_id,
                    status="open",
                    refunded_cents=0,
                    opened_at=data.requested_at,
                )
                await conn.execute(row.on_conflict_do_nothing())
            case OrderRefunded() | OrderCancelled() | OrderPartiallyRefunded():
                row = upsert(conn, refunds).values(
                    order_id=order_id,
                    case_id=data.case_id,
                    status="refunded",
                    refunded_cents=cents(data.amount_refunded),
                    outcome="refunded",
                    ended_at=at,
                )
                await conn.execute(
                    row.on_conflict_do_update(
                        index_elements=[refunds.c.order_id, refunds.c.case_id],
                        set_={
                            "status": "refunded",
                            "refunded_cents": row.excluded.refunded_cents,
                            "outcome": "refunded",
                            "ended_at": at,
                        },
                    )
                )
            case OrderRefundCaseClosed():
                await conn.execute(
                    refunds.update()
                    .where(refunds.c.order_id == order_id, refunds.c.case_id == data.case_id)
                    .values(status="closed", outcome=data.outcome, ended_at=at)
                )

    async def _track_hold(self, conn: AsyncConnection, holds: Table, order_id: str, data: EventData) -> None:
        """The order's latest refused shipment and whether it still holds the order (FUL-5)."""
        match data:
            case OrderShipmentRefused():
                values = {
                    "shipment_id": data.shipment_id,
                    "held": True,
                    "reason": data.reason,
                    "keeper": data.keeper,
                    "reported_to": list(data.reported_to),
                    "refused_at": data.refused_at,
                    "cleared_by": None,
                    "fixed": None,
                    "resumed_at": None,
                }
                row = upsert(conn, holds).values(order_id=order_id, **values)
                await conn.execute(row.on_conflict_do_update(index_elements=[holds.c.order_id], set_=values))
            case OrderShipmentResumed():
                await conn.execute(
                    holds.update()
                    .where(holds.c.order_id == order_id)
                    .values(
                        held=False, cleared_by=data.cleared_by, fixed=data.fixed, resumed_at=data.resumed_at
                    )
                )

    def _changes(self, current: Any, data: EventData, at: datetime) -> dict[str, Any]:
        match data:
            case OrderPaid():
                return {"paid": True, "status": S.CONTACTED if current.contacted_at else S.PAID}
            case OrderViewed():
                return {"viewed_at": current.viewed_at or data.viewed_at}
            case CustomerContacted():
                status = S.CONTACTED if current.status in (S.PLACED, S.PAID, S.CONTACTED) else current.status
                return {"contacted_at": current.contacted_at or data.contacted_at, "status": status}
            case OrderConfirmed():
                return {
                    "confirmed_at": data.confirmed_at,
                    "handover_due_at": data.confirmed_at + self.policy.handover_within,
                }
            case OrderHandedOver():
                return {"handed_over_at": data.handed_over_at}
            case OrderMarkedShipped():
                return {"shipped_at": data.shipped_at}
            case OrderMarkedDelivered():
                return {"delivered_at": data.delivered_at}
            case OrderRefundCaseClosed():
                return {"status": data.restored_status.value}
            case BuyerRemarkRecorded():
                return {
                    "details": {
                        **current.details,
                        "remark": data.model_dump(mode="json", exclude={"order_id"}),
                    }
                }
            case OrderDetailsCorrected():
                return {"details": _corrected(current.details, data)}
        return {}


def _corrected(details: dict[str, Any], event: OrderDetailsCorrected) -> dict[str, Any]:
    shipping = dict(details.get("shipping", {}))
    lines = [dict(line) for line in details.get("lines", [])]
    for c in event.corrections:
        if c.field.startswith("lines."):
            _, number, name = c.field.split(".")
            lines[int(number) - 1][name] = c.new
        else:
            shipping[c.field] = c.new
    return {**details, "shipping": shipping, "lines": lines}
