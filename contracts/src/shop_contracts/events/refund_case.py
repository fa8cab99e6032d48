"""Aftersales' refund-case events after the request (SM-RET, rules.md §10.3): the supervisor's
decision (AS-2..AS-5), negotiation (AS-5), the return leg with note, inspection and receipt
(AS-4, AS-6, AS-7), and withdrawal. RefundRequested, RefundIssued and RefundCaseClosed live in
`shop_contracts.events.aftersales`."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, EventData

NegotiationOutcome = Literal["resubmitted", "withdrawn", "rejected"]


class RefundRequestApproved(EventData):
    """The department supervisor approved (AS-2); goods received → they come back first (AS-4),
    not received → the refund can be issued and an unstamped shipment cancelled (AS-3)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    approver: str = Field(min_length=1, max_length=128)
    return_required: bool
    approved_at: AwareDatetime
    whole_order: bool | None = Field(
        default=None,
        description="AS-3: the case refunds the whole order, so a shipment not yet stamped is cancelled; "
        "false for a partial refund, whose goods still ship; unknown (treated as whole) in older events",
    )


class RefundRequestRejected(EventData):
    """The department supervisor rejected the request; negotiation follows (AS-2, AS-5)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    approver: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=500)
    rejected_at: AwareDatetime


class NegotiationOpened(EventData):
    """Customer service negotiates with the buyer after a rejection or a failed inspection (AS-5, AS-7)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    after: Literal["rejection", "failed_inspection"]
    opened_at: AwareDatetime


class NegotiationConcluded(EventData):
    """Negotiation ended: resubmitted to the supervisor (or to inspection), withdrawn, or finally
    rejected (AS-5, designer outcomes)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    outcome: NegotiationOutcome
    note: str = Field(default="", max_length=1000)
    concluded_by: str = Field(min_length=1, max_length=128)
    concluded_at: AwareDatetime


class RefundRequestWithdrawn(EventData):
    """The buyer withdrew the request while the case was open (SM-RET)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    withdrawn_at: AwareDatetime


class ReturnShippedByBuyer(EventData):
    """The buyer shipped the goods back (AS-4); fulfilment expects the parcel."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    shipped_at: AwareDatetime


class ReturnParcelArrived(EventData):
    """Fulfilment reported the return parcel received (ReturnParcelReceived → ReturnArrived, SM-RET)."""

    case_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    received_at: AwareDatetime


class ReturnNoteIssued(EventData):
    """The order clerk issued the return note stating the reason for the return (AS-6)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    return_reason: str = Field(min_length=1, max_length=500)
    order_clerk: str = Field(min_length=1, max_length=128)
    issued_at: AwareDatetime


class ReturnInspectionPassed(EventData):
    """After-sales checked goods and accessories against what was shipped: all correct (AS-7)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    inspector: str = Field(min_length=1, max_length=128)
    accessories: tuple[str, ...] = ()
    inspected_at: AwareDatetime


class ReturnInspectionFailed(EventData):
    """Goods do not match, are damaged, or accessories are missing: to negotiation (AS-7, designer)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    inspector: str = Field(min_length=1, max_length=128)
    goods_match: bool
    damaged: bool
    missing_accessories: tuple[str, ...] = ()
    note: str = Field(default="", max_length=1000)
    inspected_at: AwareDatetime


class ReturnReceiptStamped(EventData):
    """After-sales stamped the goods as accepted once inspection passed (AS-7)."""

    case_id: str = Field(pattern=ID_PATTERN)
    stamped_by: str = Field(min_length=1, max_length=128)
    stamped_at: AwareDatetime


class ReturnReceiptConfirmed(EventData):
    """After-sales confirmed receipt; the supervisor may now release the refund (AS-8); restock."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    confirmed_by: str = Field(min_length=1, max_length=128)
    confirmed_at: AwareDatetime


class RefundCaseTurnedToReturn(EventData):
    """A case approved without return (goods not received, AS-3) whose shipment could not be got
    back: fulfilment declined the recall (ShipmentRecallDeclined, SM-SHIP), so the goods ship and
    the buyer will receive them. The case leaves `Approved_NoReturn` for the return path
    (`AwaitingReturnShipment`, SM-RET, AS-4): the buyer sends the goods back, and the refund is
    released once their receipt is confirmed (AS-8)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    cause: Literal["recall_declined"] = "recall_declined"
    reason: str = Field(min_length=1, max_length=500, description="why the keeper could not get it back")
    turned_at: AwareDatetime


class GoodsShippedAfterRefund(EventData):
    """The goods of a case already refunded without return shipped after all (SM-RET, SM-SHIP, AS-3):
    fulfilment declined the recall of the order's shipment, so the buyer has both the money and the
    goods. Nothing is undone automatically; the case records it for `reported_to` (the department
    supervisor, who released the refund), who sees it on the case and in ListRefundCases."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    shipment_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500, description="why the keeper could not get it back")
    reported_to: tuple[str, ...] = Field(min_length=1)
    noted_at: AwareDatetime
