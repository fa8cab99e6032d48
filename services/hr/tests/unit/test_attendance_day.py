"""The attendance day (SM-DAY): shifts as data (HR-1..HR-5, C2), the clock decides (HR-10), errands
(HR-11), outings (HR-13), make-up leave (HR-14) and the end-of-day evaluation's lateness (HR-8),
early leave (HR-9, C5) and absences (HR-12) feeding the ladder (HR-16); given / when / then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeVar

import pytest

from hr.time.domain.attendance_state import day_id
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from shop_contracts.envelope import Actor
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded, FineImposed
from shop_contracts.events.hr_attendance import (
    AttendanceDayEvaluated,
    DayOutcome,
    EarlyLeaveReason,
    EarlyLeaveRecorded,
    LatenessRecorded,
    ShiftAssigned,
    ShiftKind,
)

from .attendance_helpers import (
    DAY,
    DIRECT,
    EMPLOYEE,
    SUPERVISOR,
    Attendance,
    assign,
    at,
    clock_in,
    clock_out,
    errand,
    evaluate,
    make_up,
    outing,
    policy,
    punch_in,
    refusal,
)
from .helpers import absence

E = TypeVar("E")


@pytest.fixture
def hr() -> Attendance:
    return Attendance()


async def end_of_day(hr: Attendance, hhmm: str = "18:31") -> list[str]:
    hr.clock.set(at(hhmm))
    await hr.when(evaluate())
    return hr.found()


def only(hr: Attendance, kind: type[E]) -> list[E]:
    return [e for e in hr.day() if isinstance(e, kind)]


def absence_kinds(hr: Attendance) -> list[AbsenceKind]:
    return [e.kind for e in only(hr, AbsenceRecorded)]


def outcome(hr: Attendance) -> DayOutcome:
    [evaluated] = only(hr, AttendanceDayEvaluated)
    return evaluated.outcome


# shifts as data (HR-1..HR-5, C2)


async def test_the_000_shifts_are_the_default_hr_2_hr_3_hr_4(hr: Attendance) -> None:
    await hr.when(assign("administrative"))
    await hr.when(assign("main", DAY + dt.timedelta(days=1)))
    [admin] = only(hr, ShiftAssigned)
    [main] = [e for e in hr.day(DAY + dt.timedelta(days=1)) if isinstance(e, ShiftAssigned)]
    assert admin.schedule == "000"
    assert admin.periods == ((at("08:30"), at("12:00")), (at("13:00"), at("18:00")))
    tomorrow = DAY + dt.timedelta(days=1)
    assert main.periods == (
        (at("08:30", tomorrow), at("12:00", tomorrow)),
        (at("13:00", tomorrow), at("22:00", tomorrow)),
    )


async def test_assign_shift_refuses_a_working_shift_the_day_after_a_main_shift_hr_3(hr: Attendance) -> None:
    # given a main shift today
    await hr.given(assign("main"))
    tomorrow = DAY + dt.timedelta(days=1)
    # when a second main shift (or any working shift) is assigned tomorrow, it is refused
    for shift in ("main", "assistant", "administrative"):
        with pytest.raises(RuleViolated) as refused:
            await hr.when(assign(shift, tomorrow))
        assert refused.value.rule == "HR-3"
    # then only the rest day can be assigned tomorrow
    await hr.when(assign("rest", tomorrow))
    assert [e.shift for e in hr.day(tomorrow) if isinstance(e, ShiftAssigned)] == [ShiftKind.REST]


async def test_assign_shift_refuses_a_main_shift_before_a_working_day_hr_3(hr: Attendance) -> None:
    # given an administrative shift tomorrow
    tomorrow = DAY + dt.timedelta(days=1)
    await hr.given(assign("administrative", tomorrow))
    # when a main shift is assigned today, it is refused: tomorrow must be the rest day
    with pytest.raises(RuleViolated) as refused:
        await hr.when(assign("main"))
    assert refused.value.rule == "HR-3"


async def test_the_002_and_003_schedules_are_selectable_c2_hr_5(hr: Attendance) -> None:
    await hr.when(assign(schedule="002"))
    [shift] = only(hr, ShiftAssigned)
    assert shift.periods == ((at("08:00"), at("11:30")), (at("13:30"), at("18:00")))
    with pytest.raises(RuleViolated) as no_main:
        await hr.when(assign("main", schedule="003_cs"))
    assert no_main.value.rule == "HR-5"
    with pytest.raises(InvalidCommand):
        await hr.when(assign(schedule="999"))


async def test_only_a_supervisor_assigns_shifts_hr_7(hr: Attendance) -> None:
    with pytest.raises(Forbidden):
        await hr.when(assign(actor=EMPLOYEE))


# the clock decides (HR-10)


async def test_on_time_is_a_worked_day_hr_10(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("08:25"), clock_out("18:02"))
    assert await end_of_day(hr) == ["AttendanceDayEvaluated"]
    assert outcome(hr) is DayOutcome.WORKED


async def test_the_earliest_clock_in_and_latest_clock_out_decide_hr_10(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("09:00"), clock_in("08:29"), clock_out("17:00"), clock_out("18:00"))
    assert await end_of_day(hr) == ["AttendanceDayEvaluated"]


async def test_only_the_clock_the_office_hr_or_the_employee_records_the_clock_hr_10(hr: Attendance) -> None:
    await hr.when(clock_in("08:20", actor=EMPLOYEE))
    with pytest.raises(Forbidden) as refused:
        await hr.when(clock_in("08:21", actor=Actor(id="emp-2", roles=())))
    assert refused.value.rule == "HR-10"
    with pytest.raises(RuleViolated):
        await hr.when(clock_out("08:00"))


# no clock-in (HR-12 (a), (c)) and the ladder (HR-16)


async def test_no_clock_in_and_no_leave_is_a_full_day_absence_fined_100_hr_12_hr_16(hr: Attendance) -> None:
    await hr.given(assign())
    assert await end_of_day(hr) == ["AbsenceRecorded", "AttendanceDayEvaluated"]
    assert absence_kinds(hr) == [AbsenceKind.FULL_DAY]
    assert outcome(hr) is DayOutcome.ABSENT
    assert [e.amount for e in hr.ladder(2026) if isinstance(e, FineImposed)] == [Decimal(100)]


async def test_an_unassigned_day_is_judged_on_the_administrative_shift_hr_1(hr: Attendance) -> None:
    await hr.given(clock_in("08:30"), clock_out("18:00"))
    assert await end_of_day(hr) == ["AttendanceDayEvaluated"]


async def test_a_rest_day_needs_no_clock_hr_3(hr: Attendance) -> None:
    await hr.given(assign("rest"))
    assert await end_of_day(hr, "07:30") == ["AttendanceDayEvaluated"]
    assert outcome(hr) is DayOutcome.REST


async def test_refusing_a_reassignment_and_staying_away_is_absence_hr_12_c(hr: Attendance) -> None:
    await hr.given(assign(), refusal())
    await end_of_day(hr)
    assert absence_kinds(hr) == [AbsenceKind.REFUSED_ASSIGNMENT]


async def test_refusing_a_reassignment_but_coming_to_work_is_no_absence_hr_12_c(hr: Attendance) -> None:
    await hr.given(assign(), refusal(), clock_in("08:30"), clock_out("18:00"))
    assert await end_of_day(hr) == ["AttendanceDayEvaluated"]


async def test_an_absence_a_supervisor_recorded_is_not_recorded_twice_hr_16(hr: Attendance) -> None:
    await hr.given(assign(), absence(DAY))
    await end_of_day(hr)
    assert hr.day_types() == ["ShiftAssigned", "AbsenceRecorded", "AttendanceDayEvaluated"]
    assert len(only(hr, AbsenceRecorded)) == 1
    assert outcome(hr) is DayOutcome.ABSENT


# business errands (HR-11)


async def test_an_approved_errand_excuses_a_missing_clock_in_hr_11(hr: Attendance) -> None:
    await hr.given(assign(), errand())
    assert await end_of_day(hr) == ["AttendanceDayEvaluated"]
    assert outcome(hr) is DayOutcome.ERRAND
    [approved] = [e for e in hr.day() if e.event_type == "BusinessErrandApproved"]
    assert approved.model_dump()["filed_with"] == "office"


async def test_only_the_direct_supervisor_signs_an_errand_not_the_employee_hr_11(hr: Attendance) -> None:
    for actor in (
        Actor(id="boss", roles=("ecom_supervisor",)),
        Actor(id="emp-1", roles=("direct_supervisor",)),
    ):
        with pytest.raises(Forbidden) as refused:
            await hr.when(errand(actor))
        assert refused.value.rule == "HR-11"


# lateness (HR-8, HR-12 (b), HR-14)


async def test_exactly_60_minutes_late_is_lateness_not_absence_hr_8_hr_12(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("09:30"), clock_out("18:00"))
    assert await end_of_day(hr) == ["LatenessRecorded", "AttendanceDayEvaluated"]
    assert [e.minutes for e in only(hr, LatenessRecorded)] == [60]
    assert outcome(hr) is DayOutcome.WORKED


async def test_61_minutes_late_is_absence_late_over_1h_hr_12_b(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("09:31"), clock_out("18:00"))
    assert await end_of_day(hr) == ["LatenessRecorded", "AbsenceRecorded", "AttendanceDayEvaluated"]
    assert [e.minutes for e in only(hr, LatenessRecorded)] == [61]
    assert absence_kinds(hr) == [AbsenceKind.LATE_OVER_1H]


async def test_one_second_over_the_hour_is_over_the_hour_hr_12_b(hr: Attendance) -> None:
    await hr.given(assign())
    await hr.when(punch_in(at("09:30") + dt.timedelta(seconds=1), "in-late"))
    await end_of_day(hr)
    assert absence_kinds(hr) == [AbsenceKind.LATE_OVER_1H]


async def test_the_lunch_break_is_not_counted_as_lateness_hr_2_hr_8(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("13:10"), clock_out("18:00"))
    await end_of_day(hr)
    assert [e.minutes for e in only(hr, LatenessRecorded)] == [210 + 10]


async def test_make_up_leave_turns_lateness_into_personal_leave_hr_14(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("10:00"), clock_out("18:00"), make_up())
    assert await end_of_day(hr) == ["LatenessRecorded", "AttendanceDayEvaluated"]
    [late] = only(hr, LatenessRecorded)
    assert (late.minutes, late.made_up) == (90, True)
    assert hr.ladder(2026) == []


# early leave (HR-9, HR-12 (b), HR-13, C5)


async def test_early_leave_of_exactly_60_minutes_is_no_absence_at_threshold_60_c5(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("08:30"), clock_out("17:00"))
    assert await end_of_day(hr) == ["EarlyLeaveRecorded", "AttendanceDayEvaluated"]
    [early] = only(hr, EarlyLeaveRecorded)
    assert (early.minutes, early.reason) == (60, EarlyLeaveReason.CLOCKED_OUT_EARLY)


async def test_early_leave_of_61_minutes_is_absence_at_threshold_60_hr_12_b_c5(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("08:30"), clock_out("16:59"))
    await end_of_day(hr)
    assert absence_kinds(hr) == [AbsenceKind.EARLY_LEAVE]


async def test_make_up_leave_excuses_early_leave_over_the_hour_hr_12_b() -> None:
    # given a make-up leave procedure for the day, when the employee leaves two hours early
    hr = Attendance()
    await hr.given(assign(), clock_in("08:30"), clock_out("16:00"), make_up())
    # then the early leave is recorded but is no absence and no fine
    assert await end_of_day(hr) == ["EarlyLeaveRecorded", "AttendanceDayEvaluated"]
    assert outcome(hr) is DayOutcome.WORKED
    assert hr.ladder(2026) == []


async def test_at_threshold_0_every_early_leave_is_absence_hr_9_c5() -> None:
    hr = Attendance(policy(early_leave_absence_threshold_minutes=0))
    await hr.given(assign(), clock_in("08:30"), clock_out("17:59"))
    assert await end_of_day(hr) == ["EarlyLeaveRecorded", "AbsenceRecorded", "AttendanceDayEvaluated"]
    assert absence_kinds(hr) == [AbsenceKind.EARLY_LEAVE]


async def test_an_unannounced_outing_counts_as_early_leave_hr_13(hr: Attendance) -> None:
    await hr.given(
        assign(), clock_in("08:30"), clock_out("18:00"), outing("15:00", "15:30", False, SUPERVISOR)
    )
    assert await end_of_day(hr) == ["EarlyLeaveRecorded", "AttendanceDayEvaluated"]
    [early] = only(hr, EarlyLeaveRecorded)
    assert (early.minutes, early.reason) == (30, EarlyLeaveReason.UNANNOUNCED_OUTING)


async def test_an_unannounced_outing_is_absence_at_threshold_0_hr_13_c5() -> None:
    hr = Attendance(policy(early_leave_absence_threshold_minutes=0))
    await hr.given(
        assign(), clock_in("08:30"), clock_out("18:00"), outing("15:00", "15:30", False, SUPERVISOR)
    )
    await end_of_day(hr)
    assert absence_kinds(hr) == [AbsenceKind.EARLY_LEAVE]


async def test_an_outing_announced_to_the_office_is_not_early_leave_hr_13(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("08:30"), clock_out("18:00"), outing("15:00", "17:30", True))
    assert await end_of_day(hr) == ["AttendanceDayEvaluated"]
    with pytest.raises(Forbidden):
        await hr.when(outing("16:00", None, True, DIRECT).model_copy(update={"command_id": "o2"}))


def test_the_day_aggregate_keeps_the_ladder_id_scheme() -> None:
    assert day_id("emp-1", DAY) == "emp-1_2026-03-03"
