"""The reporting rhythm as due items with reminders (KPI-8, C12) and the month's pay run on the
1st (KPI-5): the month's items, and the scheduler's firer through the service's real wiring."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from jetstream_es.deadlines import Deadline
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.errors import RuleViolated
from kpi.adapters.rhythm import RhythmDeadlines
from kpi.application.rhythm import RhythmFirer
from kpi.domain.policy import KpiPolicy
from kpi.domain.rhythm import (
    LOGIN,
    MONTH_PAY,
    OVERDUE,
    REMINDER,
    DueItem,
    login_items,
    month_items,
    report_items,
)
from shop_contracts.aggregates import ORDERS_ORDER
from shop_contracts.commands.kpi import AcknowledgeDailyLogin, SubmitReport
from shop_contracts.envelope import Actor
from shop_contracts.events.kpi import (
    DailyLoginAcknowledged,
    DailyLoginMissed,
    PerformancePayCalculated,
    ReportDue,
    ReportKind,
    ReportOverdue,
)

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
    logins = [
        i for e in ("p-1", "p-2") for i in login_items("2026-04", e, POLICY, SHANGHAI, DepartmentCalendar())
    ]
    assert (
        len(rows)
        == len(month_items("2026-04", POLICY, SHANGHAI, DepartmentCalendar())) + len(logins)
        == 83 + 60
    )
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


PROMOTER = Actor(id="p-1", roles=("promotion_specialist",))


def login_item(day: str = "2026-04-07") -> DueItem:
    items = login_items("2026-04", "p-1", POLICY, SHANGHAI, DepartmentCalendar())
    [item] = [i for i in items if i.payload["day"] == day]
    return item


def test_a_target_holder_logs_in_by_9_00_every_working_day_kpi_11() -> None:
    item = login_item()
    assert (item.kind, item.aggregate_id) == (LOGIN, "p-1-2026-04-07")
    assert item.due_at == dt.datetime(2026, 4, 7, 9, 0, tzinfo=SHANGHAI)
    assert (
        len(login_items("2026-04", "p-1", POLICY, SHANGHAI, DepartmentCalendar(rest_weekdays=frozenset({7}))))
        == 26
    )


async def test_the_employee_acknowledges_both_accounts_and_the_day_is_not_missed_kpi_11() -> None:
    k = Kpi(now=dt.datetime(2026, 4, 7, 8, 55, tzinfo=TZ))
    await k.app.when(AcknowledgeDailyLogin(command_id="login-1", actor=PROMOTER))
    [ack] = k.app.then(DailyLoginAcknowledged)
    assert isinstance(ack, DailyLoginAcknowledged)
    assert (ack.employee_id, ack.day, ack.late) == ("p-1", dt.date(2026, 4, 7), False)
    await k.app.when(AcknowledgeDailyLogin(command_id="login-2", actor=PROMOTER))
    assert k.app.then() == []
    k.at(dt.datetime(2026, 4, 7, 9, 0, tzinfo=TZ))
    await k.app.fire(deadline(login_item()), firer=RhythmFirer)
    assert k.app.then() == []


async def test_a_log_in_without_every_sales_account_is_refused_kpi_11() -> None:
    k = Kpi(now=dt.datetime(2026, 4, 7, 8, 55, tzinfo=TZ))
    with pytest.raises(RuleViolated, match="qq not named") as err:
        await k.app.when(
            AcknowledgeDailyLogin(command_id="login-1", actor=PROMOTER, accounts=("aliwangwang",))
        )
    assert err.value.rule == "KPI-11"


async def test_no_log_in_by_9_00_is_recorded_missed_once_kpi_11() -> None:
    k = Kpi(now=dt.datetime(2026, 4, 7, 9, 0, tzinfo=TZ))
    await k.app.fire(deadline(login_item()), firer=RhythmFirer)
    [missed] = k.app.then(DailyLoginMissed)
    assert isinstance(missed, DailyLoginMissed)
    assert missed.employee_id == "p-1"
    await k.app.fire(deadline(login_item()), firer=RhythmFirer)
    assert k.app.then() == []
    k.at(dt.datetime(2026, 4, 7, 9, 40, tzinfo=TZ))
    await k.app.when(AcknowledgeDailyLogin(command_id="login-late", actor=PROMOTER))
    [late] = k.app.then(DailyLoginAcknowledged)
    assert isinstance(late, DailyLoginAcknowledged)
    assert late.late
