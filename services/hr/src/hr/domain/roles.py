"""Who may do what in HR (rules.md §0 roles; HR-7 attendance owner, HR-16 dismissal decision,
HR-18/HR-22/HR-26 leave approvers, HR-18 and C18 filing with the office and HR)."""

from __future__ import annotations

from typing import Final

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor

SYSTEM: Final = "system"
ECOM_SUPERVISOR: Final = "ecom_supervisor"
DEPT_MANAGER: Final = "dept_manager"
DIRECT_SUPERVISOR: Final = "direct_supervisor"
SENIOR_LEADER: Final = "senior_leader"
OFFICE: Final = "office"
HR_DEPT: Final = "hr_dept"

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "RecordAbsence": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR), "HR-7"),
    "DismissEmployee": ((DEPT_MANAGER, ECOM_SUPERVISOR), "HR-16"),
    "DeclineDismissal": ((DEPT_MANAGER, ECOM_SUPERVISOR), "HR-16"),
    "FileLeave": ((OFFICE, HR_DEPT), "HR-18"),
}
"""Command name → (roles allowed, rule cited when refused). Leave approval is routed per request
(see leave.py); submitting and extending leave is the employee's own act."""


def require_role(actor: Actor, command: str) -> None:
    roles, rule = COMMAND_ROLES[command]
    if not actor.has_any(*roles):
        raise Forbidden(f"{command} needs the role {' or '.join(roles)}; {actor.id} has none of them", rule)


def require_self(actor: Actor, employee_id: str, command: str, rule: str) -> None:
    if actor.id != employee_id:
        raise Forbidden(f"{command} is the employee's own application; {actor.id} is not {employee_id}", rule)
