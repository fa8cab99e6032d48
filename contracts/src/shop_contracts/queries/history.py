"""`<service>.queries.History`: one aggregate's event history, answered by every service's runtime
for the aggregates it appends to (issue 18: every record page shows who did what, when).

Events oldest first (newest last), `limit` per page from `after_version` on; `next_after` is the
version to ask from for the next page (None: no more). The readers are the service's setting
`<SERVICE>_QUERY_ROLES` (`{"History": [...]}`), by default `HISTORY_READERS`; whoever recorded the
aggregate's first event (e.g. the employee who submitted a leave request) reads it too (IDN-8,
docs/services/identity.md: who may read whose records).
"""

from __future__ import annotations

from typing import Final

from pydantic import Field

from shop_contracts.messages import ID_PATTERN, Query

HISTORY_READERS: Final = (
    "operator",
    "identity_admin",
    "hr_dept",
    "dept_manager",
    "ecom_supervisor",
    "dept_supervisor",
    "general_manager",
)
"""Who reads any record's history by default: operators, administrators, HR and the department's
management (a service narrows or widens it with `<SERVICE>_QUERY_ROLES`)."""


class History(Query):
    """The events of one aggregate (`aggregate_type`, `aggregate_id`) of the service asked."""

    read_roles = None  # the handler checks the reader: the setting's roles or the first event's actor
    read_rule = "IDN-8"

    aggregate_type: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9]{0,63}$")
    aggregate_id: str = Field(pattern=ID_PATTERN)
    after_version: int = Field(default=0, ge=0, description="events after this version")
    limit: int = Field(default=50, ge=1, le=200)
