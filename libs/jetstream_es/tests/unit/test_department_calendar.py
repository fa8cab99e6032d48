"""The one department calendar (C4, FUL-2, HR-34) and transit allowance (AS-11): settings, working days
and banking days, moved settings refused."""

from __future__ import annotations

import datetime as dt

import pytest

from jetstream_es.department_calendar import (
    CalendarSettings,
    DepartmentCalendar,
    TransitSettings,
    refuse_moved_settings,
)

SAT, SUN, MON = dt.date(2026, 12, 19), dt.date(2026, 12, 20), dt.date(2026, 12, 21)


def test_by_default_everyone_works_every_day_c4() -> None:
    calendar = CalendarSettings().calendar()

    assert all(calendar.is_working_day(SAT + dt.timedelta(days=n)) for n in range(7))


def test_a_rest_weekday_is_no_working_day_and_passes_on_to_the_next_c4() -> None:
    calendar = DepartmentCalendar(rest_weekdays=frozenset({6, 7}))

    assert calendar.is_rest_weekday(SAT)
    assert not calendar.is_working_day(SUN)
    assert calendar.working_day_on_or_after(SAT) == MON


def test_a_holiday_is_neither_a_working_day_nor_a_banking_day_hr_34() -> None:
    calendar = DepartmentCalendar(holidays=frozenset({MON}))

    assert not calendar.is_working_day(MON)
    assert not calendar.is_banking_day(MON)


def test_the_banking_day_before_a_holiday_weekend_is_the_friday_hr_34() -> None:
    calendar = DepartmentCalendar(holidays=frozenset({dt.date(2026, 12, 21), dt.date(2026, 12, 22)}))

    assert calendar.banking_day_on_or_before(dt.date(2026, 12, 22)) == dt.date(2026, 12, 18)


def test_the_settings_read_json_lists_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_CALENDAR_HOLIDAYS", '["2026-10-01"]')
    monkeypatch.setenv("SHOP_CALENDAR_REST_WEEKDAYS", "[6, 7]")

    calendar = CalendarSettings().calendar()

    assert calendar.holidays == {dt.date(2026, 10, 1)}
    assert calendar.rest_weekdays == {6, 7}


def test_a_weekday_outside_one_to_seven_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_CALENDAR_REST_WEEKDAYS", "[0]")

    with pytest.raises(ValueError, match="rest_weekdays"):
        CalendarSettings()


def test_a_calendar_where_nobody_ever_works_is_refused_c4() -> None:
    with pytest.raises(ValueError, match="nobody would ever work"):
        DepartmentCalendar(rest_weekdays=frozenset(range(1, 8)))


def test_the_transit_allowance_is_one_department_setting_as_11(monkeypatch: pytest.MonkeyPatch) -> None:
    """AS-11, SM-ORD: SHOP_TRANSIT_DAYS (default 3) is read by orders and after-sales alike."""
    assert TransitSettings().transit_allowance == dt.timedelta(days=3)
    monkeypatch.setenv("SHOP_TRANSIT_DAYS", "5")
    assert TransitSettings().transit_allowance == dt.timedelta(days=5)


def test_a_negative_transit_allowance_is_refused_naming_the_setting_as_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_TRANSIT_DAYS", "-1")
    with pytest.raises(ValueError, match="transit_days"):
        TransitSettings()


def test_the_return_window_is_one_department_setting_as_11(monkeypatch: pytest.MonkeyPatch) -> None:
    """AS-11, SM-ORD: SHOP_RETURN_WINDOW_DAYS (default 7) is read by orders and after-sales alike."""
    assert TransitSettings().return_window == dt.timedelta(days=7)
    monkeypatch.setenv("SHOP_RETURN_WINDOW_DAYS", "10")
    assert TransitSettings().return_window == dt.timedelta(days=10)
    monkeypatch.setenv("SHOP_RETURN_WINDOW_DAYS", "-1")
    with pytest.raises(ValueError, match="return_window_days"):
        TransitSettings()


def test_a_moved_setting_names_the_one_that_replaced_it_as_11() -> None:
    with pytest.raises(ValueError, match=r"AFTERSALES_TRANSIT_DAYS.*AS-11.*use SHOP_TRANSIT_DAYS"):
        refuse_moved_settings(
            "AFTERSALES_TRANSIT_DAYS",
            replaced_by="SHOP_TRANSIT_DAYS",
            rule="AS-11",
            environ={"AFTERSALES_TRANSIT_DAYS": "3"},
        )
    refuse_moved_settings("AFTERSALES_TRANSIT_DAYS", replaced_by="SHOP_TRANSIT_DAYS", environ={})


def test_a_moved_calendar_setting_names_the_calendar_settings_c4() -> None:
    with pytest.raises(ValueError, match=r"HR_HOLIDAYS.*C4.*SHOP_CALENDAR_HOLIDAYS"):
        refuse_moved_settings("HR_HOLIDAYS", environ={"HR_HOLIDAYS": "[]"})
