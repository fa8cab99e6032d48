"""HR's attendance-day events (SM-DAY; HR-1..HR-4 shifts, HR-8..HR-14 clock records, errands,
outings, make-up leave and the end-of-day evaluation). AbsenceRecorded stays in `events.hr`."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, EventData


class ShiftKind(StrEnum):
    """HR-1: a daily duty pair (main, assistant); everyone else works the administrative shift."""

    ADMINISTRATIVE = "administrative"
    MAIN = "main"
    ASSISTANT = "assistant"
    REST = "rest"


class ShiftAssigned(EventData):
    """The employee's shift for a work date, resolved from a shift pattern (HR-1..HR-5, C2)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    shift: ShiftKind
    schedule: str = Field(min_length=1, max_length=32, description="the shift-pattern set, e.g. 000")
    periods: tuple[tuple[AwareDatetime, AwareDatetime], ...] = Field(
        default=(), description="working periods (breaks between them); empty on a rest day"
    )
    assigned_by: str = Field(min_length=1, max_length=128)
    rota_id: str | None = Field(
        default=None, max_length=64, description="set when a published rota assigned it"
    )


class ClockedIn(EventData):
    """A clock record of arrival; the clock record decides (HR-10)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    at: AwareDatetime
    source: str = Field(default="terminal", max_length=64)


class ClockedOut(EventData):
    """A clock record of departure (HR-10)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    at: AwareDatetime
    source: str = Field(default="terminal", max_length=64)


class PunchKind(StrEnum):
    """Which clock record of the day (HR-10)."""

    IN = "in"
    OUT = "out"


class ClockPunchCorrected(EventData):
    """HR corrected a clock record of the day (HR-10); `original` is the punch it replaces (None
    when the day had none). The evaluation uses `at`."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    punch: PunchKind
    at: AwareDatetime
    original: AwareDatetime | None = None
    corrected_by: str = Field(min_length=1, max_length=128)
    corrected_at: AwareDatetime = Field(description="the service's clock when the correction was recorded")
    reason: str = Field(min_length=1, max_length=500)


class BusinessErrandApproved(EventData):
    """The direct supervisor signed an errand, filed with the office: it excuses the clock (HR-11)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    approved_by: str = Field(min_length=1, max_length=128)
    filed_with: str = Field(default="office", max_length=32)
    reason: str = Field(max_length=1000)


class OutingRecorded(EventData):
    """Going out during the shift; unannounced to the office it counts as early leave (HR-13)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    left_at: AwareDatetime
    returned_at: AwareDatetime | None = None
    announced: bool
    recorded_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(max_length=1000)


class MakeUpLeaveRecorded(EventData):
    """A make-up leave procedure: the day's lateness becomes personal leave (HR-14, HR-12 (b))."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    recorded_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(max_length=1000)


class ReassignmentRefused(EventData):
    """The employee refused a reassignment; not coming to work is then absenteeism (HR-12 (c))."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    recorded_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(max_length=1000)


class LatenessRecorded(EventData):
    """Working minutes missed at the start of the shift (HR-8); `made_up` = turned into personal
    leave (HR-14)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    minutes: int = Field(ge=1)
    made_up: bool = False


class EarlyLeaveReason(StrEnum):
    CLOCKED_OUT_EARLY = "clocked_out_early"
    UNANNOUNCED_OUTING = "unannounced_outing"


class EarlyLeaveRecorded(EventData):
    """Working minutes missed before the end of the shift (HR-9, HR-13)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    minutes: int = Field(ge=1)
    reason: EarlyLeaveReason


class DayOutcome(StrEnum):
    WORKED = "worked"
    ERRAND = "errand"
    LEAVE = "leave"
    ABSENT = "absent"
    REST = "rest"


class AttendanceDayEvaluated(EventData):
    """The end-of-day evaluation closed the day (SM-DAY); it happens once per employee and date."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    shift: ShiftKind
    outcome: DayOutcome
    leave_id: str | None = None
    leave_type: str | None = Field(default=None, max_length=32)
    evaluated_by: str = Field(min_length=1, max_length=128)


class AttendanceDayRejudged(EventData):
    """A clock correction on a day already evaluated (HR-10): the evaluation's findings on the
    corrected punches, replacing the day's lateness (HR-8), early leave (HR-9) and outcome. A
    changed absence comes with AbsenceRescinded / AbsenceRecorded, which the ladder counts (HR-16)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    outcome: DayOutcome
    lateness_minutes: int = Field(ge=0)
    early_leaves: int = Field(ge=0)
    early_leave_minutes: int = Field(ge=0)
    rejudged_by: str = Field(min_length=1, max_length=128)
