"""The PayrollPeriod aggregate, one per month `YYYY-MM` (SM-PAY; HR-33..HR-36).

Open → `CalculatePayroll` (after the month has ended, HR-33; repeatable while open, each run
supersedes the last) → `ClosePayrollPeriod` → Closed → `PaySalaries` (finance: `cashier` or
`hr_dept`, on or after the payday of HR-33/HR-34, once) → Paid. A closed period never changes again: a
correction is a `PayrollAdjustmentRecorded` in a later open period, paid or deducted there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from hr.people.domain.payroll import Adjustment, PeriodFacts, bounds, employed_days, payslip
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
    missing = sorted(
        f.employee.employee_id
        for f in facts
        if f.employee.employee_id not in inputs and employed_days(cmd.period, f.employee) > 0
    )
    if missing:
        raise InvalidCommand(
            f"the period {cmd.period} cannot be calculated: no plan completion (inputs[].completion) for "
            f"{', '.join(missing)}; performance pay is never assumed in full",
            "HR-40",
            fields=["inputs"],
        )
    run = state.run + 1
    events: list[EventData] = []
    for f in sorted(facts, key=lambda f: f.employee.employee_id):
        mine = tuple(a for a in state.adjustments if a.employee_id == f.employee.employee_id)
        events += payslip(
            cmd.period, run, f, inputs.get(f.employee.employee_id), mine, policy, unpaid_types, cmd.command_id
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


registry = EventRegistry(
    [
        PayslipCalculated,
        FirstSalaryDeferred,
        PayrollCalculated,
        PayrollAdjustmentRecorded,
        PayrollPeriodClosed,
        SalariesPaid,
    ]
)
PAYROLL_PERIOD = AggregateType.of(HR_PAYROLL_PERIOD, registry, PayrollPeriodState, evolve)
