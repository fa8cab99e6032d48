"""Given / when / then for the HR aggregates: commands through the real handlers on an in-memory
event store with a FixedClock; the absence-ladder reaction is run by hand for each absence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from hr.application.handlers import HrCommands
from hr.domain.attendance import ATTENDANCE_DAY
from hr.domain.ladder import ABSENCE_RECORD, AbsenceRecordState, record_id
from hr.domain.leave_state import LEAVE_REQUEST, LeaveState
from hr.domain.overtime import COMP_TIME, OVERTIME
from hr.domain.policy import HrPolicy
from hr.domain.rota import ROTA
from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.memory_store import InMemoryEventStore
from shop_contracts.commands import hr as c
from shop_contracts.envelope import SYSTEM_ACTOR, Actor
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded, AbsenceRescinded
from shop_contracts.events.hr_leave import LeaveType
from shop_contracts.messages import Command, EventData

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


class Hr:
    """The harness: `given` commands, `when` a command, `then` the events appended."""

    def __init__(self, policy: HrPolicy | None = None, now: dt.datetime = NOW) -> None:
        self.clock = FixedClock(now)
        self.store = InMemoryEventStore("hr")
        self.policy = policy or HrPolicy()
        self.commands = HrCommands(CommandHandler(self.clock), lambda: self.store, self.policy)
        cmds = self.commands
        self.routes: dict[type[Command], Callable[[Any], Awaitable[CommandResult]]] = {
            c.RecordAbsence: cmds.record_absence,
            c.DismissEmployee: cmds.dismiss,
            c.DeclineDismissal: cmds.decline_dismissal,
            c.SubmitLeave: cmds.submit_leave,
            c.AttachMedicalCertificate: cmds.attach_certificate,
            c.ApproveLeave: cmds.approve_leave,
            c.RejectLeave: cmds.reject_leave,
            c.FileLeave: cmds.file_leave,
            c.ExtendLeave: cmds.extend_leave,
            c.WithdrawLeave: cmds.withdraw_leave,
        }

    async def given(self, *commands: Command) -> None:
        for command in commands:
            await self.when(command)

    async def when(self, command: Command) -> CommandResult:
        result = await self.routes[type(command)](command)
        if isinstance(command, c.RecordAbsence):
            await self.react()
        return result

    async def react(self) -> None:
        """What the absence-ladder reaction does: count each recorded absence once, and uncount
        each rescinded one, in stream order."""
        for stored in list(self.store.all_events):
            envelope = stored.envelope
            if envelope.event_type in (AbsenceRecorded.event_type, AbsenceRescinded.event_type):
                data = ATTENDANCE_DAY.registry.decode(envelope)
                cause = Cause.of_event("hr_absence_ladder", envelope, SYSTEM_ACTOR)
                if isinstance(data, AbsenceRescinded):
                    await self.commands.rescind_absence(data, cause)
                else:
                    assert isinstance(data, AbsenceRecorded)
                    await self.commands.count_absence(data, cause)

    def events(self, aggregate: str, aggregate_id: str) -> list[EventData]:
        registry: dict[str, AggregateType[Any]] = {
            "Rota": ROTA,
            "Overtime": OVERTIME,
            "CompTimeAccount": COMP_TIME,
            "AbsenceRecord": ABSENCE_RECORD,
            "LeaveRequest": LEAVE_REQUEST,
            "AttendanceDay": ATTENDANCE_DAY,
        }
        return [
            registry[aggregate].registry.decode(e.envelope)
            for e in self.store.all_events
            if e.envelope.aggregate_type == aggregate and e.envelope.aggregate_id == aggregate_id
        ]

    def ladder(self, year: int, employee: str = "emp-1") -> list[EventData]:
        return self.events("AbsenceRecord", record_id(employee, year))

    def ladder_types(self, year: int, employee: str = "emp-1") -> list[str]:
        return [e.event_type for e in self.ladder(year, employee)]

    def leave_types(self, leave_id: str = "lv-1") -> list[str]:
        return [e.event_type for e in self.events("LeaveRequest", leave_id)]

    async def ladder_state(self, year: int, employee: str = "emp-1") -> AbsenceRecordState:
        return (await self.commands.repo(ABSENCE_RECORD).load(record_id(employee, year), refresh=True)).state

    async def leave_state(self, leave_id: str = "lv-1") -> LeaveState:
        return (await self.commands.repo(LEAVE_REQUEST).load(leave_id, refresh=True)).state
