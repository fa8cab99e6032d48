"""The StockAllocation aggregate: one per queued shipment. It sums the shipment's lines per sku,
collects what each StockItem reserved or put in line, and tells shipping and orders once:
StockReserved when every line is covered by inspected stock, first-in first-out by lot (FUL-20,
FUL-22), StockShortage when a line is not (the out-of-stock signal, ORD-10). A shipment that loses
a reservation (count, inspection) is short again; when stock comes it is reserved again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from fulfilment.stock.domain.events import (
    AllocationIssued,
    AllocationLine,
    AllocationLineReserved,
    AllocationLineWaiting,
    AllocationReleased,
    StockAllocationOpened,
)
from jetstream_es.aggregate import AggregateType
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_STOCK_ALLOCATION
from shop_contracts.events.fulfilment import OrderQueuedForShipping
from shop_contracts.events.stock import LotQuantity, ReservedLot, ShortLine, StockReserved, StockShortage
from shop_contracts.messages import EventData

OPEN, RELEASED, ISSUED = "open", "released", "issued"


@dataclass(frozen=True)
class AllocationState:
    shipment_id: str = ""
    order_id: str = ""
    status: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)
    reserved: Mapping[str, tuple[LotQuantity, ...]] = field(default_factory=dict)
    waiting: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    announced: str = ""

    @property
    def exists(self) -> bool:
        return bool(self.status)


def evolve(state: AllocationState, event: EventData) -> AllocationState:
    match event:
        case StockAllocationOpened():
            lines = {line.sku: line.quantity for line in event.lines}
            return replace(
                state, shipment_id=event.shipment_id, order_id=event.order_id, status=OPEN, lines=lines
            )
        case AllocationLineReserved():
            waiting = {k: v for k, v in state.waiting.items() if k != event.sku}
            return replace(state, reserved={**state.reserved, event.sku: event.lots}, waiting=waiting)
        case AllocationLineWaiting():
            reserved = {k: v for k, v in state.reserved.items() if k != event.sku}
            waiting = {**state.waiting, event.sku: (event.requested, event.available)}
            return replace(state, reserved=reserved, waiting=waiting)
        case StockReserved():
            return replace(state, announced="reserved")
        case StockShortage():
            return replace(state, announced="short")
        case AllocationReleased():
            return replace(state, status=RELEASED)
        case AllocationIssued():
            return replace(state, status=ISSUED)
    return state


registry = EventRegistry(
    [
        StockAllocationOpened,
        AllocationLineReserved,
        AllocationLineWaiting,
        StockReserved,
        StockShortage,
        AllocationReleased,
        AllocationIssued,
    ]
)

STOCK_ALLOCATION = AggregateType.of(FULFILMENT_STOCK_ALLOCATION, registry, AllocationState, evolve)


def open_allocation(state: AllocationState, event: OrderQueuedForShipping, now: datetime) -> list[EventData]:
    if state.exists:
        return []
    totals: dict[str, int] = {}
    for line in event.lines:
        totals[line.sku] = totals.get(line.sku, 0) + line.quantity
    lines = tuple(AllocationLine(sku=sku, quantity=qty) for sku, qty in totals.items())
    return [
        StockAllocationOpened(
            shipment_id=event.shipment_id, order_id=event.order_id, lines=lines, opened_at=now
        )
    ]


def _signal(state: AllocationState, now: datetime) -> list[EventData]:
    """StockReserved once every line is covered, StockShortage once any line waits (after all lines answered)."""
    if set(state.reserved) | set(state.waiting) != set(state.lines):
        return []
    if not state.waiting:
        if state.announced == "reserved":
            return []
        lots = tuple(
            ReservedLot(sku=sku, lot_no=part.lot_no, quantity=part.quantity)
            for sku in state.lines
            for part in state.reserved[sku]
        )
        return [
            StockReserved(shipment_id=state.shipment_id, order_id=state.order_id, lots=lots, reserved_at=now)
        ]
    if state.announced == "short":
        return []
    short = tuple(
        ShortLine(sku=sku, requested=requested, available=available)
        for sku, (requested, available) in state.waiting.items()
    )
    return [
        StockShortage(shipment_id=state.shipment_id, order_id=state.order_id, short=short, detected_at=now)
    ]


def note_line(state: AllocationState, line: EventData, now: datetime) -> list[EventData]:
    """A StockItem reserved a line or put it in line; a released or issued shipment ignores it."""
    if state.status != OPEN:
        return []
    after = evolve(state, line)
    return [line, *_signal(after, now)]


def release(state: AllocationState, reason: str, now: datetime) -> list[EventData]:
    if state.status != OPEN:
        return []
    return [AllocationReleased(reason=reason, released_at=now)]


def issue(state: AllocationState, outbound_note_no: str, now: datetime) -> list[EventData]:
    if state.status != OPEN:
        return []
    return [AllocationIssued(outbound_note_no=outbound_note_no, issued_at=now)]
