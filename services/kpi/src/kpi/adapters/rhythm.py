"""The reporting rhythm's deadlines (`kpi_rhythm` on MonthPlan and Report; KPI-8, C12, KPI-5).

The first plan event of a month schedules its due items (`kpi.domain.rhythm.month_items`), a
target its holder's daily log-ins (KPI-11); a submitted report cancels its reminder and overdue
deadline, an acknowledged log-in its deadline. The service's `DeadlineScheduler`
fires the due ones through `RhythmFirer` (application). Scheduling is idempotent, so a redelivery
or a replay schedules nothing twice.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.deadlines import Deadline, cancel, define_deadlines_table, schedule
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from kpi.domain.login import DAILY_LOGIN
from kpi.domain.plan import registry as plan_registry
from kpi.domain.policy import KpiPolicy
from kpi.domain.rhythm import LOGIN, OVERDUE, REMINDER, login_items, month_items
from kpi.domain.work import REPORT
from shop_contracts.aggregates import KPI_DAILY_LOGIN, KPI_MONTH_PLAN, KPI_REPORT
from shop_contracts.events.kpi import (
    DailyLoginAcknowledged,
    DepartmentQuotaSet,
    MonthlyTargetSet,
    ReportSubmitted,
)

EVENTS = (MonthlyTargetSet, DepartmentQuotaSet, ReportSubmitted, DailyLoginAcknowledged)


class RhythmDeadlines(Projection):
    name = "kpi_rhythm"
    sources = (KPI_MONTH_PLAN, KPI_REPORT, KPI_DAILY_LOGIN)
    handles = frozenset(m.event_type for m in EVENTS)

    def __init__(self, policy: KpiPolicy, business_tz: str, calendar: DepartmentCalendar) -> None:
        super().__init__(
            EventRegistry([*plan_registry.models, *REPORT.registry.models, *DAILY_LOGIN.registry.models])
        )
        self.policy, self.tz, self.calendar = policy, ZoneInfo(business_tz), calendar

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {"deadlines": define_deadlines_table(metadata, f"_kpi{suffix}")}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, data = tables["deadlines"], item.data
        match data:
            case MonthlyTargetSet() | DepartmentQuotaSet():
                items = month_items(data.month, self.policy, self.tz, self.calendar)
                if isinstance(data, MonthlyTargetSet):
                    items += login_items(data.month, data.employee_id, self.policy, self.tz, self.calendar)
                for due in items:
                    await schedule(
                        conn,
                        table,
                        Deadline(due.id, due.kind, due.aggregate_id, due.due_at, dict(due.payload)),
                    )
            case ReportSubmitted():
                report = f"{data.kind.value}-{data.period}"
                for kind in (REMINDER, OVERDUE):
                    await cancel(conn, table, f"{kind}/{report}", data.submitted_at)
            case DailyLoginAcknowledged():
                login = f"{LOGIN}/{data.employee_id}-{data.day.isoformat()}"
                await cancel(conn, table, login, data.acknowledged_at)
