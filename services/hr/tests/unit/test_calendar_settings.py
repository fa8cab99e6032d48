"""HR reads the one department calendar (C4, HR-34): the rota's rest weekdays and the payday's
holidays come from SHOP_CALENDAR_*, the same settings fulfilment ships by."""

from __future__ import annotations

import datetime as dt

import pytest

from hr.bootstrap import HrSettings, build


def test_c4_rest_weekdays_of_the_department_calendar_reach_attendance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_CALENDAR_REST_WEEKDAYS", "[6, 7]")

    policy = HrSettings().policy("Asia/Shanghai")

    assert policy.attendance.calendar.is_rest_weekday(dt.date(2026, 12, 19))  # a Saturday


def test_hr_34_the_payday_skips_the_department_calendars_holidays_and_the_weekend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_CALENDAR_HOLIDAYS", '["2027-04-19", "2027-04-20"]')

    payroll = HrSettings().policies().payroll

    assert payroll.pay_date("2027-03") == dt.date(2027, 4, 16)  # Friday before the holidays


@pytest.mark.parametrize("old", ["HR_REST_WEEKDAYS", "HR_HOLIDAYS"])
def test_c4_a_calendar_setting_of_hr_alone_is_refused_not_ignored(
    monkeypatch: pytest.MonkeyPatch, old: str
) -> None:
    monkeypatch.setenv(old, "[]")

    with pytest.raises(ValueError, match=f"{old}.*SHOP_CALENDAR_HOLIDAYS"):
        build()
