"""Attested past happenings are bounded by the service's clock (README "Who decides a real-world
time"): an outing's `left_at`/`returned_at` (HR-11, HR-13) and worked overtime's
`started_at`/`ended_at` (HR-30..HR-32) may not lie ahead of the clock beyond the skew, nor be older
than HR_ATTESTED_TIME_MAX_AGE_DAYS (default one pay period, HR-33); each refusal is `invalid`,
naming the field and the rule, and appends nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from hr.bootstrap import HrSettings
from jetstream_es.errors import InvalidCommand
from shop_contracts.commands import hr as c
from shop_contracts.commands.hr_time import AssignOvertime, RecordOvertimeWorked

from .attendance_helpers import DAY, OFFICE, SUPERVISOR, Attendance, assign, at


def outing(left: dt.datetime, back: dt.datetime | None) -> c.RecordOuting:
    return c.RecordOuting(
        command_id=f"outing-{left:%Y%m%d%H%M}",
        actor=OFFICE,
        employee_id="emp-1",
        left_at=left,
        returned_at=back,
        announced=True,
        reason="bank",
    )


def order() -> AssignOvertime:
    return AssignOvertime(
        command_id="ot",
        actor=SUPERVISOR,
        overtime_id="ot",
        employee_id="emp-1",
        start_at=at("18:00"),
        end_at=at("20:00"),
        reason="campaign launch",
    )


def worked(start: str, end: str) -> RecordOvertimeWorked:
    return RecordOvertimeWorked(
        command_id=f"worked-{start}-{end}".replace(":", ""),
        actor=SUPERVISOR,
        overtime_id="ot",
        started_at=at(start),
        ended_at=at(end),
    )


def attested(hr: Attendance) -> int:
    return sum(e.envelope.aggregate_type in ("AttendanceDay", "Overtime") for e in hr.store.all_events)


async def refused(hr: Attendance, command: c.RecordOuting | RecordOvertimeWorked) -> InvalidCommand:
    before = attested(hr)
    with pytest.raises(InvalidCommand) as caught:
        await hr.when(command)
    assert attested(hr) == before
    return caught.value


async def test_an_outing_ahead_of_the_clock_is_refused_naming_the_field_hr_11() -> None:
    hr = Attendance(now=at("15:20"))
    await hr.given(assign())
    error = await refused(hr, outing(at("15:00"), at("16:00")))
    assert (error.fields, error.rule) == (("returned_at",), "HR-11")
    error = await refused(hr, outing(at("15:30"), None))
    assert (error.fields, error.rule) == (("left_at",), "HR-11")


async def test_an_outing_within_the_skew_and_in_the_past_is_recorded_hr_11() -> None:
    hr = Attendance(now=at("16:00"))
    await hr.given(assign())
    await hr.when(outing(at("15:00"), at("16:04")))
    assert [type(e).__name__ for e in hr.day()][-1] == "OutingRecorded"


async def test_an_outing_older_than_the_setting_is_refused_hr_11() -> None:
    hr = Attendance(HrSettings(attested_time_max_age_days=3), now=at("09:00", DAY + dt.timedelta(days=4)))
    error = await refused(hr, outing(at("15:00"), at("16:00")))
    assert (error.fields, error.rule) == (("left_at",), "HR-11")
    assert "HR_ATTESTED_TIME_MAX_AGE_DAYS" in str(error)


async def test_the_default_max_age_is_one_pay_period_hr_11_hr_33() -> None:
    assert HrSettings().attested_time_max_age_days == 31
    hr = Attendance(now=at("09:00", DAY + dt.timedelta(days=30)))
    await hr.given(assign())
    await hr.when(outing(at("15:00"), at("16:00")))


async def test_worked_overtime_ahead_of_the_clock_is_refused_hr_30() -> None:
    hr = Attendance(now=at("19:00"))
    await hr.given(order())
    error = await refused(hr, worked("18:00", "20:00"))
    assert (error.fields, error.rule) == (("ended_at",), "HR-30")


async def test_worked_overtime_older_than_the_setting_is_refused_hr_30() -> None:
    hr = Attendance(HrSettings(attested_time_max_age_days=1), now=at("19:00"))
    await hr.given(order())
    hr.clock.set(at("21:00", DAY + dt.timedelta(days=2)))
    error = await refused(hr, worked("18:00", "20:00"))
    assert (error.fields, error.rule) == (("started_at",), "HR-30")


async def test_worked_overtime_in_the_past_is_recorded_hr_30() -> None:
    hr = Attendance(now=at("20:10"))
    await hr.given(order())
    await hr.when(worked("18:00", "20:00"))
