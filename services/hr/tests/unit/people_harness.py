"""The people and payroll harness: the HR service's real wiring (a `TestApp`) on an in-memory
event store with a FixedClock, the real key table, and the wired people and payroll views on an
in-memory SQLite database; the time context's facts (evaluated days, absences, ladder fines) are
given as stored events."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from hr.bootstrap import HrSettings
from hr.people.adapters import payroll_views
from hr.people.adapters import views as people_views
from hr.people.adapters.payroll_views import PayrollViews
from hr.people.adapters.views import PeopleViews
from hr.people.application.handlers import PeopleCommands
from hr.people.application.payroll import PayrollCommands
from hr.people.domain.discipline import DISCIPLINE_RECORD
from hr.people.domain.employees import EMPLOYEE
from hr.people.domain.payroll import PeriodFacts
from hr.people.domain.payroll_period import PAYROLL_PERIOD
from hr.time.domain.attendance_state import ATTENDANCE_DAY, day_id
from hr.time.domain.ladder import ABSENCE_RECORD, record_id
from jetstream_es.aggregate import AggregateType
from jetstream_es.commands import Cause
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from shop_contracts.commands import hr_people as p
from shop_contracts.envelope import SYSTEM_ACTOR, Actor
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded, FineImposed
from shop_contracts.events.hr_attendance import AttendanceDayEvaluated, DayOutcome, ShiftKind
from shop_contracts.events.hr_people import Grade
from shop_contracts.messages import EventData
from shop_contracts.queries import hr_people as q

from .helpers import OPEN_ENGINES, Hr

NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 2 March 2026, 09:00 in Shanghai
HR = Actor(id="hr-1", roles=("hr_dept",))
SUPERVISOR = Actor(id="sup-1", roles=("ecom_supervisor", "direct_supervisor"))
MANAGER = Actor(id="mgr-1", roles=("dept_manager",))
EMPLOYEE_ACTOR = Actor(id="emp-1", roles=())
AGGREGATES: dict[str, AggregateType[Any]] = {
    a.name: a for a in (EMPLOYEE, DISCIPLINE_RECORD, PAYROLL_PERIOD, ATTENDANCE_DAY, ABSENCE_RECORD)
}
_ids = itertools.count(1)


def onboard(
    employee: str = "emp-1",
    join: dt.date = dt.date(2026, 3, 1),
    grade: Grade = Grade.TEAM_MEMBER,
    **overrides: Any,
) -> p.OnboardEmployee:
    fields: dict[str, Any] = {
        "command_id": f"onboard-{employee}",
        "actor": HR,
        "employee_id": employee,
        "join_date": join,
        "post": "customer service",
        "grade": grade,
        "id_copy_received": True,
        "employee_file_completed": True,
        "personal": p.PersonalData(
            name="王小明",
            id_number="310101199001011234",
            phone="13800000000",
            address="上海市浦东新区",
            bank_account="6222000011112222",
        ),
    }
    return p.OnboardEmployee(**(fields | overrides))


def offence(
    item: str, case_id: str, employee: str = "emp-1", serious: bool = False, **kw: Any
) -> p.RecordOffence:
    fields: dict[str, Any] = {
        "command_id": f"offence-{employee}-{case_id}",
        "actor": SUPERVISOR,
        "employee_id": employee,
        "case_id": case_id,
        "item": item,
        "serious": serious,
        "occurred_on": dt.date(2026, 3, 2),
        "description": "seen by the supervisor",
    }
    return p.RecordOffence(**(fields | kw))


class People(Hr):
    """The HR harness for the people context: `given` / `when` commands through the service's
    wiring; `fact` stores the time context's events; `project` feeds the wired people and payroll
    read models (in-memory SQLite), which the payroll run reads its facts from."""

    reactions = ()

    def __init__(
        self,
        settings: HrSettings | None = None,
        now: dt.datetime = NOW,
        *,
        calendar: DepartmentCalendar | None = None,
    ) -> None:
        super().__init__(settings, now, calendar=calendar)
        self.engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        OPEN_ENGINES.append(self.engine)
        self.people: PeopleCommands = self.handlers(p.OnboardEmployee)
        self.payroll: PayrollCommands = self.handlers(p.CalculatePayroll)
        self.keys = self.people.keys
        self.payroll.facts = self.facts  # the read model below, fed by `project`, not a live runner
        self.people_views, self.payroll_views = self.wired(PeopleViews), self.wired(PayrollViews)
        self._tables: dict[str, Tables] = {}
        self._applied = 0

    def at(self, when: dt.datetime) -> None:
        self.clock.set(when)

    async def fact(self, aggregate: AggregateType[Any], aggregate_id: str, *events: EventData) -> list[str]:
        """The time context's events, stored as its aggregates would store them; their event ids."""
        cause = Cause.of_command(f"fact-{next(_ids)}", SYSTEM_ACTOR)
        result = await self.runtime.aggregates(aggregate).execute(
            aggregate_id, cause, lambda _s, _now: events, must_exist=False
        )
        return list(result.event_ids)

    async def day(
        self,
        day: dt.date,
        outcome: DayOutcome = DayOutcome.WORKED,
        employee: str = "emp-1",
        leave_type: str | None = None,
    ) -> list[str]:
        evaluated = AttendanceDayEvaluated(
            employee_id=employee,
            work_date=day,
            shift=ShiftKind.REST if outcome == DayOutcome.REST else ShiftKind.ADMINISTRATIVE,
            outcome=outcome,
            leave_id="lv-1" if leave_type else None,
            leave_type=leave_type,
            evaluated_by="system",
        )
        events: list[EventData] = [evaluated]
        if outcome == DayOutcome.ABSENT:
            events.insert(
                0,
                AbsenceRecorded(
                    employee_id=employee, work_date=day, kind=AbsenceKind.FULL_DAY, days=Decimal(1)
                ),
            )
        return await self.fact(ATTENDANCE_DAY, day_id(employee, day), *events)

    async def ladder_fine(
        self,
        day: dt.date,
        amount: int,
        occurrence: int,
        employee: str = "emp-1",
        fund: str = "public_activity",
    ) -> str:
        fine = FineImposed(
            employee_id=employee,
            year=day.year,
            amount=Decimal(amount),
            occurrence=occurrence,
            work_date=day,
            basis=f"absence#{occurrence}",
            fund=fund,
        )
        [event_id] = await self.fact(ABSENCE_RECORD, record_id(employee, day.year), fine)
        return event_id

    def event_ids(self, aggregate: str, aggregate_id: str, event_type: str) -> list[str]:
        return [
            e.event_id
            for e in self.store.all_events
            if e.envelope.aggregate_type == aggregate
            and e.envelope.aggregate_id == aggregate_id
            and e.event_type == event_type
        ]

    # read models

    async def tables(self, projection: Projection) -> Tables:
        if projection.name not in self._tables:
            tables = projection.define_tables(MetaData(), "")
            async with self.engine.begin() as conn:
                for table in tables.values():
                    await conn.run_sync(table.create)
            self._tables[projection.name] = tables
        return self._tables[projection.name]

    async def project(self, rebuild: bool = False) -> None:
        """Feed the events not applied yet (all of them, into fresh tables, on `rebuild`)."""
        if rebuild:
            async with self.engine.begin() as conn:
                for tables in self._tables.values():
                    for table in tables.values():
                        await conn.run_sync(table.drop)
            self._tables, self._applied = {}, 0
        views: Sequence[Projection] = (self.people_views, self.payroll_views)
        ctx = ApplyContext(replaying=rebuild, now=self.clock.now())
        events = self.store.all_events
        for view in views:
            await self.tables(view)
        async with self.engine.begin() as conn:
            for stored in events[self._applied :]:
                for view in views:
                    if stored.event_type in view.handles and any(
                        stored.subject.startswith(f.removesuffix(">")) for f in view.filter_subjects
                    ):
                        data = view.registry.decode(stored.envelope)
                        await view.apply(conn, self._tables[view.name], Decoded(stored, data), ctx)
        self._applied = len(events)

    async def facts(self, period: str) -> Sequence[PeriodFacts]:
        await self.project()
        return await payroll_views.period_facts(self.engine, await self.tables(self.payroll_views), period)

    async def employee(self, employee: str = "emp-1") -> dict[str, Any] | None:
        await self.project()
        tables = await self.tables(self.people_views)
        return await people_views.employee(self.engine, tables, self.keys, q.Employee(employee_id=employee))

    async def discipline(self, employee: str = "emp-1") -> dict[str, Any]:
        await self.project()
        tables = await self.tables(self.people_views)
        return await people_views.discipline_record(
            self.engine, tables, q.DisciplineRecord(employee_id=employee)
        )

    async def payslip(self, period: str, employee: str = "emp-1") -> dict[str, Any] | None:
        await self.project()
        tables = await self.tables(self.payroll_views)
        return await payroll_views.payslip(
            self.engine, tables, q.Payslip(period=period, employee_id=employee)
        )

    async def period(self, period: str, **page: int) -> dict[str, Any]:
        await self.project()
        tables = await self.tables(self.payroll_views)
        return await payroll_views.payroll_period(self.engine, tables, q.PayrollPeriod(period=period, **page))

    async def fund(
        self, employee: str | None = None, period: str | None = None, **page: int
    ) -> dict[str, Any]:
        await self.project()
        tables = await self.tables(self.payroll_views)
        return await payroll_views.activity_fund(
            self.engine, tables, q.ActivityFund(employee_id=employee, period=period, **page)
        )
