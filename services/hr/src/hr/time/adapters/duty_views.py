"""The duty read models (DUTY-1..DUTY-4, AS-22, C3): the duty events by the dates they cover (read
by `WhoIsOnDuty` and `DutyRota` through `shop_contracts.duty.DutyBook`), who holds a
customer-service role (learnt from identity's role events, DUTY-2) and the hotline-forwarding
deadlines at the edges of online hours (DUTY-3). The duty events' read model is HR's instance of
`shop_views.duty.DutyRota`. Due times and ids derive from the events, so a
rebuild schedules the same deadlines and a second firing appends nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, MetaData, String, Table, and_, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hr.time.domain import duty
from hr.time.domain.duty import DutyPolicy
from jetstream_es.deadlines import Deadline, define_deadlines_table, schedule
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import upsert
from shop_contracts.aggregates import HR_DUTY_ROTA, IDENTITY_ROLE_HOLDER
from shop_contracts.duty import DutyBook
from shop_contracts.events.hr_duty import DutyManagerDesignated
from shop_contracts.events.identity import RoleGranted, RoleRevoked
from shop_contracts.queries.hr_time import DutyRota, WhoIsOnDuty
from shop_views import duty as shared_duty

HOTLINE_ON = "hotline_on"
HOTLINE_OFF = "hotline_off"


class DutyViews(shared_duty.DutyRota):
    """Every duty event of HR's own stream with the dates it covers (unknown types go to the DLQ)."""

    name = "hr_duty_views"
    registry_of = duty.registry
    skip_unknown_types = False


async def load_book(
    engine: AsyncEngine, tables: Tables, start: dt.date, end: dt.date, policy: DutyPolicy, tz: str
) -> DutyBook:
    """The duty events covering any date of `start`..`end`, in stream order."""
    return await shared_duty.load_book(engine, tables, start, end, policy.online(), tz, duty.registry)


class CustomerServiceStaff(Projection):
    """Who holds a customer-service role (DUTY-2), from identity's RoleGranted/RoleRevoked."""

    name = "hr_customer_service_staff"
    sources = (IDENTITY_ROLE_HOLDER,)
    handles = frozenset({RoleGranted.event_type, RoleRevoked.event_type})

    def __init__(self, policy: DutyPolicy) -> None:
        super().__init__(EventRegistry([RoleGranted, RoleRevoked]))
        self.roles = frozenset(policy.customer_service_roles)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        staff = Table(
            f"cs_staff{suffix}",
            metadata,
            Column("person_id", String(64), primary_key=True),
            Column("role", String(64), primary_key=True),
        )
        return {"staff": staff}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        staff, data = tables["staff"], item.data
        if not isinstance(data, RoleGranted | RoleRevoked) or data.role not in self.roles:
            return
        key = {"person_id": data.person_id, "role": data.role}
        if isinstance(data, RoleGranted):
            await conn.execute(upsert(conn, staff).values(**key).on_conflict_do_nothing())
        else:
            where = and_(staff.c.person_id == data.person_id, staff.c.role == data.role)
            await conn.execute(delete(staff).where(where))


async def customer_service(engine: AsyncEngine, tables: Tables) -> frozenset[str]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(tables["staff"].c.person_id))).all()
    return frozenset(r.person_id for r in rows)


class HotlineDeadlines(Projection):
    """DUTY-3, AS-22: each designated night schedules forwarding at the end of online hours and its
    end at their start the next morning (business time); one deadline per night and edge."""

    name = "hr_hotline_deadlines"
    sources = (HR_DUTY_ROTA,)
    handles = frozenset({DutyManagerDesignated.event_type})
    skip_unknown_types = True

    def __init__(self, policy: DutyPolicy, business_tz: str) -> None:
        super().__init__(duty.registry)
        self.policy, self.tz = policy, ZoneInfo(business_tz)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {"deadlines": define_deadlines_table(metadata, f"_hr_hotline{suffix}")}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        data = item.data
        if not isinstance(data, DutyManagerDesignated):
            return
        night = data.start_date
        while night <= data.end_date:
            aggregate = duty.hotline_id(night)
            payload = {"night": night.isoformat()}
            on = dt.datetime.combine(night, self.policy.online_hours_end, self.tz).astimezone(dt.UTC)
            morning = night + dt.timedelta(days=1)
            off = dt.datetime.combine(morning, self.policy.online_hours_start, self.tz).astimezone(dt.UTC)
            for kind, due in ((HOTLINE_ON, on), (HOTLINE_OFF, off)):
                await schedule(
                    conn, tables["deadlines"], Deadline(f"{kind}/{night}", kind, aggregate, due, payload)
                )
            night = morning


async def who_is_on_duty(
    engine: AsyncEngine, tables: Tables, query: WhoIsOnDuty, policy: DutyPolicy, tz: str
) -> dict[str, Any]:
    day = query.at.astimezone(ZoneInfo(tz)).date()
    book = await load_book(engine, tables, day - dt.timedelta(days=1), day, policy, tz)
    return {
        "at": query.at.isoformat(),
        "online_hours": policy.online().label,
        "customer_service": book.customer_service(query.at).as_dict(),
        "department": book.department(query.at).as_dict(),
    }


async def duty_rota(
    engine: AsyncEngine, tables: Tables, query: DutyRota, policy: DutyPolicy, tz: str
) -> dict[str, Any]:
    """Per day of the week: the weekend rota (Saturday, Sunday), the night's duty manager, the pair."""
    end = query.week_start + dt.timedelta(days=6)
    book = await load_book(engine, tables, query.week_start, end, policy, tz)
    days: list[dict[str, Any]] = []
    for i in range(7):
        day = query.week_start + dt.timedelta(days=i)
        weekend = book.weekend_staff(day) if day.weekday() >= 5 else None
        pair = book.pairs.get(day)
        days.append(
            {
                "date": day.isoformat(),
                "weekday": f"{day:%A}",
                "weekend_rota": list(weekend[1]) if weekend else None,
                "weekend_cover": weekend[0] if weekend else None,
                "duty_manager": book.manager_on(day),
                "duty_pair": {"main": pair.main, "assistant": pair.assistant, "until": f"{pair.until:%H:%M}"}
                if pair
                else None,
            }
        )
    return {
        "week_start": query.week_start.isoformat(),
        "online_hours": policy.online().label,
        "weekend_cs_cover": policy.weekend_cs_cover,
        "days": days,
    }
