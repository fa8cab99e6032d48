"""The shipping side's business numbers as plain data, and the shipping calendar (FUL-1, FUL-2);
who the warehouse reports to (C14: FUL-4, FUL-5, FUL-7); who may issue which command (C9, `roles`).

FUL-2 (designer note made explicit): an order joins the batch of the day on which it becomes
eligible (placed, paid, remarked and confirmed) if that moment is before the cut-off, in the
business time zone; at or after the cut-off it joins the next day's batch. 13:59:59 is today,
14:00:00 is tomorrow. A day that is not a shipping day (a holiday or a rest weekday of the one
department calendar, C4) passes its orders on to the next shipping day. The report itself may only be made
at or after the cut-off of its day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from fulfilment.shipping.domain.roles import DEFAULT_ROLES
from fulfilment.warehouse import WAREHOUSE_REPORT_RECIPIENTS
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.roles import CommandRoles

SERIES: Final = ("report", "waybill", "outbound_note", "invoice")
DEFAULT_PREFIXES: Final = {"report": "DR", "waybill": "WB", "outbound_note": "CK", "invoice": "FP"}
DAILY_REPORT_ROLE: Final = "dept_manager"
"""C14, 000's reporting line: who receives the filled daily shipping report (FUL-7). The default of
the setting `FULFILMENT_DAILY_REPORT_TO_ROLE`."""


@dataclass(frozen=True)
class ShippingPolicy:
    cutoff: time = time(14, 0)
    business_tz: str = "Asia/Shanghai"
    calendar: DepartmentCalendar = field(default_factory=DepartmentCalendar)
    """FUL-2, C4: the department calendar (SHOP_CALENDAR_*): holidays and rest weekdays do not ship."""
    prefixes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PREFIXES))
    number_width: int = 8
    report_recipients: tuple[str, ...] = WAREHOUSE_REPORT_RECIPIENTS
    """FUL-4, FUL-5 (C14): the roles a refused outbound or missing accessories are reported to."""
    daily_report_role: str = DAILY_REPORT_ROLE
    """FUL-7 (C14): the role the filled daily report goes to."""
    roles: CommandRoles = DEFAULT_ROLES
    """C9: who may issue which command (defaults in roles.py, overridden by FULFILMENT_COMMAND_ROLES)."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.business_tz)

    def is_shipping_day(self, day: date) -> bool:
        """The department works that day: not a holiday, not a rest weekday of C4."""
        return self.calendar.is_working_day(day)

    def next_shipping_day(self, day: date) -> date:
        """`day` itself if it is a shipping day, else the first shipping day after it."""
        return self.calendar.working_day_on_or_after(day)

    def batch_date(self, eligible_at: datetime) -> date:
        """The shipping day whose report takes an order that became eligible at `eligible_at` (FUL-2)."""
        local = eligible_at.astimezone(self.tz)
        day = local.date()
        if local.time() >= self.cutoff:
            day += timedelta(days=1)
        return self.next_shipping_day(day)

    def cutoff_at(self, day: date) -> datetime:
        return datetime.combine(day, self.cutoff, tzinfo=self.tz)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def number(self, series: str, n: int) -> str:
        return f"{self.prefixes.get(series, DEFAULT_PREFIXES[series])}{n:0{self.number_width}d}"
