"""`make demo`'s simulated shop month (issue 10, issue 19) on a whole shop: it drives every service
through the public commands only, from products listed through the catalogue (CAT-7) and next
month's targets set before the 30th (KPI-5) to the month's KPI figures on HR's payslips
(KPI-2..KPI-5, HR-41), and its summary agrees with what the services report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from shopdemo.client import ShopClient, SimClock
from shopdemo.scenario import DemoSettings, ShopDay

pytestmark = pytest.mark.integration


@pytest.mark.timeout(300)  # a month on the simulation clock: targets, the day, month end, payroll
async def test_a_simulated_day_runs_through_every_service_and_sums_up(
    client: ShopClient, clock: SimClock
) -> None:
    steps: list[str] = []
    settings = DemoSettings(orders=8, staff=3, seed=7)

    report = await ShopDay(client, clock, settings, ZoneInfo("Asia/Shanghai"), steps.append).run()

    summary = report.summary
    assert steps[0] == "goods received, products listed, staff taken on"
    assert report.setup_day is not None
    assert report.setup_day.day < 30, "targets before the 30th (KPI-5)"
    assert report.setup_day < report.day.replace(day=1)
    assert steps[-1] == "summary"
    assert sum(summary["orders"].values()) == len(report.orders) == settings.orders
    assert summary["shipping_day"]["status"] == "Closed"
    assert summary["shipping_day"]["counts"].get("Delivered", 0) == len(report.shipped) > 0
    assert summary["absences"] == 1, "the last employee on the rota never came"
    assert summary["payroll"]["status"] == "calculated"
    assert len(summary["payroll"]["payslips"]) == settings.staff
    assert len(summary["refunds"]["refunds"]) >= 1
    assert not report.refused, report.reasons
    holders = [e for e in report.employees if e in report.positions]
    assert len(holders) == settings.staff - 1
    figures = {(f["employee_id"], f["kind"]): f for f in summary["month_pay"]["figures"]}
    for slip in summary["payslips"]:
        lines = {line["kind"]: line for line in slip["lines"]}
        perf = lines["performance_pay"]
        if slip["employee_id"] in holders:  # KPI's figure, with its event as the source (HR-41)
            [source] = perf["sources"]
            assert source.startswith("kpi:")
            assert perf["rule"] in ("KPI-2", "KPI-4")
            event_ids = {f["event_id"] for (e, _k), f in figures.items() if e == slip["employee_id"]}
            assert source.removeprefix("kpi:") in event_ids
        else:  # no target: HR types the completion (HR-40)
            assert perf["rule"] == "HR-40"
            assert perf["sources"][0].startswith("command:")
    cover = [c["customer_service"] for c in summary["on_duty"]]
    assert [c["basis"] for c in cover] == ["weekend_rota", "duty_manager"]  # DUTY-2, DUTY-3
