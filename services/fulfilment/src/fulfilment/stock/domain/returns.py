"""The OrderStock aggregate: one per order, what left the warehouse for it lot by lot (FUL-24
traceability) and what came back. After-sales' confirmed receipt restocks what was issued and not
yet returned; goods whose latest after-sales inspection failed go to a quarantine lot and are never
sold (FUL-22). A return case is restocked once, whichever way it comes (reaction or command).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from fulfilment.stock.domain.events import (
    OrderGoodsIssued,
    RestockLine,
    ReturnInspectionNoted,
    ReturnRestockPlanned,
)
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import Conflict, RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_ORDER_STOCK
from shop_contracts.commands.stock import RestockReturnedGoods
from shop_contracts.events.stock import LotQuantity
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class OrderStockState:
    order_id: str = ""
    issued: Mapping[tuple[str, str], tuple[LotQuantity, ...]] = field(default_factory=dict)
    returned: Mapping[str, int] = field(default_factory=dict)
    inspections: Mapping[str, bool] = field(default_factory=dict)
    restocked: Mapping[str, ReturnRestockPlanned] = field(default_factory=dict)

    def issued_qty(self, sku: str) -> int:
        return sum(p.quantity for (_, s), lots in self.issued.items() if s == sku for p in lots)

    def source_lots(self, sku: str) -> tuple[str, ...]:
        names = [p.lot_no for (_, s), lots in self.issued.items() if s == sku for p in lots]
        return tuple(dict.fromkeys(names))

    def outstanding(self) -> dict[str, int]:
        skus = dict.fromkeys(s for _, s in self.issued)
        left = {sku: self.issued_qty(sku) - self.returned.get(sku, 0) for sku in skus}
        return {sku: qty for sku, qty in left.items() if qty > 0}


def evolve(state: OrderStockState, event: EventData) -> OrderStockState:
    match event:
        case OrderGoodsIssued():
            issued = {**state.issued, (event.shipment_id, event.sku): event.lots}
            return replace(state, order_id=event.order_id, issued=issued)
        case ReturnInspectionNoted():
            return replace(state, inspections={**state.inspections, event.case_id: event.passed})
        case ReturnRestockPlanned():
            returned = dict(state.returned)
            for line in event.lines:
                returned[line.sku] = returned.get(line.sku, 0) + line.quantity
            return replace(state, returned=returned, restocked={**state.restocked, event.case_id: event})
    return state


registry = EventRegistry([OrderGoodsIssued, ReturnInspectionNoted, ReturnRestockPlanned])

ORDER_STOCK = AggregateType.of(FULFILMENT_ORDER_STOCK, registry, OrderStockState, evolve)


def note_issued(
    state: OrderStockState, order_id: str, shipment_id: str, sku: str, lots: tuple[LotQuantity, ...]
) -> list[EventData]:
    if (shipment_id, sku) in state.issued or not lots:
        return []
    return [OrderGoodsIssued(order_id=order_id, shipment_id=shipment_id, sku=sku, lots=lots)]


def note_inspection(state: OrderStockState, case_id: str, passed: bool) -> list[EventData]:
    if case_id in state.restocked:
        return []
    return [ReturnInspectionNoted(case_id=case_id, passed=passed)]


def plan_on_receipt(state: OrderStockState, case_id: str) -> list[EventData]:
    """After-sales confirmed receipt: everything issued and not yet returned comes back."""
    if case_id in state.restocked:
        return []
    left = state.outstanding()
    if not left:
        return []
    lines = tuple(
        RestockLine(sku=sku, quantity=qty, source_lots=state.source_lots(sku)) for sku, qty in left.items()
    )
    return [ReturnRestockPlanned(case_id=case_id, lines=lines, sellable=state.inspections.get(case_id, True))]


def plan_by_hand(state: OrderStockState, cmd: RestockReturnedGoods) -> list[EventData]:
    if cmd.case_id in state.restocked:
        raise Conflict(f"return case {cmd.case_id} was restocked already", "FUL-22")
    if not state.issued:
        raise RuleViolated(
            f"no goods were issued for order {cmd.order_id} in this ledger; returns must trace to an issue",
            "FUL-24",
        )
    left = state.outstanding()
    totals: dict[str, int] = {}
    for line in cmd.lines:
        totals[line.sku] = totals.get(line.sku, 0) + line.quantity
    for sku, qty in totals.items():
        if qty > left.get(sku, 0):
            raise RuleViolated(
                f"order {cmd.order_id} has {left.get(sku, 0)} of {sku} issued and not returned; cannot restock {qty}",
                "FUL-24",
            )
    lines = tuple(
        RestockLine(sku=sku, quantity=qty, source_lots=state.source_lots(sku)) for sku, qty in totals.items()
    )
    return [ReturnRestockPlanned(case_id=cmd.case_id, lines=lines, sellable=cmd.sellable)]
