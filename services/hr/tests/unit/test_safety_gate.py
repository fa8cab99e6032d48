"""DIS-13: an onboarded employee works no shift before passing the safety training exam. AssignShift
and PublishRota refuse it with the rule id and append nothing; rest days are not gated; after the
exam the same shift is accepted; an employee not on the register (never onboarded) works no shift
and is named in no rota."""

from __future__ import annotations

import datetime as dt

import pytest

from jetstream_es.errors import RuleViolated
from shop_contracts.commands import hr_people as p
from shop_contracts.commands.hr_time import DutyPair, PublishRota
from shop_contracts.envelope import Actor

from .attendance_helpers import SUPERVISOR, Attendance, assign, at
from .people_harness import HR, offence, onboard

DAY = dt.date(2026, 3, 3)


async def onboarded(trained_on: dt.date | None = None) -> Attendance:
    hr = Attendance(now=at("07:00", DAY), registered=())
    people = hr.handlers(p.OnboardEmployee)
    await people.onboard(onboard(join=dt.date(2026, 3, 1)))
    if trained_on is not None:
        await people.record_training(
            p.RecordSafetyTrainingResult(
                command_id="training",
                actor=HR,
                employee_id="emp-1",
                passed=True,
                taken_on=trained_on,
                score=95,
            )
        )
    return hr


def rota_for(day: dt.date) -> PublishRota:
    return PublishRota(
        command_id="rota-1",
        actor=SUPERVISOR,
        rota_id="r-1",
        period_start=day,
        period_end=day,
        employees=("emp-1", "emp-2"),
        days=(DutyPair(work_date=day, main="emp-2", assistant="emp-1"),),
    )


async def test_a_working_shift_before_the_exam_is_refused_dis_13() -> None:
    hr = await onboarded()
    before = len(hr.store.all_events)

    with pytest.raises(RuleViolated) as refused:
        await hr.when(assign("administrative", DAY))

    assert refused.value.rule == "DIS-13"
    assert "emp-1" in refused.value.message
    assert len(hr.store.all_events) == before


async def test_a_rest_day_needs_no_exam_dis_13() -> None:
    hr = await onboarded()

    result = await hr.when(assign("rest", DAY))

    assert result.event_ids


async def test_after_the_exam_the_shift_is_accepted_dis_13() -> None:
    hr = await onboarded(trained_on=DAY)

    result = await hr.when(assign("administrative", DAY))

    assert result.event_ids


async def test_a_rota_with_an_untrained_employee_is_refused_dis_13() -> None:
    hr = await onboarded()

    with pytest.raises(RuleViolated) as refused:
        await hr.when(rota_for(DAY))

    assert refused.value.rule == "DIS-13"
    assert not [e for e in hr.store.all_events if e.envelope.aggregate_type == "Rota"]


async def test_an_employee_never_onboarded_gets_no_shift_dis_13() -> None:
    # given nobody on the register
    hr = Attendance(now=at("07:00", DAY), registered=())
    # when a shift is assigned to emp-1, it is refused naming the employee and the rule
    with pytest.raises(RuleViolated) as refused:
        await hr.when(assign("administrative", DAY))
    assert refused.value.rule == "DIS-13"
    assert "emp-1 is not on the employee register" in refused.value.message
    # then nothing is appended
    assert hr.store.all_events == []


async def test_a_rota_naming_an_employee_never_onboarded_is_refused_dis_13() -> None:
    # given emp-1 trained and on the register, emp-2 unknown
    hr = await onboarded(trained_on=DAY)
    # when a rota names emp-2, it is refused naming emp-2
    with pytest.raises(RuleViolated) as refused:
        await hr.when(rota_for(DAY))
    assert refused.value.rule == "DIS-13"
    assert "emp-2 is not on the employee register" in refused.value.message
    assert not [e for e in hr.store.all_events if e.envelope.aggregate_type == "Rota"]


async def test_a_suspended_employee_gets_no_working_shift_on_the_suspended_days_dis_11() -> None:
    # given emp-1 trained, with a recorded case and a suspension on DAY
    hr = await onboarded(trained_on=DAY - dt.timedelta(days=1))
    people = hr.handlers(p.OnboardEmployee)
    manager = Actor(id="mgr-1", roles=("dept_manager",))
    await people.record_offence(offence("3.4", "c1").model_copy(update={"occurred_on": DAY}))
    await people.suspend(
        p.SuspendEmployee(
            command_id="s1",
            actor=manager,
            employee_id="emp-1",
            case_id="c1",
            start_date=DAY,
            end_date=DAY,
            note="x",
        )
    )
    # when a shift is assigned on DAY, it is refused naming the suspension; the next day is fine
    with pytest.raises(RuleViolated) as refused:
        await hr.when(assign("administrative", DAY))
    assert "suspended" in refused.value.message
    assert (await hr.when(assign("administrative", DAY + dt.timedelta(days=1)))).event_ids
