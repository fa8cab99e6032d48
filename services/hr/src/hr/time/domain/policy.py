"""The business numbers of the absence ladder and of leave, given by configuration with the seeds'
defaults (HR-16 fines and dismissal thresholds; HR-18/HR-24/HR-27 notice; HR-20, HR-21 sick leave;
HR-22, HR-26 approver boundaries and the two approver roles (C9: role mapping); HR-19 unpaid types; HR-1..HR-5 and C2 shift patterns; HR-12 and
C5 lateness and early-leave thresholds; HR-6 full attendance; C4 rest weekdays; HR-31, HR-32
overtime and comp time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from hr.shared.roles import DIRECT_SUPERVISOR, SENIOR_LEADER
from hr.time.domain.roles import DEFAULT_ROLES
from hr.time.domain.shifts import SEED_SCHEDULES, Schedules, parse
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.roles import CommandRoles
from shop_contracts.events.hr_attendance import ShiftKind
from shop_contracts.events.hr_leave import LeaveType


@dataclass(frozen=True)
class LadderPolicy:
    """HR-16 read per-occurrence, each occurrence one day, 300 for the 2nd (not a cumulative total)."""

    fines: tuple[Decimal, ...] = (Decimal(100), Decimal(300))
    consecutive_days: int = 2
    days_in_year: int = 3
    year_start_month: int = 1
    """1 = the calendar year; another month starts the counting year on the 1st of that month."""

    def year_of(self, day: dt.date) -> int:
        """The ladder year a work date counts in, named by the calendar year it starts in."""
        return day.year if day.month >= self.year_start_month else day.year - 1


@dataclass(frozen=True)
class LeavePolicy:
    notice_days: int = 1
    sick_retroactive_max_days: int = 1
    certificate_over_days: int = 1
    sick_direct_max_days: int = 3
    personal_direct_max_days: int = 2
    direct_approver: str = DIRECT_SUPERVISOR
    """HR-22, HR-26: the role deciding leave up to the boundary (HR_LEAVE_DIRECT_APPROVER)."""
    senior_approver: str = SENIOR_LEADER
    """HR-22, HR-26: the role deciding longer leave (HR_LEAVE_SENIOR_APPROVER)."""
    unpaid_types: frozenset[LeaveType] = frozenset({LeaveType.PERSONAL, LeaveType.SICK})


@dataclass(frozen=True)
class AttendancePolicy:
    """SM-DAY: lateness or early leave over the threshold without reason is absenteeism (HR-12 (b));
    the early-leave threshold is conflict C5 (0 = 000 §2, every early leave is an absence, HR-9)."""

    schedules: Schedules = field(default_factory=lambda: parse(SEED_SCHEDULES))
    default_schedule: str = "000"
    evaluation_grace: dt.timedelta = dt.timedelta(minutes=30)
    late_absence_threshold: dt.timedelta = dt.timedelta(minutes=60)
    early_leave_absence_threshold: dt.timedelta = dt.timedelta(minutes=60)
    full_attendance_days: int = 26
    calendar: DepartmentCalendar = field(default_factory=DepartmentCalendar)
    """C4: the one department calendar (SHOP_CALENDAR_*): its rest weekdays are the days only the rota's
    duty pair works (003 weekend rota); none = everyone on post Monday to Sunday (000, the default)."""

    def __post_init__(self) -> None:
        if ShiftKind.ADMINISTRATIVE not in self.schedules.get(self.default_schedule, {}):
            raise ValueError(
                f"the default shift schedule {self.default_schedule!r} needs an administrative shift"
            )


@dataclass(frozen=True)
class OvertimePolicy:
    """HR-32 (operations department, 001): required extra time of at most `not_overtime_up_to` is not
    overtime (0 = every minute counts); HR-31: comp leave draws `comp_day_minutes` per day (HR-2's
    8.5 working hours)."""

    not_overtime_up_to: dt.timedelta = dt.timedelta(minutes=60)
    comp_day_minutes: int = 510


@dataclass(frozen=True)
class HrPolicy:
    ladder: LadderPolicy = LadderPolicy()
    leave: LeavePolicy = LeavePolicy()
    attendance: AttendancePolicy = field(default_factory=AttendancePolicy)
    overtime: OvertimePolicy = OvertimePolicy()
    business_tz: str = "Asia/Shanghai"
    roles: CommandRoles = DEFAULT_ROLES
    """C9: who may issue which command (defaults in roles.py and people_roles.py, HR_COMMAND_ROLES)."""

    def today(self, now: dt.datetime) -> dt.date:
        return now.astimezone(ZoneInfo(self.business_tz)).date()
