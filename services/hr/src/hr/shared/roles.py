"""HR's role ids (rules.md §0 roles), the setting that maps HR commands to roles (C9:
`HR_COMMAND_ROLES`) and the check that an act is the employee's own (HR-18, HR-25, SM-LEAVE,
DIS-7, DIS-10). Each context keeps its own command table (`hr.time.domain.roles`,
`hr.people.domain.roles`)."""

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
GENERAL_MANAGER: Final = "general_manager"
CS_SUPERVISOR: Final = "cs_supervisor"
"""客服主管 (003): publishes the weekend rota and designates the duty manager (DUTY-2, DUTY-3)."""
CASHIER: Final = "cashier"
"""出納 (000, 002): pays by bank transfer (HR-33); SM-PAY names finance."""

SETTING: Final = "HR_COMMAND_ROLES"


def require_own(actor: Actor, employee_id: str, command: str, rule: str, *, what: str = "act") -> None:
    """`command` is the employee's own `what` (an act, an application): refused to anyone else."""
    if actor.id != employee_id:
        raise Forbidden(f"{command} is the employee's own {what}; {actor.id} is not {employee_id}", rule)
