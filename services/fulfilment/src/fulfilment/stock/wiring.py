"""The stock ledger context's composition (FUL-12..FUL-24): its commands, queries, projections and
reactions on the fulfilment runtime; each projection's durable consumer (`fulfilment-stock-*`)
derives from its name and `sources` (decision 0007)."""

from __future__ import annotations

from typing import Any

from fulfilment.stock.adapters import queries
from fulfilment.stock.adapters.views import StockViews
from fulfilment.stock.application.handlers import StockCommands
from fulfilment.stock.application.reactions import (
    AftersalesStockReactions,
    AllocationReactions,
    ShippingStockReactions,
    StockReactions,
)
from fulfilment.stock.domain.ledger import business_day
from fulfilment.stock.domain.policy import StockPolicy
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import stock as c
from shop_contracts.queries.stock import MonthlyInventoryReport, StockLevels

STOCK_COMMANDS = (
    c.ReceiveInbound,
    c.RejectInbound,
    c.RecordLotInspection,
    c.CloseDailyLedger,
    c.CompileMonthlyInventoryReport,
    c.RecordStocktake,
    c.ReportStockDiscrepancy,
    c.RecordWarehouseCheck,
    c.RegisterWarehouseAccess,
    c.IssueEventStock,
    c.ReturnEventStock,
    c.RestockReturnedGoods,
)


class StockService:
    """The stock ledger's running parts."""

    def __init__(self, runtime: ServiceRuntime, policy: StockPolicy, business_tz: str) -> None:
        self.runtime = runtime
        self.policy = policy
        self.business_tz = business_tz
        self.views = StockViews(business_tz)
        ledger = queries.SqlLedgerReader(
            runtime.engine, lambda: self.tables(self.views), self._views_caught_up
        )
        self.commands = StockCommands(runtime, policy, business_tz, ledger)
        self.reactions = StockReactions(self.commands)

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    async def _views_caught_up(self) -> None:
        await self.runtime.runner(self.views.name).wait_caught_up()

    def wire(self) -> None:
        """Register the stock ledger's endpoints and projections on the runtime."""
        rt, cmds = self.runtime, self.commands
        rt.command(c.ReceiveInbound, cmds.receive)
        rt.command(c.RejectInbound, cmds.reject)
        rt.command(c.RecordLotInspection, cmds.inspect)
        rt.command(c.CloseDailyLedger, cmds.close_day)
        rt.command(c.CompileMonthlyInventoryReport, cmds.compile_month)
        rt.command(c.RecordStocktake, cmds.record_stocktake)
        rt.command(c.ReportStockDiscrepancy, cmds.report_discrepancy)
        rt.command(c.RecordWarehouseCheck, cmds.record_check)
        rt.command(c.RegisterWarehouseAccess, cmds.register_access)
        rt.command(c.IssueEventStock, cmds.issue_event_stock)
        rt.command(c.ReturnEventStock, cmds.return_event_stock)
        rt.command(c.RestockReturnedGoods, cmds.restock_by_hand)
        projections: tuple[Projection, ...] = (
            self.views,
            ShippingStockReactions(self.reactions),
            AllocationReactions(self.reactions),
            AftersalesStockReactions(self.reactions),
        )
        for projection in projections:
            rt.projection(projection)
        rt.query(StockLevels, self.stock_levels)
        rt.query(MonthlyInventoryReport, self.monthly_report)

    async def stock_levels(self, query: StockLevels) -> dict[str, Any]:
        return await queries.stock_levels(self.runtime.engine, self.tables(self.views), query)

    async def monthly_report(self, query: MonthlyInventoryReport) -> dict[str, Any]:
        today = business_day(self.runtime.clock.now(), self.business_tz)
        return await queries.monthly_report(self.runtime.engine, self.tables(self.views), query, today)
