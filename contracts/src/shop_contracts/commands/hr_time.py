"""HR working-time commands, on `hr.commands.<CommandName>`: the rota (HR-1..HR-6, C4), overtime
(HR-30, HR-32) and comp time (HR-31). Field validation only; the rules are the HR domain's."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shop_contracts.commands.hr import EMPLOYEE_ID_PATTERN
from shop_contracts.messages import ID_PATTERN, Command, FieldError

EmployeeId = Annotated[str, Field(pattern=EMPLOYEE_ID_PATTERN)]


class DutyPair(BaseModel):
    """One day's duty pair (HR-1) and who rests that day besides (HR-3, HR-6, C4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    work_date: dt.date
    main: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    assistant: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    rest: tuple[EmployeeId, ...] = Field(default=(), max_length=200)


class PublishRota(Command):
    """The supervisor publishes the rota of `employees` for a period (both ends included): a duty
    pair each day, a rest day after every main shift, everyone else administrative (HR-1..HR-4)."""

    rota_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    period_start: dt.date
    period_end: dt.date
    schedule: str | None = Field(default=None, min_length=1, max_length=32, description="default: setting")
    employees: tuple[EmployeeId, ...] = Field(min_length=2, max_length=200)
    days: tuple[DutyPair, ...] = Field(max_length=62)

    @model_validator(mode="after")
    def _period(self) -> PublishRota:
        if self.period_end < self.period_start:
            raise FieldError("period_end is before period_start", "period_end")
        if (self.period_end - self.period_start).days > 61:
            raise FieldError("a rota covers at most 62 days", "period_end")
        return self


class AssignOvertime(Command):
    """A leader orders overtime for a work date (HR-30, HR-32)."""

    overtime_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    start_at: AwareDatetime
    end_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _ordered(self) -> AssignOvertime:
        if self.end_at <= self.start_at:
            raise FieldError("end_at is not after start_at", "end_at")
        if self.end_at - self.start_at > dt.timedelta(hours=24):
            raise FieldError("overtime is ordered for at most 24 hours at a time", "end_at")
        return self


class RecordOvertimeRefusal(Command):
    """The employee refused the ordered overtime, with or without a special reason (HR-30)."""

    overtime_id: str = Field(pattern=ID_PATTERN)
    special_reason: bool
    reason: str = Field(min_length=1, max_length=1000)


class RecordOvertimeWorked(Command):
    """The ordered overtime was worked from `started_at` to `ended_at` (HR-30..HR-32)."""

    overtime_id: str = Field(pattern=ID_PATTERN)
    started_at: AwareDatetime
    ended_at: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> RecordOvertimeWorked:
        if self.ended_at <= self.started_at:
            raise FieldError("ended_at is not after started_at", "ended_at")
        if self.ended_at - self.started_at > dt.timedelta(hours=24):
            raise FieldError("at most 24 hours of overtime at a time", "ended_at")
        return self


class FileCompTime(Command):
    """The office files the comp time of a rest-day overtime; unfiled it is not recognised (HR-31)."""

    overtime_id: str = Field(pattern=ID_PATTERN)


class PublishWeekendCsRota(Command):
    """The customer-service supervisor publishes who of the back-office customer-service staff is on
    duty on the Saturday and the Sunday of a weekend (DUTY-2, C4 003); publishing the same weekend
    again replaces it (a new revision)."""

    saturday: dt.date = Field(description="the weekend's Saturday (DUTY-2)")
    saturday_staff: tuple[EmployeeId, ...] = Field(default=(), max_length=20)
    sunday_staff: tuple[EmployeeId, ...] = Field(default=(), max_length=20)

    @model_validator(mode="after")
    def _weekend(self) -> PublishWeekendCsRota:
        if self.saturday.weekday() != 5:
            raise FieldError(f"saturday: {self.saturday} is a {self.saturday:%A}, not a Saturday", "saturday")
        for name, staff in (("saturday_staff", self.saturday_staff), ("sunday_staff", self.sunday_staff)):
            if len(set(staff)) != len(staff):
                raise FieldError(f"{name}: an employee is named twice on one day", name)
        return self


class DesignateDutyManager(Command):
    """The duty customer-service manager for the nights of a date range (both ends included): the
    400 hotline is forwarded to their mobile outside online hours (DUTY-3, AS-22). A later
    designation overlapping the range replaces the earlier one for the dates it covers."""

    designation_id: str = Field(pattern=ID_PATTERN)
    manager_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    start_date: dt.date
    end_date: dt.date

    @model_validator(mode="after")
    def _range(self) -> DesignateDutyManager:
        if self.end_date < self.start_date:
            raise FieldError("end_date is before start_date", "end_date")
        if (self.end_date - self.start_date).days > 61:
            raise FieldError("a designation covers at most 62 days", "end_date")
        return self
