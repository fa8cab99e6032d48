"""The weekly backup deadlines and their read model (ORD-4: back up order data every week).

Fed by OrderPlaced (the week of the first order starts the count), OrdersBackedUp and
OrdersBackupOverdue (each schedules the next week), it keeps a deadline per week due when the week
ends in the business time zone; its own `DeadlineScheduler` fires them (`BackupDeadlineFirer`).
Table `order_backup_weeks` holds one row per week for the OrderBackups query: due, backed up
(how often, last location and checksum), overdue.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ColumnElement, Integer, MetaData, String, Table, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.deadlines import Deadline, cancel, define_deadlines_table, schedule
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, fetch_page, upsert
from orders.domain.backup import BACKUP_DEADLINE, deadline_id, next_week, week_ends, week_of
from orders.domain.backup import registry as backup_registry
from orders.domain.policy import OrderPolicy
from orders.domain.state import registry as order_registry
from shop_contracts.aggregates import ORDERS_ORDER, ORDERS_ORDER_BACKUP
from shop_contracts.events.orders import OrderPlaced, OrdersBackedUp, OrdersBackupOverdue
from shop_contracts.queries.orders import BackupStatus, OrderBackups

EVENTS = (OrderPlaced, OrdersBackedUp, OrdersBackupOverdue)


class BackupDeadlines(Projection):
    name = "orders_backup_deadlines"
    sources = (ORDERS_ORDER, ORDERS_ORDER_BACKUP)
    handles = frozenset(m.event_type for m in EVENTS)

    def __init__(self, policy: OrderPolicy) -> None:
        # it reads every Order event (and parks what it cannot read), handling only EVENTS
        super().__init__(EventRegistry([*order_registry.models, *backup_registry.models]))
        self.tz = policy.tz

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        weeks = Table(
            f"order_backup_weeks{suffix}",
            metadata,
            Column("week", String(8), primary_key=True),
            Column("due_at", UtcDateTime(), nullable=False),
            Column("backups", Integer, nullable=False, default=0),
            Column("last_backed_up_at", UtcDateTime(), nullable=True),
            Column("last_location", String(500), nullable=True),
            Column("last_checksum", String(64), nullable=True),
            Column("overdue_at", UtcDateTime(), nullable=True),
        )
        return {"deadlines": define_deadlines_table(metadata, f"_orders_backup{suffix}"), "weeks": weeks}

    async def _plan(self, conn: AsyncConnection, tables: Tables, week: str) -> None:
        due = week_ends(week, self.tz)
        await schedule(conn, tables["deadlines"], Deadline(deadline_id(week), BACKUP_DEADLINE, week, due, {}))
        row = upsert(conn, tables["weeks"]).values(week=week, due_at=due, backups=0)
        await conn.execute(row.on_conflict_do_nothing())

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        weeks, data, at = tables["weeks"], item.data, item.event.envelope.occurred_at
        match data:
            case OrderPlaced():
                await self._plan(conn, tables, week_of(data.placed_at, self.tz))
            case OrdersBackedUp():
                await self._plan(conn, tables, data.week)
                await cancel(conn, tables["deadlines"], deadline_id(data.week), at)
                current = (await conn.execute(select(weeks).where(weeks.c.week == data.week))).one()
                await conn.execute(
                    weeks.update()
                    .where(weeks.c.week == data.week)
                    .values(
                        backups=current.backups + 1,
                        last_backed_up_at=data.backed_up_at,
                        last_location=data.location,
                        last_checksum=data.checksum,
                    )
                )
                await self._plan(conn, tables, next_week(data.week))
            case OrdersBackupOverdue():
                await self._plan(conn, tables, data.week)
                await conn.execute(
                    weeks.update().where(weeks.c.week == data.week).values(overdue_at=data.detected_at)
                )
                await self._plan(conn, tables, next_week(data.week))


def week_row(row: Any) -> dict[str, Any]:
    if row.backups:
        status = "backed_up_late" if row.overdue_at is not None else "backed_up"
    else:
        status = "overdue" if row.overdue_at is not None else "due"
    return {
        "week": row.week,
        "status": status,
        "rule": "ORD-4",
        "due_at": row.due_at.isoformat(),
        "backups": row.backups,
        "last_backed_up_at": row.last_backed_up_at.isoformat() if row.last_backed_up_at else None,
        "last_location": row.last_location,
        "last_checksum": row.last_checksum,
        "overdue_at": row.overdue_at.isoformat() if row.overdue_at else None,
    }


def _status_filter(weeks: Table, status: BackupStatus) -> ColumnElement[bool]:
    backed_up = weeks.c.backups > 0
    overdue = weeks.c.overdue_at.is_not(None)
    return {
        BackupStatus.DUE: and_(~backed_up, ~overdue),
        BackupStatus.BACKED_UP: and_(backed_up, ~overdue),
        BackupStatus.OVERDUE: and_(~backed_up, overdue),
        BackupStatus.BACKED_UP_LATE: and_(backed_up, overdue),
    }[status]


async def order_backups(engine: AsyncEngine, tables: Tables, query: OrderBackups) -> dict[str, Any]:
    """ORD-4: one page of weeks, newest first, and how many ended without a backup."""
    weeks = tables["weeks"]
    where = true() if query.status is None else _status_filter(weeks, query.status)
    stmt = select(weeks).where(where).order_by(weeks.c.week.desc())
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    missing = select(func.count()).select_from(weeks).where(_status_filter(weeks, BackupStatus.OVERDUE))
    async with engine.connect() as conn:
        overdue = (await conn.execute(missing)).scalar_one()
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "overdue": overdue,
        "weeks": [week_row(r) for r in rows],
    }
