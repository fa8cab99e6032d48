"""HR's integration events: AbsenceRecorded and AbsenceRescinded (HR-9, HR-12, HR-14, HR-16, HR-20,
SM-DAY) and the ladder's fines, their reversals and dismissal proposals (HR-16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from shop_contracts.messages import ID_PATTERN, EventData


class AbsenceKind(StrEnum):
    """What made the day an absence (曠工), HR-12 (a)-(d), HR-9 and SM-LEAVE."""

    FULL_DAY = "full_day"
    LATE_OVER_1H = "late_over_1h"
    EARLY_LEAVE = "early_leave"
    OFF_POST_OVER_1H = "off_post_over_1h"
    LEAVE_OVERRUN = "leave_overrun"
    REFUSED_ASSIGNMENT = "refused_assignment"
    NO_LEAVE_PROCEDURE = "no_leave_procedure"


class AbsenceRecorded(EventData):
    """One unexcused absence of an employee on a work date; feeds the fine ladder (HR-16) and payroll."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    kind: AbsenceKind
    days: Decimal = Field(gt=0, le=1, description="counted days; each occurrence is one day by default")
    reason: str | None = Field(default=None, max_length=500)


class FineImposed(EventData):
    """A fine on the absence ladder (HR-16): 100 yuan for the 1st absence of the year, 300 for the 2nd.

    Fines go to the public activity fund, deducted by the department manager (HR-37).
    """

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int = Field(ge=2000, le=9999, description="the ladder year it counts in (its first calendar year)")
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    occurrence: int = Field(ge=1, description="which absence of the year this fine is for")
    work_date: dt.date
    basis: str = Field(min_length=1, max_length=64, description="e.g. absence#1")
    fund: str = Field(default="public_activity", max_length=64)
    rule: str = Field(default="HR-16", max_length=16)


class DismissalBasis(StrEnum):
    """Why the dismissal threshold was reached (HR-16)."""

    CONSECUTIVE_DAYS = "consecutive_days"
    DAYS_IN_YEAR = "days_in_year"


class DismissalThresholdReached(EventData):
    """A proposal, not a dismissal: a manager confirms (EmployeeDismissed) or declines it (HR-16)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int = Field(ge=2000, le=9999)
    proposal: int = Field(ge=1, description="numbers the proposals of one ladder year")
    basis: DismissalBasis
    days: Decimal = Field(ge=0, description="consecutive days, or days in the year, that reached it")
    dates: tuple[dt.date, ...]
    rule: str = Field(default="HR-16", max_length=16)


class EmployeeDismissed(EventData):
    """A manager confirmed a dismissal proposal (HR-16, SM-ABS)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int = Field(ge=2000, le=9999)
    proposal: int = Field(ge=1)
    decided_by: str = Field(min_length=1, max_length=128)
    effective_date: dt.date
    note: str = Field(default="", max_length=1000)


class DismissalDeclined(EventData):
    """A manager declined a dismissal proposal; the ladder keeps counting (HR-16, SM-ABS)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int = Field(ge=2000, le=9999)
    proposal: int = Field(ge=1)
    decided_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=1000)


class AbsenceRescinded(EventData):
    """An absence the day recorded no longer stands: sick leave applied for afterwards (HR-20), an
    extension or emergency leave approved afterwards (HR-25) or a make-up leave procedure for the
    lateness (HR-14) covers it. History is kept; the ladder recomputes its fines (HR-16)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    kind: AbsenceKind = Field(description="the kind of the absence rescinded")
    days: Decimal = Field(gt=0, le=1)
    covered_by: str = Field(min_length=1, max_length=128, description="a leave id, or make_up_leave")
    leave_type: str | None = Field(default=None, max_length=32, description="the covering leave's type")
    rule: str = Field(max_length=16, description="HR-20, HR-25 or HR-14")
    reason: str = Field(default="", max_length=500)


class FineReversed(EventData):
    """A FineImposed taken back after the ladder was recomputed (HR-16): payroll deducts `amount`
    less. `work_date` and `occurrence` name the fine reversed; `reason` says why."""

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int = Field(ge=2000, le=9999)
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    occurrence: int = Field(ge=1)
    work_date: dt.date
    basis: str = Field(min_length=1, max_length=64, description="the basis of the fine reversed")
    reason: str = Field(min_length=1, max_length=500)
    fund: str = Field(default="public_activity", max_length=64)
    rule: str = Field(default="HR-16", max_length=16)


class DismissalThresholdWithdrawn(EventData):
    """An open dismissal proposal no longer reached after an absence was rescinded (HR-16)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int = Field(ge=2000, le=9999)
    proposal: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=500)
    rule: str = Field(default="HR-16", max_length=16)
