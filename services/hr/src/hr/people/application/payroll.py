"""Command handlers for payroll (SM-PAY; HR-33..HR-41). `CalculatePayroll` reads the period's
facts from the payroll read model once it has caught up with the stream, lets the PayrollPeriod
aggregate compute every payslip and appends them in one batch with the run's event; the stored
payslips, not a recomputation, are what queries, the fund ledger and later periods read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from zoneinfo import ZoneInfo

from hr.people.domain import payroll_period
from hr.people.domain.payroll import KpiInput, PeriodFacts, shift_period
from hr.people.domain.payroll_period import PAYROLL_PERIOD
from hr.people.domain.policy import PayrollPolicy
from jetstream_es.commands import Cause, CommandResult, cause_of
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands.hr_people import (
    CalculatePayroll,
    ClosePayrollPeriod,
    PaySalaries,
    RecordPayrollAdjustment,
)
from shop_contracts.events.hr_payroll import KpiPayFigure
from shop_contracts.events.kpi import CommissionCalculated, PerformancePayCalculated, Position

Facts = Callable[[str], Awaitable[Sequence[PeriodFacts]]]
_PERFORMANCE_RULE = {
    Position.PROMOTER: "KPI-2",
    Position.SUPERVISOR: "KPI-3",
    Position.CUSTOMER_SERVICE: "KPI-4",
}


def kpi_input(figure: PerformancePayCalculated | CommissionCalculated, event_id: str) -> KpiInput:
    """What HR takes from a KPI figure (the amount, the completion, the rule and the event)."""
    if isinstance(figure, PerformancePayCalculated):
        return KpiInput(
            KpiPayFigure.PERFORMANCE_PAY,
            figure.amount,
            figure.completion,
            figure.revision,
            _PERFORMANCE_RULE[figure.position],
            figure.event_type,
            event_id,
        )
    return KpiInput(
        KpiPayFigure.COMMISSION, figure.amount, None, figure.revision, "KPI-5", figure.event_type, event_id
    )


class PayrollCommands:
    """Payroll runs, closings, payments and adjustments on the PayrollPeriod aggregate, through
    the runtime's `aggregates(PAYROLL_PERIOD)` (decision 0007)."""

    def __init__(
        self,
        runtime: ServiceRuntime,
        policy: PayrollPolicy,
        unpaid_types: frozenset[str],
        facts: Facts,
        business_tz: str,
    ) -> None:
        self.clock = runtime.clock
        self.tz = ZoneInfo(business_tz)
        self.periods = runtime.aggregates(PAYROLL_PERIOD)
        self.policy = policy
        self.unpaid_types = unpaid_types
        self.facts = facts

    def today(self) -> dt.date:
        return self.clock.now().astimezone(self.tz).date()

    async def calculate(self, cmd: CalculatePayroll) -> CommandResult:
        facts, today = await self.facts(cmd.period), self.today()
        return await self.periods.execute(
            cmd.period,
            cause_of(cmd),
            lambda s, _: payroll_period.calculate(
                s, cmd, facts, self.policy, self.unpaid_types, today, roles=self.policy.roles
            ),
            must_exist=False,
        )

    async def close(self, cmd: ClosePayrollPeriod) -> CommandResult:
        return await self.periods.execute(
            cmd.period,
            cause_of(cmd),
            lambda s, _: payroll_period.close(s, cmd, roles=self.policy.roles),
            must_exist=False,
        )

    async def pay(self, cmd: PaySalaries) -> CommandResult:
        today = self.today()
        return await self.periods.execute(
            cmd.period,
            cause_of(cmd),
            lambda s, _: payroll_period.pay(s, cmd, self.policy, today, roles=self.policy.roles),
            must_exist=False,
        )

    async def adjust(self, cmd: RecordPayrollAdjustment) -> CommandResult:
        closed = (await self.periods.state(cmd.corrects_period, fresh=True)).closed
        return await self.periods.execute(
            cmd.period,
            cause_of(cmd),
            lambda s, _: payroll_period.adjust(s, cmd, closed, roles=self.policy.roles),
            must_exist=False,
        )

    async def take_kpi(
        self, figure: PerformancePayCalculated | CommissionCalculated, event_id: str, cause: Cause
    ) -> CommandResult:
        """KPI-2..KPI-5, HR-41: a KPI figure becomes its month's input; after the month's period
        closed, an adjustment in the next period (SM-PAY). `cause`: `Cause.of_event`."""
        taken, period = kpi_input(figure, event_id), figure.month
        closed = await self.periods.state(period, fresh=True)
        if not closed.closed:
            return await self.periods.execute(
                period,
                cause,
                lambda s, _: payroll_period.record_kpi(s, period, figure.employee_id, taken),
                must_exist=False,
            )
        later = shift_period(period, 1)
        return await self.periods.execute(
            later,
            cause,
            lambda s, _: payroll_period.kpi_adjustment(s, later, closed, figure.employee_id, taken),
            must_exist=False,
        )
