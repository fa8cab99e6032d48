"""Fires the reporting rhythm's due items (KPI-8, C12), the daily log-ins (KPI-11) and the month's
pay run on the 1st (KPI-5).

Each firing's cause keys on the deadline id, so a second firing appends nothing. A report already
submitted gets neither reminder nor overdue. The pay run is a `CalculateMonthPay` by the system
actor (its command id derived from the deadline), with `department_supervisor` when configured; a
month without targets is logged and left to the supervisor (it is refused with KPI-5).
"""

from __future__ import annotations

import datetime as dt

import structlog

from jetstream_es.commands import Cause
from jetstream_es.deadlines import Deadline
from jetstream_es.errors import RuleViolated
from kpi.application.handlers import KpiCommands
from kpi.domain import login, work
from kpi.domain.rhythm import LOGIN, MONTH_PAY, OVERDUE, REMINDER
from shop_contracts.commands.kpi import CalculateMonthPay
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.kpi import ReportKind

log = structlog.get_logger(__name__)


class RhythmFirer:
    def __init__(self, commands: KpiCommands, department_supervisor: str | None) -> None:
        self.commands = commands
        self.supervisor = department_supervisor

    async def __call__(self, deadline: Deadline) -> None:
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        if deadline.kind == MONTH_PAY:
            await self._pay(deadline)
            return
        if deadline.kind == LOGIN:
            employee, day = (
                str(deadline.payload["employee_id"]),
                dt.date.fromisoformat(str(deadline.payload["day"])),
            )
            due_login = dt.datetime.fromisoformat(str(deadline.payload["due_at"]))
            await self.commands.logins.execute(
                deadline.aggregate_id,
                cause,
                lambda s, now: login.missed(s, employee, day, due_login, now),
                must_exist=False,
            )
            return
        if deadline.kind not in (REMINDER, OVERDUE):
            return
        kind, period = ReportKind(deadline.payload["kind"]), str(deadline.payload["period"])
        due = dt.datetime.fromisoformat(str(deadline.payload["due_at"]))
        decide = work.remind if deadline.kind == REMINDER else work.overdue
        await self.commands.reports.execute(
            deadline.aggregate_id, cause, lambda s, now: decide(s, kind, period, due, now), must_exist=False
        )

    async def _pay(self, deadline: Deadline) -> None:
        month = deadline.aggregate_id
        command = CalculateMonthPay(
            command_id=f"month-pay-{month}", actor=SYSTEM_ACTOR, month=month, supervisor_id=self.supervisor
        )
        try:
            await self.commands.calculate(command)
        except RuleViolated as exc:
            log.warning("month_pay_not_calculated", month=month, rule=exc.rule, reason=str(exc))
