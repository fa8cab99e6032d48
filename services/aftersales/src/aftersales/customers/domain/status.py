"""The states of a complaint (SM-CMP) and a customer flag (SM-CUST-FLAG, AS-18), owned by the
domain.

The read side's query contract (`shop_contracts.queries.aftersales`) reports the same values; a
unit test keeps the enums equal so they cannot drift.
"""

from __future__ import annotations

from enum import StrEnum


class ComplaintStatus(StrEnum):
    """The states of SM-CMP; an overdue response (AS-15) is a mark on an open complaint, not a state."""

    OPEN = "Open"
    RESPONDED = "Responded"
    ESCALATED = "Escalated"
    RESOLVED = "Resolved"


class CustomerFlagStatus(StrEnum):
    """The states of SM-CUST-FLAG (AS-18)."""

    PROPOSED = "Proposed"
    CONFIRMED = "Confirmed"
    DISMISSED = "Dismissed"
