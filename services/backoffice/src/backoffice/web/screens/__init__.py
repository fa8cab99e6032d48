"""The screens' table (issue 18 part 3): one line per role's home. A screen is a router module
`backoffice/web/screens/<area>.py` with its templates under `templates/<area>/`; adding one is one
line here. The menu shows a person the screens whose `roles` they hold (None: every employee), in
this order, and `/` sends them to the first one: the role homes come before the employee home.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter

from backoffice.web.screens import (
    accounts,
    approvals,
    clerk,
    employee,
    hr,
    manager,
    operators,
    orders,
    service,
    warehouse,
)


@dataclass(frozen=True)
class Screen:
    area: str
    path: str
    roles: tuple[str, ...] | None
    label: str  # an English source string, translated by the catalogues
    router: APIRouter


SCREENS: list[Screen] = [
    # role homes: add yours here, before the employee home (issue 18 part 3)
    Screen("service", "/service", service.ROLES, "Customer service", service.router),
    Screen("manager", "/manager", manager.ROLES, "Department dashboard", manager.router),
    Screen("approvals", "/approvals", approvals.ROLES, "Approval inbox", approvals.router),
    Screen("operators", "/operators", operators.ROLES, "Operations", operators.router),
    Screen("warehouse", "/warehouse", warehouse.ROLES, "Warehouse", warehouse.router),
    Screen("hr", "/hr", hr.ROLES, "HR", hr.router),
    Screen("orders", "/orders", orders.ROLES, "Order back office", orders.router),
    Screen("clerk", "/clerk", clerk.ROLES, "Order clerk", clerk.router),
    Screen("accounts", "/accounts", accounts.ROLES, "Staff accounts", accounts.router),
    Screen("employee", "/me", None, "My day", employee.router),
]
