"""What a StockItem decides: inbound checked against the delivery note (FUL-12), inspection
(FUL-22), reservations first-in first-out by lot with the oldest waiting shipment served first
(FUL-20), issue against a stamped outbound note (FUL-6, FUL-24), returned goods (FUL-22), event
stock out and back (FUL-23), and adjustments after a count (FUL-15).

Every decision that frees or adds sellable stock ends by serving the waiting line (`serve`).
A reservation never outruns the sellable stock of its lots: goods that are damaged, pending or
failed inspection are never reserved or issued.
"""

from __future__ import annotations

from datetime import datetime

from fulfilment.stock.domain.events import (
    SkuReservationReleased,
    SkuReservationWithdrawn,
    SkuStockRequested,
    SkuStockReserved,
)
from fulfilment.stock.domain.item import StockItemState, apply_all
from fulfilment.stock.domain.policy import StockPolicy
from jetstream_es.errors import Conflict, NotFound, RuleViolated
from shop_contracts.commands import stock as c
from shop_contracts.events.stock import (
    EventStockIssued,
    EventStockReturned,
    InboundReceived,
    InboundRejected,
    LotInspectionRecorded,
    LotQuantity,
    Mismatch,
    ReturnedGoodsRestocked,
    StockAdjusted,
    StockDiscrepancyReported,
    StockIssued,
)
from shop_contracts.messages import EventData


def pick_fifo(
    state: StockItemState, quantity: int, *, partial: bool = False
) -> tuple[LotQuantity, ...] | None:
    """Sellable stock for `quantity`, oldest lot first (FUL-20); None when it does not cover it
    (unless `partial`, which takes what there is)."""
    picks: list[LotQuantity] = []
    needed = quantity
    for lot in state.fifo():
        if needed == 0:
            break
        take = min(lot.free, needed)
        if take > 0:
            picks.append(LotQuantity(lot_no=lot.lot_no, quantity=take))
            needed -= take
    if needed and not partial:
        return None
    return tuple(picks)


def serve(state: StockItemState, now: datetime) -> list[EventData]:
    """Reserve for waiting shipments, oldest first; the first one that cannot be covered stops the
    line, so a newer shipment never takes stock an older one waits for (FUL-20)."""
    events: list[EventData] = []
    for request in state.waiting():
        picks = pick_fifo(state, request.quantity)
        if picks is None:
            break
        event = SkuStockReserved(
            sku=state.sku,
            shipment_id=request.shipment_id,
            order_id=request.order_id,
            lots=picks,
            reserved_at=now,
        )
        events.append(event)
        state = apply_all(state, [event])
    return events


def _then_serve(state: StockItemState, events: list[EventData], now: datetime) -> list[EventData]:
    return events + serve(apply_all(state, events), now)


def _withdraw_uncovered(state: StockItemState, reason: str, now: datetime) -> list[EventData]:
    """Reservations on lots that no longer hold them go back in line, newest shipment first."""
    events: list[EventData] = []
    while True:
        over = {lot.lot_no for lot in state.lots.values() if lot.over_reserved}
        if not over:
            return events
        victim = next(
            r
            for r in reversed(list(state.requests.values()))
            if r.lots is not None and any(p.lot_no in over for p in r.lots)
        )
        assert victim.lots is not None
        event = SkuReservationWithdrawn(
            sku=state.sku,
            shipment_id=victim.shipment_id,
            order_id=victim.order_id,
            lots=victim.lots,
            reason=reason,
            available=0,
            withdrawn_at=now,
        )
        state = apply_all(state, [event])
        events.append(event.model_copy(update={"available": state.free}))


# -- inbound (FUL-12, FUL-17, FUL-22, FUL-24) -------------------------------------------------------


def mismatches_of(cmd: c.ReceiveInbound) -> tuple[Mismatch, ...]:
    found: list[Mismatch] = []
    if cmd.note_quantity != cmd.received_quantity:
        found.append(
            Mismatch(field="quantity", on_note=str(cmd.note_quantity), found=str(cmd.received_quantity))
        )
    if cmd.note_name.strip() != cmd.received_name.strip():
        found.append(Mismatch(field="name", on_note=cmd.note_name, found=cmd.received_name))
    return (*found, *cmd.other_mismatches)


def receive(
    state: StockItemState, cmd: c.ReceiveInbound, policy: StockPolicy, now: datetime
) -> list[EventData]:
    if cmd.lot_no in state.lots:
        raise Conflict(
            f"lot {cmd.lot_no} of {cmd.sku} was received already; a lot is received once", "FUL-24"
        )
    if cmd.special and cmd.custodian is None:
        raise RuleViolated(f"special goods need a named custodian (lot {cmd.lot_no})", "FUL-17")
    mismatches = mismatches_of(cmd)
    if mismatches and not policy.accept_mismatched_inbound:
        fields = ", ".join(m.field for m in mismatches)
        raise RuleViolated(
            f"the goods do not match delivery note {cmd.delivery_note_no} ({fields}); refuse the inbound "
            "with RejectInbound",
            "FUL-12",
        )
    received = InboundReceived(
        sku=cmd.sku,
        lot_no=cmd.lot_no,
        supplier=cmd.supplier,
        delivery_note_no=cmd.delivery_note_no,
        note_quantity=cmd.note_quantity,
        received_quantity=cmd.received_quantity,
        mismatches=mismatches,
        label=cmd.label,
        inspection=cmd.inspection,
        custodian=cmd.custodian,
        marking=cmd.marking,
        received_by=cmd.actor.id,
        reported_to=policy.report_recipients if mismatches else (),
        on_hand=state.on_hand + cmd.received_quantity,
        received_at=now,
    )
    return _then_serve(state, [received], now)


def reject(
    state: StockItemState, cmd: c.RejectInbound, policy: StockPolicy, now: datetime
) -> list[EventData]:
    if cmd.lot_no in state.lots:
        raise RuleViolated(
            f"lot {cmd.lot_no} of {cmd.sku} is in stock already; report a discrepancy instead", "FUL-12"
        )
    return [
        InboundRejected(
            sku=cmd.sku,
            lot_no=cmd.lot_no,
            supplier=cmd.supplier,
            delivery_note_no=cmd.delivery_note_no,
            mismatches=cmd.mismatches,
            reason=cmd.reason,
            rejected_by=cmd.actor.id,
            reported_to=policy.report_recipients,
            rejected_at=now,
        )
    ]


def inspect(state: StockItemState, cmd: c.RecordLotInspection, now: datetime) -> list[EventData]:
    lot = state.lots.get(cmd.lot_no)
    if lot is None:
        raise NotFound(f"lot {cmd.lot_no} of {cmd.sku} is not in stock", "FUL-22")
    if lot.inspection == cmd.inspection:
        raise RuleViolated(f"lot {cmd.lot_no} is {lot.inspection} already", "FUL-22")
    if lot.inspection == "failed":
        raise RuleViolated(f"lot {cmd.lot_no} failed inspection; failed goods are never sold", "FUL-22")
    event = LotInspectionRecorded(
        sku=cmd.sku,
        lot_no=cmd.lot_no,
        inspection=cmd.inspection,
        inspector=cmd.actor.id,
        note=cmd.note,
        inspected_at=now,
    )
    after = apply_all(state, [event])
    withdrawn = _withdraw_uncovered(after, f"lot {cmd.lot_no} failed inspection (FUL-22)", now)
    return _then_serve(state, [event, *withdrawn], now)


# -- shipments (FUL-20, FUL-6, FUL-24) ---------------------------------------------------------------


def request(
    state: StockItemState, sku: str, shipment_id: str, order_id: str, quantity: int, now: datetime
) -> list[EventData]:
    """Reserve for a queued shipment, or put it in line behind the shipments already waiting."""
    if shipment_id in state.requests or shipment_id in state.issued:
        return []
    waiting = state.waiting()
    picks = None if waiting else pick_fifo(state, quantity)
    if picks is not None:
        return [
            SkuStockReserved(sku=sku, shipment_id=shipment_id, order_id=order_id, lots=picks, reserved_at=now)
        ]
    ahead = sum(r.quantity for r in waiting)
    return [
        SkuStockRequested(
            sku=sku,
            shipment_id=shipment_id,
            order_id=order_id,
            quantity=quantity,
            available=max(state.free - ahead, 0),
            requested_at=now,
        )
    ]


def release(state: StockItemState, shipment_id: str, now: datetime) -> list[EventData]:
    held = state.requests.get(shipment_id)
    if held is None:
        return []
    released = SkuReservationReleased(
        sku=state.sku, shipment_id=shipment_id, lots=held.lots or (), released_at=now
    )
    return _then_serve(state, [released], now)


def issue(
    state: StockItemState,
    sku: str,
    shipment_id: str,
    order_id: str,
    outbound_note_no: str,
    quantity: int,
    now: datetime,
) -> list[EventData]:
    """The stamped shipment's goods leave: the reserved lots; if the shipment was never covered in
    full, what sellable stock there is (FIFO) and the rest recorded as `short`."""
    if shipment_id in state.issued:
        return []
    held = state.requests.get(shipment_id)
    if held is not None and held.lots is not None:
        lots, short = held.lots, 0
    else:
        needed = held.quantity if held is not None else quantity
        lots = pick_fifo(state, needed, partial=True) or ()
        short = needed - sum(p.quantity for p in lots)
    issued = StockIssued(
        sku=sku,
        shipment_id=shipment_id,
        order_id=order_id,
        outbound_note_no=outbound_note_no,
        lots=lots,
        short=short,
        on_hand=state.on_hand - sum(p.quantity for p in lots),
        issued_at=now,
    )
    return _then_serve(state, [issued], now)


# -- returns (FUL-22, FUL-24) -------------------------------------------------------------------------


def restock(
    state: StockItemState,
    sku: str,
    case_id: str,
    order_id: str,
    quantity: int,
    sellable: bool,
    source_lots: tuple[str, ...],
    now: datetime,
) -> list[EventData]:
    if case_id in state.restocked_cases:
        return []
    suppliers = sorted({state.lots[n].supplier for n in source_lots if n in state.lots})
    base = f"{'R' if sellable else 'Q'}-{case_id}"[:56]
    lot_no, n = base, 1
    while lot_no in state.lots:  # never merge into a lot of the same name
        n += 1
        lot_no = f"{base}-{n}"
    event = ReturnedGoodsRestocked(
        sku=sku,
        qty=quantity,
        lot_no=lot_no,
        case_id=case_id,
        order_id=order_id,
        sellable=sellable,
        supplier=", ".join(suppliers)[:200] or "unknown (returned)",
        source_lots=source_lots,
        on_hand=state.on_hand + quantity,
        restocked_at=now,
    )
    return _then_serve(state, [event], now) if sellable else [event]


# -- event stock (FUL-23) ------------------------------------------------------------------------------


def issue_event_stock(state: StockItemState, cmd: c.IssueEventStock, now: datetime) -> list[EventData]:
    if cmd.issue_id in state.event_issues:
        raise Conflict(f"event issue {cmd.issue_id} exists already", "FUL-23")
    picks = pick_fifo(state, cmd.quantity)
    if picks is None:
        raise RuleViolated(
            f"only {state.free} of {cmd.sku} are sellable and free; cannot issue {cmd.quantity} for the event",
            "FUL-23",
        )
    return [
        EventStockIssued(
            issue_id=cmd.issue_id,
            sku=cmd.sku,
            event_name=cmd.event_name,
            custodian=cmd.custodian,
            lots=picks,
            on_hand=state.on_hand - cmd.quantity,
            issued_at=now,
        )
    ]


def return_event_stock(state: StockItemState, cmd: c.ReturnEventStock, now: datetime) -> list[EventData]:
    issued = state.event_issues.get(cmd.issue_id)
    if issued is None:
        raise NotFound(f"no event issue {cmd.issue_id} of {cmd.sku}", "FUL-23")
    if issued.returned:
        raise Conflict(f"event issue {cmd.issue_id} was returned already", "FUL-23")
    total = sum(p.quantity for p in issued.lots)
    if cmd.returned > total:
        raise RuleViolated(f"{cmd.returned} returned but only {total} were issued for the event", "FUL-23")
    back: list[LotQuantity] = []
    left = cmd.returned
    for part in issued.lots:
        take = min(part.quantity, left)
        if take:
            back.append(LotQuantity(lot_no=part.lot_no, quantity=take))
            left -= take
    event = EventStockReturned(
        issue_id=cmd.issue_id,
        sku=cmd.sku,
        lots=tuple(back),
        not_returned=total - cmd.returned,
        note=cmd.note,
        on_hand=state.on_hand + cmd.returned,
        returned_at=now,
    )
    return _then_serve(state, [event], now)


# -- counts and discrepancies (FUL-15) -----------------------------------------------------------------


def adjust_to_count(
    state: StockItemState, lot_no: str, counted: int, damaged: int, reference: str, reason: str, now: datetime
) -> list[EventData]:
    """The ledger follows the stocktake: surplus or shortage, and the lot's damaged units."""
    lot = state.lots.get(lot_no)
    if lot is None:
        raise NotFound(f"lot {lot_no} of {state.sku} is not in the ledger", "FUL-15")
    events: list[EventData] = []
    delta = counted - lot.on_hand
    on_hand = state.on_hand
    if delta:
        on_hand += delta
        events.append(
            StockAdjusted(
                sku=state.sku,
                lot_no=lot_no,
                kind="surplus" if delta > 0 else "shortage",
                delta=delta,
                damaged=damaged,
                reason=reason,
                reference=reference,
                on_hand=on_hand,
                adjusted_at=now,
            )
        )
    elif damaged != lot.damaged:
        events.append(
            StockAdjusted(
                sku=state.sku,
                lot_no=lot_no,
                kind="damage",
                delta=0,
                damaged=damaged,
                reason=reason,
                reference=reference,
                on_hand=on_hand,
                adjusted_at=now,
            )
        )
    if not events:
        return []
    after = apply_all(state, events)
    return _then_serve(state, [*events, *_withdraw_uncovered(after, reason, now)], now)


def report_discrepancy(
    state: StockItemState, cmd: c.ReportStockDiscrepancy, policy: StockPolicy, now: datetime
) -> list[EventData]:
    if cmd.report_id in state.reports:
        raise Conflict(f"discrepancy report {cmd.report_id} exists already", "FUL-15")
    lot = state.lots.get(cmd.lot_no)
    if lot is None:
        raise NotFound(f"lot {cmd.lot_no} of {cmd.sku} is not in the ledger", "FUL-15")
    counted, damaged = lot.on_hand, lot.damaged
    if cmd.kind == "surplus":
        counted += cmd.quantity
    elif cmd.kind == "shortage":
        if cmd.quantity > lot.on_hand:
            raise RuleViolated(
                f"lot {cmd.lot_no} holds {lot.on_hand}; a shortage of {cmd.quantity} is more", "FUL-15"
            )
        counted -= cmd.quantity
        damaged = min(damaged, counted)
    else:
        if damaged + cmd.quantity > lot.on_hand:
            raise RuleViolated(
                f"lot {cmd.lot_no} holds {lot.on_hand}, {lot.damaged} damaged already; {cmd.quantity} more is too many",
                "FUL-15",
            )
        damaged += cmd.quantity
    reported = StockDiscrepancyReported(
        report_id=cmd.report_id,
        sku=cmd.sku,
        lot_no=cmd.lot_no,
        kind=cmd.kind,
        quantity=cmd.quantity,
        cause=cmd.cause,
        responsible=cmd.responsible,
        remedy=cmd.remedy,
        reported_by=cmd.actor.id,
        reported_to=policy.report_recipients,
        reported_at=now,
    )
    after = apply_all(state, [reported])
    return [reported, *adjust_to_count(after, cmd.lot_no, counted, damaged, cmd.report_id, cmd.cause, now)]
