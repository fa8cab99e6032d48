"""Decisions on a refund case (SM-RET): request for a paid order only (AS-3, AS-8, SM-ORD), with
reason (AS-1), branch (AS-2) and the 7-day
quality window (AS-11, counted from delivery, or from the stamp plus the transit days); supervisor approval (AS-3, AS-4) or rejection into negotiation (AS-5);
the return leg (AS-4, AS-6, AS-7); the refund itself (AS-8, AS-9); withdrawal.

A whole-order refund without return waits while fulfilment recalls the order's checked or
dispatched shipment (SM-SHIP, SM-RET, AS-3). When the recall is declined the goods ship: a case not
yet refunded turns to the return path (RefundCaseTurnedToReturn → AwaitingReturnShipment, AS-4,
AS-8), and one already refunded (a race, or an older history) records GoodsShippedAfterRefund for
the supervisor.

Every decision is pure: state, command, facts and `now` in, events out, or a refusal naming the
rule. The refund's limits against the order (never twice, never above the amount net of earlier
refunds) are booked on OrderFacts (facts.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aftersales.refunds.domain.facts import (
    OrderFacts,
    check_amount,
    check_no_open_recall,
    check_paid,
    goods_received,
)
from aftersales.refunds.domain.state import OPEN_FOR_WITHDRAWAL, RefundCaseState
from aftersales.refunds.domain.status import RefundCaseStatus as S
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.errors import Forbidden, NotFound, RuleViolated
from shop_contracts.commands import aftersales as c
from shop_contracts.envelope import Actor
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.fulfilment import ReturnParcelReceived, ShipmentRecallDeclined
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


def _expect(state: RefundCaseState, command: str, *allowed: S) -> None:
    if state.status not in allowed:
        wanted = " or ".join(a.value for a in allowed)
        raise RuleViolated(
            f"{command} needs case {state.case_id} to be {wanted}; it is {state.status}", "SM-RET"
        )


def _own_buyer(actor: Actor, buyer_id: str) -> None:
    if buyer_id and actor.id != buyer_id:
        raise Forbidden(f"{actor.id} is not the buyer of this order", "SM-RET")


def request(
    state: RefundCaseState, cmd: c.RequestRefund, facts: OrderFacts, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RequestRefund")
    if state.exists:
        raise RuleViolated(f"case {cmd.case_id} already exists", "SM-RET")
    if not facts.known:
        raise NotFound(f"order {cmd.order_id} is not known to after-sales")
    _own_buyer(cmd.actor, facts.buyer_id)
    check_paid(facts)
    if cmd.reason not in policy.refund_reasons:
        known = ", ".join(sorted(policy.refund_reasons))
        raise RuleViolated(f"refund reason {cmd.reason!r} is not one of: {known}", "AS-1")
    received, basis = goods_received(facts, cmd.goods_received)
    if received and cmd.reason in policy.quality_reasons:
        check_quality_window(facts, policy, now)
    amount = cmd.amount if cmd.amount is not None else facts.available(cmd.case_id)
    check_amount(facts, amount, cmd.case_id)
    if amount <= 0:
        raise RuleViolated(
            f"order {cmd.order_id} has nothing left to refund: refunded in full, or held by its open cases",
            "ORD-16",
        )
    return [
        RefundRequested(
            case_id=cmd.case_id,
            order_id=cmd.order_id,
            reason=cmd.reason,
            goods_received=received,
            amount=amount,
            requested_at=now,
            buyer_id=facts.buyer_id or cmd.actor.id,
            claimed_received=cmd.goods_received,
            received_basis=basis,
            delivered_at=facts.delivered_at,
            whole_order=facts.paid is not None and amount >= facts.paid,
        )
    ]


def quality_window_end(facts: OrderFacts, policy: AftersalesPolicy) -> tuple[datetime, str] | None:
    """AS-11: when the 7 days after receipt end, from the facts that exist. The delivery time if
    fulfilment recorded one; otherwise the stamp plus the transit allowance (the seeds do not say
    what "received" means, rules.md §9: the department setting
    SHOP_TRANSIT_DAYS, which orders reads too). Never "no limit":
    goods that were never stamped cannot have been received, so there is no window to check."""
    if facts.delivered_at is not None:
        return facts.delivered_at + policy.quality_window, "delivery"
    if facts.stamped_at is not None:
        received = facts.stamped_at + policy.transit_allowance
        return received + policy.quality_window, f"stamp plus {policy.transit_allowance.days} transit days"
    return None


def check_quality_window(facts: OrderFacts, policy: AftersalesPolicy, now: datetime) -> None:
    found = quality_window_end(facts, policy)
    if found is not None and now > found[0]:
        end, basis = found
        raise RuleViolated(
            f"quality returns close {policy.quality_window.days} days after receipt "
            f"(received by {basis}): {end.isoformat()}",
            "AS-11",
        )


def approve(
    state: RefundCaseState, cmd: c.ApproveRefundRequest, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "ApproveRefundRequest")
    _expect(state, "ApproveRefundRequest", S.AWAITING_DECISION)
    return [
        RefundRequestApproved(
            case_id=state.case_id,
            order_id=state.order_id,
            approver=cmd.actor.id,
            return_required=state.goods_received,
            approved_at=now,
            whole_order=state.whole_order,
        )
    ]


def reject(
    state: RefundCaseState, cmd: c.RejectRefundRequest, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RejectRefundRequest")
    _expect(state, "RejectRefundRequest", S.AWAITING_DECISION)
    ids = {"case_id": state.case_id, "order_id": state.order_id}
    return [
        RefundRequestRejected(**ids, approver=cmd.actor.id, reason=cmd.reason, rejected_at=now),
        NegotiationOpened(**ids, after="rejection", opened_at=now),
    ]


def conclude(
    state: RefundCaseState, cmd: c.ConcludeNegotiation, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "ConcludeNegotiation")
    _expect(state, "ConcludeNegotiation", S.NEGOTIATION)
    ids = {"case_id": state.case_id, "order_id": state.order_id}
    events: list[EventData] = [
        NegotiationConcluded(
            **ids, outcome=cmd.outcome, note=cmd.note, concluded_by=cmd.actor.id, concluded_at=now
        )
    ]
    if cmd.outcome != "resubmitted":
        events.append(RefundCaseClosed(**ids, outcome=cmd.outcome, closed_at=now))
    return events


def withdraw(
    state: RefundCaseState, cmd: c.WithdrawRefundRequest, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "WithdrawRefundRequest")
    _own_buyer(cmd.actor, state.buyer_id)
    _expect(state, "WithdrawRefundRequest", *sorted(OPEN_FOR_WITHDRAWAL))
    ids = {"case_id": state.case_id, "order_id": state.order_id}
    return [
        RefundRequestWithdrawn(**ids, withdrawn_at=now),
        RefundCaseClosed(**ids, outcome="withdrawn", closed_at=now),
    ]


def record_dispatch(
    state: RefundCaseState, cmd: c.RecordReturnDispatch, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RecordReturnDispatch")
    _own_buyer(cmd.actor, state.buyer_id)
    _expect(state, "RecordReturnDispatch", S.AWAITING_RETURN_SHIPMENT)
    return [
        ReturnShippedByBuyer(
            case_id=state.case_id, order_id=state.order_id, waybill_no=cmd.waybill_no, shipped_at=now
        )
    ]


def parcel_arrived(state: RefundCaseState, event: ReturnParcelReceived) -> Sequence[EventData]:
    """Fulfilment received the parcel (SM-RET); a late or repeated report decides nothing."""
    if state.status not in (S.AWAITING_RETURN_SHIPMENT, S.RETURN_IN_TRANSIT):
        return []
    return [
        ReturnParcelArrived(case_id=state.case_id, waybill_no=event.waybill_no, received_at=event.received_at)
    ]


def issue_return_note(
    state: RefundCaseState, cmd: c.IssueReturnNote, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "IssueReturnNote")
    _expect(state, "IssueReturnNote", S.RETURN_ARRIVED)
    if not cmd.return_reason.strip():
        raise RuleViolated("a return note must state the reason for the return", "AS-6")
    return [
        ReturnNoteIssued(
            case_id=state.case_id,
            order_id=state.order_id,
            return_reason=cmd.return_reason.strip(),
            order_clerk=cmd.actor.id,
            issued_at=now,
        )
    ]


def missing_accessories(cmd: c.InspectReturn, shipped: tuple[str, ...] | None) -> tuple[str, ...]:
    """AS-7: what the inspector found missing, plus every accessory the order's products come with
    (`shipped`: the catalogue's lists, or fulfilment's AccessoriesChecked checklist for an order the
    catalogue does not speak for wholly, facts.expected_accessories) not present in the parcel."""
    missing = set(cmd.missing_accessories)
    if shipped is not None:
        missing |= set(shipped) - set(cmd.accessories_present)
    return tuple(sorted(missing))


def inspect(
    state: RefundCaseState,
    cmd: c.InspectReturn,
    shipped: tuple[str, ...] | None,
    policy: AftersalesPolicy,
    now: datetime,
) -> Sequence[EventData]:
    """AS-7: the goods and accessories checked against what was shipped; `shipped` is the
    accessory list of the order's products (None when neither the catalogue nor fulfilment gave one)."""
    policy.roles.require(cmd.actor, "InspectReturn")
    _expect(state, "InspectReturn", S.RETURN_NOTE_ISSUED)
    ids = {"case_id": state.case_id, "order_id": state.order_id}
    missing = missing_accessories(cmd, shipped)
    if cmd.goods_match and not cmd.damaged and not missing:
        return [
            ReturnInspectionPassed(
                **ids, inspector=cmd.actor.id, accessories=cmd.accessories_present, inspected_at=now
            ),
            ReturnReceiptStamped(case_id=state.case_id, stamped_by=cmd.actor.id, stamped_at=now),
        ]
    return [
        ReturnInspectionFailed(
            **ids,
            inspector=cmd.actor.id,
            goods_match=cmd.goods_match,
            damaged=cmd.damaged,
            missing_accessories=missing,
            note=cmd.note,
            inspected_at=now,
        ),
        NegotiationOpened(**ids, after="failed_inspection", opened_at=now),
    ]


def confirm_receipt(
    state: RefundCaseState, cmd: c.ConfirmReturnReceipt, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "ConfirmReturnReceipt")
    _expect(state, "ConfirmReturnReceipt", S.INSPECTED)
    return [
        ReturnReceiptConfirmed(
            case_id=state.case_id, order_id=state.order_id, confirmed_by=cmd.actor.id, confirmed_at=now
        )
    ]


def check_refundable(state: RefundCaseState, cmd: c.IssueRefund, policy: AftersalesPolicy) -> None:
    """AS-8: only the supervisor, only after approval without return or confirmed receipt."""
    policy.roles.require(cmd.actor, "IssueRefund")
    if state.status is S.REFUNDED:
        raise RuleViolated(f"case {state.case_id} has already been refunded", "SM-RET")
    _expect(state, "IssueRefund", S.APPROVED_NO_RETURN, S.RECEIPT_CONFIRMED)


def check_shipment_settled(state: RefundCaseState, facts: OrderFacts) -> None:
    """SM-RET, AS-3 (SM-SHIP): a whole-order refund without return is not released while the
    order's shipment is being recalled, nor after the recall was declined; a partial refund
    (whole_order false) leaves the goods to ship by design and is not held."""
    if state.status is S.APPROVED_NO_RETURN and state.whole_order is not False:
        check_no_open_recall(facts, state.case_id)


def goods_shipping(
    state: RefundCaseState,
    event: ShipmentRecallDeclined,
    refunded_in_full: bool,
    policy: AftersalesPolicy,
    now: datetime,
) -> Sequence[EventData]:
    """SM-SHIP → SM-RET: the recall of the order's shipment was declined, the goods ship.

    - Approved without return (whole order, AS-3): the buyer will receive the goods, so the case
      turns to the return path (AwaitingReturnShipment, AS-4) and is refunded once their receipt
      is confirmed (AS-8).
    - Already refunded without return (a refund issued before the recall opened, or an older
      history): the buyer has the money and the goods; the case records it for the roles that
      release refunds (GoodsShippedAfterRefund). A partial case counts only if the order was
      refunded in full.
    - Anything else (a received-goods case, a partial case, a closed one) decides nothing."""
    whole = state.whole_order is not False
    if state.status is S.APPROVED_NO_RETURN and whole:
        return [
            RefundCaseTurnedToReturn(
                case_id=state.case_id,
                order_id=state.order_id,
                shipment_id=event.shipment_id,
                reason=event.reason,
                turned_at=now,
            )
        ]
    if (
        state.status is S.REFUNDED
        and not state.goods_received
        and not state.goods_shipped_after_refund
        and (whole or refunded_in_full)
    ):
        return [
            GoodsShippedAfterRefund(
                case_id=state.case_id,
                order_id=state.order_id,
                shipment_id=event.shipment_id,
                reason=event.reason,
                reported_to=policy.roles.roles("IssueRefund"),
                noted_at=now,
            )
        ]
    return []


def issue_refund(
    state: RefundCaseState, cmd: c.IssueRefund, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    check_refundable(state, cmd, policy)
    return [
        RefundIssued(
            case_id=state.case_id,
            order_id=state.order_id,
            amount=state.amount,
            issued_by=cmd.actor.id,
            platform_ref=cmd.platform_ref,
            issued_at=now,
        )
    ]
