"""The states the time context's aggregates are in (SM-LEAVE). The domain owns them; the read
side's query contract (`shop_contracts.queries.hr.LeaveStatus`) reports the same values, which a
unit test keeps equal."""

from __future__ import annotations

from enum import StrEnum


class LeaveStatus(StrEnum):
    """The stored states of SM-LEAVE; Active and Completed follow from the dates."""

    AWAITING_CERTIFICATE = "AwaitingCertificate"
    PENDING_APPROVAL = "PendingApproval"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    FILED = "Filed"
    EXTENSION_PENDING = "ExtensionPending"
    EXTENDED = "Extended"
    CANCELLED = "Cancelled"
