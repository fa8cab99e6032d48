"""Stock ledger command handlers: load the aggregate, let the domain decide, append (FUL-12..FUL-24).

Work that spans several aggregates (a stocktake adjusting many skus, a return restocking an order's
skus) is recorded first on the aggregate that owns the decision, then carried to each StockItem
with a cause derived from the first one, so sending the same command again completes a half-done
job and appends nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol, TypeVar

from fulfilment.stock.domain import count, ledger, moves, returns, warehouse
from fulfilment.stock.domain.allocation import STOCK_ALLOCATION
from fulfilment.stock.domain.count import STOCKTAKE
from fulfilment.stock.domain.item import STOCK_ITEM, StockItemState, stock_item_id
from fulfilment.stock.domain.ledger import INVENTORY_MONTH, LEDGER_DAY, business_day
from fulfilment.stock.domain.policy import StockPolicy
from fulfilment.stock.domain.returns import ORDER_STOCK, OrderStockState
from fulfilment.stock.domain.warehouse import WAREHOUSE_LOG
from jetstream_es.clock import Clock
from jetstream_es.commands import Cause, CommandResult, Decide, cause_of
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import stock as c
from shop_contracts.events.stock import LedgerLine
from shop_contracts.messages import EventData

S = TypeVar("S")


class LedgerReader(Protocol):
    """The goods ledger as the read model holds it, once it has caught up with the stream."""

    async def lines(self, first: date, last: date) -> tuple[list[LedgerLine], list[date]]:
        """Ledger lines from `first` to `last` and the days with movements that are not closed."""
        ...


def sub_cause(cause: Cause, part: str) -> Cause:
    """A cause for one step of a multi-aggregate job, derived from the job's cause."""
    key = f"{cause.key}/{part}"
    if len(key) > 128:
        key = f"{cause.key[:80]}/{hashlib.sha256(part.encode()).hexdigest()[:40]}"
    return Cause(key=key, actor=cause.actor, correlation_id=cause.correlation_id, causation_id=key)


class StockCommands:
    """Every way the stock ledger's aggregates change, by people (commands) or by reactions."""

    def __init__(
        self, runtime: ServiceRuntime, policy: StockPolicy, business_tz: str, ledger: LedgerReader
    ) -> None:
        self.policy = policy
        self.tz = business_tz
        self.ledger = ledger
        self.clock: Clock = runtime.clock
        self.items = runtime.aggregates(STOCK_ITEM)
        self.allocations = runtime.aggregates(STOCK_ALLOCATION)
        self.orders = runtime.aggregates(ORDER_STOCK)
        self.days = runtime.aggregates(LEDGER_DAY)
        self.months = runtime.aggregates(INVENTORY_MONTH)
        self.stocktakes = runtime.aggregates(STOCKTAKE)
        self.logs = runtime.aggregates(WAREHOUSE_LOG)

    def today(self) -> date:
        return business_day(self.clock.now(), self.tz)

    async def on_item(
        self, sku: str, cause: Cause, decide: Callable[[StockItemState], Sequence[EventData]]
    ) -> CommandResult:
        return await self.items.execute(
            stock_item_id(sku), cause, lambda s, _now: decide(s), must_exist=False
        )

    async def item_state(self, sku: str) -> StockItemState:
        return await self.items.state(stock_item_id(sku))

    # -- inbound and inspection (FUL-12, FUL-17, FUL-22, FUL-24) ----------------------------------------

    async def receive(self, cmd: c.ReceiveInbound) -> CommandResult:
        self.policy.roles.require(cmd.actor, "ReceiveInbound")
        now = self.clock.now()
        return await self.on_item(cmd.sku, cause_of(cmd), lambda s: moves.receive(s, cmd, self.policy, now))

    async def reject(self, cmd: c.RejectInbound) -> CommandResult:
        self.policy.roles.require(cmd.actor, "RejectInbound")
        now = self.clock.now()
        return await self.on_item(cmd.sku, cause_of(cmd), lambda s: moves.reject(s, cmd, self.policy, now))

    async def inspect(self, cmd: c.RecordLotInspection) -> CommandResult:
        self.policy.roles.require(cmd.actor, "RecordLotInspection")
        now = self.clock.now()
        return await self.on_item(cmd.sku, cause_of(cmd), lambda s: moves.inspect(s, cmd, now))

    # -- event stock (FUL-23) ------------------------------------------------------------------------------

    async def issue_event_stock(self, cmd: c.IssueEventStock) -> CommandResult:
        self.policy.roles.require(cmd.actor, "IssueEventStock")
        now = self.clock.now()
        return await self.on_item(cmd.sku, cause_of(cmd), lambda s: moves.issue_event_stock(s, cmd, now))

    async def return_event_stock(self, cmd: c.ReturnEventStock) -> CommandResult:
        self.policy.roles.require(cmd.actor, "ReturnEventStock")
        now = self.clock.now()
        return await self.on_item(cmd.sku, cause_of(cmd), lambda s: moves.return_event_stock(s, cmd, now))

    # -- counts and discrepancies (FUL-15) -----------------------------------------------------------------

    async def report_discrepancy(self, cmd: c.ReportStockDiscrepancy) -> CommandResult:
        self.policy.roles.require(cmd.actor, "ReportStockDiscrepancy")
        now = self.clock.now()
        return await self.on_item(
            cmd.sku, cause_of(cmd), lambda s: moves.report_discrepancy(s, cmd, self.policy, now)
        )

    async def record_stocktake(self, cmd: c.RecordStocktake) -> CommandResult:
        self.policy.roles.require(cmd.actor, "RecordStocktake")
        cause, now, today = cause_of(cmd), self.clock.now(), self.today()
        book: dict[tuple[str, str], int | None] = {}
        for line in cmd.lines:
            lot = (await self.item_state(line.sku)).lots.get(line.lot_no)
            book[(line.sku, line.lot_no)] = lot.on_hand if lot is not None else None
        result = await self.stocktakes.execute(
            cmd.stocktake_id,
            cause,
            lambda s, _now: count.record(s, cmd, book, today, self.policy, now),
            must_exist=False,
        )
        reason = f"stocktake {cmd.stocktake_id}"
        for line in cmd.lines:
            await self.on_item(
                line.sku,
                sub_cause(cause, f"{line.sku}/{line.lot_no}"),
                lambda s, line=line: moves.adjust_to_count(  # type: ignore[misc]
                    s, line.lot_no, line.counted, line.damaged, cmd.stocktake_id, line.cause or reason, now
                ),
            )
        return result

    # -- ledger closes (FUL-13, FUL-14) --------------------------------------------------------------------

    async def close_day(self, cmd: c.CloseDailyLedger) -> CommandResult:
        self.policy.roles.require(cmd.actor, "CloseDailyLedger")
        now, today = self.clock.now(), self.today()
        lines: list[LedgerLine] = []
        if cmd.day <= today:
            lines, _ = await self.ledger.lines(cmd.day, cmd.day)
        return await self.days.execute(
            cmd.day.isoformat(),
            cause_of(cmd),
            lambda s, _now: ledger.close_day(s, cmd.day, lines, today, cmd.actor, now),
            must_exist=False,
        )

    async def compile_month(self, cmd: c.CompileMonthlyInventoryReport) -> CommandResult:
        self.policy.roles.require(cmd.actor, "CompileMonthlyInventoryReport")
        now, today = self.clock.now(), self.today()
        first, last = ledger.month_bounds(cmd.month)
        last = min(last, today)
        lines: list[LedgerLine] = []
        unclosed: list[date] = []
        if first <= last:
            lines, unclosed = await self.ledger.lines(first, last)
        return await self.months.execute(
            cmd.month,
            cause_of(cmd),
            lambda s, _now: ledger.compile_month(
                s, cmd.month, lines, unclosed, today, now, cmd.actor, self.policy, now
            ),
            must_exist=False,
        )

    # -- warehouse log (FUL-18, FUL-19) --------------------------------------------------------------------

    async def record_check(self, cmd: c.RecordWarehouseCheck) -> CommandResult:
        self.policy.roles.require(cmd.actor, "RecordWarehouseCheck")
        now, today = self.clock.now(), self.today()
        return await self.logs.execute(
            cmd.day.isoformat(),
            cause_of(cmd),
            lambda s, _now: warehouse.check(s, cmd, today, self.policy, now),
            must_exist=False,
        )

    async def register_access(self, cmd: c.RegisterWarehouseAccess) -> CommandResult:
        self.policy.roles.require(cmd.actor, "RegisterWarehouseAccess")
        now, today = self.clock.now(), self.today()
        return await self.logs.execute(
            today.isoformat(),
            cause_of(cmd),
            lambda s, _now: warehouse.register_access(s, cmd, today, now),
            must_exist=False,
        )

    # -- returns (FUL-22, FUL-24) --------------------------------------------------------------------------

    async def restock_by_hand(self, cmd: c.RestockReturnedGoods) -> CommandResult:
        self.policy.roles.require(cmd.actor, "RestockReturnedGoods")
        cause = cause_of(cmd)
        result = await self.orders.execute(
            cmd.order_id, cause, lambda s, _now: returns.plan_by_hand(s, cmd), must_exist=False
        )
        await self.restock_planned(cmd.order_id, cmd.case_id, cause)
        return result

    async def restock_planned(self, order_id: str, case_id: str, cause: Cause) -> None:
        """Carry a return case's restock plan to each sku (idempotent per case and sku)."""
        plan = (await self.orders.state(order_id)).restocked.get(case_id)
        if plan is None:
            return
        now = self.clock.now()
        for line in plan.lines:
            await self.on_item(
                line.sku,
                sub_cause(cause, line.sku),
                lambda s, line=line: moves.restock(  # type: ignore[misc]
                    s, line.sku, case_id, order_id, line.quantity, plan.sellable, line.source_lots, now
                ),
            )

    async def on_order(self, order_id: str, cause: Cause, decide: Decide[OrderStockState]) -> CommandResult:
        return await self.orders.execute(order_id, cause, lambda s, _now: decide(s), must_exist=False)
