"""Absences rescinded afterwards (HR-14, HR-20, HR-25) and the ladder recomputed (HR-16): the
AbsenceRescinded event, the absence uncounted, fines reversed and re-imposed by their new rank, an
open dismissal proposal withdrawn; and leave overrun (HR-12 (a), HR-25) found by the end-of-day
evaluation on the days after a leave that was not extended."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeVar

import pytest

from jetstream_es.errors import RuleViolated
from shop_contracts.commands import hr as c
from shop_contracts.events.hr import (
    AbsenceKind,
    AbsenceRecorded,
    AbsenceRescinded,
    DismissalThresholdReached,
    DismissalThresholdWithdrawn,
    FineImposed,
    FineReversed,
)
from shop_contracts.events.hr_leave import LeaveType

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
    evaluate,
    make_up,
)
from .helpers import SENIOR, approve, leave
from .test_attendance_deadline_and_month import month

E = TypeVar("E")


def next_day(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


async def absent(hr: Attendance, day: dt.date = DAY) -> None:
    """An administrative day with no clock-in, evaluated at 18:31: a full-day absence."""
    hr.clock.set(at("18:31", day))
    await hr.when(evaluate(day))


def of(hr: Attendance, kind: type[E], year: int = 2026) -> list[E]:
    return [e for e in hr.ladder(year) if isinstance(e, kind)]


def rescinded(hr: Attendance, day: dt.date = DAY) -> list[AbsenceRescinded]:
    return [e for e in hr.day(day) if isinstance(e, AbsenceRescinded)]


def sick(day: dt.date, leave_id: str = "sick-1") -> c.SubmitLeave:
    return leave(day, leave_type=LeaveType.SICK, leave_id=leave_id, command_id=f"submit-{leave_id}")


async def test_sick_leave_applied_for_afterwards_rescinds_the_absence_and_reverses_its_fine_hr_20() -> None:
    hr = Attendance()
    await absent(hr)
    assert [f.amount for f in of(hr, FineImposed)] == [Decimal(100)]
    await hr.given(sick(DAY), approve(DIRECT, "sick-1"))
    [undone] = rescinded(hr)
    assert (undone.kind, undone.covered_by, undone.rule, undone.leave_type) == (
        AbsenceKind.FULL_DAY,
        "sick-1",
        "HR-20",
        "sick",
    )
    assert hr.ladder_types(2026) == ["AbsenceCounted", "FineImposed", "AbsenceUncounted", "FineReversed"]
    [reversal] = of(hr, FineReversed)
    assert (reversal.amount, reversal.work_date, reversal.occurrence) == (Decimal(100), DAY, 1)
    assert (await hr.ladder_state(2026)).days == 0
    result = await month(hr)
    assert (result["absences"], result["leave_days"]) == ([], {"sick": 1})


async def test_the_remaining_absence_is_fined_by_its_new_rank_hr_16() -> None:
    """Absences on day 1 (100) and day 3 (300); day 1 rescinded: 100 and 300 reversed, day 3 now
    the first absence of the year and fined 100. Payroll nets 100."""
    hr = Attendance()
    await absent(hr)
    await absent(hr, next_day(2))
    await hr.given(sick(DAY), approve(DIRECT, "sick-1"))
    reversed_ = [(f.work_date, f.amount) for f in of(hr, FineReversed)]
    assert reversed_ == [(DAY, Decimal(100)), (next_day(2), Decimal(300))]
    imposed = [(f.work_date, f.amount, f.occurrence) for f in of(hr, FineImposed)]
    assert imposed[-1] == (next_day(2), Decimal(100), 1)
    state = await hr.ladder_state(2026)
    assert state.fines == {next_day(2): (Decimal(100), 1, "absence#1")}


async def test_rescinding_one_of_two_consecutive_days_withdraws_the_dismissal_proposal_hr_16() -> None:
    hr = Attendance()
    await absent(hr)
    await absent(hr, next_day(1))
    [proposal] = of(hr, DismissalThresholdReached)
    await hr.given(sick(next_day(1)), approve(DIRECT, "sick-1"))
    [withdrawn] = of(hr, DismissalThresholdWithdrawn)
    assert withdrawn.proposal == proposal.proposal
    assert (await hr.ladder_state(2026)).open_proposal is None


async def test_a_proposal_still_reached_is_not_withdrawn_hr_16() -> None:
    hr = Attendance()
    for n in (0, 2, 4):
        await absent(hr, next_day(n))
    hr.clock.set(at("18:31", next_day(5)))
    await hr.when(evaluate(next_day(5)))  # day 4 and day 5 consecutive, four days in the year
    await hr.given(sick(DAY), approve(DIRECT, "sick-1"))
    assert of(hr, DismissalThresholdWithdrawn) == []


async def test_rescinding_31_december_withdraws_the_proposal_of_the_next_year_hr_16() -> None:
    eve, new_year = dt.date(2026, 12, 31), dt.date(2027, 1, 1)
    hr = Attendance(now=at("07:00", eve))
    await absent(hr, eve)
    await absent(hr, new_year)
    assert [type(e).__name__ for e in hr.ladder(2027)][-1] == "DismissalThresholdReached"
    await hr.given(sick(eve), approve(DIRECT, "sick-1"))
    assert [type(e) for e in hr.ladder(2027)][-1] is DismissalThresholdWithdrawn
    assert [f.amount for f in of(hr, FineImposed, 2027)] == [Decimal(100)], "1 January stays fined"


async def test_absences_on_31_december_and_1_january_are_two_years_first_absences_and_consecutive_hr_16() -> (
    None
):
    eve, new_year = dt.date(2026, 12, 31), dt.date(2027, 1, 1)
    hr = Attendance(now=at("07:00", eve))
    await absent(hr, eve)
    await absent(hr, new_year)
    assert [f.amount for f in of(hr, FineImposed, 2026)] == [Decimal(100)]
    assert [f.amount for f in of(hr, FineImposed, 2027)] == [Decimal(100)]
    [proposal] = of(hr, DismissalThresholdReached, 2027)
    assert proposal.dates == (eve, new_year)


async def test_make_up_leave_completed_afterwards_rescinds_a_late_over_1h_absence_hr_14() -> None:
    hr = Attendance()
    await hr.given(assign(), clock_in("09:31"), clock_out("18:00"))
    await absent(hr)
    assert [e.kind for e in hr.day() if isinstance(e, AbsenceRecorded)] == [AbsenceKind.LATE_OVER_1H]
    await hr.when(make_up())
    [undone] = rescinded(hr)
    assert (undone.covered_by, undone.rule, undone.leave_type) == ("make_up_leave", "HR-14", "personal")
    assert [type(e).__name__ for e in of(hr, FineReversed)] == ["FineReversed"]
    result = await month(hr)
    assert result["absences"] == []
    assert result["worked_days"] == 1
    assert result["lateness_as_personal_leave"] == {"count": 1, "minutes": 61}


async def test_make_up_leave_completed_afterwards_rescinds_an_early_leave_absence_hr_12_b() -> None:
    # given a day evaluated absent for leaving two hours early
    hr = Attendance()
    await hr.given(assign(), clock_in("08:30"), clock_out("16:00"))
    await absent(hr)
    assert [e.kind for e in hr.day() if isinstance(e, AbsenceRecorded)] == [AbsenceKind.EARLY_LEAVE]
    # when the make-up leave procedure is completed afterwards
    await hr.when(make_up())
    # then the absence is rescinded and its fine reversed
    [undone] = rescinded(hr)
    assert (undone.covered_by, undone.rule, undone.leave_type) == ("make_up_leave", "HR-12 (b)", "personal")
    assert [type(e).__name__ for e in of(hr, FineReversed)] == ["FineReversed"]


async def test_make_up_leave_after_the_evaluation_needs_lateness_or_early_leave_hr_14() -> None:
    hr = Attendance()
    await hr.given(assign(), clock_in("08:30"), clock_out("18:00"))
    await absent(hr)
    with pytest.raises(RuleViolated) as refused:
        await hr.when(make_up())
    assert refused.value.rule == "HR-14"


async def test_leave_does_not_rescind_a_refused_reassignment_hr_12_c() -> None:
    hr = Attendance()
    await hr.given(
        c.RecordReassignmentRefusal(
            command_id="refuse", actor=SUPERVISOR, employee_id="emp-1", work_date=DAY, reason="refused"
        )
    )
    await absent(hr)
    await hr.given(sick(DAY), approve(DIRECT, "sick-1"))
    assert rescinded(hr) == []
    assert of(hr, FineReversed) == []


# leave overrun (HR-12 (a), HR-25)

EVE = at("09:00", DAY - dt.timedelta(days=1))


async def overrun_case() -> Attendance:
    """Personal leave on DAY and the day after, approved; shifts assigned on the four days after."""
    hr = Attendance(now=EVE)
    await hr.given(leave(DAY, next_day(1)), approve(DIRECT))
    for n in range(2, 6):
        await hr.when(assign(day=next_day(n)))
    return hr


def kinds(hr: Attendance, day: dt.date) -> list[AbsenceKind]:
    return [e.kind for e in hr.day(day) if isinstance(e, AbsenceRecorded)]


async def test_not_back_after_the_leave_is_a_leave_overrun_until_the_employee_returns_hr_25() -> None:
    hr = await overrun_case()
    await hr.when(clock_in("08:25", next_day(4)))
    await hr.when(clock_out("18:05", next_day(4)))
    hr.clock.set(at("18:31", next_day(5)))
    await hr.run_deadlines()
    assert kinds(hr, next_day(2)) == [AbsenceKind.LEAVE_OVERRUN]
    assert kinds(hr, next_day(3)) == [AbsenceKind.LEAVE_OVERRUN]
    assert kinds(hr, next_day(4)) == []
    assert kinds(hr, next_day(5)) == [AbsenceKind.FULL_DAY], "back on day 4: day 5 is no overrun"


async def test_a_rest_day_does_not_end_the_overrun_hr_25() -> None:
    hr = Attendance(now=EVE)
    await hr.given(leave(DAY), approve(DIRECT), assign("rest", next_day(1)), assign(day=next_day(2)))
    hr.clock.set(at("18:31", next_day(2)))
    await hr.run_deadlines()
    assert kinds(hr, next_day(2)) == [AbsenceKind.LEAVE_OVERRUN]


async def test_an_extension_approved_late_rescinds_the_overrun_hr_25() -> None:
    hr = await overrun_case()
    extend = c.ExtendLeave(
        command_id="ext-1", actor=EMPLOYEE, leave_id="lv-1", new_end_date=next_day(2), reason="ill"
    )
    hr.clock.set(at("12:00", next_day(1)))
    await hr.when(extend)  # asked before the end, not yet approved
    hr.clock.set(at("18:31", next_day(2)))
    await hr.run_deadlines()
    assert kinds(hr, next_day(2)) == [AbsenceKind.LEAVE_OVERRUN]
    await hr.when(approve(SENIOR, command_id="approve-ext"))  # 3 days in all (HR-26)
    [undone] = rescinded(hr, next_day(2))
    assert (undone.kind, undone.rule) == (AbsenceKind.LEAVE_OVERRUN, "HR-25")
    assert hr.ladder_types(2026)[-2:] == ["AbsenceUncounted", "FineReversed"]


async def test_withdrawn_leave_no_longer_covers_its_days_sm_leave() -> None:
    # given personal leave on the day after tomorrow, approved
    hr = Attendance(now=EVE)
    later = next_day(2)
    await hr.given(leave(later), approve(DIRECT))
    assert [n.approved for n in (await hr.day_state(later)).leaves.values()] == [True]
    # when the employee withdraws it before it starts
    await hr.when(c.WithdrawLeave(command_id="w-1", actor=EMPLOYEE, leave_id="lv-1", reason="not needed"))
    # then the day no longer notes the leave: it will be judged as a working day
    assert (await hr.day_state(later)).leaves == {}
