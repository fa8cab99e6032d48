"""The month's reporting rhythm and pay run as due items (KPI-8, C12; KPI-5), pure.

When a month's plan is first set (a target or quota for it), its due items are known: the daily
report of every working day of the department calendar (C4), the Friday statistics of every ISO
week whose Friday is in the month and the minutes of the Monday 10:00 meeting of every week whose
Monday is in it, the 1st-of-month statistics of the month (due on the 1st of the next), the
month-end report (due its last day), the compliance inspection of the month's quarter (KPI-12,
due the quarter's last day; scheduled once however many of its months are planned), and the
month's pay run on the 1st of the next month
(`month_pay_at`). Each report item has a reminder `reminder_lead_min` before its due time.
A target holder's daily log-in (KPI-11) is due at `login_by` of each working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from jetstream_es.department_calendar import DepartmentCalendar
from kpi.domain.months import bounds
from kpi.domain.policy import KpiPolicy
from kpi.domain.work import due_at
from shop_contracts.events.kpi import ReportKind

REMINDER: Final = "report_reminder"
OVERDUE: Final = "report_overdue"
MONTH_PAY: Final = "month_pay"
LOGIN: Final = "daily_login"


@dataclass(frozen=True)
class DueItem:
    id: str
    kind: str
    aggregate_id: str
    due_at: dt.datetime
    payload: dict[str, str]


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def report_items(kind: ReportKind, period: str, policy: KpiPolicy, tz: ZoneInfo) -> list[DueItem]:
    due = due_at(kind, period, policy, tz)
    remind = due - dt.timedelta(minutes=policy.reports.reminder_lead_min)
    report = f"{kind.value}-{period}"
    payload = {"kind": kind.value, "period": period, "due_at": due.isoformat()}
    return [
        DueItem(f"{REMINDER}/{report}", REMINDER, report, remind, payload),
        DueItem(f"{OVERDUE}/{report}", OVERDUE, report, due, payload),
    ]


def month_items(month: str, policy: KpiPolicy, tz: ZoneInfo, calendar: DepartmentCalendar) -> list[DueItem]:
    first, last = bounds(month)
    reports: list[tuple[ReportKind, str]] = []
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            reports.append((ReportKind.DAILY_REPORT, day.isoformat()))
        if day.isoweekday() == 5:
            reports.append((ReportKind.WEEKLY_STATISTICS, _week(day)))
        if day.isoweekday() == 1:
            reports.append((ReportKind.WEEKLY_MEETING_MINUTES, _week(day)))
        day += dt.timedelta(days=1)
    reports += [(ReportKind.MONTHLY_STATISTICS, month), (ReportKind.MONTH_END_REPORT, month)]
    reports.append((ReportKind.COMPLIANCE_INSPECTION, f"{first.year}-Q{(first.month - 1) // 3 + 1}"))
    items = [item for kind, period in reports for item in report_items(kind, period, policy, tz)]
    pay_at = dt.datetime.combine(last + dt.timedelta(days=1), policy.month_pay_at, tzinfo=tz)
    items.append(DueItem(f"{MONTH_PAY}/{month}", MONTH_PAY, month, pay_at, {"month": month}))
    return items


def login_items(
    month: str, employee_id: str, policy: KpiPolicy, tz: ZoneInfo, calendar: DepartmentCalendar
) -> list[DueItem]:
    """KPI-11: a target holder's daily log-in, due at `login_by` of each working day of the month."""
    first, last = bounds(month)
    items, day = [], first
    while day <= last:
        if calendar.is_working_day(day):
            due = dt.datetime.combine(day, policy.login_by, tzinfo=tz)
            login = f"{employee_id}-{day.isoformat()}"
            payload = {"employee_id": employee_id, "day": day.isoformat(), "due_at": due.isoformat()}
            items.append(DueItem(f"{LOGIN}/{login}", LOGIN, login, due, payload))
        day += dt.timedelta(days=1)
    return items
