"""HR's integration events: AbsenceRecorded (HR-9, HR-12, HR-16, SM-DAY)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

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

    event_type: ClassVar[str] = "AbsenceRecorded"
    schema_version: ClassVar[int] = 1

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    kind: AbsenceKind
    days: Decimal = Field(gt=0, le=1, description="counted days; each occurrence is one day by default")
    reason: str | None = Field(default=None, max_length=500)
