"""Command handlers: load the aggregate, let the domain decide, append (KPI-1..KPI-13).

`CalculateMonthPay` reads the month's facts (ORD-16 net sales, from the sales views once they
have caught up) and the MonthPlan, then lets the MonthPay aggregate decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from jetstream_es.commands import CommandResult, cause_of
from jetstream_es.service import ServiceRuntime
from kpi.domain import appraisal, login, month_pay, plan, work
from kpi.domain.appraisal import APPRAISAL, appraisal_id
from kpi.domain.login import DAILY_LOGIN, login_id
from kpi.domain.month_pay import MONTH_PAY, MonthFacts
from kpi.domain.plan import MONTH_PLAN
from kpi.domain.policy import KpiPolicy
from kpi.domain.work import REPORT, TASK, TRAINING, report_id
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

Facts = Callable[[str], Awaitable[MonthFacts]]


class KpiCommands:
    """Every way the KPI aggregates change, through the runtime's `aggregates(...)`."""

    def __init__(self, runtime: ServiceRuntime, policy: KpiPolicy, facts: Facts, business_tz: str) -> None:
        self.clock = runtime.clock
        self.tz = ZoneInfo(business_tz)
        self.plans = runtime.aggregates(MONTH_PLAN)
        self.pay = runtime.aggregates(MONTH_PAY)
        self.appraisals = runtime.aggregates(APPRAISAL)
        self.tasks = runtime.aggregates(TASK)
        self.trainings = runtime.aggregates(TRAINING)
        self.reports = runtime.aggregates(REPORT)
        self.logins = runtime.aggregates(DAILY_LOGIN)
        self.policy = policy
        self.facts = facts

    def today(self) -> dt.date:
        return self.clock.now().astimezone(self.tz).date()

    async def set_target(self, cmd: SetMonthlyTarget) -> CommandResult:
        today = self.today()
        return await self.plans.execute(
            cmd.month,
            cause_of(cmd),
            lambda s, now: plan.set_target(s, cmd, self.policy, today, now),
            must_exist=False,
        )

    async def set_quota(self, cmd: SetDepartmentQuota) -> CommandResult:
        today = self.today()
        return await self.plans.execute(
            cmd.month,
            cause_of(cmd),
            lambda s, now: plan.set_quota(s, cmd, self.policy, today, now),
            must_exist=False,
        )

    async def record_result(self, cmd: RecordDepartmentResult) -> CommandResult:
        return await self.plans.execute(
            cmd.month,
            cause_of(cmd),
            lambda s, now: plan.record_result(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def record_cost(self, cmd: RecordOperatingCost) -> CommandResult:
        return await self.plans.execute(
            cmd.month,
            cause_of(cmd),
            lambda s, now: plan.record_cost(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def calculate(self, cmd: CalculateMonthPay) -> CommandResult:
        self.policy.command_roles().require(cmd.actor, "CalculateMonthPay")
        the_plan = await self.plans.state(cmd.month, fresh=True)
        facts, today = await self.facts(cmd.month), self.today()
        return await self.pay.execute(
            cmd.month,
            cause_of(cmd),
            lambda s, now: month_pay.calculate(s, cmd, the_plan, facts, self.policy, today, now),
            must_exist=False,
        )

    async def appraise(self, cmd: CompleteAppraisal) -> CommandResult:
        today = self.today()
        return await self.appraisals.execute(
            appraisal_id(cmd.employee_id, cmd.cycle),
            cause_of(cmd),
            lambda s, now: appraisal.complete(s, cmd, self.policy, today, now),
            must_exist=False,
        )

    async def assign(self, cmd: AssignTask) -> CommandResult:
        return await self.tasks.execute(
            cmd.task_id, cause_of(cmd), lambda s, now: work.assign(s, cmd, self.policy, now), must_exist=False
        )

    async def schedule(self, cmd: ScheduleTraining) -> CommandResult:
        return await self.trainings.execute(
            cmd.session_id,
            cause_of(cmd),
            lambda s, now: work.schedule(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def submit(self, cmd: SubmitReport) -> CommandResult:
        work.due_at(
            cmd.kind, cmd.period, self.policy, self.tz
        )  # a malformed period is invalid before any load
        return await self.reports.execute(
            report_id(cmd.kind, cmd.period),
            cause_of(cmd),
            lambda s, now: work.submit(s, cmd, self.policy, self.tz, now),
            must_exist=False,
        )

    async def acknowledge_login(self, cmd: AcknowledgeDailyLogin) -> CommandResult:
        self.policy.command_roles().require(cmd.actor, "AcknowledgeDailyLogin")
        day = self.today()
        due = dt.datetime.combine(day, self.policy.login_by, tzinfo=self.tz)
        return await self.logins.execute(
            login_id(cmd.actor.id, day),
            cause_of(cmd),
            lambda s, now: login.acknowledge(s, cmd, self.policy, day, due, now),
            must_exist=False,
        )
