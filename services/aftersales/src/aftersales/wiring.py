"""Wires the Aftersales service onto the runtime: refund-case commands (SM-RET, AS-1..AS-11),
complaint, customer-flag, review, consultation and revisit commands (SM-CMP, SM-CUST-FLAG,
AS-15..AS-21), queries, the views (the review board of AS-16 among them), the complaint response
deadlines and their scheduler (AS-15) and the reactions to orders and fulfilment. Every projection and
reaction names its source aggregates; its durable consumer derives from them (decision 0007)."""

from __future__ import annotations

from typing import Any

from aftersales.adapters import customer_queries, queries
from aftersales.adapters.customer_views import ComplaintViews, CustomerFlagViews, ReviewViews
from aftersales.adapters.deadlines import ComplaintDeadlines
from aftersales.adapters.views import RefundCaseViews
from aftersales.application.customers import CustomerCommands
from aftersales.application.deadlines import ComplaintDeadlineFirer
from aftersales.application.handlers import RefundCommands
from aftersales.application.reactions import FulfilmentReactions, OrderReactions, PaymentReactions
from aftersales.domain.policy import AftersalesPolicy
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import aftersales as c
from shop_contracts.queries.aftersales import (
    ComplaintBoard,
    CustomerFlags,
    GetRefundCase,
    ListRefundCases,
    RefundLedger,
    ReviewBoard,
)

NAME = "aftersales"


class AftersalesService:
    """The running service's parts, kept so queries and tests find the live projection tables."""

    def __init__(self, runtime: ServiceRuntime, policy: AftersalesPolicy, business_tz: str) -> None:
        self.runtime = runtime
        self.refunds = RefundCommands(runtime, policy)
        self.views = RefundCaseViews(business_tz)
        self.customers = CustomerCommands(runtime, policy)
        self.complaint_views = ComplaintViews()
        self.flag_views = CustomerFlagViews()
        self.review_views = ReviewViews()
        self.deadlines = ComplaintDeadlines()
        self.scheduler = DeadlineScheduler(
            runtime.engine,
            lambda: self.tables(self.deadlines)["deadlines"],
            runtime.clock,
            ComplaintDeadlineFirer(self.customers),
        )

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    def wire(self) -> None:
        rt, r = self.runtime, self.refunds
        rt.command(c.RequestRefund, r.request)
        rt.command(c.ApproveRefundRequest, r.approve)
        rt.command(c.RejectRefundRequest, r.reject)
        rt.command(c.ConcludeNegotiation, r.conclude)
        rt.command(c.WithdrawRefundRequest, r.withdraw)
        rt.command(c.RecordReturnDispatch, r.record_dispatch)
        rt.command(c.IssueReturnNote, r.issue_return_note)
        rt.command(c.InspectReturn, r.inspect)
        rt.command(c.ConfirmReturnReceipt, r.confirm_receipt)
        rt.command(c.IssueRefund, r.issue_refund)
        k = self.customers
        rt.command(c.RegisterComplaint, k.register_complaint)
        rt.command(c.RespondToComplaint, k.respond)
        rt.command(c.EscalateComplaint, k.escalate)
        rt.command(c.ResolveComplaint, k.resolve)
        rt.command(c.FlagCustomer, k.flag)
        rt.command(c.ConfirmCustomerFlag, k.confirm_flag)
        rt.command(c.RejectCustomerFlag, k.reject_flag)
        rt.command(c.RecordNegativeReview, k.record_review)
        rt.command(c.ReplyToReview, k.reply_to_review)
        rt.command(c.LogConsultation, k.log_consultation)
        rt.command(c.RecordRevisit, k.record_revisit)
        projections: tuple[Projection, ...] = (
            self.views,
            OrderReactions(r),
            PaymentReactions(r),
            FulfilmentReactions(r),
            self.complaint_views,
            self.deadlines,
            self.flag_views,
            self.review_views,
        )
        for projection in projections:
            rt.projection(projection)
        rt.scheduler(self.scheduler)
        rt.query(GetRefundCase, self.get_refund_case)
        rt.query(ListRefundCases, self.list_refund_cases)
        rt.query(RefundLedger, self.refund_ledger)
        rt.query(ComplaintBoard, self.complaint_board)
        rt.query(CustomerFlags, self.customer_flags)
        rt.query(ReviewBoard, self.review_board)

    async def get_refund_case(self, query: GetRefundCase) -> dict[str, Any]:
        return await queries.get_case(self.runtime.engine, self.tables(self.views), query)

    async def list_refund_cases(self, query: ListRefundCases) -> dict[str, Any]:
        now = self.runtime.clock.now()
        return await queries.list_cases(self.runtime.engine, self.tables(self.views), query, now)

    async def refund_ledger(self, query: RefundLedger) -> dict[str, Any]:
        return await queries.refund_ledger(self.runtime.engine, self.tables(self.views), query)

    async def complaint_board(self, query: ComplaintBoard) -> dict[str, Any]:
        now = self.runtime.clock.now()
        tables = self.tables(self.complaint_views)
        return await customer_queries.complaint_board(self.runtime.engine, tables, query, now)

    async def customer_flags(self, query: CustomerFlags) -> dict[str, Any]:
        return await customer_queries.customer_flags(self.runtime.engine, self.tables(self.flag_views), query)

    async def review_board(self, query: ReviewBoard) -> dict[str, Any]:
        now = self.runtime.clock.now()
        tables = self.tables(self.review_views)
        return await customer_queries.review_board(self.runtime.engine, tables, query, now)
