"""Attendance-day decisions (SM-DAY): the supervisor assigns the shift from a pattern set (HR-1..HR-5,
C2) and records what the clock cannot see (HR-7, HR-12: absences, a refused reassignment, HR-14
make-up leave); clock records decide arrival and departure (HR-10): a punch is stamped with the
service's clock at receipt, never a time the caller chose, and only HR corrects one, with a reason
(CorrectClockPunch: its own event, the original kept; a day already evaluated is judged again on
the corrected punch, its absence rescinded or recorded as the ladder needs); the direct supervisor signs
business errands (HR-11); outings are announced to the office or count as early leave (HR-13).
A published rota assigns the shifts of its days (HR-1..HR-4, rota.py). Nothing else changes a day
after its end-of-day evaluation (see evaluation.py), except what rescinds its absence, with
AbsenceRescinded (history stays): leave approved afterwards covering a day absent without leave
(`full_day`, `no_leave_procedure`, `leave_overrun`; HR-20 sick leave applied for afterwards, HR-25
an emergency or an extension approved late, HR-18), and a make-up leave procedure completed
afterwards for lateness or early leave over the hour (`late_over_1h`, `early_leave`; HR-12 (b),
HR-14). Other kinds (refused reassignment, off post) are not undone by leave.

An attendance day records at most one absence: each occurrence counts as one day on the ladder
(HR-16 designer default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from hr.time.domain.attendance_state import ATTENDANCE_DAY, AttendanceDayState, day_id, evolve
from hr.time.domain.evaluation import evaluate
from hr.time.domain.events import LeaveNotedForDay
from hr.time.domain.policy import AttendancePolicy, AttestedTimePolicy
from hr.time.domain.shifts import breaks_rest_after_main, resolve
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from jetstream_es.roles import CommandRoles
from shop_contracts.commands.hr import (
    ApproveBusinessErrand,
    AssignShift,
    CorrectClockPunch,
    RecordAbsence,
    RecordClockIn,
    RecordClockOut,
    RecordMakeUpLeave,
    RecordOuting,
    RecordReassignmentRefusal,
)
from shop_contracts.envelope import Actor
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded, AbsenceRescinded
from shop_contracts.events.hr_attendance import (
    AttendanceDayEvaluated,
    AttendanceDayRejudged,
    BusinessErrandApproved,
    ClockedIn,
    ClockedOut,
    ClockPunchCorrected,
    EarlyLeaveRecorded,
    LatenessRecorded,
    MakeUpLeaveRecorded,
    OutingRecorded,
    PunchKind,
    ReassignmentRefused,
    ShiftAssigned,
    ShiftKind,
)
from shop_contracts.messages import EventData

__all__ = ["ATTENDANCE_DAY", "AttendanceDayState", "day_id"]

LEAVE_COVERS = frozenset({AbsenceKind.FULL_DAY, AbsenceKind.NO_LEAVE_PROCEDURE, AbsenceKind.LEAVE_OVERRUN})
"""Absences an approved leave covering the day rescinds (HR-18, HR-20, HR-25)."""
MAKE_UP = "make_up_leave"
CLOCK_CORRECTION = "clock_correction"
"""`covered_by` of an absence a clock correction took away (HR-10)."""
CLOCK_DECIDED = frozenset(
    {
        AbsenceKind.FULL_DAY,
        AbsenceKind.NO_LEAVE_PROCEDURE,
        AbsenceKind.LEAVE_OVERRUN,
        AbsenceKind.REFUSED_ASSIGNMENT,
        AbsenceKind.LATE_OVER_1H,
        AbsenceKind.EARLY_LEAVE,
    }
)
"""Absences the evaluation decides from the clock records; a correction judges them again."""


def _open(state: AttendanceDayState, employee_id: str, work_date: dt.date) -> None:
    if state.evaluated:
        raise RuleViolated(f"{employee_id}'s attendance on {work_date} is evaluated already", "SM-DAY")


def record_absence(state: AttendanceDayState, cmd: RecordAbsence, *, roles: CommandRoles) -> list[EventData]:
    roles.require(cmd.actor, "RecordAbsence")
    if state.absence is not None:
        raise RuleViolated(
            f"{cmd.employee_id} already has an absence ({state.absence}) on {cmd.work_date}; "
            "each day counts once",
            "HR-16",
        )
    return [
        AbsenceRecorded(
            employee_id=cmd.employee_id,
            work_date=cmd.work_date,
            kind=cmd.kind,
            days=Decimal(1),
            reason=cmd.reason,
        )
    ]


def assign_shift(
    state: AttendanceDayState,
    cmd: AssignShift,
    policy: AttendancePolicy,
    business_tz: str,
    before: ShiftKind | None = None,
    after: ShiftKind | None = None,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """`before` / `after`: the employee's shift on the day before and after (HR-3, one rule with
    PublishRota: the day after a main shift is a rest day)."""
    roles.require(cmd.actor, "AssignShift")
    _open(state, cmd.employee_id, cmd.work_date)
    if breaks_rest_after_main(before, cmd.shift):
        raise RuleViolated(
            f"{cmd.employee_id} has the main shift on {cmd.work_date - dt.timedelta(days=1)}, so "
            f"{cmd.work_date} is a rest day, not a {cmd.shift} shift",
            "HR-3",
        )
    if breaks_rest_after_main(cmd.shift, after):
        raise RuleViolated(
            f"a main shift on {cmd.work_date} needs {cmd.employee_id}'s rest day on "
            f"{cmd.work_date + dt.timedelta(days=1)}, which has a {after} shift",
            "HR-3",
        )
    schedule = cmd.schedule or policy.default_schedule
    patterns = policy.schedules.get(schedule)
    if patterns is None:
        raise InvalidCommand(
            f"no shift schedule {schedule!r}; known: {sorted(policy.schedules)}", fields=["schedule"]
        )
    periods: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    if cmd.shift is not ShiftKind.REST:
        if cmd.shift not in patterns:
            raise RuleViolated(f"schedule {schedule} has no {cmd.shift} shift", "HR-5")
        periods = resolve(patterns[cmd.shift], cmd.work_date, business_tz)
    return [
        ShiftAssigned(
            employee_id=cmd.employee_id,
            work_date=cmd.work_date,
            shift=cmd.shift,
            schedule=schedule,
            periods=periods,
            assigned_by=cmd.actor.id,
        )
    ]


def _clock_actor(actor: Actor, employee_id: str, command: str, *, roles: CommandRoles) -> None:
    if actor.id != employee_id:
        roles.require(actor, command)


def clock_in(
    state: AttendanceDayState,
    cmd: RecordClockIn,
    work_date: dt.date,
    now: dt.datetime,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """`now`: the service's clock at receipt, the punch's time (HR-10)."""
    _clock_actor(cmd.actor, cmd.employee_id, roles=roles, command="RecordClockIn")
    _open(state, cmd.employee_id, work_date)
    return [ClockedIn(employee_id=cmd.employee_id, work_date=work_date, at=now, source=cmd.source)]


def clock_out(
    state: AttendanceDayState,
    cmd: RecordClockOut,
    work_date: dt.date,
    now: dt.datetime,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    _clock_actor(cmd.actor, cmd.employee_id, roles=roles, command="RecordClockOut")
    _open(state, cmd.employee_id, work_date)
    if state.clock_in is None or now <= state.clock_in:
        raise RuleViolated(f"{cmd.employee_id} has no clock-in before {now} on {work_date}", "HR-10")
    return [ClockedOut(employee_id=cmd.employee_id, work_date=work_date, at=now, source=cmd.source)]


def correct_punch(
    state: AttendanceDayState,
    cmd: CorrectClockPunch,
    punch_date: dt.date,
    now: dt.datetime,
    policy: AttendancePolicy,
    business_tz: str,
    overrun: tuple[str, dt.date] | None = None,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """HR corrects a punch (HR-10). `punch_date`: the business-time date of the corrected time,
    which must be the work date; the corrected time may not lie in the future. On a day already
    evaluated the evaluation runs again on the corrected punches (`overrun` as for the evaluation)."""
    roles.require(cmd.actor, "CorrectClockPunch")
    if cmd.actor.id == cmd.employee_id:
        raise Forbidden(f"{cmd.actor.id} may not correct their own clock record", "HR-10")
    if punch_date != cmd.work_date:
        raise InvalidCommand(
            f"the corrected time {cmd.at.isoformat()} falls on {punch_date}, not on the work date "
            f"{cmd.work_date} (HR-10)",
            "HR-10",
            fields=["at"],
        )
    if cmd.at > now:
        raise InvalidCommand(
            f"the corrected time {cmd.at.isoformat()} lies in the future (HR-10)", "HR-10", fields=["at"]
        )
    original = state.clock_in if cmd.punch is PunchKind.IN else state.clock_out
    if original == cmd.at:
        raise RuleViolated(
            f"{cmd.employee_id}'s clock-{cmd.punch} on {cmd.work_date} is {cmd.at} already", "HR-10"
        )
    if cmd.punch is PunchKind.IN and state.clock_out is not None and cmd.at >= state.clock_out:
        raise RuleViolated(
            f"the corrected clock-in is not before the clock-out at {state.clock_out}", "HR-10"
        )
    if cmd.punch is PunchKind.OUT and (state.clock_in is None or cmd.at <= state.clock_in):
        raise RuleViolated(
            f"{cmd.employee_id} has no clock-in before the corrected clock-out on {cmd.work_date}", "HR-10"
        )
    corrected = ClockPunchCorrected(
        employee_id=cmd.employee_id,
        work_date=cmd.work_date,
        punch=cmd.punch,
        at=cmd.at,
        original=original,
        corrected_by=cmd.actor.id,
        corrected_at=now,
        reason=cmd.reason,
    )
    if not state.evaluated:
        return [corrected]
    return [corrected, *_rejudge(state, corrected, now, policy, business_tz, overrun)]


def _rejudge(
    state: AttendanceDayState,
    corrected: ClockPunchCorrected,
    now: dt.datetime,
    policy: AttendancePolicy,
    business_tz: str,
    overrun: tuple[str, dt.date] | None,
) -> list[EventData]:
    """The evaluation again on the corrected day, the way late facts change an evaluated day
    (make-up leave, leave approved afterwards): the old clock-decided absence is rescinded when it
    no longer stands, a new one recorded, and the day's findings replaced (HR-8, HR-9, HR-12)."""
    old = state.absence if state.absence in CLOCK_DECIDED else None
    fresh_state = replace(
        evolve(state, corrected),
        evaluated=False,
        absence=state.absence if old is None else None,
        absence_days=state.absence_days if old is None else Decimal(0),
        lateness_minutes=0,
        early_leave_minutes=0,
    )
    fresh = evaluate(
        fresh_state,
        corrected.employee_id,
        corrected.work_date,
        policy,
        business_tz,
        now,
        corrected.corrected_by,
        overrun,
    )
    new = next((e for e in fresh if isinstance(e, AbsenceRecorded)), None)
    closed = next(e for e in fresh if isinstance(e, AttendanceDayEvaluated))
    early = [e for e in fresh if isinstance(e, EarlyLeaveRecorded)]
    events: list[EventData] = []
    if old is not None and (new is None or new.kind is not old):
        events.append(
            AbsenceRescinded(
                employee_id=corrected.employee_id,
                work_date=corrected.work_date,
                kind=old,
                days=state.absence_days,
                covered_by=CLOCK_CORRECTION,
                rule="HR-10",
                reason=f"clock-{corrected.punch} corrected to {corrected.at.isoformat()}: {corrected.reason}"[
                    :500
                ],
            )
        )
    if new is not None and new.kind is not old:
        events.append(new)
    events.append(
        AttendanceDayRejudged(
            employee_id=corrected.employee_id,
            work_date=corrected.work_date,
            outcome=closed.outcome,
            lateness_minutes=sum(e.minutes for e in fresh if isinstance(e, LatenessRecorded)),
            early_leaves=len(early),
            early_leave_minutes=sum(e.minutes for e in early),
            rejudged_by=corrected.corrected_by,
        )
    )
    return events


def approve_errand(
    state: AttendanceDayState, cmd: ApproveBusinessErrand, *, roles: CommandRoles
) -> list[EventData]:
    roles.require(cmd.actor, "ApproveBusinessErrand")
    if cmd.actor.id == cmd.employee_id:
        raise Forbidden(f"{cmd.actor.id} may not sign their own business errand", "HR-11")
    _open(state, cmd.employee_id, cmd.work_date)
    if state.errand:
        raise RuleViolated(f"{cmd.employee_id}'s errand on {cmd.work_date} is approved already", "HR-11")
    return [
        BusinessErrandApproved(
            employee_id=cmd.employee_id, work_date=cmd.work_date, approved_by=cmd.actor.id, reason=cmd.reason
        )
    ]


def record_outing(
    state: AttendanceDayState,
    cmd: RecordOuting,
    work_date: dt.date,
    now: dt.datetime,
    attested: AttestedTimePolicy,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """Announced outings are told to the office, so the office records them (HR-13). The times are a
    past happening the recorder attests: not ahead of the service's clock, not older than
    HR_ATTESTED_TIME_MAX_AGE_DAYS (HR-11)."""
    roles.require(cmd.actor, "RecordAnnouncedOuting" if cmd.announced else "RecordOuting")
    attested.check(now, "HR-11", left_at=cmd.left_at, returned_at=cmd.returned_at)
    _open(state, cmd.employee_id, work_date)
    return [
        OutingRecorded(
            employee_id=cmd.employee_id,
            work_date=work_date,
            left_at=cmd.left_at,
            returned_at=cmd.returned_at,
            announced=cmd.announced,
            recorded_by=cmd.actor.id,
            reason=cmd.reason,
        )
    ]


def record_make_up(
    state: AttendanceDayState, cmd: RecordMakeUpLeave, *, roles: CommandRoles
) -> list[EventData]:
    """Before the evaluation it excuses the coming lateness or early leave; afterwards it turns the
    day's lateness or early leave into personal leave and rescinds a `late_over_1h` or `early_leave`
    absence (HR-12 (b): lateness *or early leave* with a make-up leave procedure is no absence; HR-14)."""
    roles.require(cmd.actor, "RecordMakeUpLeave")
    if state.made_up:
        raise RuleViolated(f"{cmd.employee_id} has make-up leave on {cmd.work_date} already", "HR-14")
    if state.evaluated and state.lateness_minutes == 0 and state.early_leave_minutes == 0:
        raise RuleViolated(
            f"{cmd.employee_id} was neither late nor left early on {cmd.work_date}; nothing to make up",
            "HR-14",
        )
    events: list[EventData] = [
        MakeUpLeaveRecorded(
            employee_id=cmd.employee_id, work_date=cmd.work_date, recorded_by=cmd.actor.id, reason=cmd.reason
        )
    ]
    if state.evaluated and state.absence in (AbsenceKind.LATE_OVER_1H, AbsenceKind.EARLY_LEAVE):
        missed = (
            f"{state.lateness_minutes} minutes late"
            if state.absence is AbsenceKind.LATE_OVER_1H
            else f"{state.early_leave_minutes} minutes of early leave"
        )
        events.append(
            AbsenceRescinded(
                employee_id=cmd.employee_id,
                work_date=cmd.work_date,
                kind=state.absence,
                days=state.absence_days,
                covered_by=MAKE_UP,
                leave_type="personal",
                rule="HR-14" if state.absence is AbsenceKind.LATE_OVER_1H else "HR-12 (b)",
                reason=f"make-up leave for {missed}: {cmd.reason}"[:500],
            )
        )
    return events


def record_refusal(
    state: AttendanceDayState, cmd: RecordReassignmentRefusal, *, roles: CommandRoles
) -> list[EventData]:
    roles.require(cmd.actor, "RecordReassignmentRefusal")
    _open(state, cmd.employee_id, cmd.work_date)
    if state.refused:
        return []
    return [
        ReassignmentRefused(
            employee_id=cmd.employee_id, work_date=cmd.work_date, recorded_by=cmd.actor.id, reason=cmd.reason
        )
    ]


def note_leave(state: AttendanceDayState, note: LeaveNotedForDay) -> list[EventData]:
    """The leave reaction's note; repeated notes change nothing (SM-DAY inputs). Approved leave on
    an evaluated day rescinds its absence without leave (HR-20 sick, else HR-25)."""
    known = state.leaves.get(note.leave_id)
    if note.withdrawn:
        return [note] if known is not None else []
    if known is not None and (known.approved or not note.approved):
        return []
    events: list[EventData] = [note]
    if note.approved and state.evaluated and state.absence in LEAVE_COVERS:
        assert state.absence is not None
        rule = "HR-20" if note.leave_type == "sick" else "HR-25"
        events.append(
            AbsenceRescinded(
                employee_id=note.employee_id,
                work_date=note.work_date,
                kind=state.absence,
                days=state.absence_days,
                covered_by=note.leave_id,
                leave_type=note.leave_type,
                rule=rule,
                reason=f"{note.leave_type} leave {note.leave_id} approved afterwards covers the day",
            )
        )
    return events


def assign_from_rota(
    state: AttendanceDayState,
    employee_id: str,
    work_date: dt.date,
    shift: ShiftKind,
    schedule: str,
    rota_id: str,
    published_by: str,
    policy: AttendancePolicy,
    business_tz: str,
) -> list[EventData]:
    """A published rota's shift for the day (HR-1..HR-4); an evaluated day or the same shift from
    the same rota changes nothing."""
    if state.evaluated or (state.shift is shift and state.rota_id == rota_id):
        return []
    periods: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    if shift is not ShiftKind.REST:
        periods = resolve(policy.schedules[schedule][shift], work_date, business_tz)
    return [
        ShiftAssigned(
            employee_id=employee_id,
            work_date=work_date,
            shift=shift,
            schedule=schedule,
            periods=periods,
            assigned_by=published_by,
            rota_id=rota_id,
        )
    ]
