"""Who is on duty, from HR's duty rota (DUTY-1..DUTY-3, AS-22, C3): HR's `DutyRota` events (weekend
rota, duty customer-service manager, duty pair, hotline forwarding; `sources = (HR_DUTY_ROTA,)`) by
the dates they cover, read through `shop_contracts.duty.DutyBook`. A service subclasses `DutyRota`
with its own `name` (its durable consumer and checkpoint) and the `registry` of duty events it keeps:

- orders says who is on duty when a customer-contact deadline (ORD-2) falls outside online hours
  08:50-18:10, after-sales the same for a complaint reply deadline (AS-15, 24 h): both keep the
  weekend rota, duty manager and duty pair (`ROTA_EVENTS`), learnt from HR's events only (neither
  imports HR);
- HR itself keeps every duty event of its stream for `WhoIsOnDuty` and `DutyRota` (DUTY-1..DUTY-4).

A redelivered event changes nothing (the stream sequence is the key).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, and_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import upsert
from shop_contracts.aggregates import HR_DUTY_ROTA
from shop_contracts.duty import Cover, DutyBook, OnlineHours
from shop_contracts.events.hr_duty import (
    DutyManagerDesignated,
    DutyPairAssigned,
    HotlineForwardingActivated,
    HotlineForwardingDeactivated,
    WeekendCsRotaPublished,
)
from shop_contracts.messages import EventData

ROTA_EVENTS = EventRegistry([WeekendCsRotaPublished, DutyManagerDesignated, DutyPairAssigned])
"""The duty events that say who covers customer service (DUTY-1..DUTY-3)."""


def covered_dates(data: EventData) -> tuple[dt.date, dt.date] | None:
    """The first and last date a duty event speaks about."""
    match data:
        case WeekendCsRotaPublished():
            return data.saturday, data.saturday + dt.timedelta(days=1)
        case DutyManagerDesignated():
            return data.start_date, data.end_date
        case DutyPairAssigned() | HotlineForwardingActivated() | HotlineForwardingDeactivated():
            return data.work_date, data.work_date
    return None


class DutyRota(Projection):
    """Every duty event of `registry` with the dates it covers, in stream order."""

    sources = (HR_DUTY_ROTA,)
    registry_of: ClassVar[EventRegistry] = ROTA_EVENTS
    handles = ROTA_EVENTS.event_types
    skip_unknown_types = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handles = cls.registry_of.event_types

    def __init__(self) -> None:
        super().__init__(self.registry_of)

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
        dates = covered_dates(item.data)
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


async def load_book(
    engine: AsyncEngine,
    tables: Tables,
    start: dt.date,
    end: dt.date,
    hours: OnlineHours,
    business_tz: str,
    registry: EventRegistry = ROTA_EVENTS,
) -> DutyBook:
    """The duty events covering any date of `start`..`end`, in stream order."""
    events = tables["events"]
    where = and_(events.c.first_date <= end.isoformat(), events.c.last_date >= start.isoformat())
    async with engine.connect() as conn:
        rows = (await conn.execute(select(events).where(where).order_by(events.c.seq))).all()
    book = DutyBook(hours, business_tz)
    for row in rows:
        book.add(registry.model(row.event_type).model_validate(dict(row.data)))
    return book


class DutyReader:
    """Who covers customer service at an instant (DUTY-1..DUTY-3), from a `DutyRota` read model."""

    def __init__(
        self,
        engine: AsyncEngine,
        tables: Callable[[], Tables],
        hours: OnlineHours,
        business_tz: str,
        registry: EventRegistry = ROTA_EVENTS,
    ) -> None:
        self.engine, self._tables, self.hours, self.tz = engine, tables, hours, business_tz
        self.registry = registry

    async def book(self, start: dt.date, end: dt.date) -> DutyBook:
        return await load_book(self.engine, self._tables(), start, end, self.hours, self.tz, self.registry)

    def day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(ZoneInfo(self.tz)).date()

    async def cover(self, at: dt.datetime) -> Cover:
        day = self.day(at)
        return (await self.book(day - dt.timedelta(days=1), day)).customer_service(at)
