"""HR's payroll takes the KPI service's figures over NATS (issue 19; KPI-2, KPI-5, HR-41): a
PerformancePayCalculated and a CommissionCalculated on the KPI stream reach the period through
HR's own durable consumer (hr-kpi-intake), once even when redelivered, and the payslip line names
the KPI event it came from; nothing is typed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.testing.harness import publish_event
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.kpi import CommissionCalculated, FormulaStep, PerformancePayCalculated, Position

from .helpers import NOW, caught_up, command, hr_events, query, register, start_hr

pytestmark = pytest.mark.integration
HR = {"id": "hr-1", "roles": ["hr_dept"]}
APRIL_1 = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


async def test_kpi_figures_become_the_payslip_lines_with_their_source_kpi_2_kpi_5_hr_41(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = await start_hr(nats_server.url, nc, tmp_path / "hr.db", clock)
    try:
        await register(nc, "emp-1", join="2026-02-01")
        performance = PerformancePayCalculated(
            month="2026-03",
            employee_id="emp-1",
            position=Position.PROMOTER,
            revision=1,
            scheme="flat_500",
            target=Decimal(10000),
            actual=Decimal(8000),
            completion=Decimal("0.8"),
            performance_pay=Decimal(400),
            bonus=Decimal(0),
            deduction=Decimal(0),
            amount=Decimal(400),
            steps=(FormulaStep(rule="KPI-2", description="completion 80.00 % × 500", value=Decimal(400)),),
            calculated_by="sup-1",
            calculated_at=APRIL_1,
        )
        commission = CommissionCalculated(
            month="2026-03",
            employee_id="emp-1",
            position=Position.PROMOTER,
            revision=1,
            net_sales=Decimal(30000),
            pool=Decimal(300),
            share=Decimal("0.5"),
            amount=Decimal(150),
            steps=(FormulaStep(rule="KPI-5", description="share", value=Decimal(150)),),
            calculated_by="sup-1",
            calculated_at=APRIL_1,
        )
        for data, event_id in (
            (performance, "ev-perf-1"),
            (commission, "ev-comm-1"),
            (performance, "ev-perf-1"),
        ):
            await publish_event(nc, "kpi", "MonthPay", "2026-03", data, event_id, occurred_at=APRIL_1)
        await caught_up(runtime)
        assert await hr_events(nc, "PayrollPeriod", "2026-03") == [
            "KpiPayInputRecorded",
            "KpiPayInputRecorded",
        ]
        clock.set(APRIL_1)
        reply = await command(
            nc, "CalculatePayroll", {"command_id": "pay-1", "actor": HR, "period": "2026-03"}
        )
        assert reply["ok"], reply
        await caught_up(runtime)
        slip = await query(nc, "Payslip", {"period": "2026-03", "employee_id": "emp-1"})
        lines = {line["kind"]: line for line in slip["lines"]}
        assert lines["performance_pay"]["amount"] == "400.00"
        assert "KPI PerformancePayCalculated ev-perf-1, KPI-2" in lines["performance_pay"]["description"]
        assert lines["commission"]["amount"] == "150.00"
        assert lines["commission"]["rule"] == "KPI-5"
    finally:
        await runtime.stop()
