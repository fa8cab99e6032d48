"""Commands of the identity service, on `identity.commands.<CommandName>` (issue 17).

Field validation only (a role id, a reason of at least one visible character); who may grant which
role (IDN-1, `IDENTITY_GRANTORS`), self-grants (IDN-4) and held roles (IDN-3) are the domain's.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from shop_contracts.messages import ID_PATTERN, ROLE_ID_PATTERN, Command


def _visible(value: str) -> str:
    if not value.strip():
        raise ValueError("IDN-2: give the reason (not only blanks)")
    return value.strip()


class GrantRole(Command):
    """IDN-1, IDN-2: grant `role` (rules.md §0 role id) to the person `person_id` (for staff, the HR
    employee id), for `reason`."""

    person_id: str = Field(pattern=ID_PATTERN)
    role: str = Field(pattern=ROLE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)

    _reason = field_validator("reason")(_visible)


class RevokeRole(Command):
    """IDN-1, IDN-2: end the person's `role`, for `reason` (offboarding revokes by itself, IDN-5)."""

    person_id: str = Field(pattern=ID_PATTERN)
    role: str = Field(pattern=ROLE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)

    _reason = field_validator("reason")(_visible)
