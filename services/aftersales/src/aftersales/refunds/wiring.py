"""Wires the refund context onto the runtime: refund-case commands (SM-RET, AS-1..AS-11), the
refund case views and their queries (the ledger of AS-9 among them) and the reactions to orders'
and fulfilment's events, and the catalogue's products (accessory lists for the return inspection,
AS-7; names on the return note; decision 0011). Every projection and reaction names its source aggregates; its durable
consumer derives from them (decision 0007)."""

from __future__ import annotations

from typing import Any

from aftersales.refunds.adapters import queries
from aftersales.refunds.adapters.catalogue import CatalogueProducts, CatalogueReader
from aftersales.refunds.adapters.return_note import rendered, return_note
from aftersales.refunds.adapters.views import RefundCaseViews
from aftersales.refunds.application.handlers import RefundCommands
from aftersales.refunds.application.reactions import FulfilmentReactions, OrderReactions, PaymentReactions
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.errors import NotFound
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import aftersales as c
from shop_contracts.queries.aftersales import GetRefundCase, ListRefundCases, RefundLedger, RenderReturnNote


class RefundsContext:
    """The refund context's parts, kept so queries and tests find the live projection tables."""

    def __init__(self, runtime: ServiceRuntime, policy: AftersalesPolicy, business_tz: str) -> None:
        self.runtime = runtime
        self.business_tz = business_tz
        self.catalogue = CatalogueProducts()
        self.commands = RefundCommands(
            runtime, policy, CatalogueReader(runtime.engine, lambda: self.tables(self.catalogue))
        )
        self.views = RefundCaseViews(business_tz)

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    def wire(self) -> None:
        rt, r = self.runtime, self.commands
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
        projections: tuple[Projection, ...] = (
            self.views,
            self.catalogue,
            OrderReactions(r),
            PaymentReactions(r),
            FulfilmentReactions(r),
        )
        for projection in projections:
            rt.projection(projection)
        rt.query(GetRefundCase, self.get_refund_case)
        rt.query(ListRefundCases, self.list_refund_cases)
        rt.query(RefundLedger, self.refund_ledger)
        rt.query(RenderReturnNote, self.render_return_note)

    async def get_refund_case(self, query: GetRefundCase) -> dict[str, Any]:
        return await queries.get_case(self.runtime.engine, self.tables(self.views), query)

    async def list_refund_cases(self, query: ListRefundCases) -> dict[str, Any]:
        now = self.runtime.clock.now()
        return await queries.list_cases(self.runtime.engine, self.tables(self.views), query, now)

    async def refund_ledger(self, query: RefundLedger) -> dict[str, Any]:
        return await queries.refund_ledger(self.runtime.engine, self.tables(self.views), query)

    async def render_return_note(self, query: RenderReturnNote) -> dict[str, Any]:
        """AS-6: the return note, its products named by the catalogue (decision 0011)."""
        case = await self.commands.cases.state(query.case_id, fresh=True)
        if not case.exists:
            raise NotFound(f"refund case {query.case_id} does not exist")
        facts = await self.commands.facts.state(case.order_id, fresh=True)
        products = await self.commands.catalogue.products(facts.skus)
        return await rendered(return_note(case, facts, products, self.business_tz))
