"""Given / when / then for the stock ledger: commands and reactions through the real handlers on an
in-memory event store with a FixedClock. After every step the stock ledger's own events are pumped
through the allocation reaction and the stock read model (SQLite in memory), as the durable
consumers would."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from fulfilment.stock.adapters import queries
from fulfilment.stock.adapters.views import StockViews
from fulfilment.stock.application.handlers import StockCommands
from fulfilment.stock.application.reactions import AllocationReactions, StockReactions
from fulfilment.stock.domain.allocation import AllocationState
from fulfilment.stock.domain.item import StockItemState, stock_item_id
from fulfilment.stock.domain.policy import StockPolicy
from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.projection import ApplyContext, Decoded
from shop_contracts.commands import stock as c
from shop_contracts.envelope import SYSTEM_ACTOR, Actor, EventEnvelope
from shop_contracts.events.fulfilment import (
    OrderQueuedForShipping,
    ShipmentCancelled,
    ShipmentLine,
    ShipmentStamped,
)
from shop_contracts.events.stock import LotLabel
from shop_contracts.messages import Command, EventData
from shop_contracts.queries.stock import MonthlyInventoryReport, StockLevels

TZ = "Asia/Shanghai"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 on Monday 2 March in Shanghai
TODAY = date(2026, 3, 2)
KEEPER = Actor(id="keeper-1", roles=("warehouse_keeper",))
CLERK = Actor(id="clerk-1", roles=("order_clerk",))
LABEL = LotLabel(
    name="55-inch television",
    specification="4K UHD",
    model="TV-55X",
    production_date=date(2026, 1, 10),
    shelf_life_days=3650,
    safety_warning="high voltage inside",
)
_ids = itertools.count(1)


def receive(
    sku: str = "TV-55",
    lot_no: str = "L1",
    quantity: int = 5,
    *,
    note_quantity: int | None = None,
    supplier: str = "Haier",
    inspection: str = "passed",
    actor: Actor = KEEPER,
    **overrides: Any,
) -> c.ReceiveInbound:
    fields: dict[str, Any] = {
        "command_id": f"receive-{sku}-{lot_no}",
        "actor": actor,
        "sku": sku,
        "lot_no": lot_no,
        "supplier": supplier,
        "delivery_note_no": f"DN-{lot_no}",
        "note_name": "55-inch television",
        "note_quantity": quantity if note_quantity is None else note_quantity,
        "received_name": "55-inch television",
        "received_quantity": quantity,
        "label": LABEL,
        "inspection": inspection,
    }
    return c.ReceiveInbound(**(fields | overrides))


def queued(shipment_id: str = "s-1", order_id: str = "o-1", **lines: int) -> OrderQueuedForShipping:
    items = lines or {"TV-55": 1}
    return OrderQueuedForShipping(
        shipment_id=shipment_id,
        order_id=order_id,
        batch_date=TODAY,
        lines=tuple(ShipmentLine(sku=sku.replace("_", "-"), quantity=qty) for sku, qty in items.items()),
        logistics_method="SF Express",
        queued_at=NOW,
    )


def stamped(shipment_id: str = "s-1", order_id: str = "o-1") -> ShipmentStamped:
    return ShipmentStamped(
        shipment_id=shipment_id,
        order_id=order_id,
        outbound_note_no=f"ON-{shipment_id}",
        waybill_no=f"WB-{shipment_id}",
        keeper="keeper-1",
        stamped_at=NOW,
    )


def cancelled(shipment_id: str = "s-1", order_id: str = "o-1") -> ShipmentCancelled:
    return ShipmentCancelled(shipment_id=shipment_id, order_id=order_id, cancelled_at=NOW)


def envelope(data: EventData, event_id: str, aggregate: str = "Shipment") -> EventEnvelope:
    aggregate_id = getattr(data, "case_id", None) or getattr(data, "shipment_id", "x")
    return EventEnvelope(
        event_id=event_id,
        event_type=data.event_type,
        schema_version=data.schema_version,
        aggregate_type=aggregate,
        aggregate_id=aggregate_id,
        version=1,
        occurred_at=NOW,
        actor=SYSTEM_ACTOR,
        correlation_id=event_id,
        causation_id=event_id,
        data=data.model_dump(mode="json"),
    )


class Stock:
    """The harness: `run` a command, `on` a foreign event; `appended` shows what was recorded."""

    def __init__(self, policy: StockPolicy | None = None) -> None:
        self.clock = FixedClock(NOW)
        self.store = InMemoryEventStore("fulfilment")
        self.engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        self.views = StockViews(TZ)
        self.metadata = MetaData()
        self.tables = self.views.define_tables(self.metadata, "_g1")
        self.ledger = queries.SqlLedgerReader(self.engine, lambda: self.tables, self._nothing)
        self.commands = StockCommands(
            CommandHandler(self.clock), lambda: self.store, policy or StockPolicy(), TZ, self.ledger
        )
        self.reactions = StockReactions(self.commands)
        self._pumped = 0
        self._mark = 0
        self._created = False
        cmds = self.commands
        self.handlers: dict[type[Command], Callable[[Any], Awaitable[CommandResult]]] = {
            c.ReceiveInbound: cmds.receive,
            c.RejectInbound: cmds.reject,
            c.RecordLotInspection: cmds.inspect,
            c.CloseDailyLedger: cmds.close_day,
            c.CompileMonthlyInventoryReport: cmds.compile_month,
            c.RecordStocktake: cmds.record_stocktake,
            c.ReportStockDiscrepancy: cmds.report_discrepancy,
            c.RecordWarehouseCheck: cmds.record_check,
            c.RegisterWarehouseAccess: cmds.register_access,
            c.IssueEventStock: cmds.issue_event_stock,
            c.ReturnEventStock: cmds.return_event_stock,
            c.RestockReturnedGoods: cmds.restock_by_hand,
        }

    async def _nothing(self) -> None:
        return None

    async def close(self) -> None:
        await self.engine.dispose()

    async def run(self, *commands: Command) -> CommandResult:
        result: CommandResult | None = None
        for cmd in commands:
            result = await self.handlers[type(cmd)](cmd)
            await self.pump()
        assert result is not None
        return result

    async def on(self, data: EventData, event_id: str | None = None, reaction: str = "test") -> None:
        """A foreign event (or a redelivery of it, with the same `event_id`) reaches the reactions."""
        event = envelope(data, event_id or f"ev-{next(_ids)}")
        await self.reactions.handle(data, Cause.of_event(reaction, event, SYSTEM_ACTOR))
        await self.pump()

    async def pump(self) -> None:
        """Feed new events of the stock ledger's own stream to the allocation reaction and the views."""
        if not self._created:
            async with self.engine.begin() as conn:
                await conn.run_sync(self.metadata.create_all)
            self._created = True
        while self._pumped < len(self.store.all_events):
            event = self.store.all_events[self._pumped]
            self._pumped += 1
            envelope = event.envelope
            if envelope.event_type in AllocationReactions.handles:
                data = self.commands.items.aggregate.registry.decode(envelope)
                cause = Cause.of_event(AllocationReactions.name, envelope, SYSTEM_ACTOR)
                await self.reactions.handle(data, cause)
            if envelope.event_type in self.views.handles and envelope.aggregate_type in (
                "StockItem",
                "LedgerDay",
                "InventoryMonth",
            ):
                item = Decoded(event, self.views.registry.decode(envelope))
                async with self.engine.begin() as conn:
                    await self.views.apply(conn, self.tables, item, ApplyContext(replaying=False, now=NOW))

    def mark(self) -> None:
        """From now on `appended` shows only newer events."""
        self._mark = len(self.store.all_events)

    def appended(self, aggregate: str | None = None) -> list[EventData]:
        out = []
        for event in self.store.all_events[self._mark :]:
            if aggregate is None or event.envelope.aggregate_type == aggregate:
                out.append(self._decode(event.envelope))
        return out

    def types(self, aggregate: str | None = None) -> list[str]:
        return [e.event_type for e in self.appended(aggregate)]

    def _decode(self, envelope: EventEnvelope) -> EventData:
        for repo in (
            self.commands.items,
            self.commands.allocations,
            self.commands.orders,
            self.commands.days,
            self.commands.months,
            self.commands.stocktakes,
            self.commands.logs,
        ):
            if repo.aggregate.name == envelope.aggregate_type:
                return repo.aggregate.registry.decode(envelope)
        raise AssertionError(envelope.aggregate_type)

    async def item(self, sku: str = "TV-55") -> StockItemState:
        return (await self.commands.items.load(stock_item_id(sku), refresh=True)).state

    async def allocation(self, shipment_id: str = "s-1") -> AllocationState:
        return (await self.commands.allocations.load(shipment_id, refresh=True)).state

    async def levels(self, sku: str | None = None, *, all_lots: bool = False) -> dict[str, Any]:
        result = await queries.stock_levels(self.engine, self.tables, StockLevels(sku=sku, all_lots=all_lots))
        items = {item["sku"]: item for item in result["items"]}
        return items[sku] if sku is not None else items

    async def monthly(self, month: str) -> dict[str, Any]:
        return await queries.monthly_report(
            self.engine, self.tables, MonthlyInventoryReport(month=month), self.today()
        )

    def today(self) -> date:
        return self.commands.today()
