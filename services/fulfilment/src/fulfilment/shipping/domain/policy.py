"""The shipping side's business numbers, declared once (FUL-1, FUL-2), and the shipping calendar;
who the warehouse reports to (C14: FUL-4, FUL-5, FUL-7); who may issue which command (C9, `roles`).

FUL-2 (designer note made explicit): an order joins the batch of the day on which it becomes
eligible (placed, paid, remarked and confirmed) if that moment is before the cut-off, in the
business time zone; at or after the cut-off it joins the next day's batch. 13:59:59 is today,
14:00:00 is tomorrow. A day that is not a shipping day (a holiday or a rest weekday of the one
department calendar, C4) passes its orders on to the next shipping day. The report itself may only be made
at or after the cut-off of its day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import ClassVar, Final
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, field_validator

from fulfilment.shipping.domain.roles import DEFAULT_ROLES
from fulfilment.warehouse import WarehouseReporting, role_ids
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.roles import CommandRoles

SERIES: Final = ("report", "waybill", "outbound_note", "invoice")
DEFAULT_PREFIXES: Final = {"report": "DR", "waybill": "WB", "outbound_note": "CK", "invoice": "FP"}
DAILY_REPORT_ROLE: Final = "dept_manager"
"""C14, 000's reporting line: who receives the filled daily shipping report (FUL-7). The default of
the setting `FULFILMENT_DAILY_REPORT_TO_ROLE`."""


class ShippingPolicy(WarehouseReporting):
    """The shipping side's numbers, each declared once in the units operators set (env prefix
    `FULFILMENT_`, the settings class inherits them), and what comes from elsewhere: the business
    time zone and the department calendar (the runtime's), who may do what (C9)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    NUMBER_WIDTH: ClassVar[int] = 8
    """FUL-1: digits of a document number after its prefix."""
    FROM_ELSEWHERE: ClassVar[frozenset[str]] = frozenset({"business_tz", "calendar", "roles"})
    """Fields that are no `FULFILMENT_` setting: the runtime's, the calendar's, the roles table."""

    cutoff: time = Field(
        time(14, 0),
        description="FUL-2: the daily report is made at this local time; orders eligible from it on "
        "go to the next shipping day",
    )
    document_prefixes: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_PREFIXES),
        description="FUL-1: number prefix per document series (report, waybill, outbound_note, invoice)",
    )
    daily_report_to_role: str = Field(
        DAILY_REPORT_ROLE,
        description="FUL-7 (C14, 000): the role the filled daily shipping report is submitted to",
    )
    business_tz: str = Field("Asia/Shanghai", description="the runtime's SHOP_BUSINESS_TZ (FUL-2 cut-off)")
    calendar: DepartmentCalendar = Field(
        default_factory=DepartmentCalendar,
        description="FUL-2, C4: the department calendar (SHOP_CALENDAR_*): holidays and rest weekdays do not ship",
    )
    roles: CommandRoles = Field(
        DEFAULT_ROLES,
        description="C9: who may issue which command (defaults in roles.py, FULFILMENT_COMMAND_ROLES applied)",
    )

    @field_validator("daily_report_to_role")
    @classmethod
    def _daily_role(cls, value: str) -> str:
        return role_ids("FULFILMENT_DAILY_REPORT_TO_ROLE", [value])[0]

    @property
    def prefixes(self) -> dict[str, str]:
        """FUL-1: every series' prefix, the configured ones over the defaults."""
        return {**DEFAULT_PREFIXES, **self.document_prefixes}

    @property
    def daily_report_role(self) -> str:
        """FUL-7 (C14): the role the filled daily report goes to."""
        return self.daily_report_to_role

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
        return f"{self.prefixes[series]}{n:0{self.NUMBER_WIDTH}d}"
