"""Queries of the identity service, on `identity.queries.<QueryName>` (issue 17, IDN-6).

`RolesOf` answers the roles a person holds right now: the person themself, `identity_admin`,
`hr_dept` and the person issuer (actor role `identity_issuer`) may read it. `ListGrants` is the
history, one page at a time, for `identity_admin` and `hr_dept`.
"""

from __future__ import annotations

from typing import Final

from pydantic import Field

from shop_contracts.messages import ID_PATTERN, ROLE_ID_PATTERN, Query

ROLE_READERS: Final = ("identity_admin", "hr_dept", "identity_issuer")
"""IDN-6: besides the person themself, who reads a person's roles (the issuer asks as `identity_issuer`)."""
GRANT_READERS: Final = ("identity_admin", "hr_dept")
"""IDN-6: who reads the grant history of everyone."""


class RolesOf(Query):
    """The roles `person_id` holds right now (what the issuer may put into a token), each with
    when and by whom it was granted. Read by the person themself or ROLE_READERS (IDN-6)."""

    read_roles = None  # any proven actor asks; the handler answers the person themself or ROLE_READERS
    read_rule = "IDN-6"

    person_id: str = Field(pattern=ID_PATTERN)


class ListGrants(Query):
    """Every grant and revocation (who granted or revoked what, when, why), oldest first, one page
    at a time; narrowed to one person and/or one role when given (IDN-6)."""

    read_roles = GRANT_READERS
    read_rule = "IDN-6"

    person_id: str | None = Field(default=None, pattern=ID_PATTERN)
    role: str | None = Field(default=None, pattern=ROLE_ID_PATTERN)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)
