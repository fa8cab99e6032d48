"""Events only the HR service uses: the ladder's own record of a counted or uncounted absence
(SM-ABS, HR-16)
and the leave noted on an attendance day (SM-DAY)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import Field

from shop_contracts.events.hr import AbsenceKind
from shop_contracts.messages import ID_PATTERN, EventData


class AbsenceCounted(EventData):
    """An AbsenceRecorded taken onto the employee's ladder for its year (each work date once)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int
    work_date: dt.date
    kind: AbsenceKind
    days: Decimal
    occurrence: int = Field(ge=1)


class AbsenceUncounted(EventData):
    """An AbsenceRescinded taken off the employee's ladder (HR-14, HR-20, HR-25, HR-16)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int
    work_date: dt.date
    kind: AbsenceKind
    days: Decimal
    covered_by: str = Field(max_length=128)
    rule: str = Field(max_length=16)


class LeaveNotedForDay(EventData):
    """A leave request covers this attendance day; `approved` once its approver agreed (HR-12 (a),
    HR-18). Appended by the attendance-leave reaction, read by the end-of-day evaluation."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    leave_id: str = Field(pattern=ID_PATTERN)
    leave_type: str = Field(max_length=32)
    approved: bool
    withdrawn: bool = Field(
        default=False, description="SM-LEAVE: the request was withdrawn; no longer covers the day"
    )
