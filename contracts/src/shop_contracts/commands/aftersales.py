"""Commands of the Aftersales service, on `aftersales.commands.<CommandName>` (rules.md §10.3,
SM-RET, SM-CMP, SM-CUST-FLAG). Field validation only; roles, reasons (AS-1), branches (AS-2), the
7-day window (AS-11), refund limits, the 24-hour complaint SLA (AS-15) and the two-step customer
flag (AS-18) are enforced by the Aftersales domain."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from shop_contracts.events.refund_case import NegotiationOutcome
from shop_contracts.messages import Command

CASE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""Case and order ids are one subject token of at most 64 characters."""


class RequestRefund(Command):
    """The buyer asks for a refund with a reason from the configured list (AS-1) and says whether
    the goods arrived (AS-2); `amount` defaults to what is left of the order after earlier refunds."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    order_id: str = Field(pattern=CASE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=64)
    goods_received: bool
    amount: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    note: str = Field(default="", max_length=1000)


class ApproveRefundRequest(Command):
    """The department supervisor approves (AS-2, AS-3, AS-4)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)


class RejectRefundRequest(Command):
    """The department supervisor rejects; customer service negotiates (AS-2, AS-5)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)


class ConcludeNegotiation(Command):
    """Customer service concludes the negotiation: resubmitted, withdrawn or rejected (AS-5)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    outcome: NegotiationOutcome
    note: str = Field(default="", max_length=1000)


class WithdrawRefundRequest(Command):
    """The buyer withdraws an open request (SM-RET)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)


class RecordReturnDispatch(Command):
    """The buyer shipped the goods back with this waybill (AS-4)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)


class IssueReturnNote(Command):
    """The order clerk issues the return note with the reason for the return (AS-6)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    return_reason: str = Field(min_length=1, max_length=500)


class InspectReturn(Command):
    """After-sales checks goods and accessories against what was shipped (AS-7)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    goods_match: bool
    damaged: bool = False
    accessories_present: tuple[str, ...] = Field(default=(), max_length=100)
    missing_accessories: tuple[str, ...] = Field(default=(), max_length=100)
    note: str = Field(default="", max_length=1000)


class ConfirmReturnReceipt(Command):
    """After-sales confirms receipt of inspected goods (AS-7, AS-8)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)


class IssueRefund(Command):
    """The department supervisor releases the refund, done in the platform back-end (AS-8, AS-9)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    platform_ref: str = Field(min_length=1, max_length=128)


class RegisterComplaint(Command):
    """Customer service registers a complaint; a response is due within 24 hours (AS-15, AS-17,
    AS-20)."""

    complaint_id: str = Field(pattern=CASE_ID_PATTERN)
    customer_id: str = Field(pattern=CASE_ID_PATTERN)
    order_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN)
    channel: str = Field(default="chat", min_length=1, max_length=32)
    subject: str = Field(min_length=1, max_length=1000)


class RespondToComplaint(Command):
    """Customer service responds to the customer; stops the 24-hour clock (AS-15)."""

    complaint_id: str = Field(pattern=CASE_ID_PATTERN)
    response: str = Field(min_length=1, max_length=2000)


class EscalateComplaint(Command):
    """An agent who cannot solve it hands the complaint to the customer-service supervisor (AS-19)."""

    complaint_id: str = Field(pattern=CASE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=1000)


class ResolveComplaint(Command):
    """The complaint is handled (AS-15); an escalated one is resolved by the supervisor (AS-19)."""

    complaint_id: str = Field(pattern=CASE_ID_PATTERN)
    resolution: str = Field(min_length=1, max_length=2000)


class FlagCustomer(Command):
    """Customer service proposes an inferior-customer flag; the supervisor decides (AS-18)."""

    customer_id: str = Field(pattern=CASE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=1000)


class ConfirmCustomerFlag(Command):
    """The customer-service supervisor confirms and records the proposed flag (AS-18)."""

    customer_id: str = Field(pattern=CASE_ID_PATTERN)
    note: str = Field(default="", max_length=1000)


class RejectCustomerFlag(Command):
    """The customer-service supervisor dismisses the proposed flag (AS-18)."""

    customer_id: str = Field(pattern=CASE_ID_PATTERN)
    note: str = Field(min_length=1, max_length=1000)


class RecordNegativeReview(Command):
    """Customer service records a dissatisfied review, to be tracked to a reply (AS-16)."""

    review_id: str = Field(pattern=CASE_ID_PATTERN)
    customer_id: str = Field(pattern=CASE_ID_PATTERN)
    order_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN)
    rating: int = Field(ge=1, le=5)
    excerpt: str = Field(min_length=1, max_length=2000)


class ReplyToReview(Command):
    """After the Wangwang reverse lookup and checking the facts with the customer, customer service
    replies in the review area (AS-16)."""

    review_id: str = Field(pattern=CASE_ID_PATTERN)
    wangwang_id: str = Field(min_length=1, max_length=128, description="the account found by the lookup")
    facts_checked: str = Field(min_length=1, max_length=2000)
    reply: str = Field(min_length=1, max_length=2000)


class LogConsultation(Command):
    """Customer service records a consultation or complaint and routes it to a department (AS-17)."""

    consultation_id: str = Field(pattern=CASE_ID_PATTERN)
    customer_id: str = Field(pattern=CASE_ID_PATTERN)
    kind: Literal["consultation", "complaint"] = "consultation"
    topic: str = Field(min_length=1, max_length=1000)
    routed_to: str = Field(min_length=1, max_length=64)


class RecordRevisit(Command):
    """Customer service visits a customer again, with the rating if one was given (AS-21, AS-14)."""

    revisit_id: str = Field(pattern=CASE_ID_PATTERN)
    customer_id: str = Field(pattern=CASE_ID_PATTERN)
    order_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN)
    note: str = Field(min_length=1, max_length=2000)
    satisfaction: int | None = Field(default=None, ge=1, le=5)
