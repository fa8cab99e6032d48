"""The identity service's events (issue 17, deliverable 2): who holds which role, granted by whom,
when and why (IDN-1..IDN-5, docs/services/identity.md; roles are rules.md §0 role ids).

A person's roles are the `RoleHolder.<person_id>` aggregate's grants minus its revocations; the
person issuer puts into a token only the roles held at that moment (`RolesOf`).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, ROLE_ID_PATTERN, EventData


class RevocationCause(StrEnum):
    """IDN-5: why a role ended: revoked by a grantor, or by HR's offboarding of the person."""

    MANUAL = "manual"
    OFFBOARDED = "offboarded"


class RoleGranted(EventData):
    """IDN-1, IDN-2: `granted_by` (allowed by IDENTITY_GRANTORS) granted `role` for `reason`."""

    person_id: str = Field(pattern=ID_PATTERN)
    role: str = Field(pattern=ROLE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    granted_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class RoleRevoked(EventData):
    """IDN-1, IDN-5: the role ended, by hand (`manual`) or because HR offboarded the person."""

    person_id: str = Field(pattern=ID_PATTERN)
    role: str = Field(pattern=ROLE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    revoked_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime
    cause: RevocationCause = RevocationCause.MANUAL
