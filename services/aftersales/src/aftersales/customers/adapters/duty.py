"""After-sales' read model of HR's duty rota (DUTY-1, AS-22): HR's `DutyRota` events (weekend rota,
duty customer-service manager, duty pair; `sources = (HR_DUTY_ROTA,)`) by the dates they cover,
read through `shop_contracts.duty.DutyBook` to say who is on duty when a complaint reply deadline
(AS-15, 24 h) falls outside online hours 08:50-18:10. After-sales never imports HR: it learns the rota from
these events only. A redelivered event changes nothing (the stream sequence is the key).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, and_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import upsert
from shop_contracts.aggregates import HR_DUTY_ROTA
from shop_contracts.duty import Cover, DutyBook, OnlineHours
from shop_contracts.events.hr_duty import DutyManagerDesignated, DutyPairAssigned, WeekendCsRotaPublished

registry = EventRegistry([WeekendCsRotaPublished, DutyManagerDesignated, DutyPairAssigned])


def _dates(data: object) -> tuple[dt.date, dt.date] | None:
    match data:
        case WeekendCsRotaPublished():
            return data.saturday, data.saturday + dt.timedelta(days=1)
        case DutyManagerDesignated():
            return data.start_date, data.end_date
        case DutyPairAssigned():
            return data.work_date, data.work_date
    return None


class DutyRotaView(Projection):
    name = "aftersales_duty_rota"
    sources = (HR_DUTY_ROTA,)
    handles = registry.event_types
    skip_unknown_types = True

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"duty_events{suffix}",
            metadata,
            Column("seq", Integer, primary_key=True),
            Column("event_type", String(64), nullable=False),
            Column("first_date", String(10), nullable=False, index=True),
            Column("last_date", String(10), nullable=False, index=True),
            Column("data", JSON, nullable=False),
        )
        return {"events": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        dates = _dates(item.data)
        if dates is None:
            return
        values = {
            "event_type": item.data.event_type,
            "first_date": dates[0].isoformat(),
            "last_date": dates[1].isoformat(),
            "data": item.data.model_dump(mode="json"),
        }
        stmt = upsert(conn, tables["events"]).values(seq=item.event.stream_seq, **values)
        await conn.execute(stmt.on_conflict_do_nothing())


class DutyReader:
    """Who covers customer service at an instant (DUTY-1..DUTY-3), from the duty read model."""

    def __init__(
        self, engine: AsyncEngine, tables: Callable[[], Tables], hours: OnlineHours, business_tz: str
    ) -> None:
        self.engine, self._tables, self.hours, self.tz = engine, tables, hours, business_tz

    async def book(self, start: dt.date, end: dt.date) -> DutyBook:
        events = self._tables()["events"]
        where = and_(events.c.first_date <= end.isoformat(), events.c.last_date >= start.isoformat())
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(events).where(where).order_by(events.c.seq))).all()
        book = DutyBook(self.hours, self.tz)
        for row in rows:
            book.add(registry.model(row.event_type).model_validate(dict(row.data)))
        return book

    def day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(ZoneInfo(self.tz)).date()

    async def cover(self, at: dt.datetime) -> Cover:
        day = self.day(at)
        return (await self.book(day - dt.timedelta(days=1), day)).customer_service(at)
