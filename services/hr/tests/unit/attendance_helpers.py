"""The attendance harness (SM-DAY): the HR harness with the wired attendance-leave and rota-shift
reactions reading the service's own events, and the wired deadlines projection and evaluation
firer under a DeadlineScheduler on an in-memory SQLite database, driven by the FixedClock."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from hr.bootstrap import HrSettings
from hr.time.adapters.deadlines import AttendanceDeadlines
from hr.time.domain.attendance_state import ATTENDANCE_DAY, AttendanceDayState, day_id
from jetstream_es.commands import CommandResult
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.projection import ApplyContext, Decoded
from jetstream_es.testing.app import TestApp
from shop_contracts.commands import hr as c
from shop_contracts.commands.hr_time import RecordOvertimeWorked
from shop_contracts.envelope import Actor
from shop_contracts.messages import Command, EventData

from .helpers import DIRECT, EMPLOYEE, HR, OFFICE, OPEN_ENGINES, SUPERVISOR, Hr

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 3)  # a Tuesday
CLOCK = Actor(id="terminal-1", roles=("system",))


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    """A business-time (Shanghai) moment on `day`."""
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), SHANGHAI)


def policy(**attendance: Any) -> HrSettings:
    return HrSettings(**attendance)


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


PUNCH_TIMES: dict[str, dt.datetime] = {}
"""command id → the moment the terminal sends the punch, or the office records an outing or worked
overtime. The service stamps a punch with its own clock (HR-10), and an attested time must lie in
the past of that clock (HR-11, HR-30), so `Attendance.when` sets the FixedClock to that moment for
the command, then puts it back."""

RECORDED_AFTER = dt.timedelta(minutes=10)
"""How long after an outing or worked overtime ends the office or the leader records it (HR-11, HR-30)."""


def punch_in(moment: dt.datetime, command_id: str | None = None, actor: Actor = CLOCK) -> c.RecordClockIn:
    command_id = command_id or f"in-{moment.isoformat()}"
    PUNCH_TIMES[command_id] = moment
    return c.RecordClockIn(command_id=command_id, actor=actor, employee_id="emp-1")


def punch_out(moment: dt.datetime, command_id: str | None = None, actor: Actor = CLOCK) -> c.RecordClockOut:
    command_id = command_id or f"out-{moment.isoformat()}"
    PUNCH_TIMES[command_id] = moment
    return c.RecordClockOut(command_id=command_id, actor=actor, employee_id="emp-1")


def clock_in(hhmm: str, day: dt.date = DAY, actor: Actor = CLOCK) -> c.RecordClockIn:
    return punch_in(at(hhmm, day), f"in-{day}-{hhmm.replace(':', '')}", actor)


def clock_out(hhmm: str, day: dt.date = DAY, actor: Actor = CLOCK) -> c.RecordClockOut:
    return punch_out(at(hhmm, day), f"out-{day}-{hhmm.replace(':', '')}", actor)


def correct(
    punch: str, hhmm: str, day: dt.date = DAY, actor: Actor = HR, reason: str = "the terminal was down"
) -> c.CorrectClockPunch:
    return c.CorrectClockPunch(
        command_id=f"correct-{punch}-{day}-{hhmm.replace(':', '')}-{actor.id}",
        actor=actor,
        employee_id="emp-1",
        work_date=day,
        punch=punch,
        at=at(hhmm, day),
        reason=reason,
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
    """Recorded after the fact (HR-11: an attested time is a past happening)."""
    command_id = f"outing-{left.replace(':', '')}"
    PUNCH_TIMES[command_id] = at(back or left) + RECORDED_AFTER
    return c.RecordOuting(
        command_id=command_id,
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


REGISTERED = ("emp-1", "emp-2", "emp-3", "amy", "bob", "cat", "dan")
"""Employees on the register, safety exam passed, in every attendance test (DIS-13)."""


class Attendance(Hr):
    """The HR harness with the attendance-leave and rota-shift reactions also reading the
    service's own events, and the wired deadlines projection fed into an in-memory SQLite table
    whose due deadlines a DeadlineScheduler hands to the wired evaluation firer."""

    reactions = ("hr_attendance_leave", "hr_rota_shifts", "hr_absence_ladder")

    def __init__(
        self,
        settings: HrSettings | None = None,
        now: dt.datetime | None = None,
        registered: tuple[str, ...] = REGISTERED,
        *,
        calendar: DepartmentCalendar | None = None,
    ) -> None:
        super().__init__(settings, now or at("07:00"), calendar=calendar)
        self._unregistered = list(registered)
        self.deadlines = self.wired(AttendanceDeadlines)
        self.engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        OPEN_ENGINES.append(self.engine)
        self.table = self.deadlines.define_tables(MetaData(), "")["deadlines"]
        wired = self.runtime.schedulers[0]  # the end-of-day evaluation (the hotline scheduler is next)
        self.scheduler = DeadlineScheduler(self.engine, lambda: self.table, self.clock, wired.fire)
        self._scheduled = 0

    async def register(self, *employees: str, trained: bool = True) -> None:
        """Onboard `employees` (joined 1 January 2025) and, if `trained`, record the safety exam passed
        the same day (DIS-13), through the service's people commands."""
        from shop_contracts.commands import hr_people as p

        from .people_harness import HR, onboard

        joined = dt.date(2025, 1, 1)
        for employee in employees:
            await TestApp.when(self, onboard(employee, join=joined))
            if trained:
                exam = p.RecordSafetyTrainingResult(
                    command_id=f"training-{employee}",
                    actor=HR,
                    employee_id=employee,
                    passed=True,
                    taken_on=joined,
                    score=95,
                )
                await TestApp.when(self, exam)

    async def when(self, command: Command) -> CommandResult:
        if self._unregistered:
            staff, self._unregistered = self._unregistered, []
            await self.register(*staff)
        moment = PUNCH_TIMES.get(command.command_id)
        if moment is not None and isinstance(
            command, c.RecordClockIn | c.RecordClockOut | c.RecordOuting | RecordOvertimeWorked
        ):
            before = self.clock.now()
            self.clock.set(moment)
            try:
                result = await TestApp.when(self, command)
            finally:
                self.clock.set(before)
        else:
            result = await TestApp.when(self, command)
        await self.pump()
        return result

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
        await self.pump()
        return fired

    def day(self, day: dt.date = DAY, employee: str = "emp-1") -> list[EventData]:
        return self.events(day_id(employee, day), aggregate="AttendanceDay")

    def day_types(self, day: dt.date = DAY, employee: str = "emp-1") -> list[str]:
        return [e.event_type for e in self.day(day, employee)]

    def found(self, day: dt.date = DAY) -> list[str]:
        """What the evaluation appended: the events after the last input."""
        types = self.day_types(day)
        inputs = {"ShiftAssigned", "ClockedIn", "ClockedOut", "BusinessErrandApproved", "OutingRecorded"}
        inputs |= {"MakeUpLeaveRecorded", "ReassignmentRefused", "LeaveNotedForDay", "ClockPunchCorrected"}
        return [t for t in types if t not in inputs]

    async def day_state(self, day: dt.date = DAY) -> AttendanceDayState:
        return await self.state(ATTENDANCE_DAY, day_id("emp-1", day))


__all__ = ["DIRECT", "EMPLOYEE", "OFFICE", "SUPERVISOR"]
