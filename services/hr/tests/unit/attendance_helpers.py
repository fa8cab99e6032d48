"""The attendance harness (SM-DAY): the HR harness plus the attendance commands, the real
attendance-leave reaction run over the leave events, and the real deadlines projection and
DeadlineScheduler on an in-memory SQLite database, driven by the FixedClock."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from hr.adapters.deadlines import AttendanceDeadlines
from hr.application.deadlines import EvaluationFirer
from hr.application.reactions import AttendanceLeaveReaction
from hr.application.time_handlers import TimeCommands
from hr.domain import rota
from hr.domain.attendance_state import ATTENDANCE_DAY, AttendanceDayState, day_id
from hr.domain.leave_state import LEAVE_REQUEST
from hr.domain.policy import AttendancePolicy, HrPolicy
from jetstream_es.commands import Cause, CommandResult
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.projection import ApplyContext, Decoded
from shop_contracts.commands import hr as c
from shop_contracts.commands import hr_time as t
from shop_contracts.envelope import SYSTEM_ACTOR, Actor
from shop_contracts.events.hr_time import RotaPublished
from shop_contracts.messages import Command, EventData

from .helpers import DIRECT, EMPLOYEE, OFFICE, SUPERVISOR, Hr

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 3)  # a Tuesday
CLOCK = Actor(id="terminal-1", roles=("system",))


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    """A business-time (Shanghai) moment on `day`."""
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), SHANGHAI)


def policy(**attendance: Any) -> HrPolicy:
    return HrPolicy(attendance=AttendancePolicy(**attendance))


def assign(
    shift: str = "administrative", day: dt.date = DAY, schedule: str | None = None, actor: Actor = SUPERVISOR
) -> c.AssignShift:
    return c.AssignShift(
        command_id=f"assign-{day}-{shift}-{schedule or 'default'}",
        actor=actor,
        employee_id="emp-1",
        work_date=day,
        shift=shift,
        schedule=schedule,
    )


def clock_in(hhmm: str, day: dt.date = DAY, actor: Actor = CLOCK) -> c.RecordClockIn:
    return c.RecordClockIn(
        command_id=f"in-{day}-{hhmm.replace(':', '')}", actor=actor, employee_id="emp-1", at=at(hhmm, day)
    )


def clock_out(hhmm: str, day: dt.date = DAY, actor: Actor = CLOCK) -> c.RecordClockOut:
    return c.RecordClockOut(
        command_id=f"out-{day}-{hhmm.replace(':', '')}", actor=actor, employee_id="emp-1", at=at(hhmm, day)
    )


def errand(actor: Actor = DIRECT, day: dt.date = DAY) -> c.ApproveBusinessErrand:
    return c.ApproveBusinessErrand(
        command_id=f"errand-{day}",
        actor=actor,
        employee_id="emp-1",
        work_date=day,
        reason="visits a supplier",
    )


def outing(left: str, back: str | None, announced: bool, actor: Actor = OFFICE) -> c.RecordOuting:
    return c.RecordOuting(
        command_id=f"outing-{left.replace(':', '')}",
        actor=actor,
        employee_id="emp-1",
        left_at=at(left),
        returned_at=at(back) if back else None,
        announced=announced,
        reason="bank",
    )


def make_up(day: dt.date = DAY) -> c.RecordMakeUpLeave:
    return c.RecordMakeUpLeave(
        command_id=f"makeup-{day}", actor=DIRECT, employee_id="emp-1", work_date=day, reason="hospital visit"
    )


def refusal(day: dt.date = DAY) -> c.RecordReassignmentRefusal:
    return c.RecordReassignmentRefusal(
        command_id=f"refuse-{day}", actor=SUPERVISOR, employee_id="emp-1", work_date=day, reason="refused"
    )


def evaluate(day: dt.date = DAY, actor: Actor = SUPERVISOR) -> c.EvaluateAttendanceDay:
    return c.EvaluateAttendanceDay(command_id=f"eval-{day}", actor=actor, employee_id="emp-1", work_date=day)


OPEN_ENGINES: list[AsyncEngine] = []
"""Engines made by harnesses; conftest disposes them after each test (no thread outlives its loop)."""


REGISTERED = ("emp-1", "emp-2", "emp-3", "amy", "bob", "cat", "dan")
"""Employees on the register, safety exam passed, in every attendance test (DIS-13)."""


class Attendance(Hr):
    def __init__(
        self,
        policy: HrPolicy | None = None,
        now: dt.datetime | None = None,
        registered: tuple[str, ...] = REGISTERED,
    ) -> None:
        super().__init__(policy, now or at("07:00"))
        self._unregistered = list(registered)
        cmds = self.commands
        self.routes |= {
            c.AssignShift: cmds.assign_shift,
            c.RecordClockIn: cmds.clock_in,
            c.RecordClockOut: cmds.clock_out,
            c.ApproveBusinessErrand: cmds.approve_errand,
            c.RecordOuting: cmds.record_outing,
            c.RecordMakeUpLeave: cmds.record_make_up,
            c.RecordReassignmentRefusal: cmds.record_refusal,
            c.EvaluateAttendanceDay: cmds.evaluate_day,
        }
        self.time = TimeCommands(cmds)
        self.routes |= {
            t.PublishRota: self.time.publish_rota,
            t.AssignOvertime: self.time.assign_overtime,
            t.RecordOvertimeRefusal: self.time.refuse_overtime,
            t.RecordOvertimeWorked: self.time.overtime_worked,
            t.FileCompTime: self.time.file_comp_time,
        }
        self.leave_reaction = AttendanceLeaveReaction(cmds)
        self.deadlines = AttendanceDeadlines(self.policy.attendance)
        self.engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        OPEN_ENGINES.append(self.engine)
        self.table = self.deadlines.define_tables(MetaData(), "")["deadlines"]
        self.scheduler = DeadlineScheduler(self.engine, lambda: self.table, self.clock, EvaluationFirer(cmds))
        self._scheduled = 0

    async def register(self, *employees: str, trained: bool = True) -> None:
        """Onboard `employees` (joined 1 January 2025) and, if `trained`, record the safety exam passed
        the same day (DIS-13), through the real people commands."""
        from hr.adapters.keys import EmployeeKeys
        from hr.application.people import PeopleCommands, PeoplePolicies
        from shop_contracts.commands import hr_people as p

        from .people_harness import HR, onboard

        people = PeopleCommands(
            self.commands.handler,
            lambda: self.store,
            PeoplePolicies(),
            EmployeeKeys(self.engine),
            "Asia/Shanghai",
        )
        joined = dt.date(2025, 1, 1)
        for employee in employees:
            await people.onboard(onboard(employee, join=joined))
            if trained:
                exam = p.RecordSafetyTrainingResult(
                    command_id=f"training-{employee}",
                    actor=HR,
                    employee_id=employee,
                    passed=True,
                    taken_on=joined,
                    score=95,
                )
                await people.record_training(exam)

    async def when(self, command: Command) -> CommandResult:
        if self._unregistered:
            staff, self._unregistered = self._unregistered, []
            await self.register(*staff)
        result = await self.routes[type(command)](command)
        await self.react()
        return result

    async def react(self) -> None:
        """The reactions over everything so far (each is idempotent by its cause)."""
        ctx = ApplyContext(replaying=False, now=self.clock.now())
        for stored in list(self.store.all_events):
            if stored.envelope.aggregate_type == "LeaveRequest":
                data = LEAVE_REQUEST.registry.decode(stored.envelope)
                await self.leave_reaction.apply(cast(AsyncConnection, None), {}, Decoded(stored, data), ctx)
            if stored.envelope.aggregate_type == "Rota":
                published = rota.registry.decode(stored.envelope)
                assert isinstance(published, RotaPublished)
                cause = Cause.of_event("hr_rota_shifts", stored.envelope, SYSTEM_ACTOR)
                await self.time.assign_rota_shifts(published, cause)
        await super().react()

    async def run_deadlines(self) -> int:
        """Feed the new AttendanceDay events to the deadlines projection, then fire what is due."""
        async with self.engine.begin() as conn:
            await conn.run_sync(self.table.metadata.create_all)
            days = [e for e in self.store.all_events if e.envelope.aggregate_type == "AttendanceDay"]
            ctx = ApplyContext(replaying=False, now=self.clock.now())
            for stored in days[self._scheduled :]:
                data = ATTENDANCE_DAY.registry.decode(stored.envelope)
                if data.event_type in self.deadlines.handles:
                    await self.deadlines.apply(conn, {"deadlines": self.table}, Decoded(stored, data), ctx)
            self._scheduled = len(days)
        fired = await self.scheduler.run_due()
        await self.react()
        return fired

    def day(self, day: dt.date = DAY, employee: str = "emp-1") -> list[EventData]:
        return self.events("AttendanceDay", day_id(employee, day))

    def day_types(self, day: dt.date = DAY, employee: str = "emp-1") -> list[str]:
        return [e.event_type for e in self.day(day, employee)]

    def found(self, day: dt.date = DAY) -> list[str]:
        """What the evaluation appended: the events after the last input."""
        types = self.day_types(day)
        inputs = {"ShiftAssigned", "ClockedIn", "ClockedOut", "BusinessErrandApproved", "OutingRecorded"}
        inputs |= {"MakeUpLeaveRecorded", "ReassignmentRefused", "LeaveNotedForDay"}
        return [t for t in types if t not in inputs]

    async def day_state(self, day: dt.date = DAY) -> AttendanceDayState:
        return (await self.commands.repo(ATTENDANCE_DAY).load(day_id("emp-1", day), refresh=True)).state


__all__ = ["DIRECT", "EMPLOYEE", "OFFICE", "SUPERVISOR"]
