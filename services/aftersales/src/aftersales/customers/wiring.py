"""Wires the customer context onto the runtime: complaint, customer-flag, review, consultation and
revisit commands (SM-CMP, SM-CUST-FLAG, AS-15..AS-21), the views and their queries (the review
board of AS-16 among them), the complaint response deadlines and their scheduler (AS-15), routed outside online hours to
whoever is on duty by HR's duty rota (DUTY-1, AS-22). Every
projection names its source aggregate; its durable consumer derives from it (decision 0007)."""

from __future__ import annotations

from typing import Any

from aftersales.customers.adapters import queries
from aftersales.customers.adapters.deadlines import ComplaintDeadlines
from aftersales.customers.adapters.duty import DutyReader, DutyRotaView
from aftersales.customers.adapters.views import ComplaintViews, CustomerFlagViews, ReviewViews
from aftersales.customers.application.commands import CustomerCommands
from aftersales.customers.application.deadlines import ComplaintDeadlineFirer
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import aftersales as c
from shop_contracts.queries.aftersales import ComplaintBoard, CustomerFlags, ReviewBoard


class CustomersContext:
    """The customer context's parts, kept so queries and tests find the live projection tables."""

    def __init__(self, runtime: ServiceRuntime, policy: AftersalesPolicy) -> None:
        self.runtime = runtime
        self.commands = CustomerCommands(runtime, policy)
        self.complaint_views = ComplaintViews()
        self.flag_views = CustomerFlagViews()
        self.review_views = ReviewViews()
        self.deadlines = ComplaintDeadlines()
        self.duty_rota = DutyRotaView()
        self.duty = DutyReader(
            runtime.engine, lambda: self.tables(self.duty_rota), policy, runtime.settings.business_tz
        )
        self.scheduler = DeadlineScheduler(
            runtime.engine,
            lambda: self.tables(self.deadlines)["deadlines"],
            runtime.clock,
            ComplaintDeadlineFirer(self.commands, self.duty.cover),
        )

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    def wire(self) -> None:
        rt, k = self.runtime, self.commands
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
        projections = (
            self.complaint_views,
            self.deadlines,
            self.flag_views,
            self.review_views,
            self.duty_rota,
        )
        for projection in projections:
            rt.projection(projection)
        rt.scheduler(self.scheduler)
        rt.query(ComplaintBoard, self.complaint_board)
        rt.query(CustomerFlags, self.customer_flags)
        rt.query(ReviewBoard, self.review_board)

    async def complaint_board(self, query: ComplaintBoard) -> dict[str, Any]:
        now = self.runtime.clock.now()
        tables = self.tables(self.complaint_views)
        board = await queries.complaint_board(self.runtime.engine, tables, query, now)
        return await queries.route_replies(board, self.duty)

    async def customer_flags(self, query: CustomerFlags) -> dict[str, Any]:
        return await queries.customer_flags(self.runtime.engine, self.tables(self.flag_views), query)

    async def review_board(self, query: ReviewBoard) -> dict[str, Any]:
        now = self.runtime.clock.now()
        tables = self.tables(self.review_views)
        return await queries.review_board(self.runtime.engine, tables, query, now)
