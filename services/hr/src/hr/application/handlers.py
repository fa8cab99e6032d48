"""Command handlers: load the aggregate, let the domain decide, append (SM-ABS, SM-LEAVE, SM-DAY;
HR-1..HR-16, HR-18..HR-26). Clock records and outings fall on the business-time date of `at`.

Counting an absence on the ladder (HR-16) reads the neighbouring ladder years' absence dates, so
two consecutive days across 31 December and 1 January reach the dismissal threshold; rescinding one
(HR-14, HR-20, HR-25) rechecks the neighbouring years' open proposals too.

The evaluation looks back over the days before for a leave overrun (HR-25). Comp leave (HR-31)
draws the comp-time balance before the request is appended (refused beyond it; the same command
repeated draws once) and a rejection gives it back.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from hr.domain import attendance, employees, evaluation, ladder, leave, overtime
from hr.domain.attendance import ATTENDANCE_DAY, day_id
from hr.domain.discipline import DISCIPLINE_RECORD
from hr.domain.employees import EMPLOYEE
from hr.domain.events import LeaveNotedForDay
from hr.domain.ladder import ABSENCE_RECORD, AbsenceRecordState, record_id
from hr.domain.leave_state import LEAVE_REQUEST, LeaveState
from hr.domain.overtime import COMP_TIME
from hr.domain.policy import HrPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import Clock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.errors import RuleViolated
from jetstream_es.events import derive_event_id
from jetstream_es.repository import Repository
from jetstream_es.store import EventStore
from shop_contracts.commands.hr import (
    ApproveBusinessErrand,
    ApproveLeave,
    AssignShift,
    AttachMedicalCertificate,
    DeclineDismissal,
    DismissEmployee,
    EvaluateAttendanceDay,
    ExtendLeave,
    FileLeave,
    RecordAbsence,
    RecordClockIn,
    RecordClockOut,
    RecordMakeUpLeave,
    RecordOuting,
    RecordReassignmentRefusal,
    RejectLeave,
    SubmitLeave,
    WithdrawLeave,
)
from shop_contracts.envelope import Actor
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded, AbsenceRescinded
from shop_contracts.events.hr_attendance import ShiftKind
from shop_contracts.events.hr_leave import LeaveType
from shop_contracts.messages import Command, EventData
from shop_contracts.queries.hr import LeaveStatus

S = TypeVar("S")

OVERRUN_LOOKBACK_DAYS = 62
"""How far back the evaluation looks for the leave a run of absent or rest days follows (HR-25)."""


def derive_first(leave_id: str, command_id: str) -> str:
    """The first event id a leave command appends: known once the command has run."""
    return derive_event_id(LEAVE_REQUEST.name, leave_id, command_id, 0)


class HrCommands:
    """Every way the HR aggregates are changed, by people (commands) or by the system."""

    def __init__(
        self,
        handler: CommandHandler,
        store: Callable[[], EventStore],
        policy: HrPolicy,
        cache_size: int = 10_000,
    ) -> None:
        self.handler = handler
        self.policy = policy
        self._store = store
        self._cache_size = cache_size
        self._repos: dict[str, Repository[Any]] = {}

    @property
    def clock(self) -> Clock:
        return self.handler.clock

    def repo(self, aggregate: AggregateType[S]) -> Repository[S]:
        """Created on first use: the store exists only once the service has started."""
        if aggregate.name not in self._repos:
            self._repos[aggregate.name] = Repository(self._store(), aggregate, cache_size=self._cache_size)
        repo: Repository[S] = self._repos[aggregate.name]
        return repo

    def today(self) -> dt.date:
        return self.policy.today(self.clock.now())

    async def execute(
        self,
        aggregate: AggregateType[S],
        aggregate_id: str,
        cause: Cause,
        decide: Callable[[S], Sequence[EventData]],
        *,
        must_exist: bool = False,
    ) -> CommandResult:
        return await self.handler.execute(
            self.repo(aggregate), aggregate_id, cause, decide, must_exist=must_exist
        )

    async def _command(
        self,
        cmd: Command,
        aggregate: AggregateType[S],
        aggregate_id: str,
        decide: Callable[[S], Sequence[EventData]],
    ) -> CommandResult:
        cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
        return await self.execute(aggregate, aggregate_id, cause, decide)

    # attendance days (SM-DAY; HR-1..HR-14)

    async def _day(
        self,
        cmd: Command,
        employee_id: str,
        work_date: dt.date,
        decide: Callable[[attendance.AttendanceDayState], Sequence[EventData]],
    ) -> CommandResult:
        return await self._command(cmd, ATTENDANCE_DAY, day_id(employee_id, work_date), decide)

    async def record_absence(self, cmd: RecordAbsence) -> CommandResult:
        return await self._day(
            cmd,
            cmd.employee_id,
            cmd.work_date,
            lambda s: attendance.record_absence(s, cmd, roles=self.policy.roles),
        )

    async def untrained_on(self, employee_id: str, work_dates: Iterable[dt.date]) -> list[str]:
        """DIS-13: for each of `work_dates` the employee may not work (not on the employee register,
        left, or the safety exam not yet passed), why; the employee's record is read once."""
        state = (await self.repo(EMPLOYEE).load(employee_id, refresh=True)).state  # people commands append it
        if not state.onboarded:  # named in a rota even on rest days only
            return [f"{employee_id} is not on the employee register (never onboarded)"]
        found = [employees.roster_problem(state, employee_id, day) for day in work_dates]
        record = (await self.repo(DISCIPLINE_RECORD).load(employee_id, refresh=True)).state
        for day in work_dates:
            if (case := record.suspended_on(day)) is not None:
                found.append(f"{employee_id} is suspended on {day} for case {case} (DIS-11)")
        return [problem for problem in found if problem is not None]

    async def assign_shift(self, cmd: AssignShift) -> CommandResult:
        if cmd.shift is not ShiftKind.REST and (
            problems := await self.untrained_on(cmd.employee_id, [cmd.work_date])
        ):
            raise RuleViolated(
                f"no working shift off the register or before the safety exam (DIS-13): {problems[0]}",
                "DIS-13",
            )
        tz, policy = self.policy.business_tz, self.policy.attendance
        one_day = dt.timedelta(days=1)
        before = (await self.day_state(cmd.employee_id, cmd.work_date - one_day)).shift
        after = (await self.day_state(cmd.employee_id, cmd.work_date + one_day)).shift
        return await self._day(
            cmd,
            cmd.employee_id,
            cmd.work_date,
            lambda s: attendance.assign_shift(s, cmd, policy, tz, before, after, roles=self.policy.roles),
        )

    async def clock_in(self, cmd: RecordClockIn) -> CommandResult:
        day = self.policy.today(cmd.at)
        return await self._day(
            cmd, cmd.employee_id, day, lambda s: attendance.clock_in(s, cmd, day, roles=self.policy.roles)
        )

    async def clock_out(self, cmd: RecordClockOut) -> CommandResult:
        day = self.policy.today(cmd.at)
        return await self._day(
            cmd, cmd.employee_id, day, lambda s: attendance.clock_out(s, cmd, day, roles=self.policy.roles)
        )

    async def approve_errand(self, cmd: ApproveBusinessErrand) -> CommandResult:
        return await self._day(
            cmd,
            cmd.employee_id,
            cmd.work_date,
            lambda s: attendance.approve_errand(s, cmd, roles=self.policy.roles),
        )

    async def record_outing(self, cmd: RecordOuting) -> CommandResult:
        day = self.policy.today(cmd.left_at)
        return await self._day(
            cmd,
            cmd.employee_id,
            day,
            lambda s: attendance.record_outing(s, cmd, day, roles=self.policy.roles),
        )

    async def record_make_up(self, cmd: RecordMakeUpLeave) -> CommandResult:
        return await self._day(
            cmd,
            cmd.employee_id,
            cmd.work_date,
            lambda s: attendance.record_make_up(s, cmd, roles=self.policy.roles),
        )

    async def record_refusal(self, cmd: RecordReassignmentRefusal) -> CommandResult:
        return await self._day(
            cmd,
            cmd.employee_id,
            cmd.work_date,
            lambda s: attendance.record_refusal(s, cmd, roles=self.policy.roles),
        )

    async def day_state(self, employee_id: str, work_date: dt.date) -> attendance.AttendanceDayState:
        loaded = await self.repo(ATTENDANCE_DAY).load(day_id(employee_id, work_date))
        state: attendance.AttendanceDayState = loaded.state
        return state

    async def overrun(self, employee_id: str, work_date: dt.date) -> tuple[str, dt.date] | None:
        """The approved leave a run of absent (`leave_overrun`) or rest days before `work_date`
        follows, with its last day: the employee has not been back since (HR-25)."""
        for back in range(1, OVERRUN_LOOKBACK_DAYS + 1):
            day = work_date - dt.timedelta(days=back)
            state = await self.day_state(employee_id, day)
            approved = sorted(i for i, n in state.leaves.items() if n.approved)
            if approved:
                return approved[0], day
            if state.absence is not AbsenceKind.LEAVE_OVERRUN and state.shift is not ShiftKind.REST:
                return None
        return None

    async def _evaluate(
        self, employee_id: str, work_date: dt.date, actor: Actor
    ) -> Callable[[attendance.AttendanceDayState], Sequence[EventData]]:
        policy, tz = self.policy.attendance, self.policy.business_tz
        overrun = await self.overrun(employee_id, work_date)
        return lambda s: evaluation.evaluate(
            s, employee_id, work_date, policy, tz, self.clock.now(), actor.id, overrun
        )

    async def evaluate_day(self, cmd: EvaluateAttendanceDay) -> CommandResult:
        """A supervisor (HR-7) evaluates a day whose shift has ended, before the deadline does."""
        self.policy.roles.require(cmd.actor, "EvaluateAttendanceDay")
        decide = await self._evaluate(cmd.employee_id, cmd.work_date, cmd.actor)
        return await self._day(cmd, cmd.employee_id, cmd.work_date, decide)

    async def evaluate_when_due(self, employee_id: str, work_date: dt.date, cause: Cause) -> CommandResult:
        """The deadline's evaluation: a day already evaluated decides nothing (exactly once)."""
        decide = await self._evaluate(employee_id, work_date, cause.actor)
        return await self.execute(
            ATTENDANCE_DAY, day_id(employee_id, work_date), cause, lambda s: [] if s.evaluated else decide(s)
        )

    async def note_leave(self, note: LeaveNotedForDay, cause: Cause) -> CommandResult:
        key = day_id(note.employee_id, note.work_date)
        return await self.execute(ATTENDANCE_DAY, key, cause, lambda s: attendance.note_leave(s, note))

    # the absence ladder (HR-12, HR-16)

    async def _ladder_dates(self, employee_id: str, year: int) -> frozenset[dt.date]:
        loaded = await self.repo(ABSENCE_RECORD).load(record_id(employee_id, year))
        state: AbsenceRecordState = loaded.state
        return frozenset(state.dates)

    async def count_absence(self, absence: AbsenceRecorded, cause: Cause) -> CommandResult:
        year = self.policy.ladder.year_of(absence.work_date)
        employee = absence.employee_id
        neighbours = await self._ladder_dates(employee, year - 1) | await self._ladder_dates(
            employee, year + 1
        )
        return await self.execute(
            ABSENCE_RECORD,
            record_id(employee, year),
            cause,
            lambda s: ladder.count_absence(s, absence, neighbours, self.policy.ladder),
        )

    async def rescind_absence(self, rescinded: AbsenceRescinded, cause: Cause) -> CommandResult:
        """Uncount the absence and recompute the year; then recheck the neighbouring years' open
        proposals, which may rest on a run across the year boundary (HR-16)."""
        policy = self.policy.ladder
        year, employee = policy.year_of(rescinded.work_date), rescinded.employee_id
        neighbours = await self._ladder_dates(employee, year - 1) | await self._ladder_dates(
            employee, year + 1
        )
        result = await self.execute(
            ABSENCE_RECORD,
            record_id(employee, year),
            cause,
            lambda s: ladder.rescind_absence(s, rescinded, neighbours, policy),
        )
        why = f"the absence on {rescinded.work_date} was rescinded ({rescinded.rule})"
        for other in (year - 1, year + 1):
            around = await self._ladder_dates(employee, other - 1) | await self._ladder_dates(
                employee, other + 1
            )
            await self.execute(
                ABSENCE_RECORD,
                record_id(employee, other),
                cause,
                functools.partial(ladder.recheck, neighbours=around, policy=policy, why=why),
            )
        return result

    async def dismiss(self, cmd: DismissEmployee) -> CommandResult:
        key = record_id(cmd.employee_id, cmd.year)
        return await self._command(
            cmd, ABSENCE_RECORD, key, lambda s: ladder.dismiss(s, cmd, roles=self.policy.roles)
        )

    async def decline_dismissal(self, cmd: DeclineDismissal) -> CommandResult:
        key = record_id(cmd.employee_id, cmd.year)
        return await self._command(
            cmd, ABSENCE_RECORD, key, lambda s: ladder.decline(s, cmd, roles=self.policy.roles)
        )

    # leave (HR-18..HR-26)

    async def submit_leave(self, cmd: SubmitLeave) -> CommandResult:
        def decide(s: LeaveState) -> Sequence[EventData]:
            return leave.submit(s, cmd, self.policy.leave, self.clock.now(), self.today())

        if cmd.leave_type is LeaveType.COMP:
            loaded = await self.repo(LEAVE_REQUEST).load(cmd.leave_id)
            if self.repo(LEAVE_REQUEST).outcome(loaded, derive_first(cmd.leave_id, cmd.command_id)) is None:
                decide(loaded.state)  # refuses before anything is drawn
                days = leave.span(cmd.start_date, cmd.end_date)
                cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
                await self.execute(
                    COMP_TIME,
                    cmd.employee_id,
                    cause,
                    lambda s: overtime.draw(s, cmd.employee_id, cmd.leave_id, days, self.policy.overtime),
                )
        return await self._command(cmd, LEAVE_REQUEST, cmd.leave_id, decide)

    async def attach_certificate(self, cmd: AttachMedicalCertificate) -> CommandResult:
        return await self._command(
            cmd,
            LEAVE_REQUEST,
            cmd.leave_id,
            lambda s: leave.attach_certificate(s, cmd, roles=self.policy.roles),
        )

    async def approve_leave(self, cmd: ApproveLeave) -> CommandResult:
        return await self._command(cmd, LEAVE_REQUEST, cmd.leave_id, lambda s: leave.approve(s, cmd))

    async def reject_leave(self, cmd: RejectLeave) -> CommandResult:
        result = await self._command(cmd, LEAVE_REQUEST, cmd.leave_id, lambda s: leave.reject(s, cmd))
        state: LeaveState = (await self.repo(LEAVE_REQUEST).load(cmd.leave_id)).state
        if state.leave_type is LeaveType.COMP and state.status is LeaveStatus.REJECTED:
            cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
            await self.execute(
                COMP_TIME, state.employee_id, cause, lambda s: overtime.restore(s, cmd.leave_id)
            )
        return result

    async def withdraw_leave(self, cmd: WithdrawLeave) -> CommandResult:
        result = await self._command(
            cmd, LEAVE_REQUEST, cmd.leave_id, lambda s: leave.withdraw(s, cmd, self.today())
        )
        state: LeaveState = (await self.repo(LEAVE_REQUEST).load(cmd.leave_id)).state
        if state.leave_type is LeaveType.COMP and state.status is LeaveStatus.CANCELLED:
            cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
            await self.execute(
                COMP_TIME, state.employee_id, cause, lambda s: overtime.restore(s, cmd.leave_id)
            )
        return result

    async def file_leave(self, cmd: FileLeave) -> CommandResult:
        return await self._command(
            cmd, LEAVE_REQUEST, cmd.leave_id, lambda s: leave.file(s, cmd, roles=self.policy.roles)
        )

    async def extend_leave(self, cmd: ExtendLeave) -> CommandResult:
        return await self._command(
            cmd,
            LEAVE_REQUEST,
            cmd.leave_id,
            lambda s: leave.extend(s, cmd, self.policy.leave, self.today()),
        )
