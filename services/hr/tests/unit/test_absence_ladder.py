"""The absence ladder (SM-ABS, HR-16): 100 then 300 yuan, dismissal proposed at two consecutive
days or three days in the year, confirmed or declined by a manager; given / when / then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hr.bootstrap import HrSettings
from jetstream_es.errors import Forbidden, RuleViolated
from shop_contracts.commands import hr as c
from shop_contracts.events.hr import DismissalBasis, DismissalThresholdReached, FineImposed

from .helpers import EMPLOYEE, MANAGER, Hr, absence

MON, WED, FRI = dt.date(2026, 3, 2), dt.date(2026, 3, 4), dt.date(2026, 3, 6)


@pytest.fixture
def hr() -> Hr:
    return Hr()


def fines(hr: Hr, year: int = 2026) -> list[Decimal]:
    return [e.amount for e in hr.ladder(year) if isinstance(e, FineImposed)]


def proposals(hr: Hr, year: int = 2026) -> list[DismissalThresholdReached]:
    return [e for e in hr.ladder(year) if isinstance(e, DismissalThresholdReached)]


async def test_the_first_absence_of_the_year_is_fined_100_yuan_hr_16(hr: Hr) -> None:
    await hr.when(absence(MON))
    assert hr.ladder_types(2026) == ["AbsenceCounted", "FineImposed"]
    fine = hr.ladder(2026)[1]
    assert isinstance(fine, FineImposed)
    assert (fine.amount, fine.occurrence, fine.basis, fine.fund) == (
        Decimal(100),
        1,
        "absence#1",
        "public_activity",
    )


async def test_the_second_absence_is_fined_300_yuan_not_a_cumulative_total_hr_16(hr: Hr) -> None:
    await hr.given(absence(MON))
    await hr.when(absence(WED))
    assert fines(hr) == [Decimal(100), Decimal(300)]
    assert proposals(hr) == []


async def test_two_consecutive_days_absent_reach_the_dismissal_threshold_hr_16(hr: Hr) -> None:
    await hr.given(absence(MON))
    await hr.when(absence(MON + dt.timedelta(days=1)))
    [proposal] = proposals(hr)
    assert proposal.basis is DismissalBasis.CONSECUTIVE_DAYS
    assert proposal.dates == (MON, MON + dt.timedelta(days=1))
    assert fines(hr) == [Decimal(100), Decimal(300)]


async def test_three_days_in_the_year_reach_the_dismissal_threshold_without_a_third_fine_hr_16(
    hr: Hr,
) -> None:
    await hr.given(absence(MON), absence(WED))
    await hr.when(absence(FRI))
    [proposal] = proposals(hr)
    assert (proposal.basis, proposal.days, proposal.proposal) == (DismissalBasis.DAYS_IN_YEAR, Decimal(3), 1)
    assert fines(hr) == [Decimal(100), Decimal(300)]


async def test_an_absence_on_31_december_and_one_on_1_january_are_consecutive_across_years_hr_16(
    hr: Hr,
) -> None:
    await hr.given(absence(dt.date(2026, 12, 31)))
    await hr.when(absence(dt.date(2027, 1, 1)))
    assert fines(hr, 2026) == [Decimal(100)]
    assert fines(hr, 2027) == [Decimal(100)], "1 January opens a new calendar year's ladder"
    [proposal] = proposals(hr, 2027)
    assert proposal.basis is DismissalBasis.CONSECUTIVE_DAYS
    assert proposal.dates == (dt.date(2026, 12, 31), dt.date(2027, 1, 1))


async def test_absences_on_31_december_do_not_count_towards_the_next_year_hr_16(hr: Hr) -> None:
    await hr.given(absence(dt.date(2026, 12, 29)), absence(dt.date(2026, 12, 31)))
    await hr.when(absence(dt.date(2027, 1, 5)))
    assert fines(hr, 2027) == [Decimal(100)]
    assert proposals(hr, 2027) == []
    assert (await hr.ladder_state(2027)).days == Decimal(1)


async def test_a_31_december_absence_recorded_after_1_january_still_finds_the_run_hr_16(hr: Hr) -> None:
    await hr.given(absence(dt.date(2027, 1, 1)))
    await hr.when(absence(dt.date(2026, 12, 31)))
    [proposal] = proposals(hr, 2026)
    assert proposal.dates == (dt.date(2026, 12, 31), dt.date(2027, 1, 1))


async def test_a_redelivered_absence_is_counted_once(hr: Hr) -> None:
    await hr.given(absence(MON))
    await hr.pump()
    await hr.pump()
    assert hr.ladder_types(2026) == ["AbsenceCounted", "FineImposed"]


async def test_a_second_absence_on_the_same_day_is_refused_each_day_counts_once_hr_16(hr: Hr) -> None:
    await hr.given(absence(MON))
    with pytest.raises(RuleViolated) as refused:
        await hr.when(absence(MON, command_id="abs-again"))
    assert refused.value.rule == "HR-16"


async def test_only_a_supervisor_records_an_absence_hr_7(hr: Hr) -> None:
    cmd = absence(MON).model_copy(update={"actor": EMPLOYEE})
    with pytest.raises(Forbidden) as refused:
        await hr.when(cmd)
    assert refused.value.rule == "HR-7"


async def test_a_manager_confirms_the_proposal_and_the_employee_is_dismissed_sm_abs(hr: Hr) -> None:
    await hr.given(absence(MON), absence(MON + dt.timedelta(days=1)))
    await hr.when(
        c.DismissEmployee(
            command_id="dismiss-1", actor=MANAGER, employee_id="emp-1", year=2026, effective_date=WED
        )
    )
    assert hr.ladder_types(2026)[-1] == "EmployeeDismissed"
    assert (await hr.ladder_state(2026)).dismissed


async def test_a_declined_proposal_lets_the_ladder_propose_again_later_sm_abs(hr: Hr) -> None:
    await hr.given(absence(MON), absence(MON + dt.timedelta(days=1)))
    await hr.when(
        c.DeclineDismissal(
            command_id="decline-1", actor=MANAGER, employee_id="emp-1", year=2026, reason="illness"
        )
    )
    await hr.when(absence(FRI))
    assert [p.proposal for p in proposals(hr)] == [1, 2]
    assert proposals(hr)[1].basis is DismissalBasis.DAYS_IN_YEAR


async def test_dismissing_without_an_open_proposal_is_refused_hr_16(hr: Hr) -> None:
    await hr.given(absence(MON))
    with pytest.raises(RuleViolated) as refused:
        await hr.when(
            c.DismissEmployee(
                command_id="d-1", actor=MANAGER, employee_id="emp-1", year=2026, effective_date=WED
            )
        )
    assert refused.value.rule == "HR-16"


async def test_only_management_decides_a_dismissal_hr_16(hr: Hr) -> None:
    await hr.given(absence(MON), absence(MON + dt.timedelta(days=1)))
    with pytest.raises(Forbidden):
        await hr.when(
            c.DeclineDismissal(command_id="d-1", actor=EMPLOYEE, employee_id="emp-1", year=2026, reason="no")
        )


async def test_the_fines_and_thresholds_are_configuration_hr_16() -> None:
    settings = HrSettings(
        absence_fines=[Decimal(50)], dismissal_consecutive_days=3, dismissal_days_per_year=5
    )
    hr = Hr(settings)
    await hr.given(absence(MON), absence(MON + dt.timedelta(days=1)))
    assert fines(hr) == [Decimal(50)]
    assert proposals(hr) == []


async def test_a_ladder_year_starting_in_april_counts_march_in_the_previous_year_hr_16() -> None:
    hr = Hr(HrSettings(ladder_year_start_month=4))
    await hr.when(absence(MON))
    assert fines(hr, 2025) == [Decimal(100)]
