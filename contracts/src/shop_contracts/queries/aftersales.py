"""Queries of the Aftersales service, on `aftersales.queries.<QueryName>`, and the states of refund
cases (SM-RET), complaints (SM-CMP), customer flags (SM-CUST-FLAG) and negative reviews (AS-16)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, Field, model_validator

from shop_contracts.commands.aftersales import CASE_ID_PATTERN
from shop_contracts.messages import FieldError, Query

CASE_READERS: Final = (
    "aftersales_cs",
    "presales_cs",
    "cs_supervisor",
    "dept_supervisor",
    "dept_manager",
    "ecom_supervisor",
    "order_clerk",
    "warehouse_keeper",
)
"""Who reads refund cases (rules.md §0, AS-1..AS-9): customer service, the supervisor deciding them,
the order clerk issuing return notes and the warehouse keeper receiving returns."""
CS_READERS: Final = ("aftersales_cs", "presales_cs", "cs_supervisor", "duty_cs_manager", "ecom_supervisor")
"""Who reads complaints, customer flags and reviews (AS-15..AS-19): customer service and its supervisors."""


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


class GetRefundCase(Query):
    """One refund case: state, branch, amounts and its full history."""

    read_roles = CASE_READERS
    read_rule = "AS-2"

    case_id: str = Field(pattern=CASE_ID_PATTERN)


class RenderReturnNote(Query):
    """The case's return note (退貨單, AS-6) as PDF, once the order clerk issued it: the order, the
    return waybill and reason, each returned product's SKU with its name and specifications from
    the catalogue (a SKU the catalogue never spoke for prints alone), the clerk's and the
    inspector's signature lines. Answers `pdf_base64`."""

    read_roles = CASE_READERS
    read_rule = "AS-6"

    case_id: str = Field(pattern=CASE_ID_PATTERN)


class ListRefundCases(Query):
    """Cases by state, order, and age (requested before/after), oldest first, one page at a time."""

    read_roles = CASE_READERS
    read_rule = "AS-2"

    status: RefundCaseStatus | None = None
    order_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN)
    requested_from: AwareDatetime | None = None
    requested_before: AwareDatetime | None = Field(default=None, description="exclusive")
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class RefundLedger(Query):
    """Issued refunds with their platform references per business day (AS-9), days inclusive: the
    totals of every day, and one page of the refunds in issue order (`limit`, `offset`; `total` is
    how many there are)."""

    read_roles = ("dept_supervisor", "cashier", "cs_supervisor", "dept_manager", "ecom_supervisor")
    read_rule = "AS-9"

    date_from: dt.date
    date_to: dt.date
    limit: int = Field(default=200, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> RefundLedger:
        if self.date_to < self.date_from:
            raise FieldError("date_to is before date_from", "date_to")
        if (self.date_to - self.date_from).days > 366:
            raise FieldError("at most 366 days per query", "date_to")
        return self


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


class ComplaintBoard(Query):
    """Unresolved complaints in three lists, oldest first: open (no response yet), overdue (no
    response within the SLA, AS-15) and escalated to the supervisor (AS-19); each list one page at a
    time (`limit`, `offset`), `counts` says how long each is."""

    read_roles = CS_READERS
    read_rule = "AS-15"

    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class CustomerFlags(Query):
    """Inferior-customer flags by state or customer (AS-18), newest first."""

    read_roles = CS_READERS
    read_rule = "AS-18"

    status: CustomerFlagStatus | None = None
    customer_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class ReviewStatus(StrEnum):
    """A negative review is tracked until customer service has replied to it (AS-16)."""

    PENDING_REPLY = "PendingReply"
    REPLIED = "Replied"


class ReviewBoard(Query):
    """Negative reviews, those awaiting a reply first, oldest first within each, with the counts per
    state (AS-16); by state or customer, one page at a time."""

    read_roles = CS_READERS
    read_rule = "AS-16"

    status: ReviewStatus | None = None
    customer_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN)
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)
