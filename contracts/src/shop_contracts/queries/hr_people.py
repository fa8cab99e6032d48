"""Queries of HR part 2, on `hr.queries.<QueryName>`: Employee and ListEmployees (HR-38, DIS-7,
DIS-13), DisciplineRecord (SM-DISC), ActivityFund (HR-37), Payslip and PayrollPeriod (SM-PAY, HR-33..HR-36)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import Field

from shop_contracts.commands.hr import EMPLOYEE_ID_PATTERN
from shop_contracts.events.hr_payroll import PERIOD_PATTERN
from shop_contracts.messages import Query
from shop_contracts.queries.hr import HR_DEPT, SUPERVISORS


class Employee(Query):
    """One employee's record. The personal part (name, ID number, phone, address, bank account) is
    for HR and the employee themself only (HR-38); the employee's line reads the rest; anyone else is
    refused (the handler checks the reader)."""

    read_roles = None
    read_rule = "HR-38"

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)


EMPLOYEE_LIST_READERS: Final = (*SUPERVISORS, "dept_supervisor", "general_manager", "identity_admin")
"""Who lists the employees (HR-38): HR with their names; the employees' line (who read Employee
without its personal part), the department's management and the accounts' administrator (who
picks the person an account is for) without them."""


class EmployeeListStatus(StrEnum):
    """ListEmployees' status filter: `active` is everyone not offboarded (onboarded, active,
    resigning), `offboarded` those who have left (DIS-7, DIS-12)."""

    ACTIVE = "active"
    OFFBOARDED = "offboarded"


class ListEmployees(Query):
    """The employees, by id, a page at a time with the `total` of the filter: each one's post, grade,
    join date and status; the name only for HR, since it is personal data (HR-38) — other readers get
    the non-personal fields and `personal: withheld`."""

    read_roles = EMPLOYEE_LIST_READERS
    read_rule = "HR-38"

    status: EmployeeListStatus | None = Field(default=None, description="all employees if None")
    post: str | None = Field(default=None, min_length=1, max_length=64, description="the post, exactly")
    limit: int = Field(default=100, ge=1, le=500, description="employees per page")
    offset: int = Field(default=0, ge=0)


class DisciplineRecord(Query):
    """One employee's offences, penalties and appeals (SM-DISC): HR and the employee's line."""

    read_roles = (*SUPERVISORS, "general_manager")
    read_rule = "DIS-10"

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)


class ActivityFund(Query):
    """The public activity fund ledger (HR-37): the fines of the public activity fund, credited when
    imposed, collected through a closed payroll period, refunded when cancelled after collection;
    one employee's if given, one pay period's if given (fines imposed, collected or refunded in it).
    `balance` is the money the fund holds: collected minus refunded, never a fine not yet collected.
    HR and the department manager who collects the fines read it (HR-37)."""

    read_roles = (HR_DEPT, "dept_manager", "ecom_supervisor", "cashier")
    read_rule = "HR-37"

    employee_id: str | None = Field(default=None, pattern=EMPLOYEE_ID_PATTERN)
    period: str | None = Field(
        default=None, pattern=PERIOD_PATTERN, description="a pay period YYYY-MM (HR-33); all periods if None"
    )
    limit: int = Field(default=200, ge=1, le=1000, description="entries per page (the totals cover all)")
    offset: int = Field(default=0, ge=0)


class Payslip(Query):
    """One employee's payslip of a period: the employee reads their own, HR reads all (the handler
    checks the reader)."""

    read_roles = None
    read_rule = "HR-36"

    period: str = Field(pattern=PERIOD_PATTERN)
    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)


class PayrollPeriod(Query):
    """A pay period's payslips and totals: HR only (payroll data, HR-33..HR-36)."""

    read_roles = (HR_DEPT,)
    read_rule = "HR-33"

    period: str = Field(pattern=PERIOD_PATTERN)
    limit: int = Field(default=200, ge=1, le=1000, description="payslips per page (the totals cover all)")
    offset: int = Field(default=0, ge=0)
