"""Queries of the KPI service, on `kpi.queries.<QueryName>` (issue 19, KPI-1..KPI-13, ORD-16).

Read by the department's management and HR by default (`READERS`); `KPI_QUERY_ROLES` replaces
the roles of the queries it names (decision 0009).
"""

from __future__ import annotations

from typing import Final

from pydantic import Field

from shop_contracts.events.kpi import MONTH_PATTERN
from shop_contracts.messages import ID_PATTERN, Query

READERS: Final = ("dept_manager", "dept_supervisor", "ecom_supervisor", "hr_dept", "general_manager")
"""Who reads the department's numbers (KPI-1, KPI-13): its managers, HR and the general manager."""


class SalesReport(Query):
    """ORD-16: orders placed minus refunds issued in `month`, per day, per staff member
    (`sales_owner`) and per channel; narrowed to one staff member when given."""

    read_roles = READERS
    read_rule = "ORD-16"

    month: str = Field(pattern=MONTH_PATTERN)
    staff_id: str | None = Field(default=None, min_length=1, max_length=128)


class SatisfactionReport(Query):
    """KPI-1: complaints, negative reviews and return visits (with their satisfaction) in `month`."""

    read_roles = READERS
    read_rule = "KPI-1"

    month: str = Field(pattern=MONTH_PATTERN)


class ProcessingReport(Query):
    """KPI-1: order processing in `month`: contact, hand-over and overdue counts against the
    orders service's SLAs (ORD-2, ORD-3) as its events report them."""

    read_roles = READERS
    read_rule = "KPI-1"

    month: str = Field(pattern=MONTH_PATTERN)


class RoiReport(Query):
    """KPI-13: the month's net sales (ORD-16) against its recorded operating costs."""

    read_roles = READERS
    read_rule = "KPI-13"

    month: str = Field(pattern=MONTH_PATTERN)


class MonthPay(Query):
    """KPI-2..KPI-5: the month's targets, quotas and the latest performance pay and commission of
    each employee, with the formula steps; one employee's when given."""

    read_roles = READERS
    read_rule = "KPI-2"

    month: str = Field(pattern=MONTH_PATTERN)
    employee_id: str | None = Field(default=None, pattern=ID_PATTERN)


class Appraisal(Query):
    """KPI-1, KPI-6, KPI-7: an employee's appraisal of one review cycle."""

    read_roles = READERS
    read_rule = "KPI-1"

    employee_id: str = Field(pattern=ID_PATTERN)
    cycle: str = Field(min_length=4, max_length=16)
