"""`make demo`'s simulated shop day (issue 10) on a whole shop: it drives every service through the
public commands only, and its summary agrees with what the services report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from shopdemo.client import ShopClient, SimClock
from shopdemo.scenario import DemoSettings, ShopDay

pytestmark = pytest.mark.integration


async def test_a_simulated_day_runs_through_every_service_and_sums_up(
    client: ShopClient, clock: SimClock
) -> None:
    steps: list[str] = []
    settings = DemoSettings(orders=8, staff=3, seed=7)

    report = await ShopDay(client, clock, settings, ZoneInfo("Asia/Shanghai"), steps.append).run()

    summary = report.summary
    assert steps[0] == "goods received and staff on the rota"
    assert steps[-1] == "summary"
    assert sum(summary["orders"].values()) == len(report.orders) == settings.orders
    assert summary["shipping_day"]["status"] == "Closed"
    assert summary["shipping_day"]["counts"].get("Delivered", 0) == len(report.shipped) > 0
    assert summary["absences"] == 1, "the last employee on the rota never came"
    assert summary["payroll"]["status"] == "calculated"
    assert len(summary["payroll"]["payslips"]) == settings.staff
    assert len(summary["refunds"]["refunds"]) >= 1
    assert not report.refused, report.reasons
