"""HR's working-time events: the published rota (HR-1..HR-6, C4), overtime (HR-30, HR-32) and comp
time (HR-31): earned by rest-day overtime, recognised only once filed with the office, drawn by
comp leave."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData


class RotaDay(BaseModel):
    """Who is on which shift on one day of a rota: the duty pair (HR-1), the rest days (HR-3, C4)
    and everyone else on the administrative shift (HR-2)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    work_date: dt.date
    main: str = Field(pattern=ID_PATTERN)
    assistant: str = Field(pattern=ID_PATTERN)
    administrative: tuple[str, ...] = ()
    rest: tuple[str, ...] = ()


class RotaPublished(EventData):
    """A validated rota for a period; a later revision of the same rota replaces it."""

    rota_id: str = Field(pattern=ID_PATTERN)
    revision: int = Field(ge=1)
    period_start: dt.date
    period_end: dt.date
    schedule: str = Field(min_length=1, max_length=32, description="the shift-pattern set (C2)")
    employees: tuple[str, ...]
    days: tuple[RotaDay, ...]
    published_by: str = Field(min_length=1, max_length=128)


class OvertimeAssigned(EventData):
    """A leader orders overtime (HR-30; HR-32: a leader's temporary task out of hours)."""

    overtime_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    start_at: AwareDatetime
    end_at: AwareDatetime
    assigned_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(max_length=1000)


class OvertimeRefused(EventData):
    """The employee refused ordered overtime (HR-30). Not absenteeism: without a special reason, and
    with a loss or delay, it is a matter for discipline (criticism, fine or removal)."""

    overtime_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    special_reason: bool
    reason: str = Field(max_length=1000)
    recorded_by: str = Field(min_length=1, max_length=128)


class OvertimeWorked(EventData):
    """Ordered overtime actually worked. `counted_minutes` is 0 when the time is not overtime under
    HR-32 (at most the threshold); on a rest day the counted minutes earn comp time (HR-31)."""

    overtime_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    started_at: AwareDatetime
    ended_at: AwareDatetime
    minutes: int = Field(ge=1)
    counted_minutes: int = Field(ge=0)
    rest_day: bool
    comp_minutes: int = Field(ge=0, description="comp time earned, recognised once filed (HR-31)")
    recorded_by: str = Field(min_length=1, max_length=128)


class CompTimeFiled(EventData):
    """The comp time of a rest-day overtime was filed; only now is it recognised (HR-31).

    `filed_with` is the body the filer acted for, one of the roles of `FileCompTime` (the office by
    default, HR_COMMAND_ROLES, C9)."""

    overtime_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    minutes: int = Field(ge=1)
    filed_with: str = Field(default="office", max_length=32)
    filed_by: str = Field(min_length=1, max_length=128)


class CompTimeCredited(EventData):
    """Filed comp time added to the employee's balance (HR-31)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    overtime_id: str = Field(pattern=ID_PATTERN)
    minutes: int = Field(ge=1)


class CompTimeDrawn(EventData):
    """Comp leave requested: its days drawn from the balance (HR-31)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    leave_id: str = Field(pattern=ID_PATTERN)
    days: int = Field(ge=1)
    minutes: int = Field(ge=1)


class CompTimeRestored(EventData):
    """Comp leave rejected: the minutes drawn for it go back to the balance (HR-31)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    leave_id: str = Field(pattern=ID_PATTERN)
    minutes: int = Field(ge=1)
