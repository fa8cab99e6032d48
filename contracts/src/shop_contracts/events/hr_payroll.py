"""HR's payroll events (SM-PAY; HR-33..HR-37, HR-39..HR-41): one payslip event per employee and
run, every line naming the events behind it; the run itself; a first salary deferred to the next
month (HR-35); adjustments that correct a closed period in a later one; the period closed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class PayLineKind(StrEnum):
    BASE_SALARY = "base_salary"
    NOT_EMPLOYED = "not_employed"
    UNPAID_LEAVE = "unpaid_leave"
    ABSENCE = "absence"
    FINE = "fine"
    FINE_REFUND = "fine_refund"
    PERFORMANCE_PAY = "performance_pay"
    COMMISSION = "commission"
    BONUS = "bonus"
    DEFERRED_SALARY = "deferred_salary"
    ADJUSTMENT = "adjustment"


class PayLine(BaseModel):
    """One line of a payslip: signed amount (deductions negative), the rule, and its sources
    (event ids, or `command:<id>` for inputs given with CalculatePayroll)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PayLineKind
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    description: str = Field(max_length=500)
    quantity: Decimal | None = Field(default=None, description="days, or the completion ratio")
    rule: str = Field(max_length=16)
    sources: tuple[str, ...] = ()


class PayslipCalculated(EventData):
    """The payslip of one employee in one run of a period (HR-36, HR-41)."""

    period: str = Field(pattern=PERIOD_PATTERN)
    run: int = Field(ge=1)
    employee_id: str = Field(pattern=ID_PATTERN)
    grade: str = Field(max_length=32)
    scheduled_days: int = Field(ge=0)
    paid_days: Decimal = Field(ge=0)
    lines: tuple[PayLine, ...]
    net: Decimal = Field(max_digits=14, decimal_places=2)
    payable: Decimal = Field(max_digits=14, decimal_places=2, description="0 when deferred (HR-35)")
    deferred: bool = False
    withheld_by: str | None = Field(
        default=None, max_length=16, description="DIS-7: a final settlement withheld for short notice"
    )
    pay_date: dt.date


class FirstSalaryDeferred(EventData):
    """Joined after the 25th: the first month's pay comes with the next month's (HR-35)."""

    period: str = Field(pattern=PERIOD_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    join_date: dt.date
    paid_with: str = Field(pattern=PERIOD_PATTERN)
    rule: str = Field(default="HR-35", max_length=16)


class PayrollCalculated(EventData):
    """A run of the period's payroll, after its payslips (SM-PAY); a later run supersedes it."""

    period: str = Field(pattern=PERIOD_PATTERN)
    run: int = Field(ge=1)
    employees: tuple[str, ...]
    total_net: Decimal = Field(max_digits=16, decimal_places=2)
    total_payable: Decimal = Field(max_digits=16, decimal_places=2)
    pay_date: dt.date
    calculated_by: str = Field(min_length=1, max_length=128)


class PayrollAdjustmentRecorded(EventData):
    """A correction of a closed period, paid or deducted in this (later, open) period (SM-PAY)."""

    period: str = Field(pattern=PERIOD_PATTERN)
    adjustment_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    corrects_period: str = Field(pattern=PERIOD_PATTERN)
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    reason: str = Field(min_length=1, max_length=1000)
    recorded_by: str = Field(min_length=1, max_length=128)


class PayrollPeriodClosed(EventData):
    """The period is final: its last run is what is paid; corrections go to a later period."""

    period: str = Field(pattern=PERIOD_PATTERN)
    run: int = Field(ge=1)
    closed_by: str = Field(min_length=1, max_length=128)


class SalariesPaid(EventData):
    """The period's last run was paid by bank transfer (HR-33, SM-PAY: Closed → Paid)."""

    period: str = Field(pattern=PERIOD_PATTERN)
    run: int = Field(ge=1)
    pay_date: dt.date = Field(description="the payday of HR-33/HR-34 (the previous banking day if needed)")
    paid_on: dt.date
    total_payable: Decimal
    employees: tuple[str, ...] = Field(max_length=10_000)
    bank_ref: str = Field(min_length=1, max_length=200)
    paid_by: str = Field(min_length=1, max_length=128)


class KpiPayFigure(StrEnum):
    """Which KPI figure a payroll input came from (issue 19: KPI's events feed payroll)."""

    PERFORMANCE_PAY = "performance_pay"
    COMMISSION = "commission"


class KpiPayInputRecorded(EventData):
    """HR-40, HR-41, KPI-2..KPI-5: the period's performance pay or commission of an employee as the
    KPI service computed it (`source_type` `source_event_id`, revision `revision`): the payslip line
    uses it instead of a hand-typed input; a later revision replaces an earlier one."""

    period: str = Field(pattern=PERIOD_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    figure: KpiPayFigure
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    completion: Decimal | None = Field(default=None, ge=0)
    revision: int = Field(ge=1)
    rule: str = Field(min_length=1, max_length=16, description="the KPI rule of the figure (KPI-2..KPI-5)")
    source_type: str = Field(min_length=1, max_length=64)
    source_event_id: str = Field(min_length=1, max_length=64)
