"""Who may grant which role (IDN-1; rules.md §0 role ids): a setting with a documented default.

`IDENTITY_GRANTORS` is a JSON object grantor role -> the roles a holder of it may grant (and
revoke); `"*"` stands for any role. The default (`DEFAULT_GRANTORS`):

- `dept_supervisor` (the e-commerce department supervisor) grants the department's working roles
  (`DEPARTMENT_ROLES`);
- `hr_dept` grants `hr_dept` and the HR-side roles (`HR_ROLES`: the office, the cashier, the leave
  approvers);
- `identity_admin` grants anything, `identity_admin` included (how the first administrator's
  successors are made; the first is granted by the `shop-setup` program, IDN-7).

Management roles (`ecom_supervisor`, `dept_supervisor`, `general_manager`, ...) and program roles
(`platform`, `operator`, `system`) are granted by `identity_admin` only. Nobody but an
`identity_admin` grants a role to themselves (IDN-4).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from shop_contracts.envelope import Actor
from shop_contracts.messages import ROLE_ID_PATTERN

SETTING: Final = "IDENTITY_GRANTORS"
ANY: Final = "*"
IDENTITY_ADMIN: Final = "identity_admin"
DEPT_SUPERVISOR: Final = "dept_supervisor"
HR_DEPT: Final = "hr_dept"

DEPARTMENT_ROLES: Final = (
    "presales_cs",
    "aftersales_cs",
    "aftersales_service_dept",
    "cs_supervisor",
    "duty_cs_manager",
    "backoffice_order_staff",
    "product_ops_staff",
    "sales_staff",
    "order_clerk",
    "warehouse_keeper",
    "web_artist",
    "technician",
    "photographer",
    "promotion_specialist",
    "ops_specialist",
    "website_editor",
)
"""rules.md §0: the e-commerce department's working roles, granted by its supervisor."""

HR_ROLES: Final = ("hr_dept", "office", "cashier", "direct_supervisor", "senior_leader")
"""rules.md §0: HR's own role and the HR-side roles (leave forms, payments, leave approval)."""

DEFAULT_GRANTORS: Final[dict[str, tuple[str, ...]]] = {
    DEPT_SUPERVISOR: DEPARTMENT_ROLES,
    HR_DEPT: HR_ROLES,
    IDENTITY_ADMIN: (ANY,),
}
EXAMPLE: Final = '{"dept_supervisor": ["sales_staff"], "identity_admin": ["*"]}'
_ROLE = re.compile(ROLE_ID_PATTERN)


class GrantorSettingError(ValueError):
    """IDENTITY_GRANTORS cannot be used; the message names the setting and the entry at fault."""


@dataclass(frozen=True)
class GrantorPolicy:
    """IDN-1: grantor role -> the roles it may grant (`*`: any)."""

    grantors: Mapping[str, frozenset[str]]

    @classmethod
    def default(cls) -> GrantorPolicy:
        return cls.from_setting(None)

    @classmethod
    def from_setting(cls, raw: object) -> GrantorPolicy:
        """The policy from the setting's value (JSON text, a mapping, or empty for the default).
        Refuses a malformed role id, an empty list or a table where nobody may grant
        `identity_admin` (the administrators could never be replaced)."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raw = DEFAULT_GRANTORS
        if isinstance(raw, str | bytes):
            try:
                raw = json.loads(raw)
            except ValueError as exc:
                raise GrantorSettingError(f"{SETTING}: not JSON ({exc}); give e.g. {EXAMPLE}") from None
        if not isinstance(raw, Mapping) or not raw:
            raise GrantorSettingError(f"{SETTING}: give a JSON object grantor role -> roles, e.g. {EXAMPLE}")
        table: dict[str, frozenset[str]] = {}
        for grantor, roles in raw.items():
            if not isinstance(grantor, str) or not _ROLE.match(grantor):
                raise GrantorSettingError(f"{SETTING}: {grantor!r} is not a role id")
            if isinstance(roles, str) or not isinstance(roles, list | tuple) or not roles:
                raise GrantorSettingError(f'{SETTING}: {grantor}: give a non-empty list of role ids or "*"')
            bad = [r for r in roles if not isinstance(r, str) or (r != ANY and not _ROLE.match(r))]
            if bad:
                raise GrantorSettingError(f'{SETTING}: {grantor}: {bad} are not role ids (or "*")')
            table[grantor] = frozenset(roles)
        policy = cls(table)
        if not any(policy.may_grant(Actor(id="-", roles=(g,)), IDENTITY_ADMIN) for g in table):
            raise GrantorSettingError(
                f'{SETTING}: nobody may grant {IDENTITY_ADMIN}; keep "{IDENTITY_ADMIN}": ["*"]'
            )
        return policy

    def grantable_by(self, actor: Actor) -> frozenset[str]:
        """The roles `actor` may grant (may contain `*`)."""
        return frozenset(role for held in actor.roles for role in self.grantors.get(held, ()))

    def may_grant(self, actor: Actor, role: str) -> bool:
        grantable = self.grantable_by(actor)
        return ANY in grantable or role in grantable

    def grantors_of(self, role: str) -> tuple[str, ...]:
        """The grantor roles that may grant `role` (for the refusal's message)."""
        return tuple(sorted(g for g, roles in self.grantors.items() if ANY in roles or role in roles))

    def as_setting(self) -> dict[str, list[str]]:
        return {grantor: sorted(roles) for grantor, roles in self.grantors.items()}
