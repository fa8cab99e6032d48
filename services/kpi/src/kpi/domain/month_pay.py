"""The MonthPay aggregate, one per month `YYYY-MM` (KPI-2..KPI-5; issue 19 deliverable 4).

CalculateMonthPay, after the month has ended (HR-33's period), computes every target holder's
performance pay (KPI-2, KPI-4), the supervisor's (KPI-3) and everyone's commission (KPI-5) from
the month's facts (net sales per staff member and of the department, ORD-16) and the MonthPlan.
Idempotent: a figure equal to the employee's latest is not appended again; a changed one is
appended with the next `revision`, superseding the earlier (HR's payroll takes the latest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from kpi.domain import pay
from kpi.domain.months import bounds
from kpi.domain.plan import MonthPlanState
from kpi.domain.policy import KpiPolicy
from shop_contracts.aggregates import KPI_MONTH_PAY
from shop_contracts.commands.kpi import CalculateMonthPay
from shop_contracts.events.kpi import CommissionCalculated, PerformancePayCalculated, Position, QuotaKind
from shop_contracts.messages import EventData

registry = EventRegistry([PerformancePayCalculated, CommissionCalculated])
_VOLATILE = {"revision", "calculated_by", "calculated_at"}


def fingerprint(event: EventData) -> str:
    """What makes two figures the same: everything but their revision, author and time."""
    return event.model_dump_json(exclude=_VOLATILE)


@dataclass(frozen=True)
class Latest:
    revision: int
    fingerprint: str


@dataclass(frozen=True)
class MonthPayState:
    month: str = ""
    performance: Mapping[str, Latest] = field(default_factory=lambda: MappingProxyType({}))
    commission: Mapping[str, Latest] = field(default_factory=lambda: MappingProxyType({}))


def evolve(state: MonthPayState, event: EventData) -> MonthPayState:
    match event:
        case PerformancePayCalculated():
            latest = {**state.performance, event.employee_id: Latest(event.revision, fingerprint(event))}
            return replace(state, month=event.month, performance=MappingProxyType(latest))
        case CommissionCalculated():
            latest = {**state.commission, event.employee_id: Latest(event.revision, fingerprint(event))}
            return replace(state, month=event.month, commission=MappingProxyType(latest))
    return state


MONTH_PAY = AggregateType.of(KPI_MONTH_PAY, registry, MonthPayState, evolve)


@dataclass(frozen=True)
class MonthFacts:
    """ORD-16: the month's net sales (orders − refunds) per staff member and of the department."""

    net_by_staff: Mapping[str, Decimal]
    department_net: Decimal


def _revised(known: Mapping[str, Latest], event: EventData, employee: str) -> EventData | None:
    latest = known.get(employee)
    if latest is not None and latest.fingerprint == fingerprint(event):
        return None
    return event.model_copy(update={"revision": latest.revision + 1 if latest else 1})


def calculate(
    state: MonthPayState,
    cmd: CalculateMonthPay,
    plan: MonthPlanState,
    facts: MonthFacts,
    policy: KpiPolicy,
    today: dt.date,
    now: dt.datetime,
) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "CalculateMonthPay")
    _, last = bounds(cmd.month)
    if today <= last:
        raise RuleViolated(
            f"KPI-5: {cmd.month} runs until {last.isoformat()}; calculate it afterwards", "KPI-5"
        )
    if not plan.targets and cmd.supervisor_id is None:
        raise RuleViolated(f"KPI-5: no targets were set for {cmd.month} (SetMonthlyTarget)", "KPI-5")
    chosen = pay.chosen_bonuses(cmd.bonuses)
    unknown = sorted(set(chosen) - set(plan.targets) - {cmd.supervisor_id})
    if unknown:
        raise RuleViolated(
            f"KPI-2: bonuses for employees without a target in {cmd.month}: {', '.join(unknown)}", "KPI-2"
        )
    figures = [
        pay.individual(
            employee,
            t.position,
            t.target,
            facts.net_by_staff.get(employee, Decimal(0)),
            policy.performance,
            chosen.get(employee),
        )
        for employee, t in sorted(plan.targets.items())
    ]
    if cmd.supervisor_id is not None:
        results = {**plan.results, QuotaKind.PROMOTION: facts.department_net}
        figures.append(
            pay.supervisor(
                cmd.supervisor_id,
                plan.quotas,
                results,
                figures,
                policy.performance,
                chosen.get(cmd.supervisor_id),
            )
        )
    common = {"month": cmd.month, "revision": 1, "calculated_by": cmd.actor.id, "calculated_at": now}
    events: list[EventData] = []
    for f in figures:
        perf = PerformancePayCalculated(
            employee_id=f.employee_id,
            position=f.position,
            scheme=policy.performance.scheme,
            target=f.target,
            actual=f.actual,
            completion=f.completion,
            performance_pay=f.performance_pay,
            bonus=f.bonus,
            deduction=f.deduction,
            amount=f.amount,
            steps=f.steps,
            **common,
        )
        revised = _revised(state.performance, perf, f.employee_id)
        if revised is not None:
            events.append(revised)
    for c in pay.commissions(facts.department_net, figures, policy):
        comm = CommissionCalculated(
            employee_id=c.employee_id,
            position=c.position,
            net_sales=c.net_sales,
            pool=c.pool,
            share=c.share,
            amount=c.amount,
            steps=c.steps,
            **common,
        )
        revised = _revised(state.commission, comm, c.employee_id)
        if revised is not None:
            events.append(revised)
    return events


__all__ = ["MONTH_PAY", "MonthFacts", "MonthPayState", "Position", "calculate"]
