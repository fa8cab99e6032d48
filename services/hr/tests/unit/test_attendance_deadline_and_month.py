"""The deadline-fired end-of-day evaluation (SM-DAY: once, at the shift end plus the grace), leave
excusing the day (HR-12 (a), HR-18) and the AttendanceMonth query (HR-6); given / when / then."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from hr.time.adapters.attendance_views import AttendanceViews, attendance_month
from hr.time.application.deadlines import EvaluationFirer
from hr.time.domain.attendance_state import ATTENDANCE_DAY
from jetstream_es.deadlines import Deadline
from jetstream_es.errors import Forbidden, RuleViolated
from jetstream_es.projection import ApplyContext, Decoded
from shop_contracts.commands import hr as c
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded
from shop_contracts.events.hr_attendance import AttendanceDayEvaluated, DayOutcome
from shop_contracts.queries.hr import AttendanceMonth

from .attendance_helpers import DAY, EMPLOYEE, Attendance, assign, at, clock_in, clock_out, evaluate, make_up
from .helpers import DIRECT, approve, leave


@pytest.fixture
def hr() -> Attendance:
    return Attendance()


def evaluate_at(hhmm: str) -> c.EvaluateAttendanceDay:
    return evaluate().model_copy(update={"command_id": f"eval-{hhmm.replace(':', '')}"})


def evaluations(hr: Attendance, day: dt.date = DAY) -> list[AttendanceDayEvaluated]:
    return [e for e in hr.day(day) if isinstance(e, AttendanceDayEvaluated)]


async def test_the_deadline_evaluates_the_day_once_at_the_shift_end_plus_grace_sm_day() -> None:
    hr = Attendance()
    await hr.given(assign(), clock_in("08:30"), clock_out("18:00"))
    hr.clock.set(at("18:29"))
    assert await hr.run_deadlines() == 0
    hr.clock.set(at("18:30"))
    assert await hr.run_deadlines() == 1
    [evaluated] = evaluations(hr)
    assert (evaluated.outcome, evaluated.evaluated_by) == (DayOutcome.WORKED, "system")
    hr.clock.advance(dt.timedelta(days=1))
    assert await hr.run_deadlines() == 0
    assert len(evaluations(hr)) == 1


async def test_a_second_firing_of_the_same_deadline_appends_nothing_sm_day() -> None:
    hr = Attendance()
    await hr.given(assign())
    hr.clock.set(at("18:30"))
    await hr.run_deadlines()
    before = len(hr.store.all_events)
    payload: dict[str, object] = {"employee_id": "emp-1", "work_date": DAY.isoformat()}
    again = Deadline(
        "evaluate_day/emp-1_2026-03-03/1", "evaluate_day", "emp-1_2026-03-03", at("18:30"), payload
    )
    await EvaluationFirer(hr.commands)(again)
    assert len(hr.store.all_events) == before
    assert [e.kind for e in hr.day() if isinstance(e, AbsenceRecorded)] == [AbsenceKind.FULL_DAY]


async def test_a_supervisor_evaluating_first_leaves_the_deadline_nothing_to_do_hr_7() -> None:
    hr = Attendance()
    await hr.given(assign(), clock_in("08:30"), clock_out("18:00"))
    hr.clock.set(at("18:05"))
    await hr.when(evaluate())
    hr.clock.set(at("18:30"))
    assert await hr.run_deadlines() == 0
    assert len(evaluations(hr)) == 1


async def test_a_reassigned_shift_moves_the_deadline_to_the_new_end_hr_3() -> None:
    hr = Attendance()
    await hr.given(assign(), assign("main"), clock_in("08:30"), clock_out("22:00"))
    hr.clock.set(at("18:30"))
    assert await hr.run_deadlines() == 0
    hr.clock.set(at("22:30"))
    assert await hr.run_deadlines() == 1
    assert [e.outcome for e in evaluations(hr)] == [DayOutcome.WORKED]


# the evaluation itself (SM-DAY)


async def test_the_day_is_not_evaluated_before_the_shift_ends_sm_day(hr: Attendance) -> None:
    await hr.given(assign("main"), clock_in("08:30"))
    hr.clock.set(at("21:59"))
    with pytest.raises(RuleViolated):
        await hr.when(evaluate_at("21:59"))
    hr.clock.set(at("22:00"))
    await hr.when(evaluate_at("22:00"))
    with pytest.raises(RuleViolated):
        await hr.when(evaluate().model_copy(update={"command_id": "eval-again"}))
    with pytest.raises(RuleViolated):
        await hr.when(clock_out("22:01"))


async def test_only_a_supervisor_evaluates_by_hand_hr_7(hr: Attendance) -> None:
    hr.clock.set(at("19:00"))
    with pytest.raises(Forbidden):
        await hr.when(evaluate(actor=EMPLOYEE))


# leave and the attendance day (HR-12 (a), HR-18)

EVE = at("09:00", DAY - dt.timedelta(days=1))


async def test_approved_leave_excuses_the_day_hr_18() -> None:
    hr = Attendance(now=EVE)
    await hr.given(assign(), leave(DAY), approve(DIRECT))
    hr.clock.set(at("18:30"))
    await hr.run_deadlines()
    [evaluated] = evaluations(hr)
    assert (evaluated.outcome, evaluated.leave_type, evaluated.leave_id) == (
        DayOutcome.LEAVE,
        "personal",
        "lv-1",
    )
    assert hr.ladder(2026) == []


async def test_leave_not_approved_is_absence_without_a_leave_procedure_hr_12_a() -> None:
    hr = Attendance(now=EVE)
    await hr.given(assign(), leave(DAY))
    hr.clock.set(at("18:30"))
    await hr.run_deadlines()
    assert [e.kind for e in hr.day() if isinstance(e, AbsenceRecorded)] == [AbsenceKind.NO_LEAVE_PROCEDURE]
    assert hr.ladder_types(2026)[:2] == ["AbsenceCounted", "FineImposed"]


# AttendanceMonth (HR-6)


async def month(hr: Attendance, full_days: int = 26) -> dict[str, object]:
    views = AttendanceViews()
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    tables = views.define_tables(MetaData(), "")
    ctx = ApplyContext(replaying=False, now=hr.clock.now())
    async with engine.begin() as conn:
        await conn.run_sync(tables["days"].metadata.create_all)
        for stored in hr.store.all_events:
            if stored.envelope.aggregate_type == "AttendanceDay":
                data = ATTENDANCE_DAY.registry.decode(stored.envelope)
                if data.event_type in views.handles:
                    await views.apply(cast(AsyncConnection, conn), tables, Decoded(stored, data), ctx)
                    await views.apply(conn, tables, Decoded(stored, data), ctx)  # redelivery is harmless
    query = AttendanceMonth(employee_id="emp-1", month="2026-03")
    try:
        return await attendance_month(engine, tables, query, full_days)
    finally:
        await engine.dispose()


async def test_attendance_month_sums_the_evaluated_days_hr_6() -> None:
    hr = Attendance(now=EVE)
    leave_day, late_day, early_day, absent_day = (DAY + dt.timedelta(days=n) for n in range(4))
    await hr.given(leave(leave_day), approve(DIRECT))
    await hr.given(clock_in("09:10", late_day), clock_out("18:00", late_day), make_up(late_day))
    await hr.given(clock_in("08:30", early_day), clock_out("17:30", early_day))
    await hr.given(assign(day=absent_day))
    hr.clock.set(at("18:30", absent_day))
    await hr.run_deadlines()
    for day in (leave_day, late_day, early_day):
        await hr.when(evaluate(day))
    result = await month(hr, full_days=2)
    assert result["worked_days"] == 2
    assert result["lateness"] == {"count": 1, "minutes": 40}
    assert result["lateness_as_personal_leave"] == {"count": 1, "minutes": 40}
    assert result["early_leave"] == {"count": 1, "minutes": 30}
    assert result["absences"] == [{"work_date": absent_day.isoformat(), "kind": "full_day", "days": "1"}]
    assert result["leave_days"] == {"personal": 1}
    assert result["full_attendance"] is True
    assert (await month(hr))["full_attendance"] is False
