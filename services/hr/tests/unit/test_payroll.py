"""Payroll (SM-PAY; HR-33..HR-37, HR-39..HR-41): a full month computed by hand — unpaid leave,
an absence, fines from the ladder and from discipline, performance pay, commission and a bonus, a
mid-month hire before the 25th and one after it (FirstSalaryDeferred), a 20th that is a holiday —
then closing, the deferred pay, a correction in the next period and a fine refunded after appeal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hr.bootstrap import HrSettings
from hr.people.domain.policy import PayrollPolicy, PerformanceScheme
from hr.time.domain.attendance_state import ATTENDANCE_DAY, day_id
from hr.time.domain.ladder import ABSENCE_RECORD, record_id
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from shop_contracts.commands import hr_people as p
from shop_contracts.envelope import Actor
from shop_contracts.events.hr import AbsenceKind, AbsenceRescinded, FineReversed
from shop_contracts.events.hr_attendance import DayOutcome
from shop_contracts.events.hr_payroll import FirstSalaryDeferred, PayslipCalculated, SalariesPaid
from shop_contracts.events.hr_people import Grade, SeparationReason

from .people_harness import EMPLOYEE_ACTOR, HR, MANAGER, People, offence, onboard

MARCH = [dt.date(2026, 3, d) for d in range(1, 32)]
SUNDAYS = {1, 8, 15, 22, 29}  # March 2026 starts on a Sunday
APRIL_1 = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)
MAY_1 = dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC)
HOLIDAY_20_APRIL = DepartmentCalendar(holidays=frozenset({dt.date(2026, 4, 20)}))


MARCH_STAFF = ("emp-1", "emp-2", "emp-3")


def full(*employees: str) -> tuple[p.PayInput, ...]:
    """Plan completion 100 % for each (HR-40: every employee of the period needs an input)."""
    return tuple(p.PayInput(employee_id=e, completion=Decimal(1)) for e in employees)


def calculate(
    period: str = "2026-03",
    command_id: str = "pay-2026-03",
    staff: tuple[str, ...] = ("emp-1",),
    **kw: object,
) -> p.CalculatePayroll:
    kw.setdefault("inputs", full(*staff))
    return p.CalculatePayroll(command_id=command_id, actor=HR, period=period, **kw)  # type: ignore[arg-type]


def close(period: str = "2026-03") -> p.ClosePayrollPeriod:
    return p.ClosePayrollPeriod(command_id=f"close-{period}", actor=HR, period=period)


def lines(slip: PayslipCalculated) -> list[tuple[str, Decimal]]:
    return [(line.kind.value, line.amount) for line in slip.lines]


def slips(people: People, period: str = "2026-03") -> dict[str, PayslipCalculated]:
    found = [e for e in people.events(period, aggregate="PayrollPeriod") if isinstance(e, PayslipCalculated)]
    latest = max(s.run for s in found)
    return {s.employee_id: s for s in found if s.run == latest}


async def march(people: People) -> dict[str, list[str]]:
    """The month's facts; returns event ids behind some days, by name."""
    await people.given(
        onboard("emp-1", join=dt.date(2026, 2, 1)),
        onboard("emp-2", join=dt.date(2026, 3, 16), grade=Grade.SUPERVISOR),
        onboard("emp-3", join=dt.date(2026, 3, 26)),
        offence("3.2", "c1"),  # 50 yuan on 2 March (DIS-3)
    )
    ids: dict[str, list[str]] = {"personal": [], "sick": [], "absent": []}
    special = {
        10: (DayOutcome.LEAVE, "personal"),
        11: (DayOutcome.LEAVE, "personal"),
        12: (DayOutcome.LEAVE, "sick"),
        13: (DayOutcome.LEAVE, "marriage"),
        16: (DayOutcome.ABSENT, None),
    }
    for day in MARCH:
        outcome, leave_type = special.get(day.day, (DayOutcome.WORKED, None))
        if day.day in SUNDAYS:
            outcome = DayOutcome.REST
        made = await people.day(day, outcome, "emp-1", leave_type)
        if leave_type in ("personal", "sick"):
            ids[str(leave_type)] += made
        if outcome == DayOutcome.ABSENT:
            ids["absent"] += made
        for employee, joined in (("emp-2", 16), ("emp-3", 26)):
            if day.day >= joined:
                await people.day(day, DayOutcome.REST if day.day in SUNDAYS else DayOutcome.WORKED, employee)
    ids["ladder_fine"] = [await people.ladder_fine(dt.date(2026, 3, 16), 100, 1)]
    people.at(APRIL_1)
    return ids


INPUTS = (
    p.PayInput(
        employee_id="emp-1",
        completion=Decimal("0.9"),
        commission=Decimal(300),
        bonuses=(p.Bonus(kind="excellent_employee", amount=Decimal(200)),),
    ),
    *full("emp-2", "emp-3"),
)


async def test_a_full_month_computed_by_hand_hr_33_to_hr_41() -> None:
    people = People(calendar=HOLIDAY_20_APRIL)
    ids = await march(people)
    await people.when(calculate(inputs=INPUTS))
    result = slips(people)
    one = result["emp-1"]
    # 26 scheduled days (31 less 5 Sundays); 2000 / 26 a day
    assert lines(one) == [
        ("base_salary", Decimal("2000.00")),
        ("unpaid_leave", Decimal("-153.85")),  # personal, 2 days (HR-19)
        ("unpaid_leave", Decimal("-76.92")),  # sick, 1 day (HR-19); marriage leave is paid
        ("absence", Decimal("-76.92")),  # 16 March (HR-36)
        ("fine", Decimal("-50.00")),  # discipline, 2 March (DIS-3, HR-37)
        ("fine", Decimal("-100.00")),  # first absence of the year (HR-16, HR-37)
        ("performance_pay", Decimal("450.00")),  # 500 x 0.9 (HR-40, flat)
        ("commission", Decimal("300.00")),
        ("bonus", Decimal("200.00")),
    ]
    assert (one.scheduled_days, one.paid_days, one.net, one.payable) == (
        26,
        Decimal(22),
        Decimal("2492.31"),
        Decimal("2492.31"),
    )
    assert one.pay_date == dt.date(2026, 4, 17), "the 20th is a holiday, the 18th-19th a weekend (HR-34)"
    # joined 16 March, before the 25th: 16 of 31 days, paid on the next payday (HR-35)
    two = result["emp-2"]
    assert lines(two) == [
        ("base_salary", Decimal("3500.00")),
        ("not_employed", Decimal("-1693.55")),  # 3500 x 15 / 31
        ("performance_pay", Decimal("500.00")),
    ]
    assert (two.scheduled_days, two.net, two.payable, two.deferred) == (
        14,
        Decimal("2306.45"),
        Decimal("2306.45"),
        False,
    )
    # joined 26 March, after the 25th: computed, paid with April (HR-35)
    three = result["emp-3"]
    assert lines(three) == [
        ("base_salary", Decimal("2000.00")),
        ("not_employed", Decimal("-1612.90")),  # 2000 x 25 / 31
        ("performance_pay", Decimal("500.00")),
    ]
    assert (three.net, three.payable, three.deferred) == (Decimal("887.10"), Decimal(0), True)
    [deferral] = [
        e for e in people.events("2026-03", aggregate="PayrollPeriod") if isinstance(e, FirstSalaryDeferred)
    ]
    assert (deferral.employee_id, deferral.amount, deferral.paid_with) == (
        "emp-3",
        Decimal("887.10"),
        "2026-04",
    )
    assert people.types("2026-03", aggregate="PayrollPeriod")[-1] == "PayrollCalculated"
    # every line names the events behind it
    personal, sick, fine, absence = one.lines[1], one.lines[2], one.lines[5], one.lines[3]
    assert set(personal.sources) == set(ids["personal"])
    assert len(personal.sources) == 2
    assert set(sick.sources) == set(ids["sick"])
    assert set(absence.sources) == set(ids["absent"])
    assert fine.sources == tuple(ids["ladder_fine"])
    assert one.lines[4].sources == tuple(
        people.event_ids("DisciplineRecord", "emp-1", "DisciplinaryFineImposed")
    )
    assert one.lines[7].sources == ("command:pay-2026-03",)
    view = await people.period("2026-03")
    assert (view["status"], view["total_payable"], view["pay_date"]) == (
        "calculated",
        "4798.76",
        "2026-04-17",
    )


async def test_the_period_is_calculated_only_after_it_ends_hr_33() -> None:
    people = People()
    await people.given(onboard())
    with pytest.raises(RuleViolated) as refused:
        await people.when(calculate())
    assert refused.value.rule == "HR-33"


async def test_only_hr_runs_payroll_hr_36() -> None:
    people = People()
    people.at(APRIL_1)
    with pytest.raises(Forbidden):
        await people.when(calculate().model_copy(update={"actor": EMPLOYEE_ACTOR}))


async def test_inputs_for_someone_not_on_the_payroll_are_refused_hr_41() -> None:
    people = People()
    people.at(APRIL_1)
    with pytest.raises(InvalidCommand) as refused:
        await people.when(calculate(inputs=(p.PayInput(employee_id="ghost", completion=Decimal(1)),)))
    assert "ghost" in refused.value.message


async def test_a_recalculation_supersedes_the_run_and_deducts_each_fine_once_hr_37() -> None:
    people = People()
    await march(people)
    await people.when(calculate(staff=MARCH_STAFF))
    await people.when(calculate(command_id="pay-2026-03-again", inputs=INPUTS))
    assert slips(people)["emp-1"].net == Decimal("2492.31")
    fund = await people.fund("emp-1")
    assert [e["deducted_in"] for e in fund["entries"]] == ["2026-03", "2026-03"]
    assert [e["status"] for e in fund["entries"]] == ["deducted", "deducted"]


async def test_a_closed_period_changes_only_by_an_adjustment_in_a_later_period_sm_pay() -> None:
    people = People()
    await march(people)
    await people.given(calculate(inputs=INPUTS), close())
    with pytest.raises(RuleViolated) as refused:
        await people.when(calculate(command_id="pay-late", staff=MARCH_STAFF))
    assert refused.value.rule == "SM-PAY"
    fund = await people.fund("emp-1")
    assert {e["status"] for e in fund["entries"]} == {"collected"}
    assert fund["collected"] == "150.00"
    # the sick day is found certified after closing: paid back in April
    fix = p.RecordPayrollAdjustment(
        command_id="adj-1",
        actor=HR,
        period="2026-04",
        adjustment_id="adj-1",
        employee_id="emp-1",
        corrects_period="2026-03",
        amount=Decimal("76.92"),
        reason="sick day of 12 March wrongly unpaid",
    )
    await people.when(fix)
    with pytest.raises(RuleViolated):
        await people.when(
            fix.model_copy(update={"command_id": "adj-x", "period": "2026-05", "corrects_period": "2026-04"})
        )
    people.at(MAY_1)
    await people.when(calculate("2026-04", "pay-2026-04", MARCH_STAFF))
    april = slips(people, "2026-04")
    kinds = [line.kind.value for line in april["emp-1"].lines]
    assert "fine" not in kinds, "March's fines were deducted in March, once (HR-37)"
    assert april["emp-1"].lines[-1].amount == Decimal("76.92")
    assert april["emp-1"].lines[-1].sources == ("adjustment:adj-1",)
    # emp-3's first month arrives with April's pay (HR-35)
    deferred = [line for line in april["emp-3"].lines if line.kind.value == "deferred_salary"]
    assert [(d.amount, d.rule) for d in deferred] == [(Decimal("887.10"), "HR-35")]
    assert deferred[0].sources == tuple(
        people.event_ids("PayrollPeriod", "2026-03", "PayslipCalculated")[2:3]
    )


async def test_a_fine_cancelled_after_its_period_closed_is_refunded_once_in_the_next_hr_37() -> None:
    people = People()
    await march(people)
    await people.given(calculate(staff=MARCH_STAFF), close())
    people.at(dt.datetime(2026, 4, 3, 2, 0, tzinfo=dt.UTC))
    with pytest.raises(RuleViolated):  # the appeal window of the 2 March fine closed on 9 March
        await people.when(
            p.AppealPenalty(
                command_id="ap", actor=EMPLOYEE_ACTOR, employee_id="emp-1", case_id="c1", grounds="no"
            )
        )
    await people.when(offence("4.3", "c2", occurred_on=dt.date(2026, 3, 31)))
    await people.when(
        p.AppealPenalty(
            command_id="ap2", actor=EMPLOYEE_ACTOR, employee_id="emp-1", case_id="c2", grounds="no"
        )
    )
    people.at(MAY_1)
    await people.when(calculate("2026-04", "pay-2026-04", MARCH_STAFF))
    assert [
        line.kind.value for line in slips(people, "2026-04")["emp-1"].lines if "fine" in line.kind.value
    ] == ["fine"]
    await people.when(close("2026-04"))
    await people.when(
        p.DecideAppeal(command_id="dec", actor=HR, employee_id="emp-1", case_id="c2", upheld=False, note="ok")
    )
    people.at(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC))
    await people.when(calculate("2026-05", "pay-2026-05", MARCH_STAFF))
    may = [
        (line.kind.value, line.amount)
        for line in slips(people, "2026-05")["emp-1"].lines
        if "fine" in line.kind.value
    ]
    assert may == [("fine_refund", Decimal("100.00"))]
    fund = await people.fund("emp-1")
    assert [e["status"] for e in fund["entries"]] == ["collected", "collected", "refunded"]


async def test_joining_on_the_25th_is_deferred_by_default_and_paid_at_once_when_configured_hr_35() -> None:
    for defer, expected in ((True, True), (False, False)):
        people = People(HrSettings(defer_joins_on_deferral_day=defer))
        await people.given(onboard(join=dt.date(2026, 3, 25)))
        people.at(APRIL_1)
        await people.when(calculate())
        assert slips(people)["emp-1"].deferred is expected


async def test_performance_pay_as_30_percent_of_base_c6_hr_40() -> None:
    people = People(HrSettings(performance_scheme=PerformanceScheme.PERCENT_OF_BASE))
    await people.given(onboard(join=dt.date(2026, 2, 1), grade=Grade.SUPERVISOR))
    people.at(APRIL_1)
    await people.when(calculate())
    perf = [line for line in slips(people)["emp-1"].lines if line.kind.value == "performance_pay"]
    assert perf[0].amount == Decimal("1050.00")


def performance(people: People) -> Decimal:
    [perf] = [line for line in slips(people)["emp-1"].lines if line.kind.value == "performance_pay"]
    return perf.amount


async def one_month(people: People, completion: str, grade: Grade = Grade.TEAM_MEMBER) -> Decimal:
    await people.given(onboard(join=dt.date(2026, 2, 1), grade=grade))
    people.at(APRIL_1)
    await people.when(calculate(inputs=(p.PayInput(employee_id="emp-1", completion=Decimal(completion)),)))
    return performance(people)


@pytest.mark.parametrize(
    ("completion", "expected"),
    [
        ("0", "0.00"),
        ("0.2999", "0.00"),  # below 30 %: 「完成计划不到30%,不算绩效工资」
        ("0.30", "150.00"),  # 30 % x 500
        ("0.90", "450.00"),  # 90 % x 500
        ("1", "500.00"),
        ("10", "500.00"),  # beating the plan earns the 50-100 bonus (an input), not more pay
    ],
)
async def test_flat_performance_pay_follows_the_seed_formula_kpi_2_hr_40(
    completion: str, expected: str
) -> None:
    # given the 001 scheme (flat 500), when a team member's plan completion is given
    people = People()
    # then pay = 0 below 30 %, completion x 500 from 30 %, never above 500
    assert await one_month(people, completion) == Decimal(expected)


async def test_percent_of_base_performance_pay_worked_by_hand_c6_hr_40_kpi_2() -> None:
    # given the 002 scheme and a supervisor (3500, HR-39), when the plan is 45 % complete
    people = People(HrSettings(performance_scheme=PerformanceScheme.PERCENT_OF_BASE))
    # then 3500 x 30 % = 1050 full; 1050 x 0.45 = 472.50
    assert await one_month(people, "0.45", Grade.SUPERVISOR) == Decimal("472.50")


async def test_percent_of_base_performance_pay_has_the_30_percent_floor_too_kpi_2_hr_40() -> None:
    people = People(HrSettings(performance_scheme=PerformanceScheme.PERCENT_OF_BASE))
    assert await one_month(people, "0.25", Grade.SUPERVISOR) == Decimal("0.00")


async def test_a_missing_plan_completion_means_the_period_cannot_be_calculated_hr_40() -> None:
    # given two employees on the payroll
    people = People()
    await people.given(onboard("emp-1", join=dt.date(2026, 2, 1)), onboard("emp-2", join=dt.date(2026, 2, 1)))
    people.at(APRIL_1)
    # when only one has a plan completion
    with pytest.raises(InvalidCommand) as refused:
        await people.when(calculate(staff=("emp-1",)))
    # then nothing is calculated, and the error names the missing input and the rule
    assert refused.value.rule == "HR-40"
    assert "emp-2" in refused.value.message
    assert "completion" in refused.value.message
    assert people.events("2026-03", aggregate="PayrollPeriod") == []


async def test_a_pay_input_without_completion_and_no_kpi_figure_cannot_be_calculated_hr_40() -> None:
    # given an employee with neither a KPI figure nor a typed completion (bonuses only)
    people = People()
    await people.given(onboard("emp-1", join=dt.date(2026, 2, 1)))
    people.at(APRIL_1)
    bonus_only = (
        p.PayInput(employee_id="emp-1", bonuses=(p.Bonus(kind="full_attendance", amount=Decimal(100)),)),
    )
    # when the period is calculated, then it is refused naming the missing completion (HR-40)
    with pytest.raises(InvalidCommand, match="no plan completion") as refused:
        await people.when(calculate(inputs=bonus_only))
    assert refused.value.rule == "HR-40"


def test_payday_on_a_weekend_moves_to_the_previous_banking_day_hr_34() -> None:
    # given the 19th and 20th of April 2027 as holidays (Monday, Tuesday)
    policy = PayrollPolicy(
        calendar=DepartmentCalendar(holidays=frozenset({dt.date(2027, 4, 19), dt.date(2027, 4, 20)}))
    )
    # then March's pay is not paid on Sunday the 18th but on Friday the 16th
    assert policy.pay_date("2027-03") == dt.date(2027, 4, 16)
    # and a 20th that is a Saturday (June 2026) is paid on Friday the 19th
    assert PayrollPolicy().pay_date("2026-05") == dt.date(2026, 6, 19)


CASHIER = Actor(id="cash-1", roles=("cashier",))


def pay(actor: Actor = CASHIER, command_id: str = "pay-salaries-2026-03") -> p.PaySalaries:
    return p.PaySalaries(command_id=command_id, actor=actor, period="2026-03", bank_ref="BATCH-0417")


async def test_the_cashier_records_the_salaries_paid_on_the_payday_and_the_period_is_paid_sm_pay() -> None:
    # given March calculated and closed, and the payday (20 April 2026 a holiday: Friday the 17th)
    people = People(calendar=HOLIDAY_20_APRIL)
    await march(people)
    await people.given(calculate(inputs=INPUTS), close())
    people.at(dt.datetime(2026, 4, 17, 2, 0, tzinfo=dt.UTC))
    # when the cashier records the transfer
    await people.when(pay())
    # then the period is Paid, with the run's total and the bank reference
    [paid] = [e for e in people.events("2026-03", aggregate="PayrollPeriod") if isinstance(e, SalariesPaid)]
    assert (paid.run, paid.total_payable, paid.pay_date, paid.bank_ref) == (
        1,
        Decimal("4798.76"),
        dt.date(2026, 4, 17),
        "BATCH-0417",
    )
    view = await people.period("2026-03")
    assert (view["status"], view["paid"]["bank_ref"]) == ("paid", "BATCH-0417")
    with pytest.raises(RuleViolated) as twice:
        await people.when(pay(command_id="pay-again"))
    assert twice.value.rule == "SM-PAY"


async def test_salaries_are_paid_only_for_a_closed_period_and_not_before_the_payday_sm_pay_hr_33() -> None:
    people = People()
    await march(people)
    await people.given(calculate(inputs=INPUTS))
    people.at(dt.datetime(2026, 4, 20, 2, 0, tzinfo=dt.UTC))
    with pytest.raises(RuleViolated) as open_period:
        await people.when(pay())
    assert open_period.value.rule == "SM-PAY"
    await people.given(close())
    people.at(dt.datetime(2026, 4, 17, 2, 0, tzinfo=dt.UTC))
    with pytest.raises(RuleViolated) as early:
        await people.when(pay(command_id="pay-early"))
    assert early.value.rule == "HR-33"


async def test_only_finance_or_hr_records_salaries_paid_sm_pay() -> None:
    people = People()
    with pytest.raises(Forbidden) as refused:
        await people.when(pay(EMPLOYEE_ACTOR))
    assert refused.value.rule == "SM-PAY"


async def test_the_period_and_the_fund_answer_one_page_at_a_time_with_the_totals_of_all() -> None:
    # given March calculated for three employees, with two fines
    people = People()
    await march(people)
    await people.given(calculate(inputs=INPUTS))
    # when the period is read two payslips at a time
    first = await people.period("2026-03", limit=2)
    second = await people.period("2026-03", limit=2, offset=2)
    # then the pages hold all three once, with the total count and the period's full totals
    assert [s["employee_id"] for s in first["payslips"]] == ["emp-1", "emp-2"]
    assert [s["employee_id"] for s in second["payslips"]] == ["emp-3"]
    assert (first["total"], first["total_payable"]) == (3, second["total_payable"])
    fund = await people.fund(limit=1)
    assert (len(fund["entries"]), fund["total"], fund["credited"]) == (1, 2, "150.00")


async def test_the_payslip_query_shows_the_latest_run_and_whether_the_period_closed_sm_pay() -> None:
    people = People()
    await march(people)
    await people.given(calculate(inputs=INPUTS), close())
    slip = await people.payslip("2026-03", "emp-1")
    assert slip is not None
    assert (slip["net"], slip["period_closed"], slip["run"]) == ("2492.31", True, 1)
    assert (await people.period("2026-03"))["status"] == "closed"


async def test_payroll_amounts_survive_the_erasure_of_personal_data_and_a_rebuild() -> None:
    people = People()
    await march(people)
    await people.given(calculate(inputs=INPUTS))
    await people.when(
        p.EraseEmployeePersonalData(command_id="erase", actor=HR, employee_id="emp-1", reason="asked")
    )
    await people.project(rebuild=True)
    slip = await people.payslip("2026-03", "emp-1")
    assert slip is not None
    assert slip["net"] == "2492.31"
    view = await people.employee("emp-1")
    assert view is not None
    assert view["personal"] == "erased"


async def test_a_rescinded_absence_and_its_reversed_fine_are_not_deducted_hr_16_hr_20() -> None:
    people = People()
    await people.given(onboard(join=dt.date(2026, 2, 1)))
    day = dt.date(2026, 3, 3)
    await people.day(dt.date(2026, 3, 2))
    await people.day(day, DayOutcome.ABSENT)
    await people.ladder_fine(day, 100, 1)
    rescinded = AbsenceRescinded(
        employee_id="emp-1",
        work_date=day,
        kind=AbsenceKind.FULL_DAY,
        days=Decimal(1),
        covered_by="lv-9",
        leave_type="sick",
        rule="HR-20",
    )
    await people.fact(ATTENDANCE_DAY, day_id("emp-1", day), rescinded)
    reversed_fine = FineReversed(
        employee_id="emp-1",
        year=2026,
        amount=Decimal(100),
        occurrence=1,
        work_date=day,
        basis="absence#1",
        reason="the absence was rescinded",
    )
    await people.fact(ABSENCE_RECORD, record_id("emp-1", 2026), reversed_fine)
    people.at(APRIL_1)
    await people.when(calculate())
    assert lines(slips(people)["emp-1"]) == [
        ("base_salary", Decimal("2000.00")),
        ("unpaid_leave", Decimal("-1000.00")),  # the day became sick leave: 1 of 2 scheduled days
        ("performance_pay", Decimal("500.00")),
    ]
    assert [e["status"] for e in (await people.fund())["entries"]] == ["reversed"]


async def test_leaving_on_short_notice_withholds_the_final_settlement_dis_7() -> None:
    people = People()
    await people.given(
        onboard(join=dt.date(2026, 2, 1)),
        p.SubmitResignation(
            command_id="resign",
            actor=EMPLOYEE_ACTOR,
            employee_id="emp-1",
            effective_date=dt.date(2026, 3, 20),
        ),
        p.CompleteHandover(command_id="handover", actor=MANAGER, employee_id="emp-1", handed_to="emp-2"),
        p.OffboardEmployee(
            command_id="off",
            actor=HR,
            employee_id="emp-1",
            reason=SeparationReason.RESIGNED,
            effective_date=dt.date(2026, 3, 20),
        ),
    )
    people.at(APRIL_1)
    await people.when(calculate())
    slip = slips(people)["emp-1"]
    assert lines(slip)[:2] == [("base_salary", Decimal("2000.00")), ("not_employed", Decimal("-709.68"))]
    assert (slip.payable, slip.withheld_by) == (Decimal(0), "DIS-7")
    assert slip.net == Decimal("1790.32")


# DIS-11: a demotion changes pay from its effective date (HR-39, HR-36)


def demote(effective: dt.date, case_id: str = "c1") -> p.DemoteEmployee:
    return p.DemoteEmployee(
        command_id=f"demote-{case_id}",
        actor=MANAGER,
        employee_id="emp-1",
        case_id=case_id,
        new_grade=Grade.TEAM_MEMBER,
        effective_date=effective,
        note="order diversion",
    )


async def test_a_demotion_pays_the_new_grade_pro_rata_from_its_effective_date_dis_11_hr_39() -> None:
    """A supervisor (3500) demoted to team member (2000) from 16 March: March pays 15 days of 3500
    and 16 of 2000 (HR-36 pro rata by calendar days), April pays the team member's 2000."""
    people = People()
    await people.given(
        onboard(join=dt.date(2026, 2, 1), grade=Grade.SUPERVISOR),
        offence("3.4", "c1"),
        demote(dt.date(2026, 3, 16)),
    )
    demoted = people.event_ids("DisciplineRecord", "emp-1", "EmployeeDemoted")
    people.at(APRIL_1)
    await people.when(calculate())

    march_slip = slips(people)["emp-1"]
    assert lines(march_slip)[:2] == [
        ("base_salary", Decimal("1693.55")),  # 3500 x 15 / 31
        ("base_salary", Decimal("1032.26")),  # 2000 x 16 / 31
    ]
    assert march_slip.lines[1].sources == tuple(demoted)
    assert march_slip.lines[1].quantity == Decimal(16)
    assert march_slip.grade == "team_member"
    view = await people.employee()
    assert view is not None
    assert [(d["new_grade"], d["new_base_salary"], d["effective_date"]) for d in view["demotions"]] == [
        ("team_member", "2000", "2026-03-16")
    ]

    people.at(MAY_1)
    await people.when(calculate("2026-04", "pay-2026-04"))
    april = slips(people, "2026-04")["emp-1"]
    assert lines(april) == [("base_salary", Decimal("2000.00")), ("performance_pay", Decimal("500.00"))]
    assert (april.grade, april.net) == ("team_member", Decimal("2500.00"))


async def test_a_demotion_from_the_next_month_leaves_this_month_at_the_old_base_dis_11() -> None:
    people = People()
    await people.given(
        onboard(join=dt.date(2026, 2, 1), grade=Grade.SUPERVISOR),
        offence("3.4", "c1"),
        demote(dt.date(2026, 4, 1)),
    )
    people.at(APRIL_1)
    await people.when(calculate())

    march_slip = slips(people)["emp-1"]
    assert lines(march_slip)[0] == ("base_salary", Decimal("3500.00"))
    assert march_slip.grade == "supervisor"


async def test_a_demoted_employee_cannot_be_demoted_again_from_the_grade_they_lost_dis_11() -> None:
    """The grade held is the latest demotion's: a supervisor demoted to team member has no grade
    below for a second case."""
    people = People()
    await people.given(
        onboard(join=dt.date(2026, 2, 1), grade=Grade.SUPERVISOR),
        offence("3.4", "c1"),
        offence("3.2", "c2"),
        demote(dt.date(2026, 3, 16)),
    )
    with pytest.raises(InvalidCommand) as refused:
        await people.when(demote(dt.date(2026, 4, 1), case_id="c2"))
    assert refused.value.rule == "DIS-11"
    assert "grade team_member" in refused.value.message


# HR-37: the public activity fund holds what was collected, per pay period


async def test_the_fund_holds_collected_fines_per_period_and_gives_back_refunds_hr_37() -> None:
    """March collects its two fines (150); a 31 March fine deducted in April is April's; cancelled
    on appeal after April closed, it stays April's collection and leaves the fund as May's refund."""
    people = People()
    await march(people)
    await people.given(calculate(staff=MARCH_STAFF), close())
    people.at(dt.datetime(2026, 4, 3, 2, 0, tzinfo=dt.UTC))
    await people.when(offence("4.3", "c2", occurred_on=dt.date(2026, 3, 31)))
    await people.when(
        p.AppealPenalty(
            command_id="ap2", actor=EMPLOYEE_ACTOR, employee_id="emp-1", case_id="c2", grounds="no"
        )
    )
    people.at(MAY_1)
    await people.given(calculate("2026-04", "pay-2026-04", MARCH_STAFF), close("2026-04"))
    await people.when(
        p.DecideAppeal(command_id="dec", actor=HR, employee_id="emp-1", case_id="c2", upheld=False, note="ok")
    )
    # before May's payroll: the overturned fine is still April's collection, nothing refunded yet
    april = await people.fund(period="2026-04")
    assert (april["collected"], april["refunded"], april["balance"]) == ("100.00", "0.00", "100.00")
    people.at(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC))
    await people.given(calculate("2026-05", "pay-2026-05", MARCH_STAFF), close("2026-05"))

    march_fund = await people.fund(period="2026-03")
    may = await people.fund(period="2026-05")
    everything = await people.fund()

    assert (march_fund["collected"], march_fund["balance"]) == ("150.00", "150.00")
    assert [e["deducted_in"] for e in march_fund["entries"]] == ["2026-03", "2026-03"]
    assert (may["collected"], may["refunded"], may["balance"]) == ("0.00", "100.00", "-100.00")
    assert [e["refunded_in"] for e in may["entries"]] == ["2026-05"]
    assert (everything["collected"], everything["refunded"], everything["balance"]) == (
        "250.00",
        "100.00",
        "150.00",
    )


async def test_a_fine_not_yet_collected_is_outstanding_not_in_the_fund_hr_37() -> None:
    people = People()
    await march(people)
    people.at(APRIL_1)
    await people.when(calculate(staff=MARCH_STAFF))  # calculated, not closed: deducted, not collected

    fund = await people.fund(period="2026-03")

    assert {e["status"] for e in fund["entries"]} == {"deducted"}
    assert (fund["credited"], fund["collected"], fund["outstanding"], fund["balance"]) == (
        "150.00",
        "0.00",
        "150.00",
        "0.00",
    )


async def test_a_fine_of_another_fund_stays_out_of_the_public_activity_fund_hr_37() -> None:
    people = People()
    await people.given(onboard(join=dt.date(2026, 2, 1)))
    await people.ladder_fine(dt.date(2026, 3, 3), 100, 1)
    await people.ladder_fine(dt.date(2026, 3, 4), 300, 2, fund="welfare")

    fund = await people.fund()

    assert [e["amount"] for e in fund["entries"]] == ["100.00"]
    assert fund["credited"] == "100.00"


async def test_a_day_of_unpaid_leave_is_deducted_at_the_base_of_its_part_of_the_month_dis_11_hr_36() -> None:
    """Demoted from 16 March: 1-15 March (12 scheduled days, three Sundays) at 3500, 16-31 March
    (14 scheduled days) at 2000. One unpaid personal day on 10 March deducts a day of the first
    part: 3500 x 15 / 31 / 12; the second part pays in full."""
    people = People()
    await people.given(
        onboard(join=dt.date(2026, 2, 1), grade=Grade.SUPERVISOR),
        offence("3.4", "c1"),
        demote(dt.date(2026, 3, 16)),
    )
    for day in MARCH:
        outcome = DayOutcome.REST if day.day in SUNDAYS else DayOutcome.WORKED
        leave_type = None
        if day.day == 10:
            outcome, leave_type = DayOutcome.LEAVE, "personal"
        await people.day(day, outcome, "emp-1", leave_type)
    people.at(APRIL_1)
    await people.when(calculate())

    slip = slips(people)["emp-1"]
    assert [(line.kind.value, line.amount, line.description) for line in slip.lines[:3]] == [
        (
            "base_salary",
            Decimal("1693.55"),
            "monthly base salary (supervisor), 2026-03-01 to 2026-03-15: 15 of 31 days",
        ),
        (
            "base_salary",
            Decimal("1032.26"),
            "monthly base salary (team_member), 2026-03-16 to 2026-03-31: 16 of 31 days",
        ),
        ("unpaid_leave", Decimal("-141.13"), "unpaid personal leave, 1 of 12 scheduled days (supervisor)"),
    ]
    assert (slip.scheduled_days, slip.paid_days) == (26, Decimal(25))
