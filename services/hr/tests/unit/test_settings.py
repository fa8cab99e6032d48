"""Each business number is declared once, on its context's policy, and read from the same `HR_`
environment variable as before (issue 16): the time context's (HR-16, HR-18, SM-DAY, C5, HR-32)
and the people context's (HR-39, DIS-7, DIS-10, HR-33, HR-35) alike; fields that come from
elsewhere (the department calendar, C4; the roles table, C9) are never read from `HR_`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from hr.bootstrap import HrSettings
from hr.people.domain.policy import PayrollPolicy
from hr.time.domain.policy import AttendancePolicy, LadderPolicy
from shop_contracts.events.hr_people import Grade

ENVIRONMENT = {
    "HR_ABSENCE_FINES": "[50, 150, 400]",
    "HR_DISMISSAL_CONSECUTIVE_DAYS": "3",
    "HR_LADDER_YEAR_START_MONTH": "4",
    "HR_LEAVE_NOTICE_DAYS": "2",
    "HR_EVALUATION_GRACE_MINUTES": "45",
    "HR_EARLY_LEAVE_ABSENCE_THRESHOLD_MINUTES": "0",
    "HR_OVERTIME_NOT_COUNTED_UP_TO_MINUTES": "30",
    "HR_BASE_SALARY_SUPERVISOR": "4000",
    "HR_RESIGNATION_NOTICE_MONTHS": "2",
    "HR_APPEAL_WINDOW_DAYS": "10",
    "HR_PAYDAY": "15",
    "HR_FIRST_SALARY_DEFERRAL_DAY": "20",
    "HR_DEFER_JOINS_ON_DEFERRAL_DAY": "false",
}


def test_the_hr_environment_variables_set_both_contexts_policies_hr_16_hr_39(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    settings = HrSettings()
    time, people = settings.policy("Asia/Shanghai"), settings.policies()

    assert time.ladder.fines == (Decimal(50), Decimal(150), Decimal(400))
    assert (time.ladder.consecutive_days, time.ladder.year_of(dt.date(2027, 3, 31))) == (3, 2026)
    assert time.leave.notice_days == 2
    assert time.attendance.evaluation_grace == dt.timedelta(minutes=45)
    assert time.attendance.early_leave_absence_threshold == dt.timedelta(0)
    assert time.overtime.not_overtime_up_to == dt.timedelta(minutes=30)
    assert people.people.base_salaries[Grade.SUPERVISOR] == Decimal(4000)
    assert (people.people.notice_months, people.discipline.appeal_window_days) == (2, 10)
    assert (people.payroll.payday, people.payroll.deferral_day) == (15, 20)
    assert people.payroll.defer_on_deferral_day is False


def test_the_policies_defaults_are_the_settings_defaults_hr_16_hr_33() -> None:
    """One declaration per number: the settings' default is the policy's own."""
    settings = HrSettings()
    assert settings.policy("Asia/Shanghai").ladder == LadderPolicy()
    assert settings.policies().payroll.payday == PayrollPolicy().payday == 20


def test_fields_from_elsewhere_are_not_read_from_hr_c4_c9(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HR_CALENDAR", "not a calendar")
    monkeypatch.setenv("HR_ROLES", "not a table")
    settings = HrSettings()
    assert settings.policy("Asia/Shanghai").attendance.calendar == AttendancePolicy().calendar


def test_a_number_out_of_bounds_is_refused_naming_the_setting_hr_16(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HR_DISMISSAL_CONSECUTIVE_DAYS", "0")
    with pytest.raises(ValidationError, match="dismissal_consecutive_days"):
        HrSettings()


def test_a_default_schedule_without_an_administrative_shift_is_refused_c2() -> None:
    with pytest.raises(ValidationError, match=r"default_shift_schedule.*administrative shift"):
        HrSettings(default_shift_schedule="003_cs_missing")
