"""Employees (HR-38, HR-39, DIS-6, DIS-7, DIS-12, DIS-13) and the erasure of personal data:
given / when / then through the real handlers, key table and people views."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hr.people.adapters.keys import KeyErased, seal, unseal
from jetstream_es.commands import Cause
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from shop_contracts.commands import hr_people as p
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.hr_attendance import ShiftAssigned, ShiftKind
from shop_contracts.events.hr_people import (
    EmployeeOnboarded,
    Grade,
    ResignationSubmitted,
    SafetyTrainingPassed,
    SeparationReason,
)

from .people_harness import EMPLOYEE_ACTOR, HR, MANAGER, SUPERVISOR, People, offence, onboard


@pytest.fixture
def people() -> People:
    return People()


def training(passed: bool = True, day: dt.date = dt.date(2026, 3, 1)) -> p.RecordSafetyTrainingResult:
    return p.RecordSafetyTrainingResult(
        command_id=f"training-{passed}", actor=HR, employee_id="emp-1", passed=passed, taken_on=day, score=90
    )


def resign(effective: dt.date) -> p.SubmitResignation:
    return p.SubmitResignation(
        command_id=f"resign-{effective}", actor=EMPLOYEE_ACTOR, employee_id="emp-1", effective_date=effective
    )


HANDOVER = p.CompleteHandover(command_id="handover", actor=SUPERVISOR, employee_id="emp-1", handed_to="emp-2")


async def test_onboarding_records_post_grade_and_the_default_base_salary_hr_38_hr_39(people: People) -> None:
    await people.when(onboard(grade=Grade.SUPERVISOR))
    [event] = people.events("emp-1", aggregate="Employee")
    assert isinstance(event, EmployeeOnboarded)
    assert (event.grade, event.base_salary, event.id_copy_received) == (Grade.SUPERVISOR, Decimal(3500), True)
    await people.when(onboard("emp-2"))
    [member] = people.events("emp-2", aggregate="Employee")
    assert isinstance(member, EmployeeOnboarded)
    assert member.base_salary == Decimal(2000)


async def test_personal_data_never_reaches_the_stream_in_clear_hr_38(people: People) -> None:
    await people.when(onboard())
    raw = people.store.all_events[0].envelope.model_dump_json()
    for secret in ("王小明", "310101199001011234", "13800000000", "6222000011112222"):
        assert secret not in raw
    view = await people.employee()
    assert view is not None
    assert view["personal"]["id_number"] == "310101199001011234"


async def test_onboarding_without_the_id_copy_is_refused_hr_38(people: People) -> None:
    with pytest.raises(RuleViolated) as refused:
        await people.when(onboard(id_copy_received=False))
    assert refused.value.rule == "HR-38"
    assert people.store.all_events == []
    assert await people.keys.key("emp-1") is None


async def test_onboarding_without_the_employee_file_is_refused_dis_6(people: People) -> None:
    with pytest.raises(RuleViolated) as refused:
        await people.when(onboard(employee_file_completed=False))
    assert refused.value.rule == "DIS-6"


async def test_only_hr_onboards_hr_38(people: People) -> None:
    with pytest.raises(Forbidden) as refused:
        await people.when(onboard(actor=SUPERVISOR))
    assert refused.value.rule == "HR-38"


async def test_a_shift_before_the_safety_exam_is_flagged_and_after_it_is_not_dis_13(people: People) -> None:
    await people.given(onboard())
    shift = ShiftAssigned(
        employee_id="emp-1",
        work_date=dt.date(2026, 3, 2),
        shift=ShiftKind.ADMINISTRATIVE,
        schedule="000",
        assigned_by="sup-1",
    )
    await people.people.note_shift(shift, Cause.of_command("shift-1", SYSTEM_ACTOR))
    assert people.types("emp-1", aggregate="Employee")[-1] == "RosteredBeforeSafetyTraining"
    await people.when(training(day=dt.date(2026, 3, 1)))
    later = shift.model_copy(update={"work_date": dt.date(2026, 3, 3)})
    await people.people.note_shift(later, Cause.of_command("shift-2", SYSTEM_ACTOR))
    assert people.types("emp-1", aggregate="Employee").count("RosteredBeforeSafetyTraining") == 1
    view = await people.employee()
    assert view is not None
    assert view["rostered_before_safety_training"] == ["2026-03-02"]
    assert view["safety_training"]["passed"] is True


async def test_a_failed_exam_keeps_the_gate_closed_and_a_pass_opens_it_dis_13(people: People) -> None:
    await people.given(onboard(), training(passed=False))
    await people.when(training(passed=True))
    assert people.types("emp-1", aggregate="Employee")[1:] == ["SafetyTrainingFailed", "SafetyTrainingPassed"]
    passed = people.events("emp-1", aggregate="Employee")[-1]
    assert isinstance(passed, SafetyTrainingPassed)


async def test_one_months_notice_allows_the_final_settlement_dis_7(people: People) -> None:
    await people.given(onboard())
    await people.when(resign(dt.date(2026, 4, 2)))
    event = people.events("emp-1", aggregate="Employee")[-1]
    assert isinstance(event, ResignationSubmitted)
    assert (event.required_from, event.final_settlement_blocked) == (dt.date(2026, 4, 2), False)


async def test_shorter_notice_blocks_the_final_settlement_naming_the_rule_dis_7(people: People) -> None:
    await people.given(onboard())
    await people.when(resign(dt.date(2026, 4, 1)))
    event = people.events("emp-1", aggregate="Employee")[-1]
    assert isinstance(event, ResignationSubmitted)
    assert (event.final_settlement_blocked, event.rule) == (True, "DIS-7")
    view = await people.employee()
    assert view is not None
    assert view["resignation"]["final_settlement_blocked"] is True


async def test_someone_else_cannot_resign_for_the_employee_dis_7(people: People) -> None:
    await people.given(onboard())
    with pytest.raises(Forbidden):
        await people.when(resign(dt.date(2026, 4, 2)).model_copy(update={"actor": HR}))


async def test_offboarding_needs_a_witnessed_handover_dis_12(people: People) -> None:
    await people.given(onboard(), resign(dt.date(2026, 4, 2)))
    leave = p.OffboardEmployee(
        command_id="off",
        actor=HR,
        employee_id="emp-1",
        reason=SeparationReason.RESIGNED,
        effective_date=dt.date(2026, 4, 2),
    )
    with pytest.raises(RuleViolated) as refused:
        await people.when(leave)
    assert refused.value.rule == "DIS-12"
    await people.when(HANDOVER)
    await people.when(leave)
    assert people.types("emp-1", aggregate="Employee")[-2:] == ["HandoverCompleted", "EmployeeOffboarded"]
    view = await people.employee()
    assert view is not None
    assert view["status"] == "left"
    assert view["handover"]["witnessed_by"] == "sup-1"


async def test_the_handover_is_witnessed_by_a_leader_dis_12(people: People) -> None:
    await people.given(onboard())
    with pytest.raises(Forbidden) as refused:
        await people.when(HANDOVER.model_copy(update={"actor": HR}))
    assert refused.value.rule == "DIS-12"


def dismissal(reference: str, command_id: str = "off") -> p.OffboardEmployee:
    return p.OffboardEmployee(
        command_id=command_id,
        actor=HR,
        employee_id="emp-1",
        reason=SeparationReason.DISMISSED,
        effective_date=dt.date(2026, 3, 10),
        reference=reference,
    )


async def test_a_dismissal_is_offboarded_with_the_confirmed_case_it_follows_dis_11(people: People) -> None:
    # given a class-1 offence (order diversion) whose dismissal a manager confirmed
    await people.given(
        onboard(),
        HANDOVER,
        offence("1.15", "case-7"),
        p.DecideDisciplinaryDismissal(
            command_id="d1", actor=MANAGER, employee_id="emp-1", case_id="case-7", dismiss=True
        ),
    )
    # when HR offboards the employee as dismissed, naming that case
    await people.when(dismissal("case-7"))
    # then the employee has left, dismissed, with the reference
    view = await people.employee()
    assert view is not None
    assert view["offboarded"]["reason"] == "dismissed"
    assert view["offboarded"]["reference"] == "case-7"


async def test_a_dismissal_naming_a_case_that_exists_nowhere_is_refused_dis_11(people: People) -> None:
    await people.given(onboard(), HANDOVER)
    with pytest.raises(InvalidCommand) as refused:
        await people.when(dismissal("case-7"))
    assert refused.value.rule == "DIS-11"
    assert "case-7" in refused.value.message


async def test_a_dismissal_naming_a_case_without_a_confirmed_dismissal_is_refused_dis_11(
    people: People,
) -> None:
    # given a class-3 offence (a warning and a fine, no dismissal)
    await people.given(onboard(), HANDOVER, offence("3.2", "case-3"))
    with pytest.raises(InvalidCommand) as refused:
        await people.when(dismissal("case-3"))
    assert refused.value.rule == "DIS-11"


async def test_erasure_makes_personal_data_unreadable_and_keeps_the_history(people: People) -> None:
    await people.given(onboard(), training())
    await people.when(
        p.EraseEmployeePersonalData(
            command_id="erase", actor=HR, employee_id="emp-1", reason="asked on leaving"
        )
    )
    assert await people.keys.key("emp-1") is None
    view = await people.employee()
    assert view is not None
    assert view["personal"] == "erased"
    assert (view["post"], view["base_salary"], view["safety_training"]["passed"]) == (
        "customer service",
        "2000",
        True,
    )
    assert people.types("emp-1", aggregate="Employee") == [
        "EmployeeOnboarded",
        "SafetyTrainingPassed",
        "EmployeePersonalDataErased",
    ]


async def test_after_erasure_a_projection_rebuild_still_shows_the_data_erased(people: People) -> None:
    await people.given(onboard())
    await people.project()
    await people.when(
        p.EraseEmployeePersonalData(command_id="erase", actor=HR, employee_id="emp-1", reason="asked")
    )
    await people.project(rebuild=True)
    view = await people.employee()
    assert view is not None
    assert view["personal"] == "erased"
    assert view["personal_data_erased"]["by"] == "hr-1"


async def test_erasing_twice_appends_nothing_more(people: People) -> None:
    await people.given(onboard())
    erase = p.EraseEmployeePersonalData(command_id="erase", actor=HR, employee_id="emp-1", reason="asked")
    await people.when(erase)
    again = await people.when(erase.model_copy(update={"command_id": "erase-2"}))
    assert again.event_ids == ()
    assert people.types("emp-1", aggregate="Employee").count("EmployeePersonalDataErased") == 1


def test_sealed_data_opens_only_for_its_own_employee() -> None:
    key = bytes(32)
    sealed = seal(key, "emp-1", {"name": "王小明"})
    assert unseal(key, "emp-1", sealed) == {"name": "王小明"}
    with pytest.raises(KeyErased):
        unseal(key, "emp-2", sealed)
