"""The reporting rhythm as due items with reminders (KPI-8, C12) and the month's pay run on the
1st (KPI-5): the month's items, and the scheduler's firer through the service's real wiring."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from sqlalchemy import select

from jetstream_es.deadlines import Deadline
from jetstream_es.department_calendar import DepartmentCalendar
from kpi.adapters.rhythm import RhythmDeadlines
from kpi.application.rhythm import RhythmFirer
from kpi.domain.policy import KpiPolicy
from kpi.domain.rhythm import MONTH_PAY, OVERDUE, REMINDER, DueItem, month_items, report_items
from shop_contracts.aggregates import ORDERS_ORDER
from shop_contracts.commands.kpi import SubmitReport
from shop_contracts.events.kpi import PerformancePayCalculated, ReportDue, ReportKind, ReportOverdue

from .helpers import SUPERVISOR, TZ, Kpi, placed, target

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = KpiPolicy()


def deadline(item: DueItem) -> Deadline:
    return Deadline(item.id, item.kind, item.aggregate_id, item.due_at, dict(item.payload))


def test_april_has_its_daily_weekly_monthly_items_and_the_pay_run_on_the_1st_kpi_8_kpi_5() -> None:
    items = month_items("2026-04", POLICY, SHANGHAI, DepartmentCalendar())
    kinds = Counter((i.kind, i.payload.get("kind")) for i in items)
    assert kinds[(OVERDUE, "daily_report")] == 30  # every day: the department works Mon-Sun (000)
    assert kinds[(OVERDUE, "weekly_statistics")] == 4  # Fridays 3, 10, 17, 24 April
    assert kinds[(OVERDUE, "weekly_meeting_minutes")] == 4  # Mondays 6, 13, 20, 27 April
    assert kinds[(OVERDUE, "monthly_statistics")] == kinds[(OVERDUE, "month_end_report")] == 1
    assert kinds[(REMINDER, "daily_report")] == 30
    [pay] = [i for i in items if i.kind == MONTH_PAY]
    assert pay.due_at == dt.datetime(2026, 5, 1, 1, 0, tzinfo=SHANGHAI)


def test_rest_weekdays_have_no_daily_report_c4_kpi_8() -> None:
    weekdays_only = DepartmentCalendar(rest_weekdays=frozenset({6, 7}))
    items = month_items("2026-04", POLICY, SHANGHAI, weekdays_only)
    assert sum(1 for i in items if i.kind == OVERDUE and i.payload["kind"] == "daily_report") == 22


def test_the_daily_report_is_reminded_at_17_00_and_overdue_at_17_30_kpi_8() -> None:
    remind, overdue = report_items(ReportKind.DAILY_REPORT, "2026-03-10", POLICY, SHANGHAI)
    assert remind.due_at == dt.datetime(2026, 3, 10, 17, 0, tzinfo=SHANGHAI)
    assert overdue.due_at == dt.datetime(2026, 3, 10, 17, 30, tzinfo=SHANGHAI)


async def test_an_unsubmitted_report_is_reminded_then_overdue_once_kpi_8() -> None:
    k = Kpi(now=dt.datetime(2026, 3, 10, 17, 30, tzinfo=TZ))
    remind, overdue = report_items(ReportKind.DAILY_REPORT, "2026-03-10", POLICY, SHANGHAI)
    await k.app.fire(deadline(remind), firer=RhythmFirer)
    k.app.then(ReportDue)
    await k.app.fire(deadline(overdue), firer=RhythmFirer)
    k.app.then(ReportOverdue)
    await k.app.fire(deadline(overdue), firer=RhythmFirer)
    assert k.app.then() == []


async def test_a_submitted_report_is_neither_reminded_nor_overdue_kpi_8() -> None:
    k = Kpi(now=dt.datetime(2026, 3, 10, 16, 50, tzinfo=TZ))
    await k.app.when(
        SubmitReport(command_id="rep-1", actor=SUPERVISOR, kind=ReportKind.DAILY_REPORT, period="2026-03-10")
    )
    for item in report_items(ReportKind.DAILY_REPORT, "2026-03-10", POLICY, SHANGHAI):
        await k.app.fire(deadline(item), firer=RhythmFirer)
        assert k.app.then() == []


async def test_the_month_pay_runs_by_itself_on_the_1st_once_kpi_5() -> None:
    k = Kpi()
    await k.app.when(target("p-1", 10000))
    await k.feed(placed("o-1", "p-1", 5000, dt.datetime(2026, 4, 9, 12, 0, tzinfo=TZ)), ORDERS_ORDER, "o-1")
    [pay] = [i for i in month_items("2026-04", POLICY, SHANGHAI, DepartmentCalendar()) if i.kind == MONTH_PAY]
    k.at(pay.due_at)
    await k.app.fire(deadline(pay), firer=RhythmFirer)
    [perf] = [e for e in k.app.then() if isinstance(e, PerformancePayCalculated)]
    assert perf.amount == 250
    assert perf.calculated_by == "system"
    await k.app.fire(deadline(pay), firer=RhythmFirer)
    assert k.app.then() == []


async def test_a_month_without_targets_is_left_to_the_supervisor_kpi_5() -> None:
    k = Kpi(now=dt.datetime(2026, 5, 1, 1, 0, tzinfo=TZ))
    [pay] = [i for i in month_items("2026-04", POLICY, SHANGHAI, DepartmentCalendar()) if i.kind == MONTH_PAY]
    await k.app.fire(deadline(pay), firer=RhythmFirer)
    assert k.app.then() == []


async def test_setting_a_month_plan_schedules_its_items_and_a_submission_cancels_its_own_kpi_8() -> None:
    k = Kpi(now=dt.datetime(2026, 3, 20, 9, 0, tzinfo=TZ))
    await k.app.when(target("p-1", 10000))
    await k.app.when(target("p-2", 10000))
    k.at(dt.datetime(2026, 4, 1, 17, 10, tzinfo=TZ))
    await k.app.when(
        SubmitReport(command_id="rep-1", actor=SUPERVISOR, kind=ReportKind.DAILY_REPORT, period="2026-04-01")
    )
    [rhythm] = [p for p, _ in k.app.runtime.projections if isinstance(p, RhythmDeadlines)]
    table = (await k.project(rhythm))["deadlines"]
    async with k.engine.connect() as conn:
        rows = {r.id: r for r in (await conn.execute(select(table))).all()}
    assert len(rows) == len(
        month_items("2026-04", POLICY, SHANGHAI, DepartmentCalendar())
    )  # Q2 inspection included
    assert rows["report_overdue/daily_report-2026-04-01"].cancelled_at is not None
    assert rows["report_reminder/daily_report-2026-04-01"].cancelled_at is not None
    assert rows["report_overdue/daily_report-2026-04-02"].cancelled_at is None
    assert rows["month_pay/2026-04"].due_at == dt.datetime(2026, 4, 30, 17, 0, tzinfo=dt.UTC)


def test_the_quarterly_compliance_inspection_is_due_on_the_quarter_last_day_kpi_12() -> None:
    april = [i for i in month_items("2026-04", POLICY, SHANGHAI, DepartmentCalendar()) if i.kind == OVERDUE]
    may = [i for i in month_items("2026-05", POLICY, SHANGHAI, DepartmentCalendar()) if i.kind == OVERDUE]
    [inspection] = [i for i in april if i.payload["kind"] == "compliance_inspection"]
    assert inspection.payload["period"] == "2026-Q2"
    assert inspection.due_at == dt.datetime(2026, 6, 30, 18, 0, tzinfo=SHANGHAI)
    assert inspection.id in {i.id for i in may}  # the same item: scheduled once


async def test_the_inspection_is_submitted_for_a_quarter_kpi_12() -> None:
    k = Kpi(now=dt.datetime(2026, 6, 29, 10, 0, tzinfo=TZ))
    await k.app.when(
        SubmitReport(
            command_id="insp-1", actor=SUPERVISOR, kind=ReportKind.COMPLIANCE_INSPECTION, period="2026-Q2"
        )
    )
    assert k.app.types(aggregate="Report") == ["ReportSubmitted"]
