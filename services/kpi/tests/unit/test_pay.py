"""The pay formulas, given / when / then (KPI-2..KPI-5, C6, ORD-16), worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jetstream_es.errors import RuleViolated
from kpi.domain import pay
from kpi.domain.policy import CommissionPolicy, KpiPolicy, PerformancePolicy
from shop_contracts.commands.kpi import ChosenBonus
from shop_contracts.events.kpi import Position, QuotaKind

P = PerformancePolicy(customer_service_full_pay=False)
D = Decimal


def promoter(actual: str, target: str = "10000", chosen: ChosenBonus | None = None) -> pay.Figure:
    return pay.individual("p-1", Position.PROMOTER, D(target), D(actual), P, chosen)


def test_completion_of_29_99_percent_pays_no_performance_pay_kpi_2() -> None:
    f = promoter("2999")
    assert (f.completion, f.performance_pay, f.amount) == (D("0.2999"), D(0), D(0))
    assert f.steps[-1].rule == "KPI-2"
    assert "below 30.00 %" in f.steps[-1].description


def test_a_completion_just_under_30_percent_is_not_rounded_up_kpi_2() -> None:
    assert promoter("2999.99").amount == 0


def test_exactly_30_percent_pays_30_percent_of_500_kpi_2() -> None:
    f = promoter("3000")
    assert (f.completion, f.amount) == (D("0.3"), D("150.00"))


def test_completion_times_500_between_floor_and_plan_kpi_2() -> None:
    assert promoter("8000").amount == D("400.00")
    assert promoter("10000").amount == D("500.00")


def test_beating_the_plan_pays_full_500_and_the_default_bonus_of_50_kpi_2() -> None:
    f = promoter("12000")
    assert (f.performance_pay, f.bonus, f.amount) == (D("500.00"), D(50), D("550.00"))


def test_the_supervisor_chooses_a_bonus_within_50_to_100_with_a_reason_kpi_2() -> None:
    f = promoter(
        "12000", chosen=ChosenBonus(employee_id="p-1", amount=D(80), reason="drove the spring campaign")
    )
    assert f.bonus == 80
    assert "drove the spring campaign" in f.steps[-1].description


@pytest.mark.parametrize("amount", ["49.99", "100.01"])
def test_a_bonus_outside_50_to_100_is_refused_kpi_2(amount: str) -> None:
    with pytest.raises(RuleViolated) as err:
        promoter("12000", chosen=ChosenBonus(employee_id="p-1", amount=D(amount), reason="x"))
    assert err.value.rule == "KPI-2"


def test_no_bonus_can_be_chosen_without_beating_the_plan_kpi_2() -> None:
    with pytest.raises(RuleViolated, match="did not exceed the plan"):
        promoter("10000", chosen=ChosenBonus(employee_id="p-1", amount=D(60), reason="x"))


def test_customer_service_is_paid_like_a_promoter_once_the_website_runs_kpi_4() -> None:
    f = pay.individual("cs-1", Position.CUSTOMER_SERVICE, D(100), D(29), P)
    assert f.amount == 0
    assert f.steps[-1].rule == "KPI-4"


def test_customer_service_gets_full_pay_until_the_website_is_fully_running_kpi_4() -> None:
    full = PerformancePolicy()  # the default: the website is not fully running yet
    f = pay.individual("cs-1", Position.CUSTOMER_SERVICE, D(100), D(10), full)
    assert (f.completion, f.amount) == (D("0.1"), D("500.00"))
    assert "until the website is fully running" in f.steps[-1].description


QUOTAS = {QuotaKind.PROMOTION: D(100000), QuotaKind.FEEDBACK: D(100), QuotaKind.FRANCHISE: D(10)}


def test_a_department_quota_under_30_percent_means_no_supervisor_performance_pay_kpi_3() -> None:
    results = {QuotaKind.PROMOTION: D(90000), QuotaKind.FEEDBACK: D(90), QuotaKind.FRANCHISE: D("2.99")}
    f = pay.supervisor("sup-1", QUOTAS, results, [], P)
    assert f.performance_pay == 0
    assert f.amount == 0


def test_the_supervisor_is_paid_pro_rata_on_the_mean_completion_kpi_3() -> None:
    results = {QuotaKind.PROMOTION: D(60000), QuotaKind.FEEDBACK: D(30), QuotaKind.FRANCHISE: D(9)}
    f = pay.supervisor("sup-1", QUOTAS, results, [], P)
    assert (f.completion, f.amount) == (D("0.6"), D("300.00"))  # (0.6 + 0.3 + 0.9) / 3 × 500


def test_meeting_every_quota_earns_the_supervisor_100_to_150_kpi_3() -> None:
    results = {QuotaKind.PROMOTION: D(120000), QuotaKind.FEEDBACK: D(100), QuotaKind.FRANCHISE: D(10)}
    f = pay.supervisor("sup-1", QUOTAS, results, [], P)
    assert (f.performance_pay, f.bonus, f.amount) == (D("500.00"), D(100), D("600.00"))
    with pytest.raises(RuleViolated) as err:
        pay.supervisor(
            "sup-1", QUOTAS, results, [], P, ChosenBonus(employee_id="sup-1", amount=D(151), reason="x")
        )
    assert err.value.rule == "KPI-3"


def test_the_supervisor_loses_50_per_promoter_under_30_percent_never_below_0_kpi_3() -> None:
    results = {QuotaKind.PROMOTION: D(60000), QuotaKind.FEEDBACK: D(30), QuotaKind.FRANCHISE: D(9)}
    weak = [promoter("2999"), pay.individual("p-2", Position.PROMOTER, D(100), D(10), P), promoter("3000")]
    f = pay.supervisor("sup-1", QUOTAS, results, weak, P)
    assert (f.deduction, f.amount) == (D(100), D("200.00"))
    nothing = pay.supervisor("sup-1", QUOTAS, {QuotaKind.PROMOTION: D(1)}, weak, P)
    assert nothing.amount == 0


def test_the_supervisor_needs_the_department_quotas_kpi_3() -> None:
    with pytest.raises(RuleViolated, match="SetDepartmentQuota"):
        pay.supervisor("sup-1", {}, {}, [], P)


def test_commission_shares_the_month_net_sales_by_position_and_completion_kpi_5_ord_16() -> None:
    policy = KpiPolicy(performance=P)
    figures = [
        promoter("6000"),
        pay.individual("p-2", Position.PROMOTER, D(10000), D(3000), P),
        promoter("2000"),
    ]
    figures[2] = pay.individual("p-3", Position.PROMOTER, D(10000), D(2000), P)
    figures.append(pay.individual("cs-1", Position.CUSTOMER_SERVICE, D(1000), D(1000), P))
    out = {c.employee_id: c for c in pay.commissions(D(100000), figures, policy)}
    # pool 1 % of 100000 = 1000; promoters' half 500 split 0.6 : 0.3; p-3 under 30 %: none
    assert out["p-1"].amount == D("333.33")
    assert out["p-2"].amount == D("166.67")
    assert out["p-3"].amount == 0
    assert "under 30.00 %" in out["p-3"].steps[-1].description
    assert out["cs-1"].amount == D("300.00")  # the only customer-service employee takes its 30 %
    assert out["p-1"].steps[0].rule == "ORD-16"


def test_commission_shares_by_position_must_sum_to_one_kpi_5() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        CommissionPolicy(shares={Position.PROMOTER: D("0.5")})
