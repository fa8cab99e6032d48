"""The RefundCase aggregate's state and how each event changes it (SM-RET).

`Requested` passes straight on to `AwaitingDecision` with the branch recorded (AS-2). A
negotiation remembers what it followed, so "resubmitted" goes back to the supervisor after a
rejection (AS-5) and back to inspection after a failed one (AS-7, designer assumption). A case
approved without return whose shipment's recall was declined turns to the return path
(RefundCaseTurnedToReturn → AwaitingReturnShipment, SM-SHIP, AS-3, AS-4).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from aftersales.refunds.domain.status import RefundCaseStatus
from jetstream_es.aggregate import AggregateType
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import AFTERSALES_REFUND_CASE
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.refund_case import (
    GoodsShippedAfterRefund,
    NegotiationConcluded,
    NegotiationOpened,
    RefundCaseTurnedToReturn,
    RefundRequestApproved,
    RefundRequestRejected,
    RefundRequestWithdrawn,
    ReturnInspectionFailed,
    ReturnInspectionPassed,
    ReturnNoteIssued,
    ReturnParcelArrived,
    ReturnReceiptConfirmed,
    ReturnReceiptStamped,
    ReturnShippedByBuyer,
)
from shop_contracts.messages import EventData

S = RefundCaseStatus
OPEN_FOR_WITHDRAWAL = frozenset({S.AWAITING_DECISION, S.NEGOTIATION})
ENDED = frozenset({S.REFUNDED, S.WITHDRAWN, S.CLOSED_REJECTED})


@dataclass(frozen=True)
class RefundCaseState:
    status: RefundCaseStatus | None = None
    case_id: str = ""
    order_id: str = ""
    buyer_id: str = ""
    reason: str = ""
    goods_received: bool = False
    amount: Decimal = Decimal(0)
    whole_order: bool | None = None
    """AS-3: the case asks for everything paid (None: recorded before this was noted)."""
    requested_at: datetime | None = None
    negotiation_after: str | None = None
    waybill_no: str | None = None
    return_reason: str | None = None
    return_note_by: str | None = None
    return_note_at: datetime | None = None
    """AS-6: the order clerk who issued the return note, and when (printed on it)."""
    platform_ref: str | None = None
    goods_shipped_after_refund: bool = False
    """SM-RET, SM-SHIP: refunded without return, yet the goods shipped (recall declined)."""

    @property
    def exists(self) -> bool:
        return self.status is not None


def evolve(state: RefundCaseState, event: EventData) -> RefundCaseState:
    match event:
        case RefundRequested():
            return replace(
                state,
                status=S.AWAITING_DECISION,
                case_id=event.case_id,
                order_id=event.order_id,
                buyer_id=event.buyer_id or "",
                reason=event.reason,
                goods_received=event.goods_received,
                amount=event.amount,
                whole_order=event.whole_order,
                requested_at=event.requested_at,
            )
        case RefundRequestApproved():
            to = S.AWAITING_RETURN_SHIPMENT if event.return_required else S.APPROVED_NO_RETURN
            return replace(state, status=to)
        case RefundRequestRejected():
            return state
        case NegotiationOpened():
            return replace(state, status=S.NEGOTIATION, negotiation_after=event.after)
        case NegotiationConcluded():
            resumed = (
                S.RETURN_NOTE_ISSUED
                if state.negotiation_after == "failed_inspection"
                else S.AWAITING_DECISION
            )
            outcomes = {"resubmitted": resumed, "withdrawn": S.WITHDRAWN, "rejected": S.CLOSED_REJECTED}
            return replace(state, status=outcomes[event.outcome], negotiation_after=None)
        case RefundRequestWithdrawn():
            return replace(state, status=S.WITHDRAWN)
        case ReturnShippedByBuyer():
            return replace(state, status=S.RETURN_IN_TRANSIT, waybill_no=event.waybill_no)
        case ReturnParcelArrived():
            return replace(state, status=S.RETURN_ARRIVED, waybill_no=state.waybill_no or event.waybill_no)
        case ReturnNoteIssued():
            return replace(
                state,
                status=S.RETURN_NOTE_ISSUED,
                return_reason=event.return_reason,
                return_note_by=event.order_clerk,
                return_note_at=event.issued_at,
            )
        case ReturnInspectionPassed():
            return replace(state, status=S.INSPECTED)
        case ReturnReceiptConfirmed():
            return replace(state, status=S.RECEIPT_CONFIRMED)
        case RefundIssued():
            return replace(state, status=S.REFUNDED, platform_ref=event.platform_ref)
        case RefundCaseTurnedToReturn():
            return replace(state, status=S.AWAITING_RETURN_SHIPMENT, goods_received=True)
        case GoodsShippedAfterRefund():
            return replace(state, goods_shipped_after_refund=True)
    return state


registry = EventRegistry(
    [
        RefundRequested,
        RefundRequestApproved,
        RefundRequestRejected,
        NegotiationOpened,
        NegotiationConcluded,
        RefundRequestWithdrawn,
        RefundCaseClosed,
        ReturnShippedByBuyer,
        ReturnParcelArrived,
        ReturnNoteIssued,
        ReturnInspectionPassed,
        ReturnInspectionFailed,
        ReturnReceiptStamped,
        ReturnReceiptConfirmed,
        RefundIssued,
        RefundCaseTurnedToReturn,
        GoodsShippedAfterRefund,
    ]
)

REFUND_CASE = AggregateType.of(AFTERSALES_REFUND_CASE, registry, RefundCaseState, evolve)
