"""The states of a refund case (SM-RET), owned by the domain.

The read side's query contract (`shop_contracts.queries.aftersales`) reports the same values; a
unit test keeps the enums equal so they cannot drift.
"""

from __future__ import annotations

from enum import StrEnum


class RefundCaseStatus(StrEnum):
    """The states of SM-RET (`Requested` passes straight on to `AwaitingDecision`)."""

    AWAITING_DECISION = "AwaitingDecision"
    APPROVED_NO_RETURN = "Approved_NoReturn"
    AWAITING_RETURN_SHIPMENT = "AwaitingReturnShipment"
    RETURN_IN_TRANSIT = "ReturnInTransit"
    RETURN_ARRIVED = "ReturnArrived"
    RETURN_NOTE_ISSUED = "ReturnNoteIssued"
    INSPECTED = "Inspected"
    RECEIPT_CONFIRMED = "ReceiptConfirmed"
    NEGOTIATION = "Negotiation"
    REFUNDED = "Refunded"
    WITHDRAWN = "Withdrawn"
    CLOSED_REJECTED = "ClosedRejected"
