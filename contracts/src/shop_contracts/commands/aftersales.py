"""Commands of the Aftersales service, on `aftersales.commands.<CommandName>` (rules.md §10.3,
SM-RET). Field validation only; roles, reasons (AS-1), branches (AS-2), the 7-day window
(AS-11), refund limits and SLAs are enforced by the Aftersales domain."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shop_contracts.events.refund_case import NegotiationOutcome
from shop_contracts.messages import Command

CASE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""Case and order ids are one subject token of at most 64 characters."""


class RequestRefund(Command):
    """The buyer asks for a refund with a reason from the configured list (AS-1) and says whether
    the goods arrived (AS-2); `amount` defaults to what is left of the order after earlier refunds."""

    command_name: ClassVar[str] = "RequestRefund"
    case_id: str = Field(pattern=CASE_ID_PATTERN)
    order_id: str = Field(pattern=CASE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=64)
    goods_received: bool
    amount: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    note: str = Field(default="", max_length=1000)


class ApproveRefundRequest(Command):
    """The department supervisor approves (AS-2, AS-3, AS-4)."""

    command_name: ClassVar[str] = "ApproveRefundRequest"
    case_id: str = Field(pattern=CASE_ID_PATTERN)


class RejectRefundRequest(Command):
    """The department supervisor rejects; customer service negotiates (AS-2, AS-5)."""

    command_name: ClassVar[str] = "RejectRefundRequest"
    case_id: str = Field(pattern=CASE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)


class ConcludeNegotiation(Command):
    """Customer service concludes the negotiation: resubmitted, withdrawn or rejected (AS-5)."""

    command_name: ClassVar[str] = "ConcludeNegotiation"
    case_id: str = Field(pattern=CASE_ID_PATTERN)
    outcome: NegotiationOutcome
    note: str = Field(default="", max_length=1000)


class WithdrawRefundRequest(Command):
    """The buyer withdraws an open request (SM-RET)."""

    command_name: ClassVar[str] = "WithdrawRefundRequest"
    case_id: str = Field(pattern=CASE_ID_PATTERN)


class RecordReturnDispatch(Command):
    """The buyer shipped the goods back with this waybill (AS-4)."""

    command_name: ClassVar[str] = "RecordReturnDispatch"
    case_id: str = Field(pattern=CASE_ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)


class IssueReturnNote(Command):
    """The order clerk issues the return note with the reason for the return (AS-6)."""

    command_name: ClassVar[str] = "IssueReturnNote"
    case_id: str = Field(pattern=CASE_ID_PATTERN)
    return_reason: str = Field(min_length=1, max_length=500)


class InspectReturn(Command):
    """After-sales checks goods and accessories against what was shipped (AS-7)."""

    command_name: ClassVar[str] = "InspectReturn"
    case_id: str = Field(pattern=CASE_ID_PATTERN)
    goods_match: bool
    damaged: bool = False
    accessories_present: tuple[str, ...] = Field(default=(), max_length=100)
    missing_accessories: tuple[str, ...] = Field(default=(), max_length=100)
    note: str = Field(default="", max_length=1000)


class ConfirmReturnReceipt(Command):
    """After-sales confirms receipt of inspected goods (AS-7, AS-8)."""

    command_name: ClassVar[str] = "ConfirmReturnReceipt"
    case_id: str = Field(pattern=CASE_ID_PATTERN)


class IssueRefund(Command):
    """The department supervisor releases the refund, done in the platform back-end (AS-8, AS-9)."""

    command_name: ClassVar[str] = "IssueRefund"
    case_id: str = Field(pattern=CASE_ID_PATTERN)
    platform_ref: str = Field(min_length=1, max_length=128)
