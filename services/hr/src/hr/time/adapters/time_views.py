"""The rota read model, one row per day of a published rota (HR-1..HR-4, C4), and the Rota query;
the CompTimeBalance query reads the employee's comp-time account (HR-31)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, and_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hr.time.domain import rota
from hr.time.domain.overtime import CompTimeState
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import upsert
from shop_contracts.aggregates import HR_ROTA
from shop_contracts.events.hr_time import RotaPublished
from shop_contracts.queries.hr_time import CompTimeBalance, Rota


class RotaViews(Projection):
    """Each day of a published rota; the latest publication covering a day wins."""

    name = "hr_rota_views"
    sources = (HR_ROTA,)
    handles = rota.registry.event_types

    def __init__(self) -> None:
        super().__init__(rota.registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        days = Table(
            f"rota_days{suffix}",
            metadata,
            Column("work_date", String(10), primary_key=True),
            Column("rota_id", String(64), nullable=False),
            Column("revision", Integer, nullable=False),
            Column("schedule", String(32), nullable=False),
            Column("day", JSON, nullable=False),
        )
        return {"days": days}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        days, data = tables["days"], item.data
        if not isinstance(data, RotaPublished):
            return
        for day in data.days:
            values = {
                "rota_id": data.rota_id,
                "revision": data.revision,
                "schedule": data.schedule,
                "day": day.model_dump(mode="json"),
            }
            stmt = upsert(conn, days).values(work_date=day.work_date.isoformat(), **values)
            await conn.execute(stmt.on_conflict_do_update(index_elements=["work_date"], set_=values))


async def rota_days(engine: AsyncEngine, tables: Tables, query: Rota) -> dict[str, Any]:
    days = tables["days"]
    where = and_(
        days.c.work_date >= query.start_date.isoformat(), days.c.work_date <= query.end_date.isoformat()
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(select(days).where(where).order_by(days.c.work_date))).all()
    return {
        "start_date": query.start_date.isoformat(),
        "end_date": query.end_date.isoformat(),
        "days": [
            {**dict(r.day), "rota_id": r.rota_id, "revision": r.revision, "schedule": r.schedule}
            for r in rows
        ],
    }


def comp_time_balance(state: CompTimeState, query: CompTimeBalance, comp_day_minutes: int) -> dict[str, Any]:
    return {
        "employee_id": query.employee_id,
        "filed_minutes": sum(state.credited.values()),
        "drawn": [{"leave_id": k, "days": d, "minutes": m} for k, (d, m) in state.drawn.items()],
        "balance_minutes": state.balance,
        "comp_day_minutes": comp_day_minutes,
        "balance_days": state.balance // comp_day_minutes,
    }
