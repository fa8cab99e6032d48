"""Wires the KPI service onto the runtime (issue 19, KPI-1..KPI-13, ORD-16): the MonthPlan,
MonthPay, Appraisal, Task, Training and Report commands; the sales and after-sales views over
orders' and after-sales' events and the service's own figures; the reporting rhythm's deadlines
(KPI-8) and the month's pay run on the 1st (KPI-5) with their scheduler; the SalesReport,
SatisfactionReport, ProcessingReport, RoiReport, MonthPay and Appraisal queries. Each projection
names its source aggregates; the runtime derives the durable consumers (decision 0007).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.errors import NotFound
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from kpi.adapters import queries
from kpi.adapters.figures import Figures
from kpi.adapters.rhythm import RhythmDeadlines
from kpi.adapters.views import AftersalesFacts, SalesOrders
from kpi.application.handlers import KpiCommands
from kpi.application.rhythm import RhythmFirer
from kpi.domain.month_pay import MonthFacts
from kpi.domain.policy import KpiPolicy
from shop_contracts.commands.kpi import (
    AcknowledgeDailyLogin,
    AssignTask,
    CalculateMonthPay,
    CompleteAppraisal,
    RecordDepartmentResult,
    RecordOperatingCost,
    ScheduleTraining,
    SetDepartmentQuota,
    SetMonthlyTarget,
    SubmitReport,
)
from shop_contracts.queries import kpi as q

NAME = "kpi"
COMMANDS = (
    SetMonthlyTarget,
    SetDepartmentQuota,
    RecordDepartmentResult,
    RecordOperatingCost,
    CalculateMonthPay,
    CompleteAppraisal,
    AssignTask,
    ScheduleTraining,
    SubmitReport,
    AcknowledgeDailyLogin,
)
QUERIES = (q.SalesReport, q.SatisfactionReport, q.ProcessingReport, q.RoiReport, q.MonthPay, q.Appraisal)


class KpiService:
    """The running service's parts, kept so queries and tests find them."""

    def __init__(
        self, runtime: ServiceRuntime, policy: KpiPolicy, business_tz: str, calendar: DepartmentCalendar
    ) -> None:
        self.runtime = runtime
        self.policy = policy
        self.orders = SalesOrders(business_tz)
        self.aftersales = AftersalesFacts(business_tz)
        self.figures = Figures()
        self.rhythm = RhythmDeadlines(policy, business_tz, calendar)
        self.commands = KpiCommands(runtime, policy, self.month_facts, business_tz)
        self.scheduler = DeadlineScheduler(
            runtime.engine,
            lambda: self.tables(self.rhythm)["deadlines"],
            runtime.clock,
            RhythmFirer(self.commands, policy.department_supervisor),
        )

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    async def month_facts(self, month: str) -> MonthFacts:
        """ORD-16: the month's net sales once both sales views have applied what is stored so far."""
        for projection in (self.orders, self.aftersales):
            await self.runtime.runner(projection.name).wait_caught_up(within=30.0)
        return await queries.month_facts(
            self.runtime.engine, self.tables(self.orders), self.tables(self.aftersales), month
        )

    def wire(self) -> None:
        rt, cmds = self.runtime, self.commands
        rt.command(SetMonthlyTarget, cmds.set_target)
        rt.command(SetDepartmentQuota, cmds.set_quota)
        rt.command(RecordDepartmentResult, cmds.record_result)
        rt.command(RecordOperatingCost, cmds.record_cost)
        rt.command(CalculateMonthPay, cmds.calculate)
        rt.command(CompleteAppraisal, cmds.appraise)
        rt.command(AssignTask, cmds.assign)
        rt.command(ScheduleTraining, cmds.schedule)
        rt.command(SubmitReport, cmds.submit)
        rt.command(AcknowledgeDailyLogin, cmds.acknowledge_login)
        for projection in (self.orders, self.aftersales, self.figures, self.rhythm):
            rt.projection(projection)
        rt.scheduler(self.scheduler)
        rt.query(q.SalesReport, self.sales_report)
        rt.query(q.SatisfactionReport, self.satisfaction)
        rt.query(q.ProcessingReport, self.processing)
        rt.query(q.RoiReport, self.roi)
        rt.query(q.MonthPay, self.month_pay)
        rt.query(q.Appraisal, self.appraisal)

    async def sales_report(self, query: q.SalesReport) -> dict[str, Any]:
        return await queries.sales_report(
            self.runtime.engine,
            self.tables(self.orders),
            self.tables(self.aftersales),
            query.month,
            query.staff_id,
        )

    async def satisfaction(self, query: q.SatisfactionReport) -> dict[str, Any]:
        return await queries.satisfaction(self.runtime.engine, self.tables(self.aftersales), query.month)

    async def processing(self, query: q.ProcessingReport) -> dict[str, Any]:
        return await queries.processing(self.runtime.engine, self.tables(self.orders), query.month)

    async def roi(self, query: q.RoiReport) -> dict[str, Any]:
        """KPI-13: net sales (ORD-16) ÷ the month's recorded operating costs."""
        sales = await self.sales_report(q.SalesReport(month=query.month))
        plan = await self.commands.plans.state(query.month, fresh=True)
        cost = sum(plan.costs.values(), Decimal(0))
        net = Decimal(sales["net"])
        return {
            "month": query.month,
            "net_sales": sales["net"],
            "operating_cost": str(cost),
            "roi": str(round(net / cost, 4)) if cost else None,
            "rule": "KPI-13",
        }

    async def month_pay(self, query: q.MonthPay) -> dict[str, Any]:
        plan = await self.commands.plans.state(query.month, fresh=True)
        targets = {
            e: {"position": t.position.value, "target": str(t.target)}
            for e, t in sorted(plan.targets.items())
            if query.employee_id in (None, e)
        }
        figures = await queries.figures(
            self.runtime.engine, self.tables(self.figures), query.month, query.employee_id
        )
        return {
            "month": query.month,
            "targets": targets,
            "quotas": {k.value: str(v) for k, v in plan.quotas.items()},
            "results": {k.value: str(v) for k, v in plan.results.items()},
            "figures": figures,
        }

    async def appraisal(self, query: q.Appraisal) -> dict[str, Any]:
        rows = await queries.figures(
            self.runtime.engine, self.tables(self.figures), query.cycle, query.employee_id
        )
        found = [r for r in rows if r["kind"] == "AppraisalCompleted"]
        if not found:
            raise NotFound(f"no appraisal of {query.employee_id} for {query.cycle}")
        return found[0]
