"""The business numbers of the absence ladder and of leave, given by configuration with the seeds'
defaults (HR-16 fines and dismissal thresholds; HR-18/HR-24/HR-27 notice; HR-20, HR-21 sick leave;
HR-22, HR-26 approver boundaries; HR-19 unpaid types)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

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
    unpaid_types: frozenset[LeaveType] = frozenset({LeaveType.PERSONAL, LeaveType.SICK})


@dataclass(frozen=True)
class HrPolicy:
    ladder: LadderPolicy = LadderPolicy()
    leave: LeavePolicy = LeavePolicy()
    business_tz: str = "Asia/Shanghai"

    def today(self, now: dt.datetime) -> dt.date:
        return now.astimezone(ZoneInfo(self.business_tz)).date()
