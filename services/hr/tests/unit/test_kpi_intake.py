"""HR's payroll takes the KPI service's figures (issue 19; KPI-2..KPI-5, HR-40, HR-41, SM-PAY):
the KPI intake reaction records PerformancePayCalculated and CommissionCalculated as the period's
inputs, the payslip line says where each came from, a typed figure is only a correction with a
reason, and a figure arriving after the period closed becomes an adjustment in the next period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jetstream_es.errors import InvalidCommand
from shop_contracts.aggregates import KPI_MONTH_PAY
from shop_contracts.commands import hr_people as p
from shop_contracts.events.hr_payroll import KpiPayInputRecorded, PayrollAdjustmentRecorded, PayslipCalculated
from shop_contracts.events.kpi import CommissionCalculated, FormulaStep, PerformancePayCalculated, Position

from .people_harness import HR, People, onboard

APRIL_1 = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)
STEP = (FormulaStep(rule="KPI-2", description="completion 80.00 % × 500", value=Decimal(400)),)


def performance(
    amount: str, completion: str = "0.8", revision: int = 1, employee: str = "emp-1"
) -> PerformancePayCalculated:
    return PerformancePayCalculated(
        month="2026-03",
        employee_id=employee,
        position=Position.PROMOTER,
        revision=revision,
        scheme="flat_500",
        target=Decimal(10000),
        actual=Decimal(8000),
        completion=Decimal(completion),
        performance_pay=Decimal(amount),
        bonus=Decimal(0),
        deduction=Decimal(0),
        amount=Decimal(amount),
        steps=STEP,
        calculated_by="sup-1",
        calculated_at=APRIL_1,
    )


def commission(amount: str, revision: int = 1) -> CommissionCalculated:
    return CommissionCalculated(
        month="2026-03",
        employee_id="emp-1",
        position=Position.PROMOTER,
        revision=revision,
        net_sales=Decimal(30000),
        pool=Decimal(300),
        share=Decimal("0.5"),
        amount=Decimal(amount),
        steps=(FormulaStep(rule="KPI-5", description="share", value=Decimal(amount)),),
        calculated_by="sup-1",
        calculated_at=APRIL_1,
    )


def run(command_id: str = "pay-2026-03", period: str = "2026-03", **kw: object) -> p.CalculatePayroll:
    return p.CalculatePayroll(command_id=command_id, actor=HR, period=period, **kw)


async def given_kpi(people: People) -> None:
    await people.given(onboard("emp-1", join=dt.date(2026, 2, 1)))
    people.at(APRIL_1)
    await people.react(
        performance("400.00"), aggregate_id="2026-03", event_id="ev-perf-1", source=KPI_MONTH_PAY
    )
    await people.react(
        commission("150.00"), aggregate_id="2026-03", event_id="ev-comm-1", source=KPI_MONTH_PAY
    )


def slip(people: People, period: str = "2026-03") -> PayslipCalculated:
    found = [e for e in people.events(period, aggregate="PayrollPeriod") if isinstance(e, PayslipCalculated)]
    return max(found, key=lambda s: s.run)


async def test_kpi_figures_are_the_payslip_lines_with_their_source_kpi_2_kpi_5_hr_41() -> None:
    people = People()
    await given_kpi(people)
    taken = [
        e for e in people.events("2026-03", aggregate="PayrollPeriod") if isinstance(e, KpiPayInputRecorded)
    ]
    assert [(t.figure.value, t.amount, t.rule) for t in taken] == [
        ("performance_pay", Decimal("400.00"), "KPI-2"),
        ("commission", Decimal("150.00"), "KPI-5"),
    ]
    await people.when(run())  # no typed inputs: HR no longer types them
    lines = {line.kind.value: line for line in slip(people).lines}
    perf, comm = lines["performance_pay"], lines["commission"]
    assert perf.amount == Decimal("400.00")
    assert perf.rule == "KPI-2"
    assert perf.sources == ("kpi:ev-perf-1",)
    assert "KPI PerformancePayCalculated ev-perf-1, KPI-2" in perf.description
    assert perf.quantity == Decimal("0.8")
    assert comm.amount == Decimal("150.00")
    assert "KPI CommissionCalculated ev-comm-1, KPI-5" in comm.description


async def test_a_redelivered_or_older_figure_changes_nothing_and_a_newer_revision_replaces_it_kpi_5() -> None:
    people = People()
    await given_kpi(people)
    again = await people.react(
        performance("400.00"), aggregate_id="2026-03", event_id="ev-perf-1", source=KPI_MONTH_PAY
    )
    assert all(r.repeated or not r.event_ids for r in again)
    newer = performance("250.00", "0.5", revision=2)
    await people.react(newer, aggregate_id="2026-03", event_id="ev-perf-2", source=KPI_MONTH_PAY)
    await people.react(
        performance("400.00"), aggregate_id="2026-03", event_id="ev-perf-old", source=KPI_MONTH_PAY
    )
    people.then()
    await people.when(run())
    [perf] = [line for line in slip(people).lines if line.kind.value == "performance_pay"]
    assert (perf.amount, perf.sources) == (Decimal("250.00"), ("kpi:ev-perf-2",))


async def test_a_typed_completion_replaces_a_kpi_figure_only_as_a_correction_with_a_reason_hr_41() -> None:
    people = People()
    await given_kpi(people)
    typed = p.PayInput(employee_id="emp-1", completion=Decimal("0.9"))
    with pytest.raises(InvalidCommand) as refused:
        await people.when(run(inputs=(typed,)))
    assert refused.value.rule == "HR-41"
    assert "correction_reason" in refused.value.message
    corrected = typed.model_copy(update={"correction_reason": "orders of 31 March booked late"})
    await people.when(run(command_id="pay-2", inputs=(corrected,)))
    [perf] = [line for line in slip(people).lines if line.kind.value == "performance_pay"]
    assert perf.amount == Decimal("450.00")
    assert perf.rule == "HR-41"
    assert (
        "corrects KPI PerformancePayCalculated ev-perf-1, KPI-2: orders of 31 March booked late"
        in perf.description
    )


async def test_bonuses_are_typed_beside_kpi_figures_without_a_reason_hr_41() -> None:
    people = People()
    await given_kpi(people)
    bonus = p.PayInput(employee_id="emp-1", bonuses=(p.Bonus(kind="full_attendance", amount=Decimal(100)),))
    await people.when(run(inputs=(bonus,)))
    kinds = [(line.kind.value, line.amount) for line in slip(people).lines]
    assert ("bonus", Decimal("100.00")) in kinds
    assert ("performance_pay", Decimal("400.00")) in kinds


async def test_a_kpi_figure_after_the_period_closed_is_an_adjustment_in_the_next_sm_pay() -> None:
    people = People()
    await given_kpi(people)
    await people.given(run(), p.ClosePayrollPeriod(command_id="close", actor=HR, period="2026-03"))
    late = performance("500.00", "1.0", revision=2)
    await people.react(late, aggregate_id="2026-03", event_id="ev-perf-2", source=KPI_MONTH_PAY)
    [adj] = people.then()
    assert isinstance(adj, PayrollAdjustmentRecorded)
    assert (adj.period, adj.corrects_period, adj.amount) == ("2026-04", "2026-03", Decimal("100.00"))
    assert "KPI PerformancePayCalculated ev-perf-2, KPI-2" in adj.reason
    await people.react(late, aggregate_id="2026-03", event_id="ev-perf-2", source=KPI_MONTH_PAY)
    assert people.then() == []
    later = performance("450.00", "0.9", revision=3)
    await people.react(later, aggregate_id="2026-03", event_id="ev-perf-3", source=KPI_MONTH_PAY)
    [second] = people.then()
    assert isinstance(second, PayrollAdjustmentRecorded)
    assert second.amount == Decimal("-50.00")  # 450 against 400 paid and 100 adjusted
