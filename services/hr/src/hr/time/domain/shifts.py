"""Shift patterns as data (HR-1..HR-5, conflict C2): named sets of patterns, one per seed source.

The 000 set is the default: administrative 08:30-12:00 and 13:00-18:00 (HR-2), main and assistant
08:30-12:00 and 13:00-22:00 (HR-3, HR-4). The 002 department hours (08:00-11:30, 13:30-18:00), the
002 sales and promotion hours (08:00-12:00, 14:00-18:00) and the 003 online customer service
(08:50-18:10) are selectable; a set has only the shifts its source states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from shop_contracts.events.hr_attendance import ShiftKind

Periods = tuple[tuple[dt.time, dt.time], ...]
Schedules = Mapping[str, Mapping[ShiftKind, Periods]]

SEED_SCHEDULES: dict[str, dict[str, list[list[str]]]] = {
    "000": {
        "administrative": [["08:30", "12:00"], ["13:00", "18:00"]],
        "main": [["08:30", "12:00"], ["13:00", "22:00"]],
        "assistant": [["08:30", "12:00"], ["13:00", "22:00"]],
    },
    "002": {"administrative": [["08:00", "11:30"], ["13:30", "18:00"]]},
    "002_sales": {"administrative": [["08:00", "12:00"], ["14:00", "18:00"]]},
    "003_cs": {"administrative": [["08:50", "18:10"]]},
}
"""The seeds' schedules in the settings' JSON shape (HR_SHIFT_SCHEDULES)."""


def parse(raw: Mapping[str, Mapping[str, list[list[str]]]]) -> dict[str, dict[ShiftKind, Periods]]:
    """Settings JSON → patterns; periods must be ordered and not overlap."""
    out: dict[str, dict[ShiftKind, Periods]] = {}
    for name, shifts in raw.items():
        out[name] = {}
        for kind, periods in shifts.items():
            parsed = tuple((dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in periods)
            flat = [t for p in parsed for t in p]
            if not parsed or flat != sorted(flat) or any(a >= b for a, b in parsed):
                raise ValueError(f"shift pattern {name}/{kind}: periods must be ordered, e.g. 08:30-12:00")
            out[name][ShiftKind(kind)] = parsed
    return out


def resolve(periods: Periods, day: dt.date, business_tz: str) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """The pattern's periods on `day`, as aware UTC datetimes."""
    tz = ZoneInfo(business_tz)
    return tuple(
        (
            dt.datetime.combine(day, a, tz).astimezone(dt.UTC),
            dt.datetime.combine(day, b, tz).astimezone(dt.UTC),
        )
        for a, b in periods
    )


def missed_minutes(
    periods: tuple[tuple[dt.datetime, dt.datetime], ...], start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Working time of `periods` inside [start, end]: breaks do not count (HR-8, HR-9)."""
    total = dt.timedelta(0)
    for a, b in periods:
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            total += hi - lo
    return total


def breaks_rest_after_main(previous: ShiftKind | None, shift: ShiftKind | None) -> bool:
    """HR-3 「主班第二天休息」: the day after a main shift is a rest day, so any working shift on it
    breaks the rule. The one check behind both PublishRota and AssignShift."""
    return previous is ShiftKind.MAIN and shift is not None and shift is not ShiftKind.REST
