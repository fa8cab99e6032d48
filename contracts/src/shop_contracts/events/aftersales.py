"""Aftersales' integration events: RefundRequested (AS-1, AS-2, AS-11), RefundIssued (AS-8, AS-9,
ORD-16) and RefundCaseClosed (a case ended without a refund: withdrawn or rejected, AS-5);
complaints with their 24-hour SLA (SM-CMP, AS-15, AS-19), negative reviews (AS-16), the
inferior-customer flag (SM-CUST-FLAG, AS-18: orders reads it as a risk tag), consultations
(AS-17) and return visits (AS-21, AS-14)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, ROLE_ID_PATTERN, EventData


class RefundRequested(EventData):
    """A buyer asks for a refund with a reason from the configured list (AS-1).

    `goods_received` picks the branch of the return flow (AS-2): not received → refund only,
    received → the goods come back first.
    """

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=64)
    goods_received: bool
    amount: Decimal = Field(ge=0)
    requested_at: AwareDatetime
    buyer_id: str | None = Field(default=None, max_length=128)
    claimed_received: bool | None = Field(default=None, description="what the buyer stated (AS-2)")
    received_basis: Literal["delivered", "not_shipped", "buyer_statement"] | None = Field(
        default=None, description="what decided goods_received: fulfilment's record or the buyer's word"
    )
    delivered_at: AwareDatetime | None = Field(default=None, description="start of the AS-11 window")
    whole_order: bool | None = Field(
        default=None,
        description="the case asks for all the buyer paid and nothing of the order was refunded before "
        "(AS-3: only then does an approval without return stop the shipment); unknown in older events",
    )


class RefundIssued(EventData):
    """The department supervisor released the refund (AS-8, AS-9); sales net it out (ORD-16)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    issued_by: str = Field(min_length=1, max_length=128)
    platform_ref: str | None = Field(default=None, max_length=128)
    issued_at: AwareDatetime


class RefundCaseClosed(EventData):
    """A refund case ended without a refund: the buyer withdrew it or it was finally rejected (AS-5)."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    outcome: Literal["withdrawn", "rejected"]
    closed_at: AwareDatetime


class ComplaintRegistered(EventData):
    """Customer service registered a complaint; a response is due by `respond_by` (AS-15, C13)."""

    complaint_id: str = Field(pattern=ID_PATTERN)
    customer_id: str = Field(pattern=ID_PATTERN)
    order_id: str | None = Field(default=None, pattern=ID_PATTERN)
    channel: str = Field(min_length=1, max_length=32)
    subject: str = Field(min_length=1, max_length=1000)
    registered_by: str = Field(min_length=1, max_length=128)
    registered_at: AwareDatetime
    respond_by: AwareDatetime


class ComplaintResponded(EventData):
    """Customer service responded; `within_sla` says whether it was in time (AS-15)."""

    complaint_id: str = Field(pattern=ID_PATTERN)
    response: str = Field(min_length=1, max_length=2000)
    responded_by: str = Field(min_length=1, max_length=128)
    responded_at: AwareDatetime
    within_sla: bool


class ComplaintResponseOverdue(EventData):
    """No response by the deadline (AS-15); HR may use it as evidence. Recorded once. A deadline
    outside online hours 08:50-18:10 (AS-22) names who was on duty then (DUTY-1: weekend rota,
    duty manager) and why; nobody on duty: `assigned_to` None and `escalate_to` the escalation
    role. The three fields are optional, so events written before read as they were."""

    complaint_id: str = Field(pattern=ID_PATTERN)
    customer_id: str = Field(pattern=ID_PATTERN)
    registered_by: str = Field(min_length=1, max_length=128)
    registered_at: AwareDatetime
    due_at: AwareDatetime
    detected_at: AwareDatetime
    assigned_to: str | None = Field(default=None, max_length=64, description="DUTY-1: who was on duty")
    duty_reason: str | None = Field(default=None, max_length=500, description="DUTY-1, AS-22: why")
    escalate_to: str | None = Field(default=None, max_length=64, description="DUTY-1: nobody on duty")


class ComplaintEscalated(EventData):
    """An agent handed the complaint to the escalation point (AS-19: the customer-service
    supervisor by default).

    `escalated_to` is the role it went to, the after-sales setting `AFTERSALES_ESCALATION_ROLE`
    (conflict C9: a role mapping, not a fixed role). It was the literal `"cs_supervisor"`; the field
    only widened to any role id, so every event written before still reads as it was (no upcaster,
    schema version 1).
    """

    complaint_id: str = Field(pattern=ID_PATTERN)
    escalated_by: str = Field(min_length=1, max_length=128)
    escalated_to: str = Field(default="cs_supervisor", pattern=ROLE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=1000)
    escalated_at: AwareDatetime


class ComplaintResolved(EventData):
    """The complaint was handled (AS-15)."""

    complaint_id: str = Field(pattern=ID_PATTERN)
    resolution: str = Field(min_length=1, max_length=2000)
    resolved_by: str = Field(min_length=1, max_length=128)
    resolved_at: AwareDatetime


class CustomerFlagProposed(EventData):
    """Customer service proposed an inferior-customer flag (AS-18, first step)."""

    customer_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=1000)
    proposed_by: str = Field(min_length=1, max_length=128)
    proposed_at: AwareDatetime


class CustomerFlagConfirmed(EventData):
    """The customer-service supervisor confirmed and recorded the flag (AS-18); orders tags the
    customer's new orders as a risk."""

    customer_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=1000)
    proposed_by: str = Field(min_length=1, max_length=128)
    confirmed_by: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=1000)
    confirmed_at: AwareDatetime


class CustomerFlagRejected(EventData):
    """The customer-service supervisor dismissed the proposed flag (AS-18)."""

    customer_id: str = Field(pattern=ID_PATTERN)
    rejected_by: str = Field(min_length=1, max_length=128)
    note: str = Field(min_length=1, max_length=1000)
    rejected_at: AwareDatetime


class NegativeReviewRecorded(EventData):
    """A dissatisfied review, tracked until it is replied to (AS-16)."""

    review_id: str = Field(pattern=ID_PATTERN)
    customer_id: str = Field(pattern=ID_PATTERN)
    order_id: str | None = Field(default=None, pattern=ID_PATTERN)
    rating: int = Field(ge=1, le=5)
    excerpt: str = Field(min_length=1, max_length=2000)
    recorded_by: str = Field(min_length=1, max_length=128)
    recorded_at: AwareDatetime


class ReviewReplied(EventData):
    """Customer service looked the reviewer up in Wangwang, checked the facts and replied (AS-16)."""

    review_id: str = Field(pattern=ID_PATTERN)
    customer_id: str = Field(pattern=ID_PATTERN)
    wangwang_id: str = Field(min_length=1, max_length=128)
    facts_checked: str = Field(min_length=1, max_length=2000)
    reply: str = Field(min_length=1, max_length=2000)
    replied_by: str = Field(min_length=1, max_length=128)
    replied_at: AwareDatetime


class ConsultationLogged(EventData):
    """A consultation or complaint recorded and passed to the department concerned (AS-17)."""

    consultation_id: str = Field(pattern=ID_PATTERN)
    customer_id: str = Field(pattern=ID_PATTERN)
    kind: Literal["consultation", "complaint"]
    topic: str = Field(min_length=1, max_length=1000)
    routed_to: str = Field(min_length=1, max_length=64)
    logged_by: str = Field(min_length=1, max_length=128)
    logged_at: AwareDatetime


class RevisitRecorded(EventData):
    """A return visit (AS-21) with the customer's rating if given; `meets_target` when it reached
    the 5-point target (AS-14)."""

    revisit_id: str = Field(pattern=ID_PATTERN)
    customer_id: str = Field(pattern=ID_PATTERN)
    order_id: str | None = Field(default=None, pattern=ID_PATTERN)
    note: str = Field(min_length=1, max_length=2000)
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    meets_target: bool | None = None
    visited_by: str = Field(min_length=1, max_length=128)
    visited_at: AwareDatetime
