"""HR working-time queries, on `hr.queries.<QueryName>`: the rota (HR-1..HR-4, C4) and the comp-time
balance (HR-31)."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field, model_validator

from shop_contracts.commands.hr import EMPLOYEE_ID_PATTERN
from shop_contracts.messages import FieldError, Query
from shop_contracts.queries.hr import SUPERVISORS


class Rota(Query):
    """Per day in the period (both ends included): the duty pair, the administrative shift, rest.
    The published rota is for everyone (HR-1..HR-4): any proven actor reads it."""

    read_roles = None
    read_rule = "HR-1"

    start_date: dt.date
    end_date: dt.date

    @model_validator(mode="after")
    def _period(self) -> Rota:
        if self.end_date < self.start_date:
            raise FieldError("end_date is before start_date", "end_date")
        if (self.end_date - self.start_date).days > 61:
            raise FieldError("at most 62 days at a time", "end_date")
        return self


class CompTimeBalance(Query):
    """An employee's filed comp time, what comp leave drew, and what is left (HR-31): HR, the office
    that files comp time and the employee's line."""

    read_roles = (*SUPERVISORS, "office")
    read_rule = "HR-31"

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)


class WhoIsOnDuty(Query):
    """Who covers customer service and the department at an instant, and why: online desk,
    weekend rota, duty manager, duty pair, or nobody and the escalation role (DUTY-1..DUTY-4,
    AS-22, C3). Any proven actor: the rota is for everyone (HR-1)."""

    read_roles = None
    read_rule = "DUTY-1"

    at: AwareDatetime


class DutyRota(Query):
    """The duty of the week starting `week_start` (a Monday) for screens: per day the weekend rota,
    the duty manager of the night, the duty pair (DUTY-2..DUTY-4)."""

    read_roles = None
    read_rule = "DUTY-1"

    week_start: dt.date

    @model_validator(mode="after")
    def _monday(self) -> DutyRota:
        if self.week_start.weekday() != 0:
            raise FieldError(f"week_start: {self.week_start} is not a Monday", "week_start")
        return self
