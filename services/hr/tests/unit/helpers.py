"""Given / when / then for the HR service (`jetstream_es.testing.app.TestApp`): its real `build()`
on an in-memory event store with a FixedClock; the wired absence-ladder reaction (HR-16) reads each
recorded absence as its consumer would."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hr.bootstrap import HrSettings, build
from hr.people.adapters.keys import EmployeeKeys
from hr.time.application.handlers import AttendanceCommands
from hr.time.domain.ladder import ABSENCE_RECORD, AbsenceRecordState, record_id
from hr.time.domain.leave_state import LEAVE_REQUEST, LeaveState
from hr.time.wiring import NAME
from jetstream_es.clock import FixedClock
from jetstream_es.commands import CommandResult
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.projection import Decoded, Projection, Reaction, subject_matches
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.app import TestApp
from shop_contracts.commands import hr as c
from shop_contracts.envelope import Actor
from shop_contracts.events.hr import AbsenceKind
from shop_contracts.events.hr_leave import LeaveType
from shop_contracts.messages import Command, EventData

P = TypeVar("P", bound=Projection)
OPEN_ENGINES: list[AsyncEngine] = []
"""Engines made by harnesses; conftest disposes them after each test (no thread outlives its loop)."""

NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 2 March 2026, 09:00 in Shanghai
TODAY = dt.date(2026, 3, 2)
EMPLOYEE = Actor(id="emp-1", roles=("employee",))
SUPERVISOR = Actor(id="sup-1", roles=("direct_supervisor", "ecom_supervisor"))
DIRECT = Actor(id="ds-1", roles=("direct_supervisor",))
SENIOR = Actor(id="sl-1", roles=("senior_leader",))
MANAGER = Actor(id="mgr-1", roles=("dept_manager",))
OFFICE = Actor(id="off-1", roles=("office",))
HR = Actor(id="hr-1", roles=("hr_dept",))


def absence(day: dt.date, employee: str = "emp-1", command_id: str | None = None) -> c.RecordAbsence:
    return c.RecordAbsence(
        command_id=command_id or f"abs-{employee}-{day.isoformat()}",
        actor=SUPERVISOR,
        employee_id=employee,
        work_date=day,
        kind=AbsenceKind.REFUSED_ASSIGNMENT,
        reason="refused the reassignment and stayed away",
    )


def leave(
    start: dt.date,
    end: dt.date | None = None,
    leave_type: LeaveType = LeaveType.PERSONAL,
    leave_id: str = "lv-1",
    **overrides: Any,
) -> c.SubmitLeave:
    fields: dict[str, Any] = {
        "command_id": f"submit-{leave_id}",
        "actor": EMPLOYEE,
        "leave_id": leave_id,
        "employee_id": "emp-1",
        "leave_type": leave_type,
        "start_date": start,
        "end_date": end or start,
        "reason": "family matters",
    }
    return c.SubmitLeave(**(fields | overrides))


def approve(actor: Actor, leave_id: str = "lv-1", command_id: str = "approve-1") -> c.ApproveLeave:
    return c.ApproveLeave(command_id=command_id, actor=actor, leave_id=leave_id)


def file(actor: Actor = OFFICE, leave_id: str = "lv-1") -> c.FileLeave:
    return c.FileLeave(command_id=f"file-{actor.id}-{leave_id}", actor=actor, leave_id=leave_id)


class Hr(TestApp):
    """The service booted from its real `build()` (every command, projection and reaction as in
    production) on an in-memory store with a FixedClock and SQL data keys; `settings` replace the
    defaults. `given` commands, `when` a command, `then` the events it appended; after a recorded
    absence the service's own new events go to the wired `reactions` (by name) as their durable
    consumers would deliver them."""

    reactions: tuple[str, ...] = ("hr_absence_ladder",)

    def __init__(
        self,
        settings: HrSettings | None = None,
        now: dt.datetime = NOW,
        *,
        calendar: DepartmentCalendar | None = None,
    ) -> None:
        self.keys_engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        runtime = build(
            RuntimeSettings(),
            settings or HrSettings(),
            clock=FixedClock(now),
            store=InMemoryEventStore(NAME),
            calendar=calendar,
            keys=EmployeeKeys(self.keys_engine),
        )
        OPEN_ENGINES.extend((self.keys_engine, runtime.engine))
        super().__init__(runtime)
        self.commands: AttendanceCommands = self.handlers(c.RecordAbsence)
        self._reacted = 0

    def handlers(self, command: type[Command]) -> Any:
        """The object whose method the runtime serves `command` with (a context's commands)."""
        return self.runtime.command_handlers[command].__self__  # type: ignore[attr-defined]

    def wired(self, kind: type[P]) -> P:
        """The runtime's own projection (or reaction) of type `kind`."""
        [found] = [p for p, _ in self.runtime.projections if isinstance(p, kind)]
        return found

    async def when(self, command: Command) -> CommandResult:
        result = await super().when(command)
        if isinstance(command, c.RecordAbsence):
            await self.pump()
        return result

    async def pump(self) -> None:
        """The service's new events, in stream order, to the wired reactions named in `reactions`
        (each idempotent by its cause, as on redelivery)."""
        wired = [
            p for p, _ in self.runtime.projections if isinstance(p, Reaction) and p.name in self.reactions
        ]
        while self._reacted < len(self.store.all_events):
            stored = self.store.all_events[self._reacted]
            self._reacted += 1
            for reaction in wired:
                if stored.event_type in reaction.handles and any(
                    subject_matches(f, stored.subject) for f in reaction.filter_subjects
                ):
                    await reaction.react(Decoded(stored, reaction.registry.decode(stored.envelope)))

    def ladder(self, year: int, employee: str = "emp-1") -> list[EventData]:
        return self.events(record_id(employee, year), aggregate="AbsenceRecord")

    def ladder_types(self, year: int, employee: str = "emp-1") -> list[str]:
        return [e.event_type for e in self.ladder(year, employee)]

    def leave_types(self, leave_id: str = "lv-1") -> list[str]:
        return [e.event_type for e in self.events(leave_id, aggregate="LeaveRequest")]

    async def ladder_state(self, year: int, employee: str = "emp-1") -> AbsenceRecordState:
        return await self.state(ABSENCE_RECORD, record_id(employee, year))

    async def leave_state(self, leave_id: str = "lv-1") -> LeaveState:
        return await self.state(LEAVE_REQUEST, leave_id)
