"""The order deadlines projection (ORD-1, ORD-2, ORD-3; completion after the AS-11 window).

Fed by the Order events, it schedules and cancels deadlines in the projection's checkpoint
transaction; `jetstream_es.deadlines.DeadlineScheduler` fires them. Due times derive from the
events' own timestamps and the configured SLAs, so a rebuild schedules the same deadlines.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, Table, and_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.deadlines import Deadline, cancel, define_deadlines_table, schedule
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from orders.domain.events import OrderRefundCaseClosed, OrderRefundPending
from orders.domain.policy import OrderPolicy
from orders.domain.sla import DeadlineKind, deadline_id
from orders.domain.state import registry
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
from shop_contracts.events.orders import OrderConfirmed, OrderPlaced
from shop_contracts.queries.orders import OrderStatus

K = DeadlineKind


async def cancel_open(
    conn: AsyncConnection, table: Table, order_id: str, at: datetime, kind: DeadlineKind | None = None
) -> None:
    where = and_(table.c.aggregate_id == order_id, table.c.fired_at.is_(None), table.c.cancelled_at.is_(None))
    if kind is not None:
        where = and_(where, table.c.kind == str(kind))
    await conn.execute(update(table).where(where).values(cancelled_at=at))


class OrderDeadlines(Projection):
    name = "orders_deadlines"
    stream = "ORDERS"
    filter_subjects = ("orders.events.Order.>",)
    handles = frozenset(
        m.event_type
        for m in (
            OrderPlaced,
            OrderViewed,
            CustomerContacted,
            OrderConfirmed,
            OrderHandedOver,
            OrderMarkedShipped,
            OrderMarkedDelivered,
            OrderRefundPending,
            OrderRefundCaseClosed,
            OrderPartiallyRefunded,
            OrderRefunded,
            OrderCancelled,
            OrderCompleted,
        )
    )

    def __init__(self, policy: OrderPolicy) -> None:
        super().__init__(registry)
        self.policy = policy

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {"deadlines": define_deadlines_table(metadata, f"_orders{suffix}")}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, data, envelope = tables["deadlines"], item.data, item.event.envelope
        order_id, at = envelope.aggregate_id, envelope.occurred_at

        async def plan(kind: DeadlineKind, due: datetime, started_by: int | None = None) -> None:
            deadline = Deadline(deadline_id(kind, order_id, started_by), str(kind), order_id, due, {})
            await schedule(conn, table, deadline)

        match data:
            case OrderPlaced():
                await plan(K.REFRESH, data.placed_at + self.policy.refresh_within)
                await plan(K.CONTACT, data.placed_at + self.policy.contact_within)
            case OrderViewed():
                await cancel(conn, table, deadline_id(K.REFRESH, order_id), at)
            case CustomerContacted():
                await cancel(conn, table, deadline_id(K.CONTACT, order_id), at)
            case OrderConfirmed():
                await plan(K.HANDOVER, data.confirmed_at + self.policy.handover_within)
            case OrderHandedOver() | OrderMarkedShipped():
                await cancel(conn, table, deadline_id(K.HANDOVER, order_id), at)
            case OrderMarkedDelivered():
                await plan(K.COMPLETE, data.delivered_at + self.policy.return_window, envelope.version)
            case OrderRefundPending():
                await cancel_open(conn, table, order_id, at, K.COMPLETE)
            case OrderRefundCaseClosed(
                restored_status=OrderStatus.DELIVERED, delivered_at=datetime() as delivered
            ):
                await plan(K.COMPLETE, max(delivered + self.policy.return_window, at), envelope.version)
            case OrderPartiallyRefunded(status=OrderStatus.DELIVERED, delivered_at=datetime() as delivered):
                await plan(K.COMPLETE, max(delivered + self.policy.return_window, at), envelope.version)
            case OrderRefunded() | OrderCancelled() | OrderCompleted():
                await cancel_open(conn, table, order_id, at)
