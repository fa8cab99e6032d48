"""The AttendanceDay aggregate's state, one per employee per work date (SM-DAY): the assigned
shift (HR-1..HR-4), clock records and HR's corrections of them (HR-10), errands (HR-11), outings (HR-13), make-up leave (HR-14),
a refused reassignment (HR-12 (c)), the leave covering the day, what the evaluation found, and an
absence rescinded afterwards (HR-14, HR-20, HR-25).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from hr.time.domain.events import LeaveNotedForDay
from jetstream_es.aggregate import AggregateType
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import HR_ATTENDANCE_DAY
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

Span = tuple[dt.datetime, dt.datetime]


def day_id(employee_id: str, work_date: dt.date) -> str:
    return f"{employee_id}_{work_date.isoformat()}"


@dataclass(frozen=True)
class LeaveNote:
    leave_type: str
    approved: bool


@dataclass(frozen=True)
class Punch:
    """A clock record as the terminal (or office) sent it, stamped by the service (HR-10)."""

    punch: PunchKind
    at: dt.datetime
    source: str


@dataclass(frozen=True)
class Correction:
    """HR's correction of a punch: who, when, why, and the punch it replaced (HR-10)."""

    punch: PunchKind
    at: dt.datetime
    original: dt.datetime | None
    corrected_by: str
    corrected_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class AttendanceDayState:
    employee_id: str = ""
    work_date: dt.date | None = None
    absence: AbsenceKind | None = None
    absence_days: Decimal = Decimal(0)
    shift: ShiftKind | None = None
    rota_id: str | None = None
    periods: tuple[Span, ...] = ()
    clock_in: dt.datetime | None = None
    """The arrival the day is judged on: HR's latest correction, else the first clock-in (HR-10)."""
    clock_out: dt.datetime | None = None
    """The departure the day is judged on: HR's latest correction, else the last clock-out."""
    punches: tuple[Punch, ...] = ()
    corrections: tuple[Correction, ...] = ()
    errand: bool = False
    unannounced_outings: tuple[tuple[dt.datetime, dt.datetime | None], ...] = ()
    made_up: bool = False
    refused: bool = False
    leaves: Mapping[str, LeaveNote] = field(default_factory=dict)
    evaluated: bool = False
    lateness_minutes: int = 0
    early_leave_minutes: int = 0

    def corrected(self, punch: PunchKind) -> bool:
        """HR corrected this punch: later clock records of the same kind no longer move it."""
        return any(c.punch is punch for c in self.corrections)


def _day(state: AttendanceDayState, event: EventData) -> AttendanceDayState:
    employee_id: str = getattr(event, "employee_id", state.employee_id)
    work_date: dt.date | None = getattr(event, "work_date", state.work_date)
    return replace(state, employee_id=employee_id, work_date=work_date)


def evolve(state: AttendanceDayState, event: EventData) -> AttendanceDayState:
    state = _day(state, event)
    match event:
        case AbsenceRecorded():
            return replace(state, absence=event.kind, absence_days=event.days)
        case AbsenceRescinded():
            return replace(state, absence=None, absence_days=Decimal(0))
        case LatenessRecorded():
            return replace(state, lateness_minutes=event.minutes)
        case EarlyLeaveRecorded():
            return replace(state, early_leave_minutes=state.early_leave_minutes + event.minutes)
        case ShiftAssigned():
            return replace(state, shift=event.shift, periods=event.periods, rota_id=event.rota_id)
        case ClockedIn():
            punches = (*state.punches, Punch(PunchKind.IN, event.at, event.source))
            if state.corrected(PunchKind.IN):
                return replace(state, punches=punches)
            first = event.at if state.clock_in is None else min(state.clock_in, event.at)
            return replace(state, clock_in=first, punches=punches)
        case ClockedOut():
            punches = (*state.punches, Punch(PunchKind.OUT, event.at, event.source))
            if state.corrected(PunchKind.OUT):
                return replace(state, punches=punches)
            last = event.at if state.clock_out is None else max(state.clock_out, event.at)
            return replace(state, clock_out=last, punches=punches)
        case ClockPunchCorrected():
            correction = Correction(
                event.punch, event.at, event.original, event.corrected_by, event.corrected_at, event.reason
            )
            state = replace(state, corrections=(*state.corrections, correction))
            if event.punch is PunchKind.IN:
                return replace(state, clock_in=event.at)
            return replace(state, clock_out=event.at)
        case AttendanceDayRejudged():
            return replace(
                state,
                lateness_minutes=event.lateness_minutes,
                early_leave_minutes=event.early_leave_minutes,
            )
        case BusinessErrandApproved():
            return replace(state, errand=True)
        case OutingRecorded(announced=False):
            outings = (*state.unannounced_outings, (event.left_at, event.returned_at))
            return replace(state, unannounced_outings=outings)
        case MakeUpLeaveRecorded():
            return replace(state, made_up=True)
        case ReassignmentRefused():
            return replace(state, refused=True)
        case LeaveNotedForDay(withdrawn=True):
            return replace(state, leaves={k: v for k, v in state.leaves.items() if k != event.leave_id})
        case LeaveNotedForDay():
            previous = state.leaves.get(event.leave_id)
            approved = event.approved or (previous is not None and previous.approved)
            leaves = {**state.leaves, event.leave_id: LeaveNote(event.leave_type, approved)}
            return replace(state, leaves=leaves)
        case AttendanceDayEvaluated():
            return replace(state, evaluated=True)
    return state


registry = EventRegistry(
    [
        AbsenceRecorded,
        ShiftAssigned,
        ClockedIn,
        ClockedOut,
        BusinessErrandApproved,
        OutingRecorded,
        MakeUpLeaveRecorded,
        ReassignmentRefused,
        LeaveNotedForDay,
        LatenessRecorded,
        EarlyLeaveRecorded,
        AttendanceDayEvaluated,
        AbsenceRescinded,
        ClockPunchCorrected,
        AttendanceDayRejudged,
    ]
)
ATTENDANCE_DAY = AggregateType.of(HR_ATTENDANCE_DAY, registry, AttendanceDayState, evolve)
