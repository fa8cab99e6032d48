"""The order deadlines projection (ORD-1, ORD-2, ORD-3; completion after the AS-11 window, SM-ORD).

Completion is planned when the order is marked shipped, at the stamp plus the department's transit
allowance plus the return window (a carrier may never report the delivery); a delivery moves it to
the delivery plus the return window; an open refund case cancels it and closing the case plans it
again from the same facts (never before the close).

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
from orders.domain.lifecycle import COMPLETABLE, completes_at
from orders.domain.policy import OrderPolicy
from orders.domain.sla import DeadlineKind, deadline_id
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
from shop_contracts.events.orders import OrderConfirmed, OrderPlaced

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
    sources = (ORDERS_ORDER,)
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

        async def complete_from(
            delivered: datetime | None, shipped: datetime | None, not_before: datetime | None = None
        ) -> None:
            """SM-ORD, AS-11: the order completes the return window after receipt."""
            due = completes_at(delivered, shipped, self.policy)
            if due is not None:
                await plan(K.COMPLETE, due if not_before is None else max(due, not_before), envelope.version)

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
            case OrderHandedOver():
                await cancel(conn, table, deadline_id(K.HANDOVER, order_id), at)
            case OrderMarkedShipped():
                await cancel(conn, table, deadline_id(K.HANDOVER, order_id), at)
                await complete_from(None, data.shipped_at)
            case OrderMarkedDelivered():
                await cancel_open(conn, table, order_id, at, K.COMPLETE)
                await complete_from(data.delivered_at, None)
            case OrderRefundPending():
                await cancel_open(conn, table, order_id, at, K.COMPLETE)
            case OrderRefundCaseClosed() if data.restored_status in COMPLETABLE:
                await complete_from(data.delivered_at, data.shipped_at, not_before=at)
            case OrderPartiallyRefunded() if data.status in COMPLETABLE:
                await complete_from(data.delivered_at, data.shipped_at, not_before=at)
            case OrderRefunded() | OrderCancelled() | OrderCompleted():
                await cancel_open(conn, table, order_id, at)
