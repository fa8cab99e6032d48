"""Queries of the HR service, on `hr.queries.<QueryName>` (HR-6 with DepartmentAttendance, HR-16, HR-22, HR-26; SM-ABS,
SM-LEAVE, SM-DAY)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final

from pydantic import Field

from shop_contracts.commands.hr import EMPLOYEE_ID_PATTERN
from shop_contracts.messages import Query

HR_DEPT: Final = "hr_dept"
"""人事部 (rules.md §0): reads every employee's attendance, leave and pay."""
SUPERVISORS: Final = ("hr_dept", "ecom_supervisor", "dept_manager", "direct_supervisor", "senior_leader")
"""HR and the employee's line (who record absences, decide dismissals and approve leave)."""
LEAVE_APPROVERS: Final = (
    "direct_supervisor",
    "senior_leader",
    "ecom_supervisor",
    "dept_manager",
    "general_manager",
    "office",
    "hr_dept",
)
"""Who approves or files leave (HR-18, HR-22, HR-26)."""


class LeaveStatus(StrEnum):
    """The stored states of SM-LEAVE; Active and Completed follow from the dates."""

    AWAITING_CERTIFICATE = "AwaitingCertificate"
    PENDING_APPROVAL = "PendingApproval"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    FILED = "Filed"
    EXTENSION_PENDING = "ExtensionPending"
    EXTENDED = "Extended"
    CANCELLED = "Cancelled"


class AbsenceLadder(Query):
    """An employee's absences, fines and dismissal proposals in one ladder year (HR-16)."""

    read_roles = SUPERVISORS
    read_rule = "HR-16"

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    year: int = Field(ge=2000, le=9999)


class LeaveRequests(Query):
    """The leave requests (or extensions) waiting for the approver asking, oldest first: only those
    routed to one of `approver_roles` (HR-18, HR-22, HR-26), never the approver's own. The approver
    is the reader: `approver_id` and `approver_roles` must be the reader's own."""

    read_roles = LEAVE_APPROVERS
    read_rule = "HR-18"

    approver_id: str = Field(min_length=1, max_length=128)
    approver_roles: tuple[str, ...] = Field(min_length=1, max_length=20)
    employee_id: str | None = Field(default=None, pattern=EMPLOYEE_ID_PATTERN)
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class AttendanceDay(Query):
    """One employee's attendance day as recorded: the shift, every clock punch as the service
    stamped it, HR's corrections (who, when, why, the punch replaced), the times the day is judged
    on and what the evaluation found (HR-8..HR-16, HR-10 corrections). The employee reads their
    own; HR reads all (the handler checks the reader)."""

    read_roles = None
    read_rule = "HR-10"

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    work_date: dt.date


class AttendanceMonth(Query):
    """An employee's month: worked days, lateness, early leave, absences, leave by type and full
    attendance (HR-6). The employee reads their own; HR reads all (the handler checks the reader)."""

    read_roles = None
    read_rule = "HR-6"

    employee_id: str = Field(pattern=EMPLOYEE_ID_PATTERN)
    month: str = Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")


DEPARTMENT_ATTENDANCE_READERS: Final = ("dept_manager", "dept_supervisor", HR_DEPT, "general_manager")
"""Who reads the whole department's attendance month (HR-6, HR-7)."""


class DepartmentAttendance(Query):
    """Every employee's attendance month in one answer, by employee id: worked days, lateness count
    and minutes (HR-8), early leave (HR-9), absences (HR-12) and full attendance (HR-6) — the
    figures of AttendanceMonth without leave by type (no personal data)."""

    read_roles = DEPARTMENT_ATTENDANCE_READERS
    read_rule = "HR-6"

    month: str = Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
