"""Overtime and comp time (HR-30..HR-32): a leader orders overtime; a refusal is recorded for
discipline, not as absenteeism; required extra time of one hour or less is not overtime (HR-32,
a setting); counted overtime on a rest day earns comp time, recognised only once filed with the
office (HR-31); comp leave draws the balance and is refused beyond it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from hr.bootstrap import HrSettings
from hr.time.domain.overtime import COMP_TIME, CompTimeState
from jetstream_es.errors import Forbidden, RuleViolated
from jetstream_es.store import AggregateAppend, AppendResult
from shop_contracts.commands import hr as c
from shop_contracts.commands.hr_time import (
    AssignOvertime,
    FileCompTime,
    RecordOvertimeRefusal,
    RecordOvertimeWorked,
)
from shop_contracts.envelope import Actor
from shop_contracts.events.hr_leave import LeaveType
from shop_contracts.events.hr_time import (
    CompTimeDrawn,
    CompTimeFiled,
    CompTimeRestored,
    OvertimeRefused,
    OvertimeWorked,
)
from shop_contracts.messages import EventData

from .attendance_helpers import (
    DAY,
    DIRECT,
    EMPLOYEE,
    OFFICE,
    PUNCH_TIMES,
    RECORDED_AFTER,
    SUPERVISOR,
    Attendance,
    assign,
    at,
)
from .helpers import HR, approve, leave

SATURDAY = dt.date(2026, 3, 7)


def order(
    start: str = "18:00", end: str = "20:00", day: dt.date = DAY, actor: Actor = SUPERVISOR
) -> AssignOvertime:
    return AssignOvertime(
        command_id=f"ot-{day}",
        actor=actor,
        overtime_id=f"ot-{day}",
        employee_id="emp-1",
        start_at=at(start, day),
        end_at=at(end, day),
        reason="campaign launch",
    )


def worked(start: str, end: str, day: dt.date = DAY) -> RecordOvertimeWorked:
    """Recorded by the leader after the overtime ends (HR-30: an attested time is a past happening)."""
    PUNCH_TIMES[f"worked-{day}"] = at(end, day) + RECORDED_AFTER
    return RecordOvertimeWorked(
        command_id=f"worked-{day}",
        actor=SUPERVISOR,
        overtime_id=f"ot-{day}",
        started_at=at(start, day),
        ended_at=at(end, day),
    )


def filed(day: dt.date = SATURDAY, actor: Actor = OFFICE) -> FileCompTime:
    return FileCompTime(command_id=f"file-{day}-{actor.id}", actor=actor, overtime_id=f"ot-{day}")


def comp_leave(day: dt.date, leave_id: str = "comp-1") -> c.SubmitLeave:
    return leave(day, leave_type=LeaveType.COMP, leave_id=leave_id, command_id=f"submit-{leave_id}")


def overtime(hr: Attendance, day: dt.date = DAY) -> list[EventData]:
    return hr.events(f"ot-{day}", aggregate="Overtime")


async def balance(hr: Attendance) -> int:
    state: CompTimeState = await hr.state(COMP_TIME, "emp-1")
    return state.balance


@pytest.fixture
def hr() -> Attendance:
    return Attendance(now=at("09:00", DAY))


async def test_a_leader_orders_overtime_not_the_employee_hr_30(hr: Attendance) -> None:
    with pytest.raises(Forbidden) as refused:
        await hr.when(order(actor=EMPLOYEE))
    assert refused.value.rule == "HR-30"
    await hr.when(order())
    assert [type(e).__name__ for e in overtime(hr)] == ["OvertimeAssigned"]


async def test_a_refusal_is_recorded_for_discipline_not_as_absence_hr_30(hr: Attendance) -> None:
    await hr.given(order())
    await hr.when(
        RecordOvertimeRefusal(
            command_id="no",
            actor=SUPERVISOR,
            overtime_id=f"ot-{DAY}",
            special_reason=False,
            reason="no reason",
        )
    )
    [refusal] = [e for e in overtime(hr) if isinstance(e, OvertimeRefused)]
    assert refusal.special_reason is False
    assert hr.day() == []
    assert hr.ladder(2026) == []
    with pytest.raises(RuleViolated, match="only ordered overtime"):
        await hr.when(worked("18:00", "20:00"))


async def test_exactly_one_hour_of_required_extra_time_is_not_overtime_hr_32(hr: Attendance) -> None:
    await hr.given(order(), worked("18:00", "19:00"))
    [done] = [e for e in overtime(hr) if isinstance(e, OvertimeWorked)]
    assert (done.minutes, done.counted_minutes, done.rest_day) == (60, 0, False)


async def test_61_minutes_are_overtime_hr_32(hr: Attendance) -> None:
    await hr.given(order(), worked("18:00", "19:01"))
    [done] = [e for e in overtime(hr) if isinstance(e, OvertimeWorked)]
    assert (done.counted_minutes, done.comp_minutes) == (61, 0), "a working day earns no comp time"


async def test_the_one_hour_rule_is_a_setting_hr_32() -> None:
    hr = Attendance(HrSettings(overtime_not_counted_up_to_minutes=0), at("09:00", DAY))
    await hr.given(order(), worked("18:00", "18:30"))
    [done] = [e for e in overtime(hr) if isinstance(e, OvertimeWorked)]
    assert done.counted_minutes == 30


async def test_workday_overtime_earns_no_comp_time_to_file_hr_31(hr: Attendance) -> None:
    await hr.given(order(), worked("18:00", "21:00"))
    with pytest.raises(RuleViolated) as refused:
        await hr.when(filed(DAY))
    assert refused.value.rule == "HR-31"


async def rest_day_overtime(hr: Attendance) -> None:
    await hr.given(
        assign("rest", SATURDAY), order("08:30", "17:30", SATURDAY), worked("08:30", "17:30", SATURDAY)
    )


async def test_rest_day_overtime_counts_only_once_filed_with_the_office_hr_31(hr: Attendance) -> None:
    await rest_day_overtime(hr)
    [done] = [e for e in overtime(hr, SATURDAY) if isinstance(e, OvertimeWorked)]
    assert (done.rest_day, done.comp_minutes) == (True, 540)
    assert await balance(hr) == 0
    with pytest.raises(RuleViolated) as refused:
        await hr.when(comp_leave(DAY + dt.timedelta(days=7)))
    assert refused.value.rule == "HR-31"
    assert hr.leave_types("comp-1") == []
    with pytest.raises(Forbidden):
        await hr.when(filed(actor=DIRECT))
    await hr.when(filed())
    await hr.when(filed(actor=Actor(id="off-2", roles=("office",))))  # filing twice credits once
    assert await balance(hr) == 540


async def test_comp_leave_draws_the_balance_and_is_refused_beyond_it_hr_31(hr: Attendance) -> None:
    await rest_day_overtime(hr)
    await hr.given(filed())
    monday = DAY + dt.timedelta(days=6)
    await hr.when(comp_leave(monday))
    await hr.when(comp_leave(monday))  # the same command again draws once
    assert (
        next(
            e for e in hr.events("emp-1", aggregate="CompTimeAccount") if isinstance(e, CompTimeDrawn)
        ).minutes
        == 510
    )
    assert await balance(hr) == 30
    with pytest.raises(RuleViolated, match="needs 510 minutes"):
        await hr.when(comp_leave(monday + dt.timedelta(days=1), "comp-2"))
    await hr.when(approve(DIRECT, "comp-1"))
    assert (await hr.leave_state("comp-1")).leave_type is LeaveType.COMP


async def test_a_rejected_comp_leave_gives_the_time_back_hr_31(hr: Attendance) -> None:
    await rest_day_overtime(hr)
    await hr.given(filed(), comp_leave(DAY + dt.timedelta(days=6)))
    await hr.when(c.RejectLeave(command_id="rej", actor=DIRECT, leave_id="comp-1", reason="busy week"))
    assert [type(e) for e in hr.events("emp-1", aggregate="CompTimeAccount")][-1] is CompTimeRestored
    assert await balance(hr) == 540


async def test_comp_leave_is_not_extended_hr_31(hr: Attendance) -> None:
    await rest_day_overtime(hr)
    monday = DAY + dt.timedelta(days=6)
    await hr.given(filed(), comp_leave(monday), approve(DIRECT, "comp-1"))
    extend = c.ExtendLeave(
        command_id="ext",
        actor=EMPLOYEE,
        leave_id="comp-1",
        new_end_date=monday + dt.timedelta(days=1),
        reason="more",
    )
    with pytest.raises(RuleViolated) as refused:
        await hr.when(extend)
    assert refused.value.rule == "HR-31"


async def test_comp_time_is_filed_with_the_body_the_setting_names_c9_hr_31() -> None:
    """HR-31 files comp time with the office; with FileCompTime given to HR (HR_COMMAND_ROLES) the
    record says it was filed with HR, not a fixed "office"."""
    settings = HrSettings.model_validate({"command_roles": '{"FileCompTime": ["hr_dept"]}'})
    hr = Attendance(settings, at("09:00", DAY))
    await rest_day_overtime(hr)

    with pytest.raises(Forbidden):
        await hr.when(filed())
    await hr.when(filed(actor=HR))

    [record] = [e for e in overtime(hr, SATURDAY) if isinstance(e, CompTimeFiled)]
    assert (record.filed_with, record.filed_by) == ("hr_dept", "hr-1")
    assert await balance(hr) == 540


def count_atomic_appends(hr: Attendance) -> list[list[str]]:
    """The aggregates of each atomic append (`append_all`) the store receives from here on."""
    calls: list[list[str]] = []
    append_all = hr.store.append_all

    async def spy(parts: Sequence[AggregateAppend]) -> tuple[AppendResult, ...]:
        calls.append(sorted(p.aggregate_type for p in parts))
        return await append_all(parts)

    hr.store.append_all = spy  # type: ignore[method-assign]
    return calls


async def test_a_comp_leave_and_its_draw_are_one_atomic_append_hr_31(hr: Attendance) -> None:
    """HR-31 (issue 16): submitting a comp leave records the request and the draw on the comp-time
    account in one atomic append (`execute_all`), not two appends that a crash could split."""
    await rest_day_overtime(hr)
    await hr.given(filed())
    calls = count_atomic_appends(hr)
    await hr.when(comp_leave(DAY + dt.timedelta(days=6)))
    assert calls == [["CompTimeAccount", "LeaveRequest"]]
    assert hr.leave_types("comp-1") == ["LeaveRequested"]
    await hr.when(comp_leave(DAY + dt.timedelta(days=6)))  # a repeat appends nothing
    assert calls == [["CompTimeAccount", "LeaveRequest"]]
    assert hr.leave_types("comp-1") == ["LeaveRequested"]
    assert [type(e) for e in hr.events("emp-1", aggregate="CompTimeAccount")][-1] is CompTimeDrawn
    assert await balance(hr) == 30


async def test_a_comp_leave_refused_draws_nothing_hr_31(hr: Attendance) -> None:
    """HR-31: a comp leave the leave rules refuse (HR-18: no notice) draws nothing, though the
    balance would cover it: both steps decide before anything is appended."""
    await rest_day_overtime(hr)
    await hr.given(filed())
    with pytest.raises(RuleViolated):
        await hr.when(comp_leave(hr.clock.now().date() - dt.timedelta(days=3)))
    assert [e for e in hr.events("emp-1", aggregate="CompTimeAccount") if isinstance(e, CompTimeDrawn)] == []
    assert await balance(hr) == 540


async def test_rejecting_a_comp_leave_gives_the_time_back_in_the_same_append_hr_31(hr: Attendance) -> None:
    """HR-31 (issue 16): the rejection and the comp time given back are one atomic append; a
    rejection repeated gives nothing back twice."""
    await rest_day_overtime(hr)
    await hr.given(filed(), comp_leave(DAY + dt.timedelta(days=6)))
    calls = count_atomic_appends(hr)
    reject = c.RejectLeave(command_id="rej", actor=DIRECT, leave_id="comp-1", reason="busy week")
    await hr.when(reject)
    assert calls == [["CompTimeAccount", "LeaveRequest"]]
    assert hr.leave_types("comp-1")[-1] == "LeaveRejected"
    await hr.when(reject)
    assert [type(e) for e in hr.events("emp-1", aggregate="CompTimeAccount")].count(CompTimeRestored) == 1
    assert await balance(hr) == 540
