"""The StockItem aggregate: one per sku, holding its lots (supplier, label, inspection, custodian),
what is on hand, reserved and damaged per lot, and the line of shipments waiting for stock
(FUL-12, FUL-17, FUL-20, FUL-22, FUL-23, FUL-24).

Every change to one sku goes through this aggregate, so concurrent reservations never oversell:
the optimistic concurrency check on its subject serialises them. Lots keep their receipt order
(`seq`), which is the first-in first-out order of issue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from fulfilment.stock.domain.events import (
    SkuReservationReleased,
    SkuReservationWithdrawn,
    SkuStockRequested,
    SkuStockReserved,
)
from jetstream_es.aggregate import AggregateType
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_STOCK_ITEM
from shop_contracts.events.stock import (
    EventStockIssued,
    EventStockReturned,
    InboundReceived,
    InboundRejected,
    LotInspectionRecorded,
    LotLabel,
    LotQuantity,
    ReturnedGoodsRestocked,
    StockAdjusted,
    StockDiscrepancyReported,
    StockIssued,
)
from shop_contracts.messages import EventData
from shop_contracts.subjects import is_token


def stock_item_id(sku: str) -> str:
    """The aggregate id of a sku: the sku itself when it is one subject token, else a stable hash."""
    if is_token(sku) and len(sku) <= 64 and not sku.startswith("sku-h-"):
        return sku
    return "sku-h-" + hashlib.sha256(sku.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Lot:
    lot_no: str
    supplier: str
    seq: int
    on_hand: int
    inspection: str
    label: LotLabel | None = None
    custodian: str | None = None
    reserved: int = 0
    damaged: int = 0
    kind: str = "inbound"

    @property
    def free(self) -> int:
        """Sellable and not yet set aside: only inspected goods are sold (FUL-22)."""
        if self.inspection != "passed":
            return 0
        return max(self.on_hand - self.reserved - self.damaged, 0)

    @property
    def over_reserved(self) -> bool:
        usable = self.on_hand - self.damaged if self.inspection == "passed" else 0
        return self.reserved > usable


@dataclass(frozen=True)
class Request:
    """A shipment's claim on this sku: reserved (`lots`) or waiting in line (`lots` is None)."""

    shipment_id: str
    order_id: str
    quantity: int
    lots: tuple[LotQuantity, ...] | None = None


@dataclass(frozen=True)
class EventIssue:
    lots: tuple[LotQuantity, ...]
    returned: bool = False


@dataclass(frozen=True)
class StockItemState:
    sku: str = ""
    lots: Mapping[str, Lot] = field(default_factory=dict)
    next_seq: int = 1
    requests: Mapping[str, Request] = field(default_factory=dict)
    issued: Mapping[str, tuple[LotQuantity, ...]] = field(default_factory=dict)
    event_issues: Mapping[str, EventIssue] = field(default_factory=dict)
    reports: frozenset[str] = frozenset()
    restocked_cases: frozenset[str] = frozenset()

    @property
    def on_hand(self) -> int:
        return sum(lot.on_hand for lot in self.lots.values())

    @property
    def free(self) -> int:
        return sum(lot.free for lot in self.lots.values())

    def fifo(self) -> list[Lot]:
        return sorted(self.lots.values(), key=lambda lot: lot.seq)

    def waiting(self) -> list[Request]:
        return [r for r in self.requests.values() if r.lots is None]


def _shift(lots: Mapping[str, Lot], taken: Iterable[LotQuantity], **signs: int) -> dict[str, Lot]:
    """The lots with `quantity` times each sign added to the named counters of the lots taken."""
    changed = dict(lots)
    for part in taken:
        lot = changed.get(part.lot_no)
        if lot is None:
            continue
        changed[part.lot_no] = replace(
            lot, **{name: getattr(lot, name) + sign * part.quantity for name, sign in signs.items()}
        )
    return changed


def _new_lot(state: StockItemState, lot: Lot) -> StockItemState:
    return replace(state, sku=state.sku, lots={**state.lots, lot.lot_no: lot}, next_seq=state.next_seq + 1)


def evolve(state: StockItemState, event: EventData) -> StockItemState:
    match event:
        case InboundReceived():
            lot = Lot(
                lot_no=event.lot_no,
                supplier=event.supplier,
                seq=state.next_seq,
                on_hand=event.received_quantity,
                inspection=event.inspection,
                label=event.label,
                custodian=event.custodian,
            )
            return replace(_new_lot(state, lot), sku=event.sku)
        case InboundRejected():
            return replace(state, sku=event.sku)
        case LotInspectionRecorded():
            lots = dict(state.lots)
            lots[event.lot_no] = replace(lots[event.lot_no], inspection=event.inspection)
            return replace(state, lots=lots)
        case SkuStockRequested():
            request = Request(event.shipment_id, event.order_id, event.quantity)
            return replace(state, sku=event.sku, requests={**state.requests, event.shipment_id: request})
        case SkuStockReserved():
            quantity = sum(p.quantity for p in event.lots)
            current = state.requests.get(event.shipment_id)
            request = (
                replace(current, lots=event.lots)
                if current is not None
                else Request(event.shipment_id, event.order_id, quantity, event.lots)
            )
            return replace(
                state,
                sku=event.sku,
                lots=_shift(state.lots, event.lots, reserved=1),
                requests={**state.requests, event.shipment_id: request},
            )
        case SkuReservationWithdrawn():
            requests = dict(state.requests)
            requests[event.shipment_id] = replace(requests[event.shipment_id], lots=None)
            return replace(state, lots=_shift(state.lots, event.lots, reserved=-1), requests=requests)
        case SkuReservationReleased():
            requests = {k: v for k, v in state.requests.items() if k != event.shipment_id}
            return replace(state, lots=_shift(state.lots, event.lots, reserved=-1), requests=requests)
        case StockIssued():
            held = state.requests.get(event.shipment_id)
            lots = _shift(state.lots, held.lots or () if held else (), reserved=-1)
            requests = {k: v for k, v in state.requests.items() if k != event.shipment_id}
            return replace(
                state,
                lots=_shift(lots, event.lots, on_hand=-1),
                requests=requests,
                issued={**state.issued, event.shipment_id: event.lots},
            )
        case ReturnedGoodsRestocked():
            source = next((state.lots[n] for n in event.source_lots if n in state.lots), None)
            lot = Lot(
                lot_no=event.lot_no,
                supplier=event.supplier,
                seq=state.next_seq,
                on_hand=event.qty,
                inspection="passed" if event.sellable else "failed",
                label=source.label if source else None,
                custodian=source.custodian if source else None,
                kind="returned" if event.sellable else "quarantine",
            )
            return replace(_new_lot(state, lot), restocked_cases=state.restocked_cases | {event.case_id})
        case StockAdjusted():
            lots = dict(state.lots)
            lot = lots[event.lot_no]
            lots[event.lot_no] = replace(lot, on_hand=lot.on_hand + event.delta, damaged=event.damaged)
            return replace(state, lots=lots)
        case StockDiscrepancyReported():
            return replace(state, reports=state.reports | {event.report_id})
        case EventStockIssued():
            issue = EventIssue(event.lots)
            return replace(
                state,
                lots=_shift(state.lots, event.lots, on_hand=-1),
                event_issues={**state.event_issues, event.issue_id: issue},
            )
        case EventStockReturned():
            issue = replace(state.event_issues[event.issue_id], returned=True)
            return replace(
                state,
                lots=_shift(state.lots, event.lots, on_hand=1),
                event_issues={**state.event_issues, event.issue_id: issue},
            )
    return state


def apply_all(state: StockItemState, events: Iterable[EventData]) -> StockItemState:
    for event in events:
        state = evolve(state, event)
    return state


registry = EventRegistry(
    [
        InboundReceived,
        InboundRejected,
        LotInspectionRecorded,
        SkuStockRequested,
        SkuStockReserved,
        SkuReservationWithdrawn,
        SkuReservationReleased,
        StockIssued,
        ReturnedGoodsRestocked,
        StockAdjusted,
        StockDiscrepancyReported,
        EventStockIssued,
        EventStockReturned,
    ]
)

STOCK_ITEM = AggregateType.of(FULFILMENT_STOCK_ITEM, registry, StockItemState, evolve)
