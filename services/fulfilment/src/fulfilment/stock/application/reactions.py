"""The stock ledger's reactions (FUL-20, FUL-22, FUL-24; ORD-10):

- shipping's events: OrderQueuedForShipping reserves every line FIFO by lot (or puts it in line),
  ShipmentCancelled releases, ShipmentStamped issues the reserved lots and records them per order;
- the StockItems' own reservation events feed each shipment's StockAllocation, which emits
  StockReserved or StockShortage for shipping and orders;
- after-sales' inspection results and ReturnReceiptConfirmed restock what was issued for the order,
  into a returned lot, or a quarantine lot when the latest inspection failed.

Each step appends through the command handler with a cause derived from the causing event (and the
sku for per-sku steps), so a redelivered event appends nothing twice and completes a half-done job.
Reactions never run during a replay and skip event types they do not know.
"""

from __future__ import annotations

import structlog

from fulfilment.stock.application.handlers import StockCommands, sub_cause
from fulfilment.stock.domain import allocation, moves, returns
from fulfilment.stock.domain.events import (
    AllocationLineReserved,
    AllocationLineWaiting,
    SkuReservationWithdrawn,
    SkuStockRequested,
    SkuStockReserved,
)
from jetstream_es.commands import Cause
from jetstream_es.projection import Decoded, Reaction
from shop_contracts.aggregates import (
    AFTERSALES_REFUND_CASE,
    FULFILMENT_SHIPMENT,
    FULFILMENT_STOCK_ITEM,
    whole_stream,
)
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.fulfilment import OrderQueuedForShipping, ShipmentCancelled, ShipmentStamped
from shop_contracts.events.refund_case import (
    ReturnInspectionFailed,
    ReturnInspectionPassed,
    ReturnReceiptConfirmed,
)
from shop_contracts.messages import EventData

log = structlog.get_logger(__name__)


class StockReactions:
    """What the stock ledger does with one event (shared by the reactions and the unit tests)."""

    def __init__(self, commands: StockCommands) -> None:
        self.commands = commands

    async def handle(self, data: EventData, cause: Cause) -> None:
        match data:
            case OrderQueuedForShipping():
                await self.queued(data, cause)
            case ShipmentCancelled():
                await self.cancelled(data, cause)
            case ShipmentStamped():
                await self.stamped(data, cause)
            case SkuStockReserved() | SkuStockRequested() | SkuReservationWithdrawn():
                await self.allocation_line(data, cause)
            case ReturnInspectionPassed() | ReturnInspectionFailed():
                passed = isinstance(data, ReturnInspectionPassed)
                await self.commands.on_order(
                    data.order_id, cause, lambda s: returns.note_inspection(s, data.case_id, passed)
                )
            case ReturnReceiptConfirmed():
                await self.commands.on_order(
                    data.order_id, cause, lambda s: returns.plan_on_receipt(s, data.case_id)
                )
                await self.commands.restock_planned(data.order_id, data.case_id, cause)

    async def queued(self, data: OrderQueuedForShipping, cause: Cause) -> None:
        cmds, now = self.commands, self.commands.clock.now()
        await cmds.allocations.execute(
            data.shipment_id,
            cause,
            lambda s, _now: allocation.open_allocation(s, data, now),
            must_exist=False,
        )
        held = await cmds.allocations.state(data.shipment_id)
        for sku, quantity in held.lines.items():
            await cmds.on_item(
                sku,
                sub_cause(cause, sku),
                lambda s, sku=sku, quantity=quantity: moves.request(  # type: ignore[misc]
                    s, sku, data.shipment_id, data.order_id, quantity, now
                ),
            )

    async def cancelled(self, data: ShipmentCancelled, cause: Cause) -> None:
        cmds, now = self.commands, self.commands.clock.now()
        await cmds.allocations.execute(
            data.shipment_id, cause, lambda s, _now: allocation.release(s, data.reason, now), must_exist=False
        )
        held = await cmds.allocations.state(data.shipment_id)
        if held.status != allocation.RELEASED:
            log.info("stock_release_skipped", shipment_id=data.shipment_id, status=held.status or "unknown")
            return
        for sku in held.lines:
            await cmds.on_item(sku, sub_cause(cause, sku), lambda s: moves.release(s, data.shipment_id, now))

    async def stamped(self, data: ShipmentStamped, cause: Cause) -> None:
        cmds, now = self.commands, self.commands.clock.now()
        await cmds.allocations.execute(
            data.shipment_id,
            cause,
            lambda s, _now: allocation.issue(s, data.outbound_note_no, now),
            must_exist=False,
        )
        held = await cmds.allocations.state(data.shipment_id)
        if held.status != allocation.ISSUED:
            log.warning("stock_issue_skipped", shipment_id=data.shipment_id, status=held.status or "unknown")
            return
        for sku, quantity in held.lines.items():
            await cmds.on_item(
                sku,
                sub_cause(cause, sku),
                lambda s, sku=sku, quantity=quantity: moves.issue(  # type: ignore[misc]
                    s, sku, data.shipment_id, data.order_id, data.outbound_note_no, quantity, now
                ),
            )
            lots = (await cmds.item_state(sku)).issued.get(data.shipment_id, ())
            await cmds.on_order(
                data.order_id,
                sub_cause(cause, sku),
                lambda s, sku=sku, lots=lots: returns.note_issued(  # type: ignore[misc]
                    s, data.order_id, data.shipment_id, sku, lots
                ),
            )

    async def allocation_line(
        self, data: SkuStockReserved | SkuStockRequested | SkuReservationWithdrawn, cause: Cause
    ) -> None:
        cmds, now = self.commands, self.commands.clock.now()
        line: EventData
        if isinstance(data, SkuStockReserved):
            line = AllocationLineReserved(sku=data.sku, lots=data.lots)
        else:
            current = await cmds.allocations.state(data.shipment_id)
            requested = current.lines.get(data.sku, 0)
            if requested < 1:
                return
            line = AllocationLineWaiting(sku=data.sku, requested=requested, available=data.available)
        await cmds.allocations.execute(
            data.shipment_id, cause, lambda s, _now: allocation.note_line(s, line, now), must_exist=False
        )


class StockReaction(Reaction):
    def __init__(self, reactions: StockReactions) -> None:
        super().__init__()
        self.reactions = reactions

    async def react(self, item: Decoded) -> None:
        await self.reactions.handle(item.data, Cause.of_event(self.name, item.event.envelope, SYSTEM_ACTOR))


class ShippingStockReactions(StockReaction):
    name = "fulfilment_stock_shipping"
    sources = (FULFILMENT_SHIPMENT,)
    filter_subjects = (whole_stream("fulfilment"),)  # the consumer's filter as deployed
    models = (OrderQueuedForShipping, ShipmentCancelled, ShipmentStamped)
    handles = frozenset(m.event_type for m in models)


class AllocationReactions(StockReaction):
    name = "fulfilment_stock_allocations"
    sources = (FULFILMENT_STOCK_ITEM,)
    models = (SkuStockReserved, SkuStockRequested, SkuReservationWithdrawn)
    handles = frozenset(m.event_type for m in models)


class AftersalesStockReactions(StockReaction):
    name = "fulfilment_stock_aftersales"
    sources = (AFTERSALES_REFUND_CASE,)
    filter_subjects = (whole_stream("aftersales"),)  # the consumer's filter as deployed
    models = (ReturnInspectionPassed, ReturnInspectionFailed, ReturnReceiptConfirmed)
    handles = frozenset(m.event_type for m in models)
