"""Commands of HR part 2, on `hr.commands.<CommandName>`: employees (HR-38, DIS-6, DIS-7, DIS-12,
DIS-13), discipline (SM-DISC; DIS-1..DIS-11) and payroll (SM-PAY; HR-33..HR-42).

Field validation only; roles, notice, the catalogue and the pay rules are enforced by the HR domain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from shop_contracts.commands.hr import EMPLOYEE_ID_PATTERN
from shop_contracts.events.hr_payroll import PERIOD_PATTERN
from shop_contracts.events.hr_people import Grade, SeparationReason
from shop_contracts.messages import ID_PATTERN, Command


class PersonalData(BaseModel):
    """The employee file's personal fields (HR-38); stored only encrypted (see EmployeeOnboarded)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    id_number: str = Field(min_length=1, max_length=32)
    phone: str = Field(min_length=1, max_length=32)
    address: str = Field(min_length=1, max_length=500)
    bank_account: str = Field(min_length=1, max_length=64)


class OnboardEmployee(Command):
    """HR takes the new employee on (HR-38, HR-39); the base salary defaults by grade."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    join_date: dt.date
    post: str = Field(min_length=1, max_length=64)
    grade: Grade
    base_salary: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    id_copy_received: bool
    employee_file_completed: bool
    personal: PersonalData


class RecordSafetyTrainingResult(Command):
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    passed: bool
    taken_on: dt.date
    score: int | None = Field(default=None, ge=0, le=100)


class SubmitResignation(Command):
    """The employee resigns in writing (DIS-7); `submitted_on` is today's business date."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    effective_date: dt.date


class CompleteHandover(Command):
    """A leader witnesses the hand-over to the successor (DIS-12)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    handed_to: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    items: tuple[str, ...] = Field(default=(), max_length=100)


class OffboardEmployee(Command):
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    reason: SeparationReason
    effective_date: dt.date
    reference: str | None = Field(default=None, max_length=128)


class EraseEmployeePersonalData(Command):
    """Delete the employee's data key: their personal data becomes unreadable everywhere."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)


class RecordOffence(Command):
    """An offence of a catalogue item (DIS-1..DIS-4); the item's class decides the penalty (DIS-5)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    item: str = Field(min_length=1, max_length=64)
    serious: bool = False
    occurred_on: dt.date
    description: str = Field(min_length=1, max_length=1000)
    fine: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="C10, DIS-8: the fine within the item's configured range; only for such an item",
    )


class DecideDisciplinaryDismissal(Command):
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    dismiss: bool
    effective_date: dt.date | None = None
    note: str = Field(default="", max_length=1000)


class DemoteEmployee(Command):
    """A manager demotes the employee for a recorded case (DIS-11 「降职」)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    new_grade: Grade
    effective_date: dt.date
    note: str = Field(min_length=1, max_length=1000)


class SuspendEmployee(Command):
    """A manager suspends the employee for a recorded case, dates inclusive (DIS-11 「停职」)."""

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    start_date: dt.date
    end_date: dt.date
    note: str = Field(min_length=1, max_length=1000)


class AppealPenalty(Command):
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    grounds: str = Field(min_length=1, max_length=2000)


class DecideAppeal(Command):
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    upheld: bool
    note: str = Field(min_length=1, max_length=2000)


class Bonus(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(min_length=1, max_length=64, description="e.g. full_attendance, excellent_employee")
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class PayInput(BaseModel):
    """What the period's facts cannot know: plan completion (HR-40), commission and bonuses (HR-41).

    Performance pay and commission come from the KPI service's events (KPI-2..KPI-5, recorded as
    `KpiPayInputRecorded`); a `completion` or `commission` typed for an employee whose KPI figure is
    recorded is a correction and needs `correction_reason` (HR-41). Without a KPI figure the typed
    `completion` is required, never assumed (HR-40); `bonuses` need no reason."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    completion: Decimal | None = Field(
        default=None,
        ge=0,
        le=10,
        max_digits=6,
        decimal_places=4,
        description="HR-40, KPI-2: plan completion as a ratio (0.9 = 90 %); KPI's figure when omitted",
    )
    commission: Decimal | None = Field(
        default=None, ge=0, max_digits=12, decimal_places=2, description="HR-41: KPI's figure when omitted"
    )
    bonuses: tuple[Bonus, ...] = Field(default=(), max_length=20)
    correction_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="HR-41: why a typed completion or commission replaces the KPI service's figure",
    )


class CalculatePayroll(Command):
    """Compute every onboarded employee's payslip for the period from its facts (HR-36)."""

    period: str = Field(pattern=PERIOD_PATTERN)
    inputs: tuple[PayInput, ...] = Field(default=(), max_length=10_000)


class ClosePayrollPeriod(Command):
    period: str = Field(pattern=PERIOD_PATTERN)


class PaySalaries(Command):
    """Finance records that the closed period's salaries were transferred (HR-33, SM-PAY)."""

    period: str = Field(pattern=PERIOD_PATTERN)
    bank_ref: str = Field(min_length=1, max_length=200, description="the bank transfer batch reference")


class RecordPayrollAdjustment(Command):
    """Correct a closed period by an amount paid (positive) or deducted (negative) in a later one."""

    period: str = Field(pattern=PERIOD_PATTERN)
    adjustment_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    corrects_period: str = Field(pattern=PERIOD_PATTERN)
    amount: Decimal = Field(max_digits=12, decimal_places=2)
    reason: str = Field(min_length=1, max_length=1000)
