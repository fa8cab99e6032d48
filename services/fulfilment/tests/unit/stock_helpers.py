"""Given / when / then for the stock ledger context: the service's real `build()` on an in-memory
event store with a FixedClock (`FulfilmentApp`, a `TestApp`). After every step the stock ledger's own events are pumped
through the allocation reaction and the stock read model (SQLite in memory), as the durable
consumers would."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from fulfilment.bootstrap import FulfilmentSettings
from fulfilment.stock.adapters import queries
from fulfilment.stock.adapters.views import StockViews
from fulfilment.stock.application.handlers import StockCommands
from fulfilment.stock.domain.allocation import STOCK_ALLOCATION, AllocationState
from fulfilment.stock.domain.item import STOCK_ITEM, StockItemState, stock_item_id
from jetstream_es.commands import CommandResult
from jetstream_es.projection import ApplyContext, Decoded, subject_matches
from shop_contracts.aggregates import AFTERSALES_REFUND_CASE, FULFILMENT_SHIPMENT
from shop_contracts.commands import stock as c
from shop_contracts.envelope import Actor
from shop_contracts.events.fulfilment import (
    OrderQueuedForShipping,
    ShipmentCancelled,
    ShipmentLine,
    ShipmentStamped,
)
from shop_contracts.events.stock import LotLabel
from shop_contracts.messages import Command, EventData
from shop_contracts.queries.stock import MonthlyInventoryReport, StockLevels

from .fulfilment_app import FulfilmentApp

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


class Stock(FulfilmentApp):
    """The stock ledger context of the real service: `run` a command, `on` a foreign event;
    `appended` shows what was recorded. After every step the service's new events are pumped to
    the stock reactions and to the stock read model (SQLite in memory, the ledger the close and
    the monthly report read), as the durable consumers would."""

    context = "stock"

    def __init__(self, settings: FulfilmentSettings | None = None) -> None:
        super().__init__(NOW, settings)
        self.engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        self.views = next(p for p, _ in self.runtime.projections if isinstance(p, StockViews))
        self.metadata = MetaData()
        self.tables = self.views.define_tables(self.metadata, "_g1")
        self.commands: StockCommands = self.handlers(c.ReceiveInbound)
        self.commands.ledger = queries.SqlLedgerReader(self.engine, lambda: self.tables, self._nothing)
        self._views_at = 0
        self._since = 0
        self._created = False

    async def _nothing(self) -> None:
        return None

    async def close(self) -> None:
        await self.engine.dispose()

    async def run(self, *commands: Command) -> CommandResult:
        result: CommandResult | None = None
        for cmd in commands:
            result = await self.when(cmd)
            await self.pump()
        assert result is not None
        return result

    async def on(self, data: EventData, event_id: str | None = None) -> None:
        """A foreign event (or a redelivery of it, with the same `event_id`) reaches the reactions."""
        source = AFTERSALES_REFUND_CASE if hasattr(data, "case_id") else FULFILMENT_SHIPMENT
        aggregate_id = str(getattr(data, "case_id", None) or getattr(data, "shipment_id", "x"))
        readers = [r for r in self.reactions if data.event_type in r.handles and r.stream == source.stream]
        for reaction in readers:
            await self.deliver_to(
                reaction, data, source=source, aggregate_id=aggregate_id, at=NOW, event_id=event_id
            )
        await self.pump()

    async def pump(self) -> None:
        """Feed new events to the stock reactions and to the stock read model."""
        await super().pump()
        if not self._created:
            async with self.engine.begin() as conn:
                await conn.run_sync(self.metadata.create_all)
            self._created = True
        while self._views_at < len(self.store.all_events):
            event = self.store.all_events[self._views_at]
            self._views_at += 1
            if event.event_type not in self.views.handles:
                continue
            if not any(subject_matches(f, event.subject) for f in self.views.filter_subjects):
                continue
            item = Decoded(event, self.views.registry.decode(event.envelope))
            async with self.engine.begin() as conn:
                await self.views.apply(conn, self.tables, item, ApplyContext(replaying=False, now=NOW))

    def mark(self) -> None:
        """From now on `appended` shows only newer events."""
        self._since = len(self.store.all_events)

    def appended(self, aggregate: str | None = None) -> list[EventData]:
        return [
            self._decode(event)
            for event in self.store.all_events[self._since :]
            if aggregate is None or event.envelope.aggregate_type == aggregate
        ]

    def types(self, aggregate: str | None = None) -> list[str]:  # type: ignore[override]
        return [e.event_type for e in self.appended(aggregate)]

    async def item(self, sku: str = "TV-55") -> StockItemState:
        return await self.state(STOCK_ITEM, stock_item_id(sku))

    async def allocation(self, shipment_id: str = "s-1") -> AllocationState:
        return await self.state(STOCK_ALLOCATION, shipment_id)

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
