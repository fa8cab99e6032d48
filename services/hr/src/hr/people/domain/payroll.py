"""The monthly payslip, computed from the period's facts (HR-33..HR-41, SM-PAY).

A pure function of its inputs, so a run can be repeated and checked: the facts (onboarding, the
attendance days' outcomes and absences, fines and cancelled fines, a first salary deferred the
month before) come from HR's own events, the rest (plan completion, commission, bonuses) from the
command; the result is stored as an event, with every line naming the events behind it.

- Base salary (HR-39) for the calendar days employed in the month (a mid-month join or leave pays
  the employed share, days of the month as the denominator).
- A demotion (DIS-11) changes the grade and base salary from its effective date. The month it takes
  effect pays each grade's base for its calendar days, the same pro rata as a join or leave (HR-36:
  pay follows the days; the seeds give no other date), and the attendance deductions of each part
  are made at that part's base. Later months pay the new base; performance pay of 30 % of base
  (HR-40) reads the month's pro-rata base.
- HR-36: the employed base is paid on the days actually worked against the scheduled days (every
  evaluated day that is not a rest day); unpaid leave (HR-19, by type) and absences (HR-12) are
  deducted at base × days / scheduled days. Paid leave and errands count as worked.
- Fines (HR-16 absence ladder, DIS-2..DIS-4 discipline) are deducted once, in the first period
  calculated after they were imposed; a fine cancelled on appeal after it was deducted is refunded
  once (HR-37).
- Performance pay (HR-40, C6; KPI-2..KPI-4, 001 「完成计划不到30%,不算绩效工资,30%以上根据比例领取相应百分百
  乘以500元的绩效工资」): plan completion below 30 % pays nothing; from 30 % it pays completion × the
  full amount (a flat 500, or 30 % of base), at most the full amount: beating the plan earns the
  50-100 yuan bonus of KPI-2 (an input), not more performance pay. The completion is an input of
  every employee employed in the period; without it the period cannot be calculated (never full pay).
- Performance pay and commission come from the KPI service (issue 19, KPI-2..KPI-5): its
  `PerformancePayCalculated` / `CommissionCalculated`, recorded in the period as
  `KpiPayInputRecorded`, is the line's amount, and the line says where it came from ("KPI
  PerformancePayCalculated <event id>, KPI-2"). KPI's amount is final (its own scheme, C6, with
  the KPI-3 deductions and the KPI-2/KPI-3 bonuses). A completion or commission typed for an
  employee with a KPI figure is a correction with its reason (HR-41); without a KPI figure the
  typed completion is computed here as before (HR-40).
- Other bonuses are inputs (HR-41); adjustments correct a closed period (SM-PAY).
- HR-35: joined after the 25th → the payslip is computed but paid with the next month.
- DIS-7: leaving with less than a month's notice withholds the final settlement (payable 0).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from hr.people.domain.policy import PayrollPolicy, PerformanceScheme
from shop_contracts.commands.hr_people import PayInput
from shop_contracts.events.hr_payroll import (
    FirstSalaryDeferred,
    KpiPayFigure,
    PayLine,
    PayLineKind,
    PayslipCalculated,
)
from shop_contracts.messages import EventData

CENT = Decimal("0.01")
NOT_SCHEDULED = frozenset({"rest"})


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def bounds(period: str) -> tuple[dt.date, dt.date]:
    """HR-33, HR-34: the pay period runs from the 1st to the end of the month."""
    year, month = (int(p) for p in period.split("-"))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def shift_period(period: str, months: int) -> str:
    year, month = (int(p) for p in period.split("-"))
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class GradeChange:
    """A demotion (DIS-11): from `effective_date` the employee holds `grade` at `base_salary`."""

    effective_date: dt.date
    grade: str
    base_salary: Decimal
    source: str


@dataclass(frozen=True)
class EmployeeFacts:
    employee_id: str
    grade: str
    base_salary: Decimal
    join_date: dt.date
    left_on: dt.date | None
    source: str
    settlement_blocked: bool = False
    """DIS-7: resigned with short notice; the final settlement is not paid."""
    grade_changes: tuple[GradeChange, ...] = ()
    """DIS-11 demotions taking effect up to the period's end, in effective-date order."""


@dataclass(frozen=True)
class PaySegment:
    """Calendar days of a period with one grade and base salary (HR-39, DIS-11)."""

    start: dt.date
    end: dt.date
    grade: str
    base_salary: Decimal
    source: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def segments(period: str, employee: EmployeeFacts) -> list[PaySegment]:
    """The period's calendar days split where a demotion takes effect (DIS-11): the grade held on
    the 1st (onboarding's or the latest demotion's before it), then one part per demotion inside."""
    first, last = bounds(period)
    held = PaySegment(first, last, employee.grade, employee.base_salary, employee.source)
    parts: list[PaySegment] = []
    for change in sorted(employee.grade_changes, key=lambda c: c.effective_date):
        if change.effective_date > last:
            break
        start = max(change.effective_date, first)
        if start > held.start:
            parts.append(replace(held, end=start - dt.timedelta(days=1)))
        held = PaySegment(start, last, change.grade, change.base_salary, change.source)
    return [*parts, held]


@dataclass(frozen=True)
class DayFact:
    work_date: dt.date
    outcome: str | None
    leave_type: str | None
    absence_days: Decimal
    sources: tuple[str, ...]


@dataclass(frozen=True)
class FineFact:
    """A fine to deduct (`refund` False) or a cancelled, already deducted fine to pay back."""

    source: str
    amount: Decimal
    rule: str
    description: str
    refund: bool = False


@dataclass(frozen=True)
class Adjustment:
    adjustment_id: str
    employee_id: str
    corrects_period: str
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class KpiInput:
    """A KPI figure recorded for the period (KpiPayInputRecorded): what the payslip line pays."""

    figure: KpiPayFigure
    amount: Decimal
    completion: Decimal | None
    revision: int
    rule: str
    source_type: str
    source_event_id: str

    @property
    def source(self) -> str:
        return f"KPI {self.source_type} {self.source_event_id}, {self.rule}"


KpiInputs = Mapping[KpiPayFigure, KpiInput]


@dataclass(frozen=True)
class PeriodFacts:
    employee: EmployeeFacts
    days: tuple[DayFact, ...] = ()
    fines: tuple[FineFact, ...] = ()
    deferred: Decimal | None = None
    deferred_source: str | None = None


def _line(
    kind: PayLineKind,
    amount: Decimal,
    description: str,
    rule: str,
    sources: tuple[str, ...] = (),
    quantity: Decimal | None = None,
) -> PayLine:
    return PayLine(
        kind=kind,
        amount=money(amount),
        description=description,
        quantity=quantity,
        rule=rule,
        sources=sources,
    )


def _attendance_lines(
    facts: PeriodFacts,
    base: Decimal,
    start: dt.date,
    end: dt.date,
    unpaid_types: frozenset[str],
    grade: str = "",
) -> tuple[list[PayLine], int, Decimal]:
    days = [d for d in facts.days if start <= d.work_date <= end]
    scheduled = [
        d for d in days if d.absence_days > 0 or (d.outcome is not None and d.outcome not in NOT_SCHEDULED)
    ]
    if not scheduled:
        return [], 0, Decimal(0)
    count = Decimal(len(scheduled))
    lines: list[PayLine] = []
    unpaid = Counter(d.leave_type for d in scheduled if d.outcome == "leave" and d.leave_type in unpaid_types)
    unpaid_total = Decimal(0)
    for leave_type, n in sorted(unpaid.items(), key=lambda kv: str(kv[0])):
        sources = tuple(
            s for d in scheduled if d.outcome == "leave" and d.leave_type == leave_type for s in d.sources
        )
        lines.append(
            _line(
                PayLineKind.UNPAID_LEAVE,
                -base * n / count,
                f"unpaid {leave_type} leave, {n} of {len(scheduled)} scheduled days{grade}",
                "HR-19",
                sources,
                Decimal(n),
            )
        )
        unpaid_total += n
    absent = [d for d in scheduled if d.absence_days > 0]
    absent_days = sum((d.absence_days for d in absent), Decimal(0))
    if absent:
        lines.append(
            _line(
                PayLineKind.ABSENCE,
                -base * absent_days / count,
                f"absent {absent_days} of {len(scheduled)} scheduled days{grade}",
                "HR-36",
                tuple(s for d in absent for s in d.sources),
                absent_days,
            )
        )
    return lines, len(scheduled), count - unpaid_total - absent_days


def performance_pay(policy: PayrollPolicy, base: Decimal, completion: Decimal) -> Decimal:
    """HR-40, KPI-2: nothing below the floor (30 %), else completion × full, capped at full."""
    if policy.performance_scheme is PerformanceScheme.FLAT:
        full = policy.performance_flat
    else:
        full = base * policy.performance_percent / 100
    if completion < policy.performance_floor:
        return Decimal(0)
    return full * min(completion, Decimal(1))


def employed_days(period: str, employee: EmployeeFacts) -> int:
    """Calendar days of the period the employee was employed (HR-36)."""
    first, last = bounds(period)
    start, end = max(first, employee.join_date), min(last, employee.left_on or last)
    return max((end - start).days + 1, 0)


def payslip(
    period: str,
    run: int,
    facts: PeriodFacts,
    pay_input: PayInput | None,
    adjustments: tuple[Adjustment, ...],
    policy: PayrollPolicy,
    unpaid_types: frozenset[str],
    command_id: str,
    kpi: KpiInputs | None = None,
) -> list[EventData]:
    """One employee's PayslipCalculated (and FirstSalaryDeferred for a join after the 25th, HR-35)."""
    employee = facts.employee
    kpi = kpi or {}
    first, last = bounds(period)
    start, end = max(first, employee.join_date), min(last, employee.left_on or last)
    month_days = (last - first).days + 1
    employed = employed_days(period, employee)
    parts = segments(period, employee)
    split = len(parts) > 1
    lines: list[PayLine] = []
    attendance: list[PayLine] = []
    not_employed, scheduled, paid_days = Decimal(0), 0, Decimal(0)
    for part in parts:
        lines.append(
            _line(
                PayLineKind.BASE_SALARY,
                part.base_salary * part.days / month_days if split else part.base_salary,
                f"monthly base salary ({part.grade})"
                + (f", {part.start} to {part.end}: {part.days} of {month_days} days" if split else ""),
                "HR-39",
                (part.source,),
                Decimal(part.days) if split else None,
            )
        )
        lo, hi = max(part.start, start), min(part.end, end)
        worked_days = max((hi - lo).days + 1, 0)
        not_employed += part.base_salary * (part.days - worked_days) / month_days
        part_base = part.base_salary * worked_days / month_days
        part_lines, part_scheduled, part_paid = _attendance_lines(
            facts, part_base, lo, hi, unpaid_types, f" ({part.grade})" if split else ""
        )
        attendance += part_lines
        scheduled += part_scheduled
        paid_days += part_paid
    base = sum((p.base_salary * p.days for p in parts), Decimal(0)) / month_days
    if employed < month_days:
        lines.append(
            _line(
                PayLineKind.NOT_EMPLOYED,
                -not_employed,
                f"employed {employed} of {month_days} calendar days",
                "HR-36",
                (employee.source,),
                Decimal(month_days - employed),
            )
        )
    lines += attendance
    for fine in facts.fines:
        kind = PayLineKind.FINE_REFUND if fine.refund else PayLineKind.FINE
        lines.append(
            _line(
                kind,
                fine.amount if fine.refund else -fine.amount,
                fine.description,
                fine.rule,
                (fine.source,),
            )
        )
    command = f"command:{command_id}"
    kpi_perf, kpi_comm = kpi.get(KpiPayFigure.PERFORMANCE_PAY), kpi.get(KpiPayFigure.COMMISSION)
    reason = pay_input.correction_reason if pay_input else None
    typed = pay_input.completion if pay_input else None
    if employed > 0:
        if typed is not None:
            floor = "" if typed >= policy.performance_floor else f", below {policy.performance_floor:%}"
            corrects = f"; corrects {kpi_perf.source}: {reason}" if kpi_perf else ""
            lines.append(
                _line(
                    PayLineKind.PERFORMANCE_PAY,
                    performance_pay(policy, base, typed),
                    f"performance pay ({policy.performance_scheme.value}), completion {typed}{floor}{corrects}",
                    "HR-41" if kpi_perf else "HR-40",
                    (command,),
                    typed,
                )
            )
        elif kpi_perf is not None:
            lines.append(
                _line(
                    PayLineKind.PERFORMANCE_PAY,
                    kpi_perf.amount,
                    f"performance pay from {kpi_perf.source} (completion {kpi_perf.completion})",
                    kpi_perf.rule,
                    (f"kpi:{kpi_perf.source_event_id}",),
                    kpi_perf.completion,
                )
            )
        else:
            raise ValueError(f"no plan completion for {employee.employee_id} (HR-40)")
    commission = pay_input.commission if pay_input else None
    if commission is not None and (commission > 0 or kpi_comm is not None):
        corrects = f" correcting {kpi_comm.source}: {reason}" if kpi_comm else ""
        rule = "HR-41"
        lines.append(_line(PayLineKind.COMMISSION, commission, f"commission{corrects}", rule, (command,)))
    elif commission is None and kpi_comm is not None and kpi_comm.amount > 0:
        lines.append(
            _line(
                PayLineKind.COMMISSION,
                kpi_comm.amount,
                f"commission from {kpi_comm.source}",
                kpi_comm.rule,
                (f"kpi:{kpi_comm.source_event_id}",),
            )
        )
    for bonus in pay_input.bonuses if pay_input else ():
        lines.append(_line(PayLineKind.BONUS, bonus.amount, f"bonus: {bonus.kind}", "HR-41", (command,)))
    if facts.deferred is not None and facts.deferred_source is not None:
        lines.append(
            _line(
                PayLineKind.DEFERRED_SALARY,
                facts.deferred,
                f"first salary deferred from {shift_period(period, -1)}",
                "HR-35",
                (facts.deferred_source,),
            )
        )
    for adj in adjustments:
        lines.append(
            _line(
                PayLineKind.ADJUSTMENT,
                adj.amount,
                f"correction of {adj.corrects_period}: {adj.reason}",
                "SM-PAY",
                (f"adjustment:{adj.adjustment_id}",),
            )
        )
    net = sum((line.amount for line in lines), Decimal(0))
    deferred = first <= employee.join_date <= last and policy.deferred(employee.join_date)
    withheld = employee.settlement_blocked and employee.left_on is not None and employee.left_on <= last
    events: list[EventData] = [
        PayslipCalculated(
            period=period,
            run=run,
            employee_id=employee.employee_id,
            grade=parts[-1].grade,
            scheduled_days=scheduled,
            paid_days=paid_days,
            lines=tuple(lines),
            net=net,
            payable=Decimal("0.00") if deferred or withheld else net,
            deferred=deferred,
            withheld_by="DIS-7" if withheld else None,
            pay_date=policy.pay_date(period),
        )
    ]
    if deferred:
        events.append(
            FirstSalaryDeferred(
                period=period,
                employee_id=employee.employee_id,
                amount=net,
                join_date=employee.join_date,
                paid_with=shift_period(period, 1),
            )
        )
    return events
