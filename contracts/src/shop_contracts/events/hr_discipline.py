"""HR's discipline events (SM-DISC; DIS-1..DIS-5, DIS-10, DIS-11, HR-37): an offence from the
catalogue, the penalties its class maps to (data, not the class number, DIS-5), appeals reviewed by
HR, and fines that feed payroll and the public activity fund."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from shop_contracts.messages import ID_PATTERN, EventData


class OffenceRecorded(EventData):
    """An offence of a catalogue item (DIS-1..DIS-4); `serious` raises class 2 to its fine (DIS-2)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    offence_class: int = Field(ge=1)
    item: str = Field(min_length=1, max_length=64)
    serious: bool = False
    occurred_on: dt.date
    recorded_on: dt.date = Field(description="the appeal window counts from here (DIS-10)")
    description: str = Field(max_length=1000)
    recorded_by: str = Field(min_length=1, max_length=128)
    month_count: int = Field(ge=1, description="offences of this item by the employee in the month")


class WrittenWarningIssued(EventData):
    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    rule: str = Field(max_length=16)


class DisciplinaryFineImposed(EventData):
    """A discipline fine: a payroll deduction and a public activity fund credit (HR-37)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    imposed_on: dt.date
    fund: str = Field(default="public_activity", max_length=64)
    rule: str = Field(max_length=16)


class DisciplinaryDismissalBasis(StrEnum):
    OFFENCE_CLASS = "offence_class"
    MONTHLY_REPEAT = "monthly_repeat"


class DisciplinaryDismissalProposed(EventData):
    """Class 1 (DIS-1), or an item repeated to its monthly threshold (DIS-3): a manager decides."""

    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    basis: DisciplinaryDismissalBasis
    rule: str = Field(max_length=16)


class DisciplinaryDismissalDecided(EventData):
    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    dismissed: bool
    effective_date: dt.date | None = None
    decided_by: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=1000)


class EmployeeDemoted(EventData):
    """DIS-11: demotion for a recorded case, from `effective_date`: from that day the employee holds
    `new_grade` and is paid `new_base_salary` a month (HR-39), pro rata by calendar days in the
    month it takes effect (HR-36). `new_base_salary` is None only on events written before pay
    followed a demotion; payroll then pays the new grade's HR-39 base of the seed table."""

    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    from_grade: str = Field(max_length=32)
    new_grade: str = Field(max_length=32)
    effective_date: dt.date
    new_base_salary: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    decided_by: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=1000)


class EmployeeSuspended(EventData):
    """DIS-11: suspension for a recorded case; no shift on its days (dates inclusive)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    start_date: dt.date
    end_date: dt.date
    decided_by: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=1000)


class PenaltyAppealed(EventData):
    """The employee appeals a case's penalty within the window (DIS-10)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    grounds: str = Field(min_length=1, max_length=2000)
    appealed_on: dt.date


class AppealOutcome(StrEnum):
    UPHELD = "upheld"
    OVERTURNED = "overturned"


class AppealDecided(EventData):
    """HR reviewed the appeal (DIS-10): upheld keeps the penalty, overturned cancels it."""

    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    outcome: AppealOutcome
    decided_by: str = Field(min_length=1, max_length=128)
    note: str = Field(max_length=2000)


class DisciplinaryFineCancelled(EventData):
    """An overturned appeal cancels the case's fine: refunded by payroll if already deducted (HR-37)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    case_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    cancelled_on: dt.date
