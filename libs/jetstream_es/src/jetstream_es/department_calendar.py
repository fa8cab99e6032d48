"""The department calendar: one source for holidays and rest weekdays (conflict C4; FUL-2, HR-3..HR-6,
HR-34), and the department's one transit allowance and return window (AS-11, SM-ORD).

Fulfilment (which days ship), HR's rota and attendance (on which weekdays only the duty pair works)
and HR's payroll (which days are banking days for the payday) read the same calendar, so they cannot
disagree. Every service's bootstrap builds it from the same settings:

- `SHOP_CALENDAR_HOLIDAYS`: a JSON list of ISO dates on which the department does not work;
- `SHOP_CALENDAR_REST_WEEKDAYS`: a JSON list of ISO weekdays (1 = Monday .. 7 = Sunday) on which
  only the rota's duty pair works (003's weekend rota). Empty by default: 000, all staff work
  Monday to Sunday, so the warehouse ships every day.
- `SHOP_CALENDAR_BANKING_WEEKDAYS`: the weekdays banks settle on (default Monday to Friday); a
  holiday is never a banking day.
- `SHOP_TRANSIT_DAYS`: the days from the shipping stamp to the buyer's receipt, assumed when the
  carrier never reports a delivery (AS-11; designer default 3, the seeds do not say what "received"
  means). After-sales decides the quality window from it and orders completes an order that was
  shipped but never reported delivered from it: one setting, so the two cannot disagree.
- `SHOP_RETURN_WINDOW_DAYS`: the days after receipt within which a buyer may return goods for a
  quality problem (AS-11, 7). After-sales refuses a quality return after it and orders completes an
  order when it has passed: one setting, so an order is never completed while after-sales would
  still accept a quality return (the former `ORDERS_RETURN_WINDOW_DAYS` and
  `AFTERSALES_QUALITY_WINDOW_DAYS` are refused at start-up, naming it).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Weekday = Annotated[int, Field(ge=1, le=7)]
WEEKDAYS = frozenset(range(1, 8))
MONDAY_TO_FRIDAY = frozenset(range(1, 6))


@dataclass(frozen=True)
class DepartmentCalendar:
    holidays: frozenset[dt.date] = frozenset()
    rest_weekdays: frozenset[int] = frozenset()
    """C4: ISO weekdays on which only the duty pair works (003); empty: everyone works Mon-Sun (000)."""
    banking_weekdays: frozenset[int] = MONDAY_TO_FRIDAY

    def __post_init__(self) -> None:
        for name in ("rest_weekdays", "banking_weekdays"):
            bad = sorted(getattr(self, name) - WEEKDAYS)
            if bad:
                raise ValueError(f"calendar {name}: {bad} are not ISO weekdays (1 = Monday .. 7 = Sunday)")
        if self.rest_weekdays == WEEKDAYS:
            raise ValueError(
                "calendar rest_weekdays: every weekday is a rest day; nobody would ever work (C4)"
            )

    def is_holiday(self, day: dt.date) -> bool:
        return day in self.holidays

    def is_rest_weekday(self, day: dt.date) -> bool:
        """Only the duty pair works on this day (C4)."""
        return day.isoweekday() in self.rest_weekdays

    def is_working_day(self, day: dt.date) -> bool:
        """The whole department works: not a holiday, not a rest weekday."""
        return not self.is_holiday(day) and not self.is_rest_weekday(day)

    def is_banking_day(self, day: dt.date) -> bool:
        return day.isoweekday() in self.banking_weekdays and not self.is_holiday(day)

    def banking_day_on_or_before(self, day: dt.date) -> dt.date:
        """`day` itself if banks settle on it, else the banking day before it (HR-34)."""
        for _ in range(400):
            if self.is_banking_day(day):
                return day
            day -= dt.timedelta(days=1)
        raise ValueError("no banking day within 400 days: check the calendar's holidays and banking weekdays")

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        """`day` itself if the department works on it, else the first working day after it (FUL-2)."""
        for _ in range(400):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day within 400 days: check the calendar's holidays and rest weekdays")


class CalendarSettings(BaseSettings):
    """`SHOP_CALENDAR_*`: the one department calendar every service reads (C4, holidays)."""

    model_config = SettingsConfigDict(env_prefix="SHOP_CALENDAR_", extra="ignore")

    holidays: list[dt.date] = Field(
        default_factory=list,
        description="FUL-2, HR-34: dates the department does not work (JSON list of ISO dates): no "
        "shipping, no rota duty, never a payday",
    )
    rest_weekdays: list[Weekday] = Field(
        default_factory=list,
        description="C4: ISO weekdays on which only the duty pair works and nothing ships (003); "
        "empty: all staff Mon-Sun (000)",
    )
    banking_weekdays: list[Weekday] = Field(
        default_factory=lambda: sorted(MONDAY_TO_FRIDAY),
        description="HR-34: weekdays on which banks settle; the payday moves to the banking day before",
    )

    def calendar(self) -> DepartmentCalendar:
        return DepartmentCalendar(
            holidays=frozenset(self.holidays),
            rest_weekdays=frozenset(self.rest_weekdays),
            banking_weekdays=frozenset(self.banking_weekdays),
        )


class TransitSettings(BaseSettings):
    """`SHOP_TRANSIT_DAYS` and `SHOP_RETURN_WINDOW_DAYS`: the one transit allowance and the one
    return window orders and after-sales read (AS-11, SM-ORD)."""

    model_config = SettingsConfigDict(env_prefix="SHOP_", extra="ignore")

    transit_days: int = Field(
        3,
        ge=0,
        description="AS-11, SM-ORD: days from the stamp to receipt, assumed when no delivery is recorded "
        "(designer default; the seeds do not say what 'received' means): after-sales' quality window and "
        "orders' completion of a shipped order the carrier never reported delivered",
    )

    return_window_days: int = Field(
        7,
        ge=0,
        description="AS-11, SM-ORD: days after receipt (the delivery, or the stamp plus SHOP_TRANSIT_DAYS) "
        "for a quality return: after-sales refuses a quality return after them and orders completes the "
        "order when they have passed",
    )

    @property
    def transit_allowance(self) -> timedelta:
        return timedelta(days=self.transit_days)

    @property
    def return_window(self) -> timedelta:
        return timedelta(days=self.return_window_days)


RETURN_WINDOW_SETTING = "SHOP_RETURN_WINDOW_DAYS"
MOVED_RETURN_WINDOW_SETTINGS = ("ORDERS_RETURN_WINDOW_DAYS", "AFTERSALES_QUALITY_WINDOW_DAYS")
"""AS-11: each service's own return window of before `SHOP_RETURN_WINDOW_DAYS`; refused at start-up."""


CALENDAR_SETTINGS = "SHOP_CALENDAR_HOLIDAYS and SHOP_CALENDAR_REST_WEEKDAYS"


def refuse_moved_settings(
    *names: str,
    replaced_by: str = CALENDAR_SETTINGS,
    rule: str = "C4",
    environ: Mapping[str, str] | None = None,
) -> None:
    """Fail at start-up when a service's own setting of before the one department-wide setting is
    still set, instead of ignoring it silently: it names the setting(s) that replaced it
    (`replaced_by`; by default the `SHOP_CALENDAR_*` settings, C4)."""
    env = os.environ if environ is None else environ
    stale = [name for name in names if name in env]
    if stale:
        raise ValueError(
            f"{', '.join(stale)}: this is one department-wide setting for every service now ({rule}); "
            f"use {replaced_by} instead"
        )
