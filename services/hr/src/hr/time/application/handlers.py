"""Command handlers: load the aggregate, let the domain decide, append (SM-ABS, SM-LEAVE, SM-DAY;
HR-1..HR-16, HR-18..HR-26). Clock records are stamped with the service's clock and fall on that instant's business-time
date (HR-10); outings fall on the business-time date of `left_at`.

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

from hr.people.domain import employees
from hr.people.domain.discipline import DISCIPLINE_RECORD
from hr.people.domain.employees import EMPLOYEE
from hr.time.domain import attendance, evaluation, ladder, leave, overtime
from hr.time.domain.attendance import ATTENDANCE_DAY, day_id
from hr.time.domain.events import LeaveNotedForDay
from hr.time.domain.ladder import ABSENCE_RECORD, AbsenceRecordState, record_id
from hr.time.domain.leave_state import LEAVE_REQUEST, LeaveState
from hr.time.domain.overtime import COMP_TIME, OVERTIME, CompTimeState
from hr.time.domain.policy import TimePolicy
from hr.time.domain.rota import ROTA
from hr.time.domain.state import LeaveStatus
from jetstream_es.clock import Clock
from jetstream_es.commands import Cause, CommandResult, cause_of
from jetstream_es.errors import RuleViolated
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands.hr import (
    ApproveBusinessErrand,
    ApproveLeave,
    AssignShift,
    AttachMedicalCertificate,
    CorrectClockPunch,
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

LeaveDecision = Callable[[LeaveState, dt.datetime], Sequence[EventData]]

OVERRUN_LOOKBACK_DAYS = 62
"""How far back the evaluation looks for the leave a run of absent or rest days follows (HR-25)."""


class AttendanceCommands:
    """Every way the time context's aggregates are changed, by people (commands) or by the system;
    each through the runtime's `aggregates(KIND)` (decision 0007)."""

    def __init__(self, runtime: ServiceRuntime, policy: TimePolicy) -> None:
        self.clock: Clock = runtime.clock
        self.policy = policy
        self.days = runtime.aggregates(ATTENDANCE_DAY)
        self.ladders = runtime.aggregates(ABSENCE_RECORD)
        self.leaves = runtime.aggregates(LEAVE_REQUEST)
        self.comp_time = runtime.aggregates(COMP_TIME)
        self.overtime = runtime.aggregates(OVERTIME)
        self.rotas = runtime.aggregates(ROTA)
        self.employees = runtime.aggregates(EMPLOYEE)
        """Read only (DIS-13: who may work a shift); the people context appends it."""
        self.records = runtime.aggregates(DISCIPLINE_RECORD)
        """Read only (DIS-11: suspensions); the people context appends it."""

    def today(self) -> dt.date:
        return self.policy.today(self.clock.now())

    # attendance days (SM-DAY; HR-1..HR-14)

    async def record_absence(self, cmd: RecordAbsence) -> CommandResult:
        return await self.days.execute(
            day_id(cmd.employee_id, cmd.work_date),
            cause_of(cmd),
            lambda s, _: attendance.record_absence(s, cmd, roles=self.policy.roles),
            must_exist=False,
        )

    async def untrained_on(self, employee_id: str, work_dates: Iterable[dt.date]) -> list[str]:
        """DIS-13: for each of `work_dates` the employee may not work (not on the employee register,
        left, or the safety exam not yet passed), why; the employee's record is read once."""
        state = await self.employees.state(employee_id, fresh=True)  # people commands append it
        if not state.onboarded:  # named in a rota even on rest days only
            return [f"{employee_id} is not on the employee register (never onboarded)"]
        found = [employees.roster_problem(state, employee_id, day) for day in work_dates]
        record = await self.records.state(employee_id, fresh=True)
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
        return await self.days.execute(
            day_id(cmd.employee_id, cmd.work_date),
            cause_of(cmd),
            lambda s, _: attendance.assign_shift(s, cmd, policy, tz, before, after, roles=self.policy.roles),
            must_exist=False,
        )

    async def clock_in(self, cmd: RecordClockIn) -> CommandResult:
        """The punch is the service clock's now, on that instant's business date (HR-10)."""
        now = self.clock.now()
        day = self.policy.today(now)
        return await self.days.execute(
            day_id(cmd.employee_id, day),
            cause_of(cmd),
            lambda s, _: attendance.clock_in(s, cmd, day, now, roles=self.policy.roles),
            must_exist=False,
        )

    async def clock_out(self, cmd: RecordClockOut) -> CommandResult:
        now = self.clock.now()
        day = self.policy.today(now)
        return await self.days.execute(
            day_id(cmd.employee_id, day),
            cause_of(cmd),
            lambda s, _: attendance.clock_out(s, cmd, day, now, roles=self.policy.roles),
            must_exist=False,
        )

    async def correct_punch(self, cmd: CorrectClockPunch) -> CommandResult:
        """HR's correction of a punch; an evaluated day is judged again (HR-10)."""
        self.policy.roles.require(cmd.actor, "CorrectClockPunch")
        policy, tz = self.policy.attendance, self.policy.business_tz
        overrun = await self.overrun(cmd.employee_id, cmd.work_date)
        punch_date = self.policy.today(cmd.at)
        return await self.days.execute(
            day_id(cmd.employee_id, cmd.work_date),
            cause_of(cmd),
            lambda s, now: attendance.correct_punch(
                s, cmd, punch_date, now, policy, tz, overrun, roles=self.policy.roles
            ),
            must_exist=False,
        )

    async def approve_errand(self, cmd: ApproveBusinessErrand) -> CommandResult:
        return await self.days.execute(
            day_id(cmd.employee_id, cmd.work_date),
            cause_of(cmd),
            lambda s, _: attendance.approve_errand(s, cmd, roles=self.policy.roles),
            must_exist=False,
        )

    async def record_outing(self, cmd: RecordOuting) -> CommandResult:
        day = self.policy.today(cmd.left_at)
        return await self.days.execute(
            day_id(cmd.employee_id, day),
            cause_of(cmd),
            lambda s, now: attendance.record_outing(
                s, cmd, day, now, self.policy.attested, roles=self.policy.roles
            ),
            must_exist=False,
        )

    async def record_make_up(self, cmd: RecordMakeUpLeave) -> CommandResult:
        return await self.days.execute(
            day_id(cmd.employee_id, cmd.work_date),
            cause_of(cmd),
            lambda s, _: attendance.record_make_up(s, cmd, roles=self.policy.roles),
            must_exist=False,
        )

    async def record_refusal(self, cmd: RecordReassignmentRefusal) -> CommandResult:
        return await self.days.execute(
            day_id(cmd.employee_id, cmd.work_date),
            cause_of(cmd),
            lambda s, _: attendance.record_refusal(s, cmd, roles=self.policy.roles),
            must_exist=False,
        )

    async def day_state(self, employee_id: str, work_date: dt.date) -> attendance.AttendanceDayState:
        return await self.days.state(day_id(employee_id, work_date))

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
    ) -> Callable[[attendance.AttendanceDayState, dt.datetime], Sequence[EventData]]:
        policy, tz = self.policy.attendance, self.policy.business_tz
        overrun = await self.overrun(employee_id, work_date)
        return lambda s, now: evaluation.evaluate(
            s, employee_id, work_date, policy, tz, now, actor.id, overrun
        )

    async def evaluate_day(self, cmd: EvaluateAttendanceDay) -> CommandResult:
        """A supervisor (HR-7) evaluates a day whose shift has ended, before the deadline does."""
        self.policy.roles.require(cmd.actor, "EvaluateAttendanceDay")
        decide = await self._evaluate(cmd.employee_id, cmd.work_date, cmd.actor)
        return await self.days.execute(
            day_id(cmd.employee_id, cmd.work_date), cause_of(cmd), decide, must_exist=False
        )

    async def evaluate_when_due(self, employee_id: str, work_date: dt.date, cause: Cause) -> CommandResult:
        """The deadline's evaluation: a day already evaluated decides nothing (exactly once)."""
        decide = await self._evaluate(employee_id, work_date, cause.actor)
        return await self.days.execute(
            day_id(employee_id, work_date),
            cause,
            lambda s, now: [] if s.evaluated else decide(s, now),
            must_exist=False,
        )

    async def note_leave(self, note: LeaveNotedForDay, cause: Cause) -> CommandResult:
        key = day_id(note.employee_id, note.work_date)
        return await self.days.execute(
            key, cause, lambda s, _: attendance.note_leave(s, note), must_exist=False
        )

    # the absence ladder (HR-12, HR-16)

    async def _ladder_dates(self, employee_id: str, year: int) -> frozenset[dt.date]:
        state: AbsenceRecordState = await self.ladders.state(record_id(employee_id, year))
        return frozenset(state.dates)

    async def count_absence(self, absence: AbsenceRecorded, cause: Cause) -> CommandResult:
        year = self.policy.ladder.year_of(absence.work_date)
        employee = absence.employee_id
        neighbours = await self._ladder_dates(employee, year - 1) | await self._ladder_dates(
            employee, year + 1
        )
        return await self.ladders.execute(
            record_id(employee, year),
            cause,
            lambda s, _: ladder.count_absence(s, absence, neighbours, self.policy.ladder),
            must_exist=False,
        )

    async def rescind_absence(self, rescinded: AbsenceRescinded, cause: Cause) -> CommandResult:
        """Uncount the absence and recompute the year; then recheck the neighbouring years' open
        proposals, which may rest on a run across the year boundary (HR-16)."""
        policy = self.policy.ladder
        year, employee = policy.year_of(rescinded.work_date), rescinded.employee_id
        neighbours = await self._ladder_dates(employee, year - 1) | await self._ladder_dates(
            employee, year + 1
        )
        result = await self.ladders.execute(
            record_id(employee, year),
            cause,
            lambda s, _: ladder.rescind_absence(s, rescinded, neighbours, policy),
            must_exist=False,
        )
        why = f"the absence on {rescinded.work_date} was rescinded ({rescinded.rule})"
        for other in (year - 1, year + 1):
            await self._recheck(employee, other, cause, why)
        return result

    async def _recheck(self, employee: str, year: int, cause: Cause, why: str) -> CommandResult:
        policy = self.policy.ladder
        around = await self._ladder_dates(employee, year - 1) | await self._ladder_dates(employee, year + 1)
        return await self.ladders.execute(
            record_id(employee, year),
            cause,
            lambda s, _: ladder.recheck(s, neighbours=around, policy=policy, why=why),
            must_exist=False,
        )

    async def dismiss(self, cmd: DismissEmployee) -> CommandResult:
        key = record_id(cmd.employee_id, cmd.year)
        return await self.ladders.execute(
            key, cause_of(cmd), lambda s, _: ladder.dismiss(s, cmd, roles=self.policy.roles), must_exist=False
        )

    async def decline_dismissal(self, cmd: DeclineDismissal) -> CommandResult:
        key = record_id(cmd.employee_id, cmd.year)
        return await self.ladders.execute(
            key, cause_of(cmd), lambda s, _: ladder.decline(s, cmd, roles=self.policy.roles), must_exist=False
        )

    # leave (HR-18..HR-26)

    async def submit_leave(self, cmd: SubmitLeave) -> CommandResult:
        """A comp leave (HR-31) draws the comp-time balance in the same append as the request
        (`execute_all`): a refusal of either appends nothing, a repeat draws once."""

        def decide(s: LeaveState, now: dt.datetime) -> Sequence[EventData]:
            return leave.submit(s, cmd, self.policy.leave, now, self.policy.today(now))

        if cmd.leave_type is not LeaveType.COMP:
            return await self.leaves.execute(cmd.leave_id, cause_of(cmd), decide, must_exist=False)
        days = leave.span(cmd.start_date, cmd.end_date)
        submitted, _drawn = await self.leaves.execute_all(
            cause_of(cmd),
            self.leaves.step(cmd.leave_id, decide, must_exist=False),
            self.comp_time.step(
                cmd.employee_id,
                lambda s, _: overtime.draw(s, cmd.employee_id, cmd.leave_id, days, self.policy.overtime),
                must_exist=False,
            ),
        )
        return submitted

    async def attach_certificate(self, cmd: AttachMedicalCertificate) -> CommandResult:
        return await self.leaves.execute(
            cmd.leave_id,
            cause_of(cmd),
            lambda s, _: leave.attach_certificate(s, cmd, roles=self.policy.roles),
            must_exist=False,
        )

    async def approve_leave(self, cmd: ApproveLeave) -> CommandResult:
        return await self.leaves.execute(
            cmd.leave_id, cause_of(cmd), lambda s, _: leave.approve(s, cmd), must_exist=False
        )

    async def _ending_comp_leave(
        self, cmd: Command, leave_id: str, decide: LeaveDecision, ended: LeaveStatus
    ) -> CommandResult:
        """A leave command that may end a comp leave (`ended`: rejected, cancelled): when it does,
        the drawn comp time is given back in the same append (`execute_all`, HR-31)."""
        known = await self.leaves.state(leave_id, fresh=True)
        if known.leave_type is not LeaveType.COMP:
            return await self.leaves.execute(leave_id, cause_of(cmd), decide, must_exist=False)
        ends = [known.status is ended]  # a repeat: the request has ended already

        def end(s: LeaveState, now: dt.datetime) -> Sequence[EventData]:
            events = decide(s, now)
            ends[0] = functools.reduce(LEAVE_REQUEST.evolve, events, s).status is ended
            return events

        def give_back(s: CompTimeState, _: dt.datetime) -> Sequence[EventData]:
            return overtime.restore(s, leave_id) if ends[0] else []

        result, _restored = await self.leaves.execute_all(
            cause_of(cmd),
            self.leaves.step(leave_id, end, must_exist=False),
            self.comp_time.step(known.employee_id, give_back, must_exist=False),
        )
        return result

    async def reject_leave(self, cmd: RejectLeave) -> CommandResult:
        return await self._ending_comp_leave(
            cmd, cmd.leave_id, lambda s, _: leave.reject(s, cmd), LeaveStatus.REJECTED
        )

    async def withdraw_leave(self, cmd: WithdrawLeave) -> CommandResult:
        return await self._ending_comp_leave(
            cmd,
            cmd.leave_id,
            lambda s, now: leave.withdraw(s, cmd, self.policy.today(now)),
            LeaveStatus.CANCELLED,
        )

    async def file_leave(self, cmd: FileLeave) -> CommandResult:
        return await self.leaves.execute(
            cmd.leave_id,
            cause_of(cmd),
            lambda s, _: leave.file(s, cmd, roles=self.policy.roles),
            must_exist=False,
        )

    async def extend_leave(self, cmd: ExtendLeave) -> CommandResult:
        return await self.leaves.execute(
            cmd.leave_id,
            cause_of(cmd),
            lambda s, _: leave.extend(s, cmd, self.policy.leave, self.today()),
            must_exist=False,
        )
