"""The duty harness (DUTY-1..DUTY-4): the attendance harness with the duty-pair reaction, the
wired duty read models (duty events, customer-service staff from identity's role events) and the
hotline deadlines applied to an in-memory SQLite database, read by the wired duty commands."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from hr.bootstrap import HrSettings
from hr.time.adapters import duty_views
from hr.time.adapters.duty_views import CustomerServiceStaff, DutyViews, HotlineDeadlines
from hr.time.application.duty_handlers import DutyCommands
from hr.time.domain.duty import DUTY_ROTA
from jetstream_es.commands import CommandResult
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.events import StoredEvent
from jetstream_es.projection import ApplyContext, Decoded
from shop_contracts.commands.hr_time import PublishWeekendCsRota
from shop_contracts.duty import DutyBook
from shop_contracts.envelope import SYSTEM_ACTOR, EventEnvelope
from shop_contracts.events.identity import RoleGranted
from shop_contracts.messages import Command
from shop_contracts.queries.hr_time import DutyRota, WhoIsOnDuty

from .attendance_helpers import Attendance, at
from .helpers import OPEN_ENGINES

_seq = itertools.count(1_000_000)


class Duty(Attendance):
    reactions = ("hr_attendance_leave", "hr_rota_shifts", "hr_absence_ladder", "hr_duty_pairs")

    def __init__(self, settings: HrSettings | None = None, now: dt.datetime | None = None) -> None:
        super().__init__(settings, now or at("07:00", dt.date(2026, 3, 2)))
        self.views, self.staff = self.wired(DutyViews), self.wired(CustomerServiceStaff)
        self.hotline = self.wired(HotlineDeadlines)
        self.db = create_async_engine("sqlite+aiosqlite:///:memory:")
        OPEN_ENGINES.append(self.db)
        meta = MetaData()
        self.view_tables = self.views.define_tables(meta, "")
        self.staff_tables = self.staff.define_tables(meta, "")
        self.hotline_tables = self.hotline.define_tables(meta, "")
        self.duty: DutyCommands = self.handlers(PublishWeekendCsRota)
        self.duty._staff = self.customer_service
        self.duty._book = self.book
        self.hotline_scheduler = DeadlineScheduler(
            self.db, lambda: self.hotline_tables["deadlines"], self.clock, self.duty.hotline
        )
        self._seen = 0
        self._ready = False

    @property
    def policy(self) -> Any:
        return self.duty.policy

    async def _tables(self) -> None:
        if not self._ready:
            async with self.db.begin() as conn:
                await conn.run_sync(self.view_tables["events"].metadata.create_all)
            self._ready = True

    async def customer_service(self) -> frozenset[str]:
        await self._tables()
        return await duty_views.customer_service(self.db, self.staff_tables)

    async def book(self, start: dt.date, end: dt.date) -> DutyBook:
        await self.sync()
        return await duty_views.load_book(self.db, self.view_tables, start, end, self.policy, "Asia/Shanghai")

    async def sync(self) -> None:
        """The service's new DutyRota events to the duty views and the hotline deadlines
        (each twice: a redelivery changes nothing)."""
        await self._tables()
        ctx = ApplyContext(replaying=False, now=self.clock.now())
        async with self.db.begin() as conn:
            for stored in self.store.all_events[self._seen :]:
                if stored.envelope.aggregate_type != "DutyRota":
                    continue
                item = Decoded(stored, DUTY_ROTA.registry.decode(stored.envelope))
                for _ in range(2):
                    await self.views.apply(conn, self.view_tables, item, ctx)
                    await self.hotline.apply(conn, self.hotline_tables, item, ctx)
        self._seen = len(self.store.all_events)

    async def grant(self, person: str, role: str) -> None:
        """Identity granted `person` the `role` (IDN-1), as HR's consumer of identity's stream reads it."""
        await self._tables()
        data = RoleGranted(
            person_id=person, role=role, reason="joins", granted_by="gm-1", at=self.clock.now()
        )
        envelope = EventEnvelope(
            event_id=f"grant-{person}-{role}",
            event_type=data.event_type,
            schema_version=data.schema_version,
            aggregate_type="RoleHolder",
            aggregate_id=person,
            version=1,
            occurred_at=self.clock.now(),
            actor=SYSTEM_ACTOR,
            correlation_id="c",
            causation_id="c",
            data=data.model_dump(mode="json"),
        )
        stored = StoredEvent(envelope, next(_seq), f"identity.events.RoleHolder.{person}")
        ctx = ApplyContext(replaying=False, now=self.clock.now())
        async with self.db.begin() as conn:
            await self.staff.apply(conn, self.staff_tables, Decoded(stored, data), ctx)

    async def when(self, command: Command) -> CommandResult:
        result = await super().when(command)
        await self.sync()
        return result

    async def who(self, moment: dt.datetime) -> dict[str, Any]:
        await self.sync()
        query = WhoIsOnDuty(at=moment)
        return await duty_views.who_is_on_duty(self.db, self.view_tables, query, self.policy, "Asia/Shanghai")

    async def week(self, monday: dt.date) -> dict[str, Any]:
        await self.sync()
        query = DutyRota(week_start=monday)
        return await duty_views.duty_rota(self.db, self.view_tables, query, self.policy, "Asia/Shanghai")

    async def run_hotline(self) -> int:
        await self.sync()
        return await self.hotline_scheduler.run_due()
