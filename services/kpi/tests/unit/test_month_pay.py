"""Targets and the month's pay through the service's real wiring (KPI-2..KPI-5, ORD-16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from kpi.bootstrap import KpiSettings
from kpi.domain.policy import KpiPolicy, PerformancePolicy
from shop_contracts.aggregates import AFTERSALES_REFUND_CASE, ORDERS_ORDER
from shop_contracts.commands.kpi import ChosenBonus
from shop_contracts.events.kpi import CommissionCalculated, PerformancePayCalculated, Position, QuotaKind

from .helpers import CLERK, HR, TZ, Kpi, calculate, placed, quota, refund, result, target

APRIL = dt.datetime(2026, 4, 15, 12, 0, tzinfo=TZ)
MAY_1 = dt.datetime(2026, 5, 1, 9, 0, tzinfo=TZ)


def kpi(**performance: object) -> Kpi:
    policy = KpiPolicy(performance=PerformancePolicy(customer_service_full_pay=False, **performance))
    return Kpi(KpiSettings(policy=policy))


async def test_a_target_for_next_month_is_set_before_the_30th_kpi_5() -> None:
    k = kpi()
    k.at(dt.datetime(2026, 3, 29, 23, 59, tzinfo=TZ))
    await k.app.when(target("p-1", 10000))
    assert k.app.types("2026-04") == ["MonthlyTargetSet"]


async def test_a_target_set_on_the_30th_is_refused_kpi_5() -> None:
    k = kpi()
    k.at(dt.datetime(2026, 3, 30, 0, 0, tzinfo=TZ))
    with pytest.raises(RuleViolated) as err:
        await k.app.when(target("p-1", 10000))
    assert err.value.rule == "KPI-5"
    assert "2026-03-30" in str(err.value)
    assert k.app.events("2026-04") == []


async def test_in_february_the_cut_off_is_its_last_day_kpi_5() -> None:
    k = kpi()
    k.at(dt.datetime(2026, 2, 27, 18, 0, tzinfo=TZ))
    await k.app.when(target("p-1", 10000, month="2026-03"))
    k.at(dt.datetime(2026, 2, 28, 9, 0, tzinfo=TZ))
    with pytest.raises(RuleViolated, match="before 2026-02-28"):
        await k.app.when(target("p-2", 10000, month="2026-03"))


async def test_targets_are_for_the_next_month_only_kpi_5() -> None:
    k = kpi()
    with pytest.raises(RuleViolated, match="next month"):
        await k.app.when(target("p-1", 10000, month="2026-05"))


async def test_the_cut_off_day_is_a_setting_kpi_5() -> None:
    k = Kpi(KpiSettings(policy=KpiPolicy(target_cutoff_day=25)))
    k.at(dt.datetime(2026, 3, 25, 9, 0, tzinfo=TZ))
    with pytest.raises(RuleViolated, match="cut-off day 25"):
        await k.app.when(target("p-1", 10000))


async def test_only_the_supervisor_sets_targets_and_a_supervisor_has_none_kpi_5_kpi_3() -> None:
    k = kpi()
    with pytest.raises(Forbidden):
        await k.app.when(target("p-1", 10000).model_copy(update={"actor": CLERK}))
    with pytest.raises(InvalidCommand) as err:
        await k.app.when(target("sup-1", 10000, position=Position.SUPERVISOR))
    assert err.value.rule == "KPI-3"


async def april(k: Kpi) -> None:
    """Targets set in March; April's orders and a refund; the month is over on 1 May."""
    await k.app.given(
        target("p-1", 10000),
        target("p-2", 10000),
        target("cs-1", 5000, position=Position.CUSTOMER_SERVICE),
        quota(QuotaKind.PROMOTION, 20000),
        quota(QuotaKind.FEEDBACK, 100),
    )
    await k.feed(placed("o-1", "p-1", 9000, APRIL), ORDERS_ORDER, "o-1")
    await k.feed(placed("o-2", "p-1", 3000, APRIL), ORDERS_ORDER, "o-2")
    await k.feed(placed("o-3", "p-2", "2999.99", APRIL), ORDERS_ORDER, "o-3")
    await k.feed(placed("o-4", "cs-1", 4000, APRIL, channel="jd"), ORDERS_ORDER, "o-4")
    await k.feed(refund("rc-1", "o-2", 1000, APRIL + dt.timedelta(days=3)), AFTERSALES_REFUND_CASE, "rc-1")
    k.at(MAY_1)
    await k.app.when(result(QuotaKind.FEEDBACK, 80))


async def test_the_month_pay_follows_net_sales_after_refunds_kpi_2_kpi_4_ord_16() -> None:
    k = kpi()
    await april(k)
    await k.app.when(calculate(supervisor_id="sup-1"))
    events = k.app.then()
    perf = {e.employee_id: e for e in events if isinstance(e, PerformancePayCalculated)}
    comm = {e.employee_id: e for e in events if isinstance(e, CommissionCalculated)}
    assert perf["p-1"].actual == Decimal(11000)
    assert perf["p-1"].amount == Decimal("550.00")
    assert perf["p-2"].completion == Decimal("0.2999")
    assert perf["p-2"].amount == 0
    assert perf["cs-1"].amount == Decimal("400.00")  # 80 % × 500
    # the department: promotion 17999.99 of 20000 (0.8999), feedback 80 of 100: mean 0.8499 → 424.95, − 50 for p-2
    assert perf["sup-1"].performance_pay == Decimal("424.95")
    assert perf["sup-1"].deduction == 50
    assert perf["sup-1"].amount == Decimal("374.95")
    assert comm["p-1"].net_sales == Decimal("17999.99")
    assert comm["p-1"].pool == Decimal("180.00")
    assert comm["p-1"].amount == Decimal("90.00")
    assert comm["p-2"].amount == 0
    assert all(e.revision == 1 for e in perf.values())
    assert all(e.revision == 1 for e in comm.values())
    assert {s.rule for s in perf["p-1"].steps} == {"ORD-16", "KPI-2"}


async def test_recalculating_with_the_same_inputs_appends_nothing_kpi_5() -> None:
    k = kpi()
    await april(k)
    await k.app.when(calculate(supervisor_id="sup-1"))
    await k.app.when(calculate(supervisor_id="sup-1", by=HR))
    assert k.app.then() == []


async def test_changed_inputs_append_a_revision_superseding_only_the_changed_figures_kpi_5() -> None:
    k = kpi()
    await april(k)
    await k.app.when(calculate())
    await k.feed(refund("rc-2", "o-4", 2000, MAY_1 - dt.timedelta(hours=12)), AFTERSALES_REFUND_CASE, "rc-2")
    await k.app.when(calculate())
    changed = k.app.then()
    perf = [e for e in changed if isinstance(e, PerformancePayCalculated)]
    assert [(e.employee_id, e.revision, e.amount) for e in perf] == [("cs-1", 2, Decimal("200.00"))]
    comm = {e.employee_id: e for e in changed if isinstance(e, CommissionCalculated)}
    assert set(comm) == {"p-1", "p-2", "cs-1"}  # the department's net sales changed: every input did
    assert comm["p-2"].revision == 2
    assert comm["p-2"].net_sales == Decimal("15999.99")
    assert comm["p-2"].amount == 0


async def test_the_month_is_calculated_only_after_it_ended_kpi_5() -> None:
    k = kpi()
    await k.app.given(target("p-1", 10000))
    k.at(APRIL)
    with pytest.raises(RuleViolated, match="runs until 2026-04-30"):
        await k.app.when(calculate())


async def test_a_chosen_bonus_names_an_employee_with_a_target_kpi_2() -> None:
    k = kpi()
    await april(k)
    bonus = ChosenBonus(employee_id="nobody", amount=Decimal(60), reason="x")
    with pytest.raises(RuleViolated, match="nobody"):
        await k.app.when(calculate(bonuses=(bonus,)))
    chosen = ChosenBonus(employee_id="p-1", amount=Decimal(100), reason="best month of the year")
    await k.app.when(calculate(bonuses=(chosen,)))
    [p1] = [e for e in k.app.then() if isinstance(e, PerformancePayCalculated) and e.employee_id == "p-1"]
    assert p1.bonus == 100


async def test_only_the_supervisor_hr_or_the_system_calculates_the_month_kpi_5() -> None:
    k = kpi()
    await april(k)
    with pytest.raises(Forbidden):
        await k.app.when(calculate(by=CLERK))
