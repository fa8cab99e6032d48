"""The end-of-day evaluation of one attendance day (SM-DAY), once per employee and date.

- The shift is the one assigned (by a supervisor or a published rota); a day without one is the
  default set's administrative shift, or rest on a C4 rest weekday.
- A rest day (HR-3) closes with nothing; approved leave excuses the day (HR-18), and so does a
  business errand signed by the direct supervisor (HR-11).
- No clock-in: AbsenceRecorded `refused_assignment` after a refused reassignment (HR-12 (c)),
  `no_leave_procedure` when a leave request covers the day but is not approved (HR-12 (a)), else
  `leave_overrun` when approved leave ended before the day with no extension and the employee has
  not been back since (HR-12 (a), HR-25; rest days in between do not break the run), else
  `full_day` (HR-12 (a)).
- Working time missed after the shift starts is lateness (HR-8; breaks do not count); over the
  threshold (default 60 minutes: exactly 60 is not over) without a make-up leave procedure it is
  AbsenceRecorded `late_over_1h` (HR-12 (b)); with one it becomes personal leave (HR-14).
- Working time missed before the end, by clocking out early or by an outing not announced to the
  office (HR-13), is early leave (HR-9); over the C5 threshold (0 = every early leave, 000 §2;
  60 = HR-12 (b)) it is AbsenceRecorded `early_leave`, unless a make-up leave procedure covers
  the day: HR-12 (b) excuses lateness *or early leave* made up by leave.
- At most one absence per day: one recorded by a supervisor earlier counts for the day.
The clock records decide (HR-10); a missing clock-out is not read as early leave.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from hr.time.domain.attendance_state import AttendanceDayState, Span
from hr.time.domain.policy import AttendancePolicy
from hr.time.domain.shifts import missed_minutes, resolve
from jetstream_es.errors import RuleViolated
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded
from shop_contracts.events.hr_attendance import (
    AttendanceDayEvaluated,
    DayOutcome,
    EarlyLeaveReason,
    EarlyLeaveRecorded,
    LatenessRecorded,
    ShiftKind,
)
from shop_contracts.messages import EventData

EVALUATE_DAY = "evaluate_day"
"""The deadline kind that fires this evaluation at the shift end plus the grace setting."""


def minutes(span: dt.timedelta) -> int:
    """Started minutes: 60 min 1 s late is 61 minutes, and over one hour."""
    return math.ceil(span.total_seconds() / 60)


def shift_of(
    state: AttendanceDayState, policy: AttendancePolicy, work_date: dt.date, business_tz: str
) -> tuple[ShiftKind, tuple[Span, ...]]:
    """The assigned shift, else rest on a C4 rest weekday, else the administrative shift of the
    default schedule (HR-1)."""
    if state.shift is not None:
        return state.shift, state.periods
    if policy.calendar.is_rest_weekday(work_date):
        return ShiftKind.REST, ()
    pattern = policy.schedules[policy.default_schedule][ShiftKind.ADMINISTRATIVE]
    return ShiftKind.ADMINISTRATIVE, resolve(pattern, work_date, business_tz)


def evaluate(
    state: AttendanceDayState,
    employee_id: str,
    work_date: dt.date,
    policy: AttendancePolicy,
    business_tz: str,
    now: dt.datetime,
    evaluated_by: str,
    overrun: tuple[str, dt.date] | None = None,
) -> list[EventData]:
    """`overrun` = (leave id, end date) when approved leave ended before this day and the employee
    has not been back since (the handler looks at the days before)."""
    if state.evaluated:
        raise RuleViolated(f"{employee_id}'s attendance on {work_date} is evaluated already", "SM-DAY")
    shift, periods = shift_of(state, policy, work_date, business_tz)
    if periods and now < periods[-1][1]:
        raise RuleViolated(f"{employee_id}'s {shift} shift on {work_date} has not ended", "SM-DAY")
    day = {"employee_id": employee_id, "work_date": work_date}
    events: list[EventData] = []

    def close(outcome: DayOutcome, leave: tuple[str, str] | None = None) -> list[EventData]:
        leave_id, leave_type = leave or (None, None)
        absent = outcome is DayOutcome.WORKED and state.absence is not None
        return [
            *events,
            AttendanceDayEvaluated(
                **day,
                shift=shift,
                outcome=DayOutcome.ABSENT if absent else outcome,
                leave_id=leave_id,
                leave_type=leave_type,
                evaluated_by=evaluated_by,
            ),
        ]

    def absence(kind: AbsenceKind, reason: str) -> None:
        if state.absence is None and not any(isinstance(e, AbsenceRecorded) for e in events):
            events.append(AbsenceRecorded(**day, kind=kind, days=Decimal(1), reason=reason))

    if shift is ShiftKind.REST:
        return close(DayOutcome.REST)
    approved = next(((i, n.leave_type) for i, n in sorted(state.leaves.items()) if n.approved), None)
    if approved is not None:
        return close(DayOutcome.LEAVE, approved)
    if state.errand:
        return close(DayOutcome.ERRAND)
    if state.clock_in is None:
        if state.refused:
            absence(AbsenceKind.REFUSED_ASSIGNMENT, "refused the reassignment and did not come (HR-12 (c))")
        elif overrun is not None:
            leave_id, ended = overrun
            absence(
                AbsenceKind.LEAVE_OVERRUN,
                f"leave {leave_id} ended on {ended} with no extension and no return (HR-12 (a), HR-25)",
            )
        elif state.leaves:
            absence(AbsenceKind.NO_LEAVE_PROCEDURE, "no clock-in; the leave is not approved (HR-12 (a))")
        else:
            absence(AbsenceKind.FULL_DAY, "no clock-in and no leave (HR-12 (a))")
        return close(DayOutcome.ABSENT)
    start, end = periods[0][0], periods[-1][1]
    late = missed_minutes(periods, start, state.clock_in)
    if late > dt.timedelta(0):
        events.append(LatenessRecorded(**day, minutes=minutes(late), made_up=state.made_up))
        if late > policy.late_absence_threshold and not state.made_up:
            absence(
                AbsenceKind.LATE_OVER_1H, f"{minutes(late)} minutes late without make-up leave (HR-12 (b))"
            )
    early = dt.timedelta(0)
    if state.clock_out is not None:
        gone = missed_minutes(periods, state.clock_out, end)
        if gone > dt.timedelta(0):
            early += gone
            events.append(
                EarlyLeaveRecorded(**day, minutes=minutes(gone), reason=EarlyLeaveReason.CLOCKED_OUT_EARLY)
            )
    for left, returned in state.unannounced_outings:
        gone = missed_minutes(periods, left, returned or end)
        if gone > dt.timedelta(0):
            early += gone
            events.append(
                EarlyLeaveRecorded(**day, minutes=minutes(gone), reason=EarlyLeaveReason.UNANNOUNCED_OUTING)
            )
    if early > policy.early_leave_absence_threshold and not state.made_up:
        absence(
            AbsenceKind.EARLY_LEAVE,
            f"{minutes(early)} minutes of early leave without make-up leave (HR-9, HR-12 (b), C5)",
        )
    absent = any(isinstance(e, AbsenceRecorded) for e in events)
    return close(DayOutcome.ABSENT if absent else DayOutcome.WORKED)
