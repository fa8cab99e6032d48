"""Command handlers for payroll (SM-PAY; HR-33..HR-41). `CalculatePayroll` reads the period's
facts from the payroll read model once it has caught up with the stream, lets the PayrollPeriod
aggregate compute every payslip and appends them in one batch with the run's event; the stored
payslips, not a recomputation, are what queries, the fund ledger and later periods read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from hr.application.people import Aggregates
from hr.domain import payroll_period
from hr.domain.payroll import PeriodFacts
from hr.domain.payroll_period import PAYROLL_PERIOD
from hr.domain.people_policy import PayrollPolicy
from jetstream_es.commands import CommandHandler, CommandResult
from jetstream_es.store import EventStore
from shop_contracts.commands.hr_people import (
    CalculatePayroll,
    ClosePayrollPeriod,
    PaySalaries,
    RecordPayrollAdjustment,
)

Facts = Callable[[str], Awaitable[Sequence[PeriodFacts]]]


class PayrollCommands(Aggregates):
    def __init__(
        self,
        handler: CommandHandler,
        store: Callable[[], EventStore],
        policy: PayrollPolicy,
        unpaid_types: frozenset[str],
        facts: Facts,
        business_tz: str,
        cache_size: int = 10_000,
    ) -> None:
        super().__init__(handler, store, business_tz, cache_size)
        self.policy = policy
        self.unpaid_types = unpaid_types
        self.facts = facts

    async def calculate(self, cmd: CalculatePayroll) -> CommandResult:
        facts, today = await self.facts(cmd.period), self.today()
        return await self.command(
            cmd,
            PAYROLL_PERIOD,
            cmd.period,
            lambda s: payroll_period.calculate(
                s, cmd, facts, self.policy, self.unpaid_types, today, roles=self.policy.roles
            ),
        )

    async def close(self, cmd: ClosePayrollPeriod) -> CommandResult:
        return await self.command(
            cmd, PAYROLL_PERIOD, cmd.period, lambda s: payroll_period.close(s, cmd, roles=self.policy.roles)
        )

    async def pay(self, cmd: PaySalaries) -> CommandResult:
        today = self.today()
        return await self.command(
            cmd,
            PAYROLL_PERIOD,
            cmd.period,
            lambda s: payroll_period.pay(s, cmd, self.policy, today, roles=self.policy.roles),
        )

    async def adjust(self, cmd: RecordPayrollAdjustment) -> CommandResult:
        corrected = await self.repo(PAYROLL_PERIOD).load(cmd.corrects_period, refresh=True)
        closed = corrected.state.closed
        return await self.command(
            cmd,
            PAYROLL_PERIOD,
            cmd.period,
            lambda s: payroll_period.adjust(s, cmd, closed, roles=self.policy.roles),
        )
