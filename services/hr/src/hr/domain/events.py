"""Events only the HR service uses: the ladder's own record of a counted absence (SM-ABS, HR-16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shop_contracts.events.hr import AbsenceKind
from shop_contracts.messages import ID_PATTERN, EventData


class AbsenceCounted(EventData):
    """An AbsenceRecorded taken onto the employee's ladder for its year (each work date once)."""

    event_type: ClassVar[str] = "AbsenceCounted"
    schema_version: ClassVar[int] = 1

    employee_id: str = Field(pattern=ID_PATTERN)
    year: int
    work_date: dt.date
    kind: AbsenceKind
    days: Decimal
    occurrence: int = Field(ge=1)
