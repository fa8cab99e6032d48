"""Wires the Orders service onto the runtime: commands, queries, projections, reactions and the
deadline scheduler (SM-ORD; ORD-1..ORD-16 through the domain), the weekly backup deadlines with
their own scheduler (ORD-4), the buyer risk read model fed by
after-sales' confirmed customer flags (AS-18), the catalogue's products PlaceOrder checks (CAT-7), HR's duty rota that routes out-of-hours
contact deadlines (DUTY-1, AS-22). Each projection names its source aggregates; the
runtime derives the durable consumers they need from them (decision 0007).
"""

from __future__ import annotations

from typing import Any

from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from orders.adapters import queries
from orders.adapters.backups import BackupDeadlines, order_backups
from orders.adapters.catalogue import CatalogueProducts, CatalogueReader
from orders.adapters.deadlines import OrderDeadlines
from orders.adapters.duty import DutyReader, DutyRotaView
from orders.adapters.risk import BuyerRiskViews
from orders.adapters.stock import StockSignals
from orders.adapters.views import OrderViews
from orders.application.deadlines import BackupDeadlineFirer, DeadlineFirer
from orders.application.handlers import OrderCommands
from orders.application.reactions import AftersalesReactions, FulfilmentReactions
from orders.domain.backup import ORDER_BACKUP
from orders.domain.policy import OrderPolicy
from orders.domain.state import ORDER
from shop_contracts.commands.orders import (
    BackUpOrders,
    ConfirmOrder,
    CorrectOrderDetails,
    HandOverOrder,
    MarkOrderViewed,
    NotifyOutOfStock,
    PlaceOrder,
    RecordBuyerRemark,
    RecordCustomerContact,
    RecordPayment,
)
from shop_contracts.queries.orders import DailySales, GetOrder, ListOrders, OrderBackups, SlaBoard

NAME = "orders"
COMMANDS = (
    PlaceOrder,
    RecordPayment,
    RecordBuyerRemark,
    MarkOrderViewed,
    RecordCustomerContact,
    ConfirmOrder,
    HandOverOrder,
    NotifyOutOfStock,
    CorrectOrderDetails,
    BackUpOrders,
)


class OrdersService:
    """The running service's parts, kept so queries and tests find the live projection tables."""

    def __init__(self, runtime: ServiceRuntime, policy: OrderPolicy, business_tz: str) -> None:
        self.runtime = runtime
        self.catalogue = CatalogueProducts()
        self.commands = OrderCommands(
            runtime.aggregates(ORDER),
            runtime.aggregates(ORDER_BACKUP, cache_size=64),
            policy,
            CatalogueReader(runtime.engine, lambda: self.tables(self.catalogue)),
        )
        self.views = OrderViews(policy, business_tz)
        self.deadlines = OrderDeadlines(policy)
        self.duty_rota = DutyRotaView()
        self.duty = DutyReader(runtime.engine, lambda: self.tables(self.duty_rota), policy, business_tz)
        self.risk = BuyerRiskViews()
        self.stock = StockSignals()
        self.scheduler = DeadlineScheduler(
            runtime.engine,
            lambda: self.tables(self.deadlines)["deadlines"],
            runtime.clock,
            DeadlineFirer(self.commands, self.duty.cover),
        )
        self.backups = BackupDeadlines(policy)
        self.backup_scheduler = DeadlineScheduler(
            runtime.engine,
            lambda: self.tables(self.backups)["deadlines"],
            runtime.clock,
            BackupDeadlineFirer(self.commands),
        )

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    def wire(self) -> None:
        rt, cmds = self.runtime, self.commands
        rt.command(PlaceOrder, cmds.place)
        rt.command(RecordPayment, cmds.record_payment)
        rt.command(RecordBuyerRemark, cmds.record_buyer_remark)
        rt.command(MarkOrderViewed, cmds.mark_viewed)
        rt.command(RecordCustomerContact, cmds.record_contact)
        rt.command(ConfirmOrder, cmds.confirm)
        rt.command(HandOverOrder, cmds.hand_over)
        rt.command(NotifyOutOfStock, cmds.notify_out_of_stock)
        rt.command(CorrectOrderDetails, cmds.correct_details)
        rt.command(BackUpOrders, cmds.back_up)
        projections: tuple[Projection, ...] = (
            self.views,
            self.deadlines,
            self.backups,
            FulfilmentReactions(cmds),
            AftersalesReactions(cmds),
            self.risk,
            self.stock,
            self.catalogue,
            self.duty_rota,
        )
        for projection in projections:
            rt.projection(projection)
        rt.scheduler(self.scheduler)
        rt.scheduler(self.backup_scheduler)
        rt.query(GetOrder, self.get_order)
        rt.query(ListOrders, self.list_orders)
        rt.query(SlaBoard, self.sla_board)
        rt.query(DailySales, self.daily_sales)
        rt.query(OrderBackups, self.order_backups)

    async def get_order(self, query: GetOrder) -> dict[str, Any]:
        risk, stock = self.tables(self.risk)["risk"], self.tables(self.stock)["stock"]
        return await queries.get_order(self.runtime.engine, self.tables(self.views), risk, stock, query)

    async def list_orders(self, query: ListOrders) -> dict[str, Any]:
        risk = self.tables(self.risk)["risk"]
        return await queries.list_orders(self.runtime.engine, self.tables(self.views), risk, query)

    async def sla_board(self, query: SlaBoard) -> dict[str, Any]:
        now = self.runtime.clock.now()
        board = await queries.sla_board(self.runtime.engine, self.tables(self.views), now, query)
        return await queries.route_contacts(board, self.duty)

    async def daily_sales(self, query: DailySales) -> dict[str, Any]:
        return await queries.daily_sales(self.runtime.engine, self.tables(self.views), query)

    async def order_backups(self, query: OrderBackups) -> dict[str, Any]:
        return await order_backups(self.runtime.engine, self.tables(self.backups), query)
