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
