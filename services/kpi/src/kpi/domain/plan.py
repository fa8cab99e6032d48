"""The MonthPlan aggregate, one per month `YYYY-MM` (KPI-3, KPI-5, KPI-13).

- KPI-5: SetMonthlyTarget sets a promoter's or customer-service employee's target for the next
  month only, before the cut-off day of the current month (`target_cutoff_day`, the 30th; in a
  month without it, its last day); on or after it the target is refused. A supervisor's pay
  follows the department's quotas, not a target.
- KPI-3: the department's promotion, feedback and franchise quotas (same cut-off) and the reached
  feedback and franchise figures (promotion is the month's net sales, never typed).
- KPI-13: operating costs of the month, each once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand, RuleViolated
from jetstream_es.events import EventRegistry
from kpi.domain.months import cutoff, month_of, shift
from kpi.domain.policy import KpiPolicy
from shop_contracts.aggregates import KPI_MONTH_PLAN
from shop_contracts.commands.kpi import (
    RecordDepartmentResult,
    RecordOperatingCost,
    SetDepartmentQuota,
    SetMonthlyTarget,
)
from shop_contracts.events.kpi import (
    DepartmentQuotaSet,
    DepartmentResultRecorded,
    MonthlyTargetSet,
    OperatingCostRecorded,
    Position,
    QuotaKind,
)
from shop_contracts.messages import EventData

registry = EventRegistry(
    [MonthlyTargetSet, DepartmentQuotaSet, DepartmentResultRecorded, OperatingCostRecorded]
)


@dataclass(frozen=True)
class Target:
    position: Position
    target: Decimal


@dataclass(frozen=True)
class MonthPlanState:
    month: str = ""
    targets: Mapping[str, Target] = field(default_factory=lambda: MappingProxyType({}))
    quotas: Mapping[QuotaKind, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    results: Mapping[QuotaKind, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    costs: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))


def evolve(state: MonthPlanState, event: EventData) -> MonthPlanState:
    match event:
        case MonthlyTargetSet():
            targets = {**state.targets, event.employee_id: Target(event.position, event.target)}
            return replace(state, month=event.month, targets=MappingProxyType(targets))
        case DepartmentQuotaSet():
            return replace(
                state, month=event.month, quotas=MappingProxyType({**state.quotas, event.kind: event.quota})
            )
        case DepartmentResultRecorded():
            results = {**state.results, event.kind: event.actual}
            return replace(state, month=event.month, results=MappingProxyType(results))
        case OperatingCostRecorded():
            return replace(
                state, month=event.month, costs=MappingProxyType({**state.costs, event.cost_id: event.amount})
            )
    return state


MONTH_PLAN = AggregateType.of(KPI_MONTH_PLAN, registry, MonthPlanState, evolve)


def _before_cutoff(month: str, today: dt.date, policy: KpiPolicy, what: str) -> None:
    current = month_of(today)
    if month != shift(current, 1):
        raise RuleViolated(
            f"KPI-5: {what} are set for the next month ({shift(current, 1)}) only, not {month}", "KPI-5"
        )
    last = cutoff(current, policy.target_cutoff_day)
    if today >= last:
        raise RuleViolated(
            f"KPI-5: {what} for {month} are set before {last.isoformat()} (the cut-off day "
            f"{policy.target_cutoff_day}, KPI_POLICY__TARGET_CUTOFF_DAY); it is {today.isoformat()}",
            "KPI-5",
        )


def set_target(
    state: MonthPlanState, cmd: SetMonthlyTarget, policy: KpiPolicy, today: dt.date, now: dt.datetime
) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "SetMonthlyTarget")
    if cmd.position is Position.SUPERVISOR:
        raise InvalidCommand(
            "KPI-3: the supervisor is paid on the department's quotas (SetDepartmentQuota), not a target",
            "KPI-3",
            fields=["position"],
        )
    _before_cutoff(cmd.month, today, policy, "targets")
    known = state.targets.get(cmd.employee_id)
    if known == Target(cmd.position, cmd.target):
        return []
    return [
        MonthlyTargetSet(
            month=cmd.month,
            employee_id=cmd.employee_id,
            position=cmd.position,
            target=cmd.target,
            set_by=cmd.actor.id,
            set_at=now,
        )
    ]


def set_quota(
    state: MonthPlanState, cmd: SetDepartmentQuota, policy: KpiPolicy, today: dt.date, now: dt.datetime
) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "SetDepartmentQuota")
    _before_cutoff(cmd.month, today, policy, "quotas")
    if state.quotas.get(cmd.kind) == cmd.quota:
        return []
    return [
        DepartmentQuotaSet(month=cmd.month, kind=cmd.kind, quota=cmd.quota, set_by=cmd.actor.id, set_at=now)
    ]


def record_result(
    state: MonthPlanState, cmd: RecordDepartmentResult, policy: KpiPolicy, now: dt.datetime
) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "RecordDepartmentResult")
    if cmd.kind is QuotaKind.PROMOTION:
        raise InvalidCommand(
            "KPI-3, ORD-16: the promotion result is the month's net sales, not typed",
            "KPI-3",
            fields=["kind"],
        )
    if month_of(now.date()) < cmd.month:
        raise RuleViolated(f"KPI-3: {cmd.month} has not begun; nothing was reached yet", "KPI-3")
    return [
        DepartmentResultRecorded(
            month=cmd.month, kind=cmd.kind, actual=cmd.actual, recorded_by=cmd.actor.id, recorded_at=now
        )
    ]


def record_cost(
    state: MonthPlanState, cmd: RecordOperatingCost, policy: KpiPolicy, now: dt.datetime
) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "RecordOperatingCost")
    if cmd.cost_id in state.costs:
        raise RuleViolated(f"KPI-13: cost {cmd.cost_id} of {cmd.month} is recorded already", "KPI-13")
    return [
        OperatingCostRecorded(
            month=cmd.month,
            cost_id=cmd.cost_id,
            category=cmd.category,
            amount=cmd.amount,
            note=cmd.note,
            recorded_by=cmd.actor.id,
            recorded_at=now,
        )
    ]
