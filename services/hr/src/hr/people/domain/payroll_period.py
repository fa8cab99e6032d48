"""The PayrollPeriod aggregate, one per month `YYYY-MM` (SM-PAY; HR-33..HR-36).

Open → `CalculatePayroll` (after the month has ended, HR-33; repeatable while open, each run
supersedes the last) → `ClosePayrollPeriod` → Closed → `PaySalaries` (finance: `cashier` or
`hr_dept`, on or after the payday of HR-33/HR-34, once) → Paid. A closed period never changes again: a
correction is a `PayrollAdjustmentRecorded` in a later open period, paid or deducted there.

KPI's figures (issue 19, KPI-2..KPI-5, HR-41): the KPI intake reaction records each
`PerformancePayCalculated` / `CommissionCalculated` of the period's month as a
`KpiPayInputRecorded` while the period is open (a later revision replaces an earlier one, an older
or repeated one is ignored); the run pays them. A figure arriving after the period closed becomes a
`PayrollAdjustmentRecorded` in the next period (SM-PAY) for the difference between KPI's figure and
what the closed payslip paid (less earlier KPI adjustments of it there); the next period must be
open. A typed completion or commission for an employee with a KPI figure needs its reason (HR-41).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from hr.people.domain.payroll import (
    Adjustment,
    KpiInput,
    KpiInputs,
    PeriodFacts,
    bounds,
    employed_days,
    payslip,
)
from hr.people.domain.policy import PayrollPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand, RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.roles import CommandRoles
from shop_contracts.aggregates import HR_PAYROLL_PERIOD
from shop_contracts.commands.hr_people import (
    CalculatePayroll,
    ClosePayrollPeriod,
    PaySalaries,
    RecordPayrollAdjustment,
)
from shop_contracts.events.hr_payroll import (
    FirstSalaryDeferred,
    KpiPayFigure,
    KpiPayInputRecorded,
    PayLineKind,
    PayrollAdjustmentRecorded,
    PayrollCalculated,
    PayrollPeriodClosed,
    PayslipCalculated,
    SalariesPaid,
)
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class PayrollPeriodState:
    period: str = ""
    run: int = 0
    closed: bool = False
    paid: bool = False
    total_payable: Decimal = Decimal(0)
    employees: tuple[str, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    kpi: Mapping[str, KpiInputs] = field(default_factory=lambda: MappingProxyType({}))
    """Employee -> the KPI figures recorded for the period (the latest revision of each)."""
    slip_figures: Mapping[str, Mapping[KpiPayFigure, Decimal]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Employee -> what the latest run's payslip paid as performance pay and commission."""


_LINE_FIGURE = {
    PayLineKind.PERFORMANCE_PAY: KpiPayFigure.PERFORMANCE_PAY,
    PayLineKind.COMMISSION: KpiPayFigure.COMMISSION,
}


def evolve(state: PayrollPeriodState, event: EventData) -> PayrollPeriodState:
    match event:
        case PayrollCalculated():
            return replace(
                state,
                period=event.period,
                run=event.run,
                total_payable=event.total_payable,
                employees=event.employees,
            )
        case SalariesPaid():
            return replace(state, paid=True)
        case PayrollPeriodClosed():
            return replace(state, closed=True)
        case KpiPayInputRecorded():
            taken = KpiInput(
                event.figure,
                event.amount,
                event.completion,
                event.revision,
                event.rule,
                event.source_type,
                event.source_event_id,
            )
            mine = MappingProxyType({**state.kpi.get(event.employee_id, {}), event.figure: taken})
            return replace(
                state, period=event.period, kpi=MappingProxyType({**state.kpi, event.employee_id: mine})
            )
        case PayslipCalculated():
            sums: dict[KpiPayFigure, Decimal] = {}
            for line in event.lines:
                if line.kind in _LINE_FIGURE:
                    figure = _LINE_FIGURE[line.kind]
                    sums[figure] = sums.get(figure, Decimal(0)) + line.amount
            slips = MappingProxyType({**state.slip_figures, event.employee_id: MappingProxyType(sums)})
            return replace(state, slip_figures=slips)
        case PayrollAdjustmentRecorded():
            adj = Adjustment(
                event.adjustment_id, event.employee_id, event.corrects_period, event.amount, event.reason
            )
            return replace(state, period=event.period, adjustments=(*state.adjustments, adj))
    return state


def _open(state: PayrollPeriodState, period: str) -> None:
    if state.closed:
        raise RuleViolated(
            f"payroll period {period} is closed; correct it with RecordPayrollAdjustment in a later open period",
            "SM-PAY",
        )


def calculate(
    state: PayrollPeriodState,
    cmd: CalculatePayroll,
    facts: Sequence[PeriodFacts],
    policy: PayrollPolicy,
    unpaid_types: frozenset[str],
    today: dt.date,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    roles.require(cmd.actor, "CalculatePayroll")
    _open(state, cmd.period)
    _, last = bounds(cmd.period)
    if today <= last:
        raise RuleViolated(f"the pay period {cmd.period} runs until {last}; calculate it afterwards", "HR-33")
    inputs = {i.employee_id: i for i in cmd.inputs}
    if len(inputs) != len(cmd.inputs):
        raise InvalidCommand("one input per employee", "HR-41", fields=["inputs"])
    known = {f.employee.employee_id for f in facts}
    unknown = sorted(set(inputs) - known)
    if unknown:
        raise InvalidCommand(
            f"inputs for employees not on this payroll: {', '.join(unknown)}",
            "HR-41",
            fields=[f"inputs.{i}.employee_id" for i, x in enumerate(cmd.inputs) if x.employee_id in unknown],
        )
    uncorrected = [
        i
        for i, x in enumerate(cmd.inputs)
        if x.correction_reason is None
        and (
            (x.completion is not None and KpiPayFigure.PERFORMANCE_PAY in state.kpi.get(x.employee_id, {}))
            or (x.commission is not None and KpiPayFigure.COMMISSION in state.kpi.get(x.employee_id, {}))
        )
    ]
    if uncorrected:
        names = ", ".join(cmd.inputs[i].employee_id for i in uncorrected)
        raise InvalidCommand(
            f"the KPI service's figures are recorded for {names}: a typed completion or commission "
            "replaces them only as a correction with its reason (correction_reason)",
            "HR-41",
            fields=[f"inputs.{i}.correction_reason" for i in uncorrected],
        )

    def has_completion(employee_id: str) -> bool:
        typed = inputs.get(employee_id)
        return (typed is not None and typed.completion is not None) or (
            KpiPayFigure.PERFORMANCE_PAY in state.kpi.get(employee_id, {})
        )

    missing = sorted(
        f.employee.employee_id
        for f in facts
        if not has_completion(f.employee.employee_id) and employed_days(cmd.period, f.employee) > 0
    )
    if missing:
        raise InvalidCommand(
            f"the period {cmd.period} cannot be calculated: no plan completion (no KPI figure, no "
            f"inputs[].completion) for {', '.join(missing)}; performance pay is never assumed in full",
            "HR-40",
            fields=["inputs"],
        )
    run = state.run + 1
    events: list[EventData] = []
    for f in sorted(facts, key=lambda f: f.employee.employee_id):
        mine = tuple(a for a in state.adjustments if a.employee_id == f.employee.employee_id)
        events += payslip(
            cmd.period,
            run,
            f,
            inputs.get(f.employee.employee_id),
            mine,
            policy,
            unpaid_types,
            cmd.command_id,
            state.kpi.get(f.employee.employee_id),
        )
    slips = [e for e in events if isinstance(e, PayslipCalculated)]
    events.append(
        PayrollCalculated(
            period=cmd.period,
            run=run,
            employees=tuple(s.employee_id for s in slips),
            total_net=sum((s.net for s in slips), Decimal(0)),
            total_payable=sum((s.payable for s in slips), Decimal(0)),
            pay_date=policy.pay_date(cmd.period),
            calculated_by=cmd.actor.id,
        )
    )
    return events


def close(state: PayrollPeriodState, cmd: ClosePayrollPeriod, *, roles: CommandRoles) -> list[EventData]:
    roles.require(cmd.actor, "ClosePayrollPeriod")
    _open(state, cmd.period)
    if state.run == 0:
        raise RuleViolated(f"payroll period {cmd.period} has not been calculated yet", "SM-PAY")
    return [PayrollPeriodClosed(period=cmd.period, run=state.run, closed_by=cmd.actor.id)]


def pay(
    state: PayrollPeriodState, cmd: PaySalaries, policy: PayrollPolicy, today: dt.date, *, roles: CommandRoles
) -> list[EventData]:
    """SM-PAY: Closed → Paid, on or after the payday (HR-33: no early payment; HR-34 moves the payday
    itself to the previous banking day)."""
    roles.require(cmd.actor, "PaySalaries")
    if state.paid:
        raise RuleViolated(f"the salaries of {cmd.period} are paid already", "SM-PAY")
    if not state.closed:
        raise RuleViolated(f"payroll period {cmd.period} is not closed; close it before paying", "SM-PAY")
    pay_date = policy.pay_date(cmd.period)
    if today < pay_date:
        raise RuleViolated(
            f"the salaries of {cmd.period} are paid on {pay_date}, not before; it is {today}", "HR-33"
        )
    return [
        SalariesPaid(
            period=cmd.period,
            run=state.run,
            pay_date=pay_date,
            paid_on=today,
            total_payable=state.total_payable,
            employees=state.employees,
            bank_ref=cmd.bank_ref,
            paid_by=cmd.actor.id,
        )
    ]


def adjust(
    state: PayrollPeriodState, cmd: RecordPayrollAdjustment, corrected_closed: bool, *, roles: CommandRoles
) -> list[EventData]:
    roles.require(cmd.actor, "RecordPayrollAdjustment")
    _open(state, cmd.period)
    if cmd.corrects_period >= cmd.period:
        raise InvalidCommand(
            f"an adjustment corrects an earlier period than {cmd.period}",
            "SM-PAY",
            fields=["corrects_period"],
        )
    if not corrected_closed:
        raise RuleViolated(f"period {cmd.corrects_period} is still open: recalculate it instead", "SM-PAY")
    if any(a.adjustment_id == cmd.adjustment_id for a in state.adjustments):
        raise RuleViolated(f"adjustment {cmd.adjustment_id} is already recorded", "SM-PAY")
    if cmd.amount == 0:
        raise InvalidCommand("an adjustment of 0 changes nothing", "SM-PAY", fields=["amount"])
    return [
        PayrollAdjustmentRecorded(
            period=cmd.period,
            adjustment_id=cmd.adjustment_id,
            employee_id=cmd.employee_id,
            corrects_period=cmd.corrects_period,
            amount=cmd.amount,
            reason=cmd.reason,
            recorded_by=cmd.actor.id,
        )
    ]


def record_kpi(state: PayrollPeriodState, period: str, employee_id: str, taken: KpiInput) -> list[EventData]:
    """KPI-2..KPI-5, HR-41: KPI's figure becomes the open period's input (an older or repeated
    revision changes nothing)."""
    _open(state, period)
    known = state.kpi.get(employee_id, {}).get(taken.figure)
    if known is not None and known.revision >= taken.revision:
        return []
    return [
        KpiPayInputRecorded(
            period=period,
            employee_id=employee_id,
            figure=taken.figure,
            amount=taken.amount,
            completion=taken.completion,
            revision=taken.revision,
            rule=taken.rule,
            source_type=taken.source_type,
            source_event_id=taken.source_event_id,
        )
    ]


def kpi_adjustment(
    state: PayrollPeriodState,
    period: str,
    closed: PayrollPeriodState,
    employee_id: str,
    taken: KpiInput,
) -> list[EventData]:
    """SM-PAY: KPI's figure for a closed period is paid or deducted in `period` (the next one) as an
    adjustment of the difference to what the closed payslip paid and earlier KPI adjustments."""
    _open(state, period)
    prefix = f"kpi-{taken.figure.value}-"
    adjustment_id = f"{prefix}{taken.source_event_id}"
    if any(a.adjustment_id == adjustment_id for a in state.adjustments):
        return []
    earlier = sum(
        (
            a.amount
            for a in state.adjustments
            if a.adjustment_id.startswith(prefix)
            and a.employee_id == employee_id
            and a.corrects_period == closed.period
        ),
        Decimal(0),
    )
    paid = closed.slip_figures.get(employee_id, {}).get(taken.figure, Decimal(0))
    delta = taken.amount - paid - earlier
    if delta == 0:
        return []
    return [
        PayrollAdjustmentRecorded(
            period=period,
            adjustment_id=adjustment_id,
            employee_id=employee_id,
            corrects_period=closed.period,
            amount=delta,
            reason=f"{taken.source} arrived after {closed.period} closed: {taken.amount} instead of {paid + earlier}",
            recorded_by="kpi",
        )
    ]


registry = EventRegistry(
    [
        KpiPayInputRecorded,
        PayslipCalculated,
        FirstSalaryDeferred,
        PayrollCalculated,
        PayrollAdjustmentRecorded,
        PayrollPeriodClosed,
        SalariesPaid,
    ]
)
PAYROLL_PERIOD = AggregateType.of(HR_PAYROLL_PERIOD, registry, PayrollPeriodState, evolve)
