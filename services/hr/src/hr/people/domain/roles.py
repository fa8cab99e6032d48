"""Who may do what in HR part 2 (rules.md §0): HR onboards and files (HR-38, DIS-13) and reviews
appeals (DIS-10); supervisors and managers record offences (SM-DISC); managers decide dismissals
(DIS-1, DIS-3); leaders witness hand-overs (DIS-12); HR runs and closes payroll, the
cashier (or HR) records the salaries paid (SM-PAY)."""

from __future__ import annotations

from typing import Final

from hr.domain.roles import (
    COMMAND_ROLES,
    DEPT_MANAGER,
    DIRECT_SUPERVISOR,
    ECOM_SUPERVISOR,
    HR_DEPT,
    SENIOR_LEADER,
    SETTING,
)
from jetstream_es.errors import Forbidden
from jetstream_es.roles import CommandRoles
from shop_contracts.envelope import Actor

GENERAL_MANAGER: Final = "general_manager"
CASHIER: Final = "cashier"
"""出納 (000, 002): pays by bank transfer (HR-33); SM-PAY names finance."""
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

COMMAND_TABLE: Final = {**COMMAND_ROLES, **PEOPLE_ROLES}
"""C9: every HR command's default roles, one table for the setting `HR_COMMAND_ROLES` (bootstrap.py),
which replaces the roles of the commands it names; decisions get the result as `roles`."""

DEFAULT_ROLES: Final = CommandRoles.configured(COMMAND_TABLE, setting=SETTING)


def require_own(actor: Actor, employee_id: str, command: str, rule: str) -> None:
    if actor.id != employee_id:
        raise Forbidden(f"{command} is the employee's own act; {actor.id} is not {employee_id}", rule)
