"""Deadline scheduler: a deadlines table fed by events, and a loop that fires each due item once.

Projections call `schedule` / `cancel` inside their checkpoint transaction. The loop fires every
due, open deadline through a callback that issues a command whose event ids derive from the
deadline id, then marks it fired. A crash between the two fires it again after the restart, and
the derived ids make that second firing append nothing: exactly once in effect.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.clock import Clock
from jetstream_es.sql import UtcDateTime, upsert

log = structlog.get_logger(__name__)


def define_deadlines_table(metadata: MetaData, suffix: str = "") -> Table:
    return Table(
        f"deadlines{suffix}",
        metadata,
        Column("id", String(200), primary_key=True),
        Column("kind", String(64), nullable=False, index=True),
        Column("aggregate_id", String(128), nullable=False),
        Column("due_at", UtcDateTime(), nullable=False, index=True),
        Column("payload", JSON, nullable=False),
        Column("fired_at", UtcDateTime(), nullable=True),
        Column("cancelled_at", UtcDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("retry_at", UtcDateTime(), nullable=True),
    )


@dataclass(frozen=True, slots=True)
class Deadline:
    id: str
    kind: str
    aggregate_id: str
    due_at: datetime
    payload: dict[str, Any]


async def schedule(conn: AsyncConnection, table: Table, deadline: Deadline) -> None:
    """Insert the deadline unless it exists (redelivery and replays are harmless)."""
    values = {
        "id": deadline.id,
        "kind": deadline.kind,
        "aggregate_id": deadline.aggregate_id,
        "due_at": deadline.due_at,
        "payload": deadline.payload,
        "attempts": 0,
    }
    await conn.execute(upsert(conn, table).values(**values).on_conflict_do_nothing())


async def cancel(conn: AsyncConnection, table: Table, deadline_id: str, at: datetime) -> None:
    await conn.execute(
        update(table)
        .where(and_(table.c.id == deadline_id, table.c.fired_at.is_(None)))
        .values(cancelled_at=at)
    )


async def mark_fired(conn: AsyncConnection, table: Table, deadline_id: str, at: datetime) -> None:
    await conn.execute(update(table).where(table.c.id == deadline_id).values(fired_at=at))


Fire = Callable[[Deadline], Awaitable[None]]


class DeadlineScheduler:
    def __init__(
        self,
        engine: AsyncEngine,
        table: Callable[[], Table],
        clock: Clock,
        fire: Fire,
        *,
        tick: float = 1.0,
        batch: int = 100,
        retry_after: timedelta = timedelta(seconds=30),
    ) -> None:
        self.engine = engine
        self._table = table
        self.clock = clock
        self.fire = fire
        self.tick = tick
        self.batch = batch
        self.retry_after = retry_after
        self._task: asyncio.Task[None] | None = None
        self.fired = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="deadline-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_due(self) -> int:
        """Fire everything due now; returns how many fired."""
        table, now = self._table(), self.clock.now()
        open_ = and_(
            table.c.fired_at.is_(None),
            table.c.cancelled_at.is_(None),
            func.coalesce(table.c.retry_at, table.c.due_at) <= now,
        )
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(select(table).where(open_).order_by(table.c.due_at).limit(self.batch))
            ).all()
        count = 0
        for row in rows:
            deadline = Deadline(row.id, row.kind, row.aggregate_id, row.due_at, dict(row.payload))
            try:
                await self.fire(deadline)
            except Exception as exc:
                log.error("deadline_fire_failed", deadline=row.id, kind=row.kind, error=repr(exc))
                async with self.engine.begin() as conn:
                    await conn.execute(
                        update(table)
                        .where(table.c.id == row.id)
                        .values(attempts=row.attempts + 1, retry_at=now + self.retry_after)
                    )
                continue
            async with self.engine.begin() as conn:
                await mark_fired(conn, table, row.id, self.clock.now())
            count += 1
            log.info("deadline_fired", deadline=row.id, kind=row.kind, aggregate_id=row.aggregate_id)
        self.fired += count
        return count

    async def next_due(self) -> datetime | None:
        table = self._table()
        async with self.engine.connect() as conn:
            value = (
                await conn.execute(
                    select(func.min(func.coalesce(table.c.retry_at, table.c.due_at))).where(
                        and_(table.c.fired_at.is_(None), table.c.cancelled_at.is_(None))
                    )
                )
            ).scalar()
        if isinstance(value, str):  # SQLite returns the raw text of an aggregate
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return None

    async def _run(self) -> None:
        while True:
            try:
                fired = await self.run_due()
                if fired >= self.batch:
                    continue
                upcoming = await self.next_due()
            except Exception as exc:
                log.error("deadline_loop_failed", error=repr(exc))
                upcoming = None
            now = self.clock.now()
            wake = upcoming if upcoming is not None else now + timedelta(seconds=self.tick)
            await self.clock.sleep_until(wake, max_wait=self.tick)
