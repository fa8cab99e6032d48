"""The service's clock decides a punch (HR-10): RecordClockIn / RecordClockOut carry no time, the
service stamps them at receipt, a body that sends `at` is refused at that field; only HR corrects a
punch, with a reason (CorrectClockPunch → ClockPunchCorrected, the original kept), the day is judged
on the corrected time, a day already evaluated is judged again (AbsenceRescinded / AbsenceRecorded
for the ladder, HR-16), and the AttendanceDay query shows the punches and the correction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from hr.time.domain.attendance import CLOCK_CORRECTION
from hr.time.domain.attendance_state import PunchKind
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from jetstream_es.identity import acting_as
from jetstream_es.service.endpoints import validation_reply
from shop_contracts.commands.hr import CorrectClockPunch, RecordClockIn, RecordClockOut
from shop_contracts.envelope import Actor
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded, AbsenceRescinded
from shop_contracts.events.hr_attendance import (
    AttendanceDayRejudged,
    ClockedIn,
    ClockPunchCorrected,
    DayOutcome,
    LatenessRecorded,
)
from shop_contracts.messages import validate_wire
from shop_contracts.queries.hr import AttendanceDay

from .attendance_helpers import (
    DAY,
    EMPLOYEE,
    Attendance,
    assign,
    at,
    clock_in,
    clock_out,
    correct,
    evaluate,
)
from .helpers import HR


@pytest.fixture
def hr() -> Attendance:
    return Attendance()


def of(hr: Attendance, kind: type[object]) -> list[object]:
    return [e for e in hr.day() if isinstance(e, kind)]


def test_a_punch_body_with_a_time_is_invalid_at_at_hr_10() -> None:
    """HR-10: an employee who arrives at 10:15 cannot send 08:25; the field itself is refused."""
    body = {"command_id": "in-1", "actor": {"id": "emp-1", "roles": []}, "employee_id": "emp-1"}
    for model in (RecordClockIn, RecordClockOut):
        with pytest.raises(ValidationError) as refused:
            validate_wire(model, json.dumps(body | {"at": "2026-03-03T08:25:00+08:00"}))
        reply = validation_reply(refused.value, model.command_name)
        assert reply.error is not None
        assert reply.error.code == "invalid"
        [detail] = reply.error.details
        assert detail["field"] == "at"
        assert "HR-10" in detail["problem"]
        assert "CorrectClockPunch" in detail["problem"]
        validate_wire(model, json.dumps(body))  # without the time it is accepted


async def test_the_punch_is_the_service_clock_at_receipt_hr_10(hr: Attendance) -> None:
    hr.clock.set(at("10:15"))
    await hr.when(RecordClockIn(command_id="in-now", actor=EMPLOYEE, employee_id="emp-1"))
    [punch] = of(hr, ClockedIn)
    assert isinstance(punch, ClockedIn)
    assert punch.at == at("10:15")
    assert punch.work_date == DAY


async def test_hr_corrects_a_late_punch_and_the_day_is_judged_on_it_hr_10(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("10:45"), clock_out("18:00"))
    hr.clock.set(at("12:00"))
    await hr.when(correct("in", "08:25", reason="the terminal was down; the guard logged 08:25"))
    [corrected] = of(hr, ClockPunchCorrected)
    assert isinstance(corrected, ClockPunchCorrected)
    assert (corrected.punch, corrected.at, corrected.original) == (PunchKind.IN, at("08:25"), at("10:45"))
    assert corrected.corrected_by == HR.id
    assert corrected.corrected_at == at("12:00")
    hr.clock.set(at("18:31"))
    await hr.when(evaluate())
    assert hr.found() == ["AttendanceDayEvaluated"]  # not late: the corrected time decides


async def test_a_correction_after_the_evaluation_rescinds_the_absence_hr_10_hr_16(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("10:45"), clock_out("18:00"))
    hr.clock.set(at("18:31"))
    await hr.when(evaluate())
    assert [e.kind for e in of(hr, AbsenceRecorded)] == [AbsenceKind.LATE_OVER_1H]  # type: ignore[attr-defined]
    assert (await hr.ladder_state(2026)).days == 1
    hr.clock.set(at("09:00", DAY + dt.timedelta(days=1)))
    await hr.when(correct("in", "08:25"))
    [rescinded] = of(hr, AbsenceRescinded)
    assert isinstance(rescinded, AbsenceRescinded)
    assert (rescinded.covered_by, rescinded.rule, rescinded.kind) == (
        CLOCK_CORRECTION,
        "HR-10",
        AbsenceKind.LATE_OVER_1H,
    )
    [rejudged] = of(hr, AttendanceDayRejudged)
    assert isinstance(rejudged, AttendanceDayRejudged)
    assert (rejudged.outcome, rejudged.lateness_minutes, rejudged.rejudged_by) == (
        DayOutcome.WORKED,
        0,
        HR.id,
    )
    assert (await hr.ladder_state(2026)).days == 0
    state = await hr.day_state()
    assert state.absence is None
    assert state.lateness_minutes == 0


async def test_a_correction_can_make_the_day_worse_hr_10_hr_12_b(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("08:25"), clock_out("18:00"))
    hr.clock.set(at("18:31"))
    await hr.when(evaluate())
    assert of(hr, AbsenceRecorded) == []
    await hr.when(correct("in", "10:00", reason="a colleague punched for them; the camera shows 10:00"))
    assert [e.kind for e in of(hr, AbsenceRecorded)] == [AbsenceKind.LATE_OVER_1H]  # type: ignore[attr-defined]
    [rejudged] = of(hr, AttendanceDayRejudged)
    assert isinstance(rejudged, AttendanceDayRejudged)
    assert (rejudged.outcome, rejudged.lateness_minutes) == (DayOutcome.ABSENT, 90)
    assert (await hr.ladder_state(2026)).days == 1


async def test_hr_supplies_a_missing_clock_in_hr_10_hr_12_a(hr: Attendance) -> None:
    await hr.given(assign())
    hr.clock.set(at("18:31"))
    await hr.when(evaluate())
    assert [e.kind for e in of(hr, AbsenceRecorded)] == [AbsenceKind.FULL_DAY]  # type: ignore[attr-defined]
    await hr.when(correct("in", "08:20"))
    await hr.when(correct("out", "18:00"))
    [rescinded] = of(hr, AbsenceRescinded)
    assert isinstance(rescinded, AbsenceRescinded)
    assert rescinded.kind is AbsenceKind.FULL_DAY
    assert [e.outcome for e in of(hr, AttendanceDayRejudged)] == [DayOutcome.WORKED] * 2  # type: ignore[attr-defined]
    assert of(hr, LatenessRecorded) == []


async def test_the_employee_may_not_correct_their_punch_hr_10(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("10:45"))
    hr.clock.set(at("12:00"))
    with pytest.raises(Forbidden) as refused:
        await hr.when(correct("in", "08:25", actor=EMPLOYEE))
    assert refused.value.rule == "HR-10"
    with pytest.raises(Forbidden):  # not even an HR employee their own punch
        await hr.when(
            CorrectClockPunch(
                command_id="own",
                actor=Actor(id="emp-1", roles=("hr_dept",)),
                employee_id="emp-1",
                work_date=DAY,
                punch=PunchKind.IN,
                at=at("08:25"),
                reason="mine",
            )
        )
    assert of(hr, ClockPunchCorrected) == []


async def test_a_correction_is_bounded_to_the_day_and_the_past_hr_10(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("08:40"))
    hr.clock.set(at("12:00"))
    with pytest.raises(InvalidCommand) as future:
        await hr.when(correct("out", "17:30"))
    assert future.value.fields == ("at",)
    assert future.value.rule == "HR-10"
    with pytest.raises(InvalidCommand) as other_day:
        await hr.when(
            correct("in", "08:25", day=DAY).model_copy(update={"work_date": DAY - dt.timedelta(days=1)})
        )
    assert other_day.value.fields == ("at",)
    with pytest.raises(RuleViolated):  # out before in
        await hr.when(correct("out", "08:30"))
    assert of(hr, ClockPunchCorrected) == []


async def test_the_attendance_day_lists_punches_and_the_correction_hr_10(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("10:45"), clock_out("18:00"))
    hr.clock.set(at("18:10"))
    await hr.when(correct("in", "08:25", reason="the terminal was down"))
    read = hr.runtime.query_handlers[AttendanceDay]
    with acting_as(EMPLOYEE):  # the employee reads their own day; another employee may not
        day = await read(AttendanceDay(employee_id="emp-1", work_date=DAY))
    with acting_as(Actor(id="emp-2", roles=())), pytest.raises(Forbidden):
        await read(AttendanceDay(employee_id="emp-1", work_date=DAY))
    when = dt.datetime.fromisoformat
    assert [(p["punch"], when(p["at"])) for p in day["punches"]] == [
        ("in", at("10:45")),
        ("out", at("18:00")),
    ]
    [c] = day["corrections"]
    assert (c["punch"], when(c["at"]), when(c["original"])) == ("in", at("08:25"), at("10:45"))
    assert (c["corrected_by"], when(c["corrected_at"]), c["reason"]) == (
        HR.id,
        at("18:10"),
        "the terminal was down",
    )
    assert when(day["clock_in"]) == at("08:25")


async def test_a_later_punch_does_not_move_a_corrected_one_hr_10(hr: Attendance) -> None:
    await hr.given(assign(), clock_in("10:45"))
    hr.clock.set(at("11:00"))
    await hr.when(correct("in", "08:25"))
    await hr.when(clock_in("08:00"))  # the terminal's replay of an older record
    assert (await hr.day_state()).clock_in == at("08:25")
