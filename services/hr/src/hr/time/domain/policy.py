"""The time context's business numbers, each declared once with its default, bounds and rule, in
the units operators set (env prefix `HR_`: the settings class inherits these models): the absence
ladder (HR-16 fines and dismissal thresholds), leave (HR-18/HR-24/HR-27 notice; HR-20, HR-21 sick
leave; HR-22, HR-26 approver boundaries and the two approver roles, C9; HR-19 unpaid types), the
attendance day (HR-1..HR-5 and C2 shift patterns; HR-12 and C5 lateness and early-leave
thresholds; HR-6 full attendance; SM-DAY evaluation grace), overtime (HR-31, HR-32) and how far back
a person may attest a past happening (HR-11 outings, HR-30 worked overtime: `AttestedTimePolicy`).

What does not come from `HR_` settings is named in `FROM_ELSEWHERE`: the department calendar (C4,
SHOP_CALENDAR_*), and, on `TimePolicy`, the business time zone and who may do what (C9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import ClassVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hr.shared.roles import DIRECT_SUPERVISOR, SENIOR_LEADER
from hr.time.domain.duty import DutyPolicy
from hr.time.domain.roles import DEFAULT_ROLES
from hr.time.domain.shifts import SEED_SCHEDULES, Schedules, parse
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.errors import InvalidCommand
from jetstream_es.roles import CommandRoles
from shop_contracts.events.hr_attendance import ShiftKind
from shop_contracts.events.hr_leave import LeaveType
from shop_contracts.messages import ROLE_ID_PATTERN


class LadderPolicy(BaseModel):
    """HR-16 read per-occurrence, each occurrence one day, 300 for the 2nd (not a cumulative total)."""

    model_config = ConfigDict(frozen=True)

    absence_fines: list[Decimal] = Field(
        default_factory=lambda: [Decimal(100), Decimal(300)],
        description="HR-16: fine for the 1st, 2nd, ... absence of the ladder year; none beyond the list",
    )
    dismissal_consecutive_days: int = Field(
        2, ge=1, description="HR-16: this many consecutive days absent reach the dismissal threshold"
    )
    dismissal_days_per_year: int = Field(
        3, ge=1, description="HR-16: this many days absent in the ladder year reach the dismissal threshold"
    )
    ladder_year_start_month: int = Field(
        1, ge=1, le=12, description="HR-16: 1 = calendar year; else the counting year starts that month"
    )

    @property
    def fines(self) -> tuple[Decimal, ...]:
        return tuple(self.absence_fines)

    @property
    def consecutive_days(self) -> int:
        return self.dismissal_consecutive_days

    @property
    def days_in_year(self) -> int:
        return self.dismissal_days_per_year

    @property
    def year_start_month(self) -> int:
        return self.ladder_year_start_month

    def year_of(self, day: dt.date) -> int:
        """The ladder year a work date counts in, named by the calendar year it starts in."""
        return day.year if day.month >= self.year_start_month else day.year - 1


class LeavePolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    leave_notice_days: int = Field(1, ge=0, description="HR-18, HR-24, HR-27: apply this many days ahead")
    sick_retroactive_max_days: int = Field(
        1, ge=0, description="HR-20: sick leave of at most this many days may be applied for afterwards"
    )
    certificate_over_days: int = Field(
        1, ge=0, description="HR-21: sick leave over this many days needs a hospital certificate"
    )
    sick_direct_max_days: int = Field(
        3,
        ge=0,
        description="HR-22: sick leave up to this many days → direct supervisor, longer → senior leader",
    )
    personal_direct_max_days: int = Field(
        2,
        ge=0,
        description="HR-26: personal leave up to this many days → direct supervisor, longer → senior leader",
    )
    leave_direct_approver: str = Field(
        DIRECT_SUPERVISOR,
        pattern=ROLE_ID_PATTERN,
        description="HR-22, HR-26 (C9): the role deciding leave up to the boundary (direct supervisor)",
    )
    leave_senior_approver: str = Field(
        SENIOR_LEADER,
        pattern=ROLE_ID_PATTERN,
        description="HR-22, HR-26 (C9): the role deciding leave beyond the boundary (senior leader)",
    )
    unpaid_leave_types: list[LeaveType] = Field(
        default_factory=lambda: [LeaveType.PERSONAL, LeaveType.SICK],
        description="HR-19: leave types that are unpaid",
    )

    @property
    def notice_days(self) -> int:
        return self.leave_notice_days

    @property
    def direct_approver(self) -> str:
        """HR-22, HR-26: the role deciding leave up to the boundary (HR_LEAVE_DIRECT_APPROVER)."""
        return self.leave_direct_approver

    @property
    def senior_approver(self) -> str:
        """HR-22, HR-26: the role deciding longer leave (HR_LEAVE_SENIOR_APPROVER)."""
        return self.leave_senior_approver

    @property
    def unpaid_types(self) -> frozenset[LeaveType]:
        return frozenset(self.unpaid_leave_types)


class AttendancePolicy(BaseModel):
    """SM-DAY: lateness or early leave over the threshold without reason is absenteeism (HR-12 (b));
    the early-leave threshold is conflict C5 (0 = 000 §2, every early leave is an absence, HR-9)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    FROM_ELSEWHERE: ClassVar[frozenset[str]] = frozenset({"calendar"})
    """Fields that are no `HR_` setting: the one department calendar (SHOP_CALENDAR_*)."""

    shift_schedules: dict[str, dict[str, list[list[str]]]] = Field(
        default_factory=lambda: SEED_SCHEDULES,
        description="HR-1..HR-5, C2: named shift-pattern sets, kind -> [[start, end], ...]",
    )
    default_shift_schedule: str = Field("000", description="C2: the 000 hours are the default")
    evaluation_grace_minutes: int = Field(
        30, ge=0, description="SM-DAY: the day is evaluated this long after the shift ends"
    )
    late_absence_threshold_minutes: int = Field(
        60, ge=0, description="HR-12 (b): lateness over this without reason or make-up leave is absence"
    )
    early_leave_absence_threshold_minutes: int = Field(
        60, ge=0, description="C5: early leave over this is absence; 0 = 000 §2 (HR-9), 60 = HR-12 (b)"
    )
    full_attendance_days: int = Field(26, ge=1, description="HR-6: worked days for full attendance")
    calendar: DepartmentCalendar = Field(
        default_factory=DepartmentCalendar,
        description="C4: the one department calendar (SHOP_CALENDAR_*): its rest weekdays are the days "
        "only the rota's duty pair works (003 weekend rota); none = everyone on post Monday to Sunday",
    )

    @model_validator(mode="after")
    def _default_has_an_administrative_shift(self) -> AttendancePolicy:
        if ShiftKind.ADMINISTRATIVE not in self.schedules.get(self.default_shift_schedule, {}):
            raise ValueError(
                f"default_shift_schedule: the default shift schedule {self.default_shift_schedule!r} "
                "needs an administrative shift (C2)"
            )
        return self

    @cached_property
    def schedules(self) -> Schedules:
        return parse(self.shift_schedules)

    @property
    def default_schedule(self) -> str:
        return self.default_shift_schedule

    @property
    def evaluation_grace(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.evaluation_grace_minutes)

    @property
    def late_absence_threshold(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.late_absence_threshold_minutes)

    @property
    def early_leave_absence_threshold(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.early_leave_absence_threshold_minutes)


class OvertimePolicy(BaseModel):
    """HR-32 (operations department, 001): required extra time of at most the threshold is not
    overtime (0 = every minute counts); HR-31: comp leave draws `comp_day_minutes` per day (HR-2's
    8.5 working hours)."""

    model_config = ConfigDict(frozen=True)

    overtime_not_counted_up_to_minutes: int = Field(
        60, ge=0, description="HR-32 (operations, 001): required extra time of at most this is not overtime"
    )
    comp_day_minutes: int = Field(
        510, ge=1, description="HR-31: comp time one day of comp leave draws (HR-2: 8.5 working hours)"
    )

    @property
    def not_overtime_up_to(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.overtime_not_counted_up_to_minutes)


class AttestedTimePolicy(BaseModel):
    """The client-given times that stay (README "Who decides a real-world time"): an outing's
    `left_at`/`returned_at` (HR-11, HR-13) and worked overtime's `started_at`/`ended_at` (HR-30..HR-32)
    are past happenings attested by a role-gated person, so they are bounded: never ahead of the
    service's clock by more than the skew, never older than the maximum age. The rules give no filing
    deadline; the default is one pay period (HR-33 pays a calendar month, 1st to month end, on the
    20th of the next), so nothing is attested after the month it falls in could have been paid."""

    model_config = ConfigDict(frozen=True)

    attested_time_max_age_days: int = Field(
        31,
        ge=1,
        description="HR-11, HR-30: an attested outing or worked overtime may be at most this many days old "
        "(default one pay period, HR-33)",
    )
    attested_time_future_skew_seconds: int = Field(
        300,
        ge=0,
        description="HR-11, HR-30: an attested time may be at most this far ahead of the service's clock "
        "(the attesting person's clock skew)",
    )

    @property
    def max_age(self) -> dt.timedelta:
        return dt.timedelta(days=self.attested_time_max_age_days)

    @property
    def future_skew(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.attested_time_future_skew_seconds)

    def check(self, now: dt.datetime, rule: str, **times: dt.datetime | None) -> None:
        """Raise InvalidCommand naming the field and `rule` for a time in the future (beyond the skew)
        or older than the maximum age (HR_ATTESTED_TIME_MAX_AGE_DAYS)."""
        for name, moment in times.items():
            if moment is None:
                continue
            if moment > now + self.future_skew:
                raise InvalidCommand(
                    f"{name} {moment.isoformat()} is in the future (the service's clock reads "
                    f"{now.isoformat()}); only a past happening is attested ({rule})",
                    rule,
                    fields=[name],
                )
            if moment < now - self.max_age:
                raise InvalidCommand(
                    f"{name} {moment.isoformat()} is more than {self.attested_time_max_age_days} days old "
                    f"(HR_ATTESTED_TIME_MAX_AGE_DAYS); it can no longer be attested ({rule})",
                    rule,
                    fields=[name],
                )


@dataclass(frozen=True)
class TimePolicy:
    """The time context's policies together, with what comes from elsewhere: the business time zone
    (SHOP_BUSINESS_TZ) and who may issue which command (C9, HR_COMMAND_ROLES)."""

    ladder: LadderPolicy = field(default_factory=LadderPolicy)
    leave: LeavePolicy = field(default_factory=LeavePolicy)
    attendance: AttendancePolicy = field(default_factory=AttendancePolicy)
    overtime: OvertimePolicy = field(default_factory=OvertimePolicy)
    attested: AttestedTimePolicy = field(default_factory=AttestedTimePolicy)
    duty: DutyPolicy = field(default_factory=DutyPolicy)
    """DUTY-1..DUTY-4, AS-22, C4: online hours, weekend cover, escalation, customer-service roles."""
    business_tz: str = "Asia/Shanghai"
    roles: CommandRoles = DEFAULT_ROLES
    """C9: who may issue which command (defaults in hr.time.domain.roles, HR_COMMAND_ROLES applied)."""

    def today(self, now: dt.datetime) -> dt.date:
        return now.astimezone(ZoneInfo(self.business_tz)).date()
