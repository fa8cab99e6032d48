"""Discipline (SM-DISC; DIS-1..DIS-5, DIS-10, HR-37): the offence's class maps to its penalty by a
data table, falsified records count per month, appeals are reviewed by HR, and every fine reaches
the public activity fund; given / when / then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from hr.bootstrap import HrSettings
from hr.people.domain.policy import SEED_CATALOGUE, ClassPenalty, OffenceItem
from jetstream_es.errors import Forbidden, InvalidCommand, NotFound, RuleViolated
from shop_contracts.commands import hr_people as p
from shop_contracts.events.hr_discipline import (
    DisciplinaryDismissalBasis,
    DisciplinaryDismissalProposed,
    DisciplinaryFineImposed,
    EmployeeDemoted,
    EmployeeSuspended,
)
from shop_contracts.events.hr_people import Grade

from .people_harness import EMPLOYEE_ACTOR, HR, MANAGER, NOW, People, offence, onboard


@pytest.fixture
def people() -> People:
    return People()


def fines(people: People) -> list[Decimal]:
    return [
        e.amount
        for e in people.events("emp-1", aggregate="DisciplineRecord")
        if isinstance(e, DisciplinaryFineImposed)
    ]


async def test_class_1_proposes_dismissal_without_a_fine_dis_1(people: People) -> None:
    await people.when(offence("1.17", "c1"))
    assert people.types("emp-1", aggregate="DisciplineRecord") == [
        "OffenceRecorded",
        "DisciplinaryDismissalProposed",
    ]


async def test_class_2_is_a_written_warning_without_a_fine_unless_serious_dis_2(people: People) -> None:
    await people.when(offence("2.1", "c1"))
    assert people.types("emp-1", aggregate="DisciplineRecord") == ["OffenceRecorded", "WrittenWarningIssued"]
    await people.when(offence("2.2", "c2", serious=True))
    assert fines(people) == [Decimal(20)]


async def test_class_3_is_a_warning_and_50_yuan_dis_3(people: People) -> None:
    await people.when(offence("3.2", "c1"))
    assert people.types("emp-1", aggregate="DisciplineRecord")[1:] == [
        "WrittenWarningIssued",
        "DisciplinaryFineImposed",
    ]
    assert fines(people) == [Decimal(50)]


async def test_class_4_is_a_warning_and_100_yuan_dis_4(people: People) -> None:
    await people.when(offence("4.2", "c1"))
    assert fines(people) == [Decimal(100)]


async def test_three_falsified_records_in_a_month_propose_dismissal_dis_3(people: People) -> None:
    await people.given(offence("3.8", "c1"), offence("3.8", "c2", occurred_on=dt.date(2026, 2, 27)))
    await people.when(offence("3.8", "c3"))
    assert "DisciplinaryDismissalProposed" not in people.types("emp-1", aggregate="DisciplineRecord")
    await people.when(offence("3.8", "c4"))
    proposal = people.events("emp-1", aggregate="DisciplineRecord")[-1]
    assert isinstance(proposal, DisciplinaryDismissalProposed)
    assert (proposal.basis, proposal.rule, proposal.case_id) == (
        DisciplinaryDismissalBasis.MONTHLY_REPEAT,
        "DIS-3",
        "c4",
    )
    assert fines(people) == [Decimal(50)] * 4


async def test_the_penalty_follows_the_table_not_the_class_number_dis_5() -> None:
    penalties = {
        1: ClassPenalty(),
        2: ClassPenalty(fine=Decimal(500), propose_dismissal=True),
        3: ClassPenalty(),
        4: ClassPenalty(),
    }
    people = People(HrSettings(offence_penalties=penalties))
    await people.when(offence("2.1", "c1"))
    assert people.types("emp-1", aggregate="DisciplineRecord")[1:] == [
        "WrittenWarningIssued",
        "DisciplinaryFineImposed",
        "DisciplinaryDismissalProposed",
    ]
    assert fines(people) == [Decimal(500)]


async def test_an_unknown_item_is_refused_naming_the_catalogue_dis_5(people: People) -> None:
    with pytest.raises(InvalidCommand) as refused:
        await people.when(offence("9.9", "c1"))
    assert refused.value.rule == "DIS-5"
    assert "3.8" in refused.value.message


async def test_an_employee_cannot_record_an_offence_dis_10(people: People) -> None:
    with pytest.raises(Forbidden):
        await people.when(offence("3.2", "c1").model_copy(update={"actor": EMPLOYEE_ACTOR}))


async def test_a_manager_confirms_a_dismissal_proposal_dis_1(people: People) -> None:
    await people.given(offence("1.2", "c1"))
    decide = p.DecideDisciplinaryDismissal(
        command_id="d1", actor=MANAGER, employee_id="emp-1", case_id="c1", dismiss=True
    )
    await people.when(decide)
    record = await people.discipline()
    assert record["cases"][0]["dismissal"]["status"] == "dismissed"
    assert record["cases"][0]["dismissal"]["effective_date"] == "2026-03-02"
    with pytest.raises(RuleViolated):
        await people.when(decide.model_copy(update={"command_id": "d2"}))


def appeal(case_id: str = "c1") -> p.AppealPenalty:
    return p.AppealPenalty(
        command_id=f"appeal-{case_id}",
        actor=EMPLOYEE_ACTOR,
        employee_id="emp-1",
        case_id=case_id,
        grounds="I was on a break",
    )


def decide(upheld: bool, case_id: str = "c1") -> p.DecideAppeal:
    return p.DecideAppeal(
        command_id=f"decide-{case_id}",
        actor=HR,
        employee_id="emp-1",
        case_id=case_id,
        upheld=upheld,
        note="checked",
    )


async def test_an_overturned_appeal_cancels_the_fine_dis_10(people: People) -> None:
    await people.given(offence("4.3", "c1"), appeal())
    await people.when(decide(upheld=False))
    assert people.types("emp-1", aggregate="DisciplineRecord")[-2:] == [
        "AppealDecided",
        "DisciplinaryFineCancelled",
    ]
    record = await people.discipline()
    assert record["fined"] == "0.00"
    assert record["cases"][0]["appeal"]["status"] == "overturned"


async def test_an_upheld_appeal_keeps_the_fine_dis_10(people: People) -> None:
    await people.given(offence("4.3", "c1"), appeal())
    await people.when(decide(upheld=True))
    assert (await people.discipline())["fined"] == "100.00"


async def test_only_hr_reviews_appeals_dis_10(people: People) -> None:
    await people.given(offence("4.3", "c1"), appeal())
    with pytest.raises(Forbidden) as refused:
        await people.when(decide(True).model_copy(update={"actor": MANAGER}))
    assert refused.value.rule == "DIS-10"


async def test_an_appeal_after_the_window_is_refused_dis_10(people: People) -> None:
    await people.given(offence("4.3", "c1"))
    people.at(NOW + dt.timedelta(days=8))
    with pytest.raises(RuleViolated) as refused:
        await people.when(appeal())
    assert refused.value.rule == "DIS-10"


async def test_every_fine_is_credited_to_the_public_activity_fund_hr_37(people: People) -> None:
    """HR-37: a standing fine is credited when imposed, but the fund holds it only once collected
    through payroll; an overturned fine is never credited."""
    await people.given(offence("3.2", "c1"), offence("4.2", "c2"), appeal("c2"), decide(False, "c2"))
    await people.ladder_fine(dt.date(2026, 3, 3), 100, 1)
    fund = await people.fund()
    assert [(e["amount"], e["status"]) for e in fund["entries"]] == [
        ("50.00", "pending"),
        ("100.00", "reversed"),
        ("100.00", "pending"),
    ]
    assert (fund["credited"], fund["outstanding"], fund["collected"], fund["balance"]) == (
        "150.00",
        "150.00",
        "0.00",
        "0.00",
    )
    assert {e["collected_by"] for e in fund["entries"]} == {"dept_manager"}


@pytest.mark.parametrize("item", ["1.13", "1.17"])
async def test_moonlighting_is_a_class_1_offence_proposing_dismissal_dis_15(
    people: People, item: str
) -> None:
    await people.when(offence(item, "c1"))
    assert people.types("emp-1", aggregate="DisciplineRecord") == [
        "OffenceRecorded",
        "DisciplinaryDismissalProposed",
    ]
    assert fines(people) == []


async def test_lying_about_the_leave_reason_is_a_warning_and_50_yuan_hr_29(people: People) -> None:
    await people.when(offence("3.6", "c1"))
    assert people.types("emp-1", aggregate="DisciplineRecord")[1:] == [
        "WrittenWarningIssued",
        "DisciplinaryFineImposed",
    ]
    assert fines(people) == [Decimal(50)]


# demotion and suspension (DIS-11)


def demote(case_id: str = "c1", grade: Grade = Grade.TEAM_MEMBER) -> p.DemoteEmployee:
    return p.DemoteEmployee(
        command_id=f"demote-{case_id}",
        actor=MANAGER,
        employee_id="emp-1",
        case_id=case_id,
        new_grade=grade,
        effective_date=dt.date(2026, 4, 1),
        note="order diversion",
    )


def suspend(case_id: str = "c1") -> p.SuspendEmployee:
    return p.SuspendEmployee(
        command_id=f"suspend-{case_id}",
        actor=MANAGER,
        employee_id="emp-1",
        case_id=case_id,
        start_date=dt.date(2026, 3, 5),
        end_date=dt.date(2026, 3, 6),
        note="pending review",
    )


async def test_a_supervisor_is_demoted_for_a_recorded_case_dis_11() -> None:
    # given a supervisor with a recorded class-3 case
    people = People()
    await people.given(onboard(grade=Grade.SUPERVISOR), offence("3.4", "c1"))
    # when a manager demotes them to team member for that case
    await people.when(demote())
    # then the demotion is recorded with both grades
    [demoted] = [
        e for e in people.events("emp-1", aggregate="DisciplineRecord") if isinstance(e, EmployeeDemoted)
    ]
    assert (demoted.from_grade, demoted.new_grade, demoted.case_id) == ("supervisor", "team_member", "c1")


async def test_a_demotion_needs_a_lower_grade_and_a_case_of_the_employee_dis_11() -> None:
    people = People()
    await people.given(onboard(grade=Grade.TEAM_MEMBER), offence("3.4", "c1"))
    with pytest.raises(InvalidCommand) as not_lower:
        await people.when(demote())
    assert not_lower.value.rule == "DIS-11"
    with pytest.raises(NotFound):
        await people.when(demote("nowhere"))


async def test_a_suspension_is_recorded_for_a_case_and_not_for_an_overturned_one_dis_11_dis_10() -> None:
    people = People()
    await people.given(onboard(), offence("3.4", "c1"))
    await people.when(suspend())
    [suspended] = [
        e for e in people.events("emp-1", aggregate="DisciplineRecord") if isinstance(e, EmployeeSuspended)
    ]
    assert (suspended.start_date, suspended.end_date) == (dt.date(2026, 3, 5), dt.date(2026, 3, 6))
    with pytest.raises(Forbidden) as refused:
        await people.when(suspend().model_copy(update={"actor": EMPLOYEE_ACTOR, "command_id": "s2"}))
    assert refused.value.rule == "DIS-11"


# C10 / DIS-8: a fine range for an item, given by the catalogue setting


def pc_use_50_to_100() -> People:
    """002's private PC use: 50-100 yuan (DIS-8) instead of 000's class-3 fixed 50 (C10)."""
    catalogue = dict(SEED_CATALOGUE)
    catalogue["3.1"] = OffenceItem(
        3, "private use of company computers", fine_range=(Decimal(50), Decimal(100))
    )
    return People(HrSettings(offence_catalogue=catalogue))


async def test_an_item_with_a_fine_range_takes_the_recorders_fine_within_it_c10_dis_8() -> None:
    people = pc_use_50_to_100()
    await people.when(offence("3.1", "c1", fine=Decimal(80)))
    assert fines(people) == [Decimal(80)]


@pytest.mark.parametrize("fine", [None, Decimal(40), Decimal(120)])
async def test_a_fine_outside_the_items_range_is_invalid_naming_the_field_c10_dis_8(
    fine: Decimal | None,
) -> None:
    people = pc_use_50_to_100()
    with pytest.raises(InvalidCommand) as refused:
        await people.when(offence("3.1", "c1", fine=fine))
    assert (refused.value.rule, refused.value.fields) == ("DIS-8", ("fine",))
    assert "50 to 100" in refused.value.message
    assert fines(people) == []


async def test_a_fine_for_an_item_of_a_fixed_fine_is_invalid_dis_5(people: People) -> None:
    with pytest.raises(InvalidCommand) as refused:
        await people.when(offence("3.1", "c1", fine=Decimal(80)))
    assert (refused.value.rule, refused.value.fields) == ("DIS-5", ("fine",))


def test_the_catalogue_setting_reads_a_fine_range_c10() -> None:
    settings = HrSettings.model_validate(
        {"offence_catalogue": {"3.1": {"offence_class": 3, "title": "PC use", "fine_range": ["50", "100"]}}}
    )
    assert settings.offence_catalogue["3.1"].fine_range == (Decimal(50), Decimal(100))
    with pytest.raises(ValidationError):
        HrSettings.model_validate(
            {
                "offence_catalogue": {
                    "3.1": {"offence_class": 3, "title": "PC use", "fine_range": ["100", "50"]}
                }
            }
        )
