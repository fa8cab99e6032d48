"""Wires the Aftersales service onto the runtime: refund-case commands (SM-RET, AS-1..AS-11),
queries, the refund-case views and the reactions to orders and fulfilment, and the durable
consumers they need."""

from __future__ import annotations

from typing import Any

from aftersales.adapters import queries
from aftersales.adapters.views import RefundCaseViews
from aftersales.application.handlers import RefundCommands
from aftersales.application.reactions import FulfilmentReactions, OrderReactions
from aftersales.domain.policy import AftersalesPolicy
from jetstream_es.projection import Projection, Tables
from jetstream_es.provision import ConsumerSpec
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import aftersales as c
from shop_contracts.queries.aftersales import GetRefundCase, ListRefundCases, RefundLedger

NAME = "aftersales"
CONSUMERS: dict[str, ConsumerSpec] = {
    RefundCaseViews.name: ConsumerSpec(
        "AFTERSALES", "aftersales-refund-views", RefundCaseViews.filter_subjects
    ),
    OrderReactions.name: ConsumerSpec("ORDERS", "aftersales-order-reactions", OrderReactions.filter_subjects),
    FulfilmentReactions.name: ConsumerSpec(
        "FULFILMENT", "aftersales-fulfilment-reactions", FulfilmentReactions.filter_subjects
    ),
}


class AftersalesService:
    """The running service's parts, kept so queries and tests find the live projection tables."""

    def __init__(
        self, runtime: ServiceRuntime, policy: AftersalesPolicy, business_tz: str, cache_size: int
    ) -> None:
        self.runtime = runtime
        self.refunds = RefundCommands(runtime.commands, lambda: runtime.store, policy, cache_size)
        self.views = RefundCaseViews(business_tz)

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
        for projection in (self.views, OrderReactions(r), FulfilmentReactions(r)):
            rt.projection(projection, CONSUMERS[projection.name].durable)
        rt.query(GetRefundCase, self.get_refund_case)
        rt.query(ListRefundCases, self.list_refund_cases)
        rt.query(RefundLedger, self.refund_ledger)

    async def get_refund_case(self, query: GetRefundCase) -> dict[str, Any]:
        return await queries.get_case(self.runtime.engine, self.tables(self.views), query)

    async def list_refund_cases(self, query: ListRefundCases) -> dict[str, Any]:
        now = self.runtime.clock.now()
        return await queries.list_cases(self.runtime.engine, self.tables(self.views), query, now)

    async def refund_ledger(self, query: RefundLedger) -> dict[str, Any]:
        return await queries.refund_ledger(self.runtime.engine, self.tables(self.views), query)
