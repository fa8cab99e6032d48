"""Commands of the HR service, on `hr.commands.<CommandName>` (rules.md §10.4; SM-ABS, SM-LEAVE,
SM-DAY).

Field validation only; the rules (roles, approver routing, the 1-day-ahead rule, certificates,
the fine ladder) are enforced by the HR domain.
"""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from shop_contracts.events.hr import AbsenceKind
from shop_contracts.events.hr_attendance import PunchKind, ShiftKind
from shop_contracts.events.hr_leave import LeaveType
from shop_contracts.messages import ID_PATTERN, Command, FieldError

EMPLOYEE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""Employee ids are at most 64 characters, so `<employee>_<date>` stays one subject token."""


class RecordAbsence(Command):
    """A supervisor records an absence the clock cannot see: refused reassignment, off post (HR-7, HR-12)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    work_date: dt.date
    kind: AbsenceKind
    reason: str = Field(min_length=1, max_length=500)


class DismissEmployee(Command):
    """A manager confirms the open dismissal proposal of a ladder year (HR-16, SM-ABS)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    year: int = Field(ge=2000, le=9999)
    effective_date: dt.date
    note: str = Field(default="", max_length=1000)


class DeclineDismissal(Command):
    """A manager declines the open dismissal proposal of a ladder year (HR-16, SM-ABS)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    year: int = Field(ge=2000, le=9999)
    reason: str = Field(min_length=1, max_length=1000)


class SubmitLeave(Command):
    """The employee applies for leave, dates inclusive (HR-18, HR-20, HR-21, HR-24, HR-25, HR-27)."""

    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    leave_type: LeaveType
    start_date: dt.date
    end_date: dt.date
    reason: str = Field(min_length=1, max_length=1000)
    emergency: bool = Field(default=False, description="reported by phone or message, filed afterwards")
    certificate_ref: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> SubmitLeave:
        if self.end_date < self.start_date:
            raise FieldError("end_date is before start_date", "end_date")
        if (self.end_date - self.start_date).days > 365:
            raise FieldError("at most 366 days of leave per request", "end_date")
        return self


class AttachMedicalCertificate(Command):
    """The hospital certificate for sick leave over one day (HR-21)."""

    leave_id: str = Field(pattern=ID_PATTERN)
    certificate_ref: str = Field(min_length=1, max_length=200)


class ApproveLeave(Command):
    """The routed approver approves the request or its pending extension (HR-18, HR-22, HR-26)."""

    leave_id: str = Field(pattern=ID_PATTERN)
    accept_emergency: bool = Field(
        default=False,
        description="HR-25: the approver accepts the emergency that excuses a request made without "
        "the one-day notice; required to approve such a request",
    )


class RejectLeave(Command):
    """The routed approver rejects the request or its pending extension (HR-18, HR-22, HR-26)."""

    leave_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=1000)


class FileLeave(Command):
    """The office keeps the form and HR the record (HR-12 (d), HR-18, conflict C18)."""

    leave_id: str = Field(pattern=ID_PATTERN)


class ExtendLeave(Command):
    """The employee asks, before the leave ends, to extend it to `new_end_date` (HR-25)."""

    leave_id: str = Field(pattern=ID_PATTERN)
    new_end_date: dt.date
    reason: str = Field(min_length=1, max_length=1000)


class WithdrawLeave(Command):
    """The employee withdraws their request while it is pending, or before approved leave starts
    (SM-LEAVE: → Cancelled)."""

    leave_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=1000)


class AssignShift(Command):
    """A supervisor sets an employee's shift for a date from a shift-pattern set (HR-1..HR-5, C2)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    work_date: dt.date
    shift: ShiftKind
    schedule: str | None = Field(default=None, min_length=1, max_length=32, description="default: setting")


SERVICE_STAMPED = (
    "the punch time is the service clock's at receipt (HR-10); HR corrects a punch with CorrectClockPunch"
)


class RecordClockIn(Command):
    """A clock record of arrival, stamped with the service's clock at receipt; the work date is the
    business-time date of that instant (HR-10). A body with `at` is refused: see CorrectClockPunch."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    source: str = Field(default="terminal", min_length=1, max_length=64)
    at: SkipJsonSchema[None] = Field(default=None, exclude=True)
    """Not part of the command: present only so a body naming it is refused at `at` (HR-10)."""

    @field_validator("at", mode="before")
    @classmethod
    def _stamped(cls, value: object) -> None:
        raise ValueError(SERVICE_STAMPED)


class RecordClockOut(Command):
    """A clock record of departure, stamped with the service's clock at receipt (HR-10)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    source: str = Field(default="terminal", min_length=1, max_length=64)
    at: SkipJsonSchema[None] = Field(default=None, exclude=True)
    """Not part of the command: present only so a body naming it is refused at `at` (HR-10)."""

    @field_validator("at", mode="before")
    @classmethod
    def _stamped(cls, value: object) -> None:
        raise ValueError(SERVICE_STAMPED)


class CorrectClockPunch(Command):
    """HR corrects (or supplies a missing) clock-in or clock-out of a work date, with a reason
    (HR-10): its own event, the original kept; the day's lateness and early leave are judged on the
    corrected time, and a day already evaluated is judged again. The corrected time lies on the
    work date (business time) and not in the future."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    work_date: dt.date
    punch: PunchKind
    at: AwareDatetime = Field(description="the corrected time of the punch")
    reason: str = Field(min_length=1, max_length=500)


class ApproveBusinessErrand(Command):
    """The direct supervisor signs an errand for a work date, filed with the office (HR-11)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    work_date: dt.date
    reason: str = Field(min_length=1, max_length=1000)


class RecordOuting(Command):
    """An outing during the shift, announced to the office beforehand or not (HR-13)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    left_at: AwareDatetime
    returned_at: AwareDatetime | None = None
    announced: bool
    reason: str = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _ordered(self) -> RecordOuting:
        if self.returned_at is not None and self.returned_at <= self.left_at:
            raise FieldError("returned_at is not after left_at", "returned_at")
        return self


class RecordMakeUpLeave(Command):
    """A completed make-up leave procedure turns the day's lateness into personal leave (HR-14)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    work_date: dt.date
    reason: str = Field(min_length=1, max_length=1000)


class RecordReassignmentRefusal(Command):
    """The employee refused a reassignment for a work date (HR-12 (c))."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    work_date: dt.date
    reason: str = Field(min_length=1, max_length=1000)


class EvaluateAttendanceDay(Command):
    """The end-of-day evaluation (SM-DAY); a deadline fires it, a supervisor may call it early."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    work_date: dt.date
