"""Month arithmetic (YYYY-MM) and the KPI-5 cut-off."""

from __future__ import annotations

import calendar
import datetime as dt


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def bounds(month: str) -> tuple[dt.date, dt.date]:
    year, m = (int(p) for p in month.split("-"))
    return dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1])


def shift(month: str, months: int) -> str:
    year, m = (int(p) for p in month.split("-"))
    index = year * 12 + m - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def cutoff(month: str, day: int) -> dt.date:
    """KPI-5: the cut-off day of `month`, its last day where it has no such day (February)."""
    first, last = bounds(month)
    return first.replace(day=min(day, last.day))
