"""Who may do what in HR part 2 (rules.md §0): HR onboards and files (HR-38, DIS-13) and reviews
appeals (DIS-10); supervisors and managers record offences (SM-DISC); managers decide dismissals
(DIS-1, DIS-3); leaders witness hand-overs (DIS-12); HR runs and closes payroll, the
cashier (or HR) records the salaries paid (SM-PAY)."""

from __future__ import annotations

from typing import Final

from hr.shared.roles import (
    CASHIER,
    DEPT_MANAGER,
    DIRECT_SUPERVISOR,
    ECOM_SUPERVISOR,
    GENERAL_MANAGER,
    HR_DEPT,
    SENIOR_LEADER,
    SETTING,
)
from jetstream_es.roles import CommandRoles

LEADERS: Final = (ECOM_SUPERVISOR, DEPT_MANAGER, SENIOR_LEADER, GENERAL_MANAGER)

PEOPLE_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "OnboardEmployee": ((HR_DEPT,), "HR-38"),
    "RecordSafetyTrainingResult": ((HR_DEPT,), "DIS-13"),
    "CompleteHandover": (LEADERS, "DIS-12"),
    "OffboardEmployee": ((HR_DEPT,), "DIS-7"),
    "EraseEmployeePersonalData": ((HR_DEPT,), "HR-38"),
    "RecordOffence": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR, DEPT_MANAGER), "DIS-10"),
    "DecideDisciplinaryDismissal": ((DEPT_MANAGER, ECOM_SUPERVISOR), "DIS-1"),
    "DemoteEmployee": ((DEPT_MANAGER, ECOM_SUPERVISOR), "DIS-11"),
    "SuspendEmployee": ((DEPT_MANAGER, ECOM_SUPERVISOR), "DIS-11"),
    "DecideAppeal": ((HR_DEPT,), "DIS-10"),
    "CalculatePayroll": ((HR_DEPT,), "HR-36"),
    "ClosePayrollPeriod": ((HR_DEPT,), "HR-33"),
    "RecordPayrollAdjustment": ((HR_DEPT,), "HR-36"),
    "PaySalaries": ((CASHIER, HR_DEPT), "SM-PAY"),
}
"""Command name → (roles allowed, rule cited when refused). Resigning and appealing are the
employee's own acts (DIS-7, DIS-10)."""

DEFAULT_ROLES: Final = CommandRoles.configured(PEOPLE_ROLES, setting=SETTING)
"""The people context's default roles; the service passes every HR command's roles with
HR_COMMAND_ROLES applied (bootstrap.COMMAND_TABLE)."""
