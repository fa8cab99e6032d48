"""An aggregate's full event history as a read-model table: what `Get<Aggregate>` queries show.

One row per event (aggregate id, version), written idempotently inside a projection's transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.events import StoredEvent
from jetstream_es.sql import UtcDateTime, upsert


def define_history_table(metadata: MetaData, name: str, id_column: str) -> Table:
    return Table(
        name,
        metadata,
        Column(id_column, String(128), primary_key=True),
        Column("version", Integer, primary_key=True),
        Column("event_id", String(64), nullable=False),
        Column("event_type", String(128), nullable=False),
        Column("occurred_at", UtcDateTime(), nullable=False),
        Column("actor_id", String(128), nullable=False),
        Column("data", JSON, nullable=False),
    )


def _id_column(table: Table) -> str:
    return next(c.name for c in table.primary_key.columns if c.name != "version")


async def record_event(conn: AsyncConnection, table: Table, event: StoredEvent) -> None:
    """Add the event to its aggregate's history; a redelivered event changes nothing."""
    envelope = event.envelope
    row = upsert(conn, table).values(
        {
            _id_column(table): envelope.aggregate_id,
            "version": envelope.version,
            "event_id": envelope.event_id,
            "event_type": envelope.event_type,
            "occurred_at": envelope.occurred_at,
            "actor_id": envelope.actor.id,
            "data": envelope.data,
        }
    )
    await conn.execute(row.on_conflict_do_nothing())


async def read_history(conn: AsyncConnection, table: Table, aggregate_id: str) -> list[dict[str, Any]]:
    """The aggregate's events in order, as JSON-ready dicts."""
    key = table.c[_id_column(table)]
    rows = (await conn.execute(select(table).where(key == aggregate_id).order_by(table.c.version))).all()
    return [
        {
            "version": r.version,
            "event_id": r.event_id,
            "event_type": r.event_type,
            "occurred_at": r.occurred_at.isoformat(),
            "actor_id": r.actor_id,
            "data": r.data,
        }
        for r in rows
    ]
