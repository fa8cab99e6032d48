"""The Shipment aggregate (SM-SHIP; FUL-1, FUL-3..FUL-6, FUL-10, FUL-11, FUL-20, FUL-22, AS-3).

One shipment per order; its id is the order id. It collects the four facts it waits for (placed,
paid, remarked, confirmed, in any order) and queues itself when the last one arrives: the moment
of that fact decides the shipping day (FUL-2, see policy.py). Then: documents printed in its day's
batch (InPacket), accessories checked (FUL-4), dispatched only against an outbound note (FUL-5)
and a handed-over packet (FUL-3) and only once the stock ledger reserved inspected stock for
every line (FUL-20, FUL-22: neither a shortage nor a missing reservation ships), stamped with the
shipping-only stamp (FUL-6: only now is it shipped, and again only from reserved stock), in
transit, delivered; courier exceptions are reported and resolved (FUL-10). A cancellation (an
approved refund for goods not received, AS-3, or a cancelled order) cancels it at once only while
nothing can have left (SM-SHIP: Queued|InPacket; also before it queued, or while refused). Once its
accessories are checked or it is dispatched the goods may be on the courier's van: the cancellation
becomes a recall (ShipmentRecallRequested), which holds the shipment (no dispatch, no stamp) until
the keeper answers: the parcel is back (ConfirmShipmentRecalled: Cancelled, stock released) or it
already left (DeclineShipmentRecall: it goes on to the stamp). Stamped or later there is nothing to
cancel. Before the stamp it may also be refused for
incomplete paperwork (FUL-5), which is reported to the roles of the C14 setting. A refusal holds
the shipment, it does not end it: once the order clerk fixed the paperwork and handed its waybill,
outbound note and invoice over again (ResumeRefusedShipment), it returns to the state it was refused
in (ShipmentResumed) and may be dispatched.

Reactions to other services' events decide nothing (an empty list) when they do not apply, so
late, repeated or crossing events never fail forever.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from fulfilment.shipping.domain.events import (
    Fact,
    OrderFactNoted,
    ShipmentDetailsCorrected,
    ShipmentDocumentsAssigned,
    ShipmentStockNoted,
)
from fulfilment.shipping.domain.policy import ShippingPolicy
from fulfilment.shipping.domain.state import ShipmentStatus as S
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand, RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_SHIPMENT
from shop_contracts.envelope import Actor
from shop_contracts.events.fulfilment import (
    SHIPPING_ONLY_STAMP,
    AccessoriesChecked,
    AccessoriesMissing,
    CourierExceptionReported,
    CourierExceptionResolved,
    OrderQueuedForShipping,
    OutboundRefused,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentDispatched,
    ShipmentInTransit,
    ShipmentLine,
    ShipmentRecallConfirmed,
    ShipmentRecallDeclined,
    ShipmentRecallRequested,
    ShipmentResumed,
    ShipmentStamped,
)
from shop_contracts.events.orders import OrderDetailsCorrected, ShippingAddress
from shop_contracts.events.stock import ShortLine
from shop_contracts.messages import EventData

FACTS: tuple[Fact, ...] = ("placed", "paid", "remarked", "confirmed")
STAMPED_OR_LATER = frozenset({S.STAMPED, S.IN_TRANSIT, S.DELIVERED, S.EXCEPTION})
CANCELLABLE = frozenset({S.PENDING, S.QUEUED, S.IN_PACKET, S.REFUSED})
"""SM-SHIP: a cancellation ends the shipment at once only while nothing can have left the warehouse
(Queued|InPacket; before it queued; refused, held for its paperwork)."""
RECALLABLE = frozenset({S.ACCESSORIES_CHECKED, S.DISPATCHED})
"""SM-SHIP: checked or dispatched, the goods may be with the courier: a cancellation asks for a recall."""


@dataclass(frozen=True)
class ShipmentState:
    status: S = S.PENDING
    shipment_id: str = ""
    order_id: str = ""
    facts: frozenset[str] = frozenset()
    lines: tuple[ShipmentLine, ...] = ()
    shipping: ShippingAddress | None = None
    logistics_method: str | None = None
    requirements: str = ""
    batch_date: date | None = None
    report_no: str | None = None
    waybill_no: str | None = None
    outbound_note_no: str | None = None
    invoice_no: str | None = None
    short: tuple[ShortLine, ...] = ()
    stock_reserved: bool = False
    checklist: tuple[str, ...] | None = None
    missing: tuple[str, ...] = ()
    carrier: str | None = None
    stamped_at: datetime | None = None
    status_before_exception: S | None = None
    status_before_refusal: S | None = None
    refusal_reason: str | None = None
    refusal_reported_to: tuple[str, ...] = ()
    recall_open: bool = False
    """SM-SHIP: a recall is waiting for the keeper's answer; the shipment is held."""
    recall_declined: bool = False
    recall_reason: str | None = None
    recall_case_id: str | None = None

    @property
    def exists(self) -> bool:
        return bool(self.shipment_id)

    @property
    def stamped(self) -> bool:
        return self.status in STAMPED_OR_LATER


def evolve(state: ShipmentState, event: EventData) -> ShipmentState:
    match event:
        case OrderFactNoted():
            state = replace(
                state,
                shipment_id=event.shipment_id,
                order_id=event.order_id,
                facts=state.facts | {event.fact},
            )
            if event.fact == "placed":
                return replace(state, lines=event.lines, shipping=event.shipping)
            if event.fact == "remarked":
                return replace(
                    state, logistics_method=event.logistics_method, requirements=event.requirements
                )
            return state
        case ShipmentDetailsCorrected():
            return replace(state, lines=event.lines, shipping=event.shipping)
        case OrderQueuedForShipping():
            return replace(state, status=S.QUEUED, batch_date=event.batch_date)
        case ShipmentDocumentsAssigned():
            return replace(
                state,
                status=S.IN_PACKET if state.status is S.QUEUED else state.status,
                batch_date=event.batch_date,
                report_no=event.report_no,
                waybill_no=event.waybill_no,
                outbound_note_no=event.outbound_note_no,
                invoice_no=event.invoice_no,
            )
        case ShipmentStockNoted():
            return replace(state, stock_reserved=event.reserved, short=event.short)
        case AccessoriesChecked():
            return replace(state, status=S.ACCESSORIES_CHECKED, checklist=event.checklist, missing=())
        case AccessoriesMissing():
            return replace(state, checklist=event.checklist, missing=event.missing)
        case OutboundRefused():
            return replace(
                state,
                status=S.REFUSED,
                status_before_refusal=state.status,
                refusal_reason=event.reason,
                refusal_reported_to=event.reported_to,
            )
        case ShipmentResumed():
            return replace(state, status=S(event.resumed_to), status_before_refusal=None, refusal_reason=None)
        case ShipmentDispatched():
            return replace(state, status=S.DISPATCHED, carrier=event.carrier)
        case ShipmentStamped():
            return replace(state, status=S.STAMPED, stamped_at=event.stamped_at)
        case ShipmentInTransit():
            return replace(state, status=S.IN_TRANSIT)
        case ShipmentDelivered():
            return replace(state, status=S.DELIVERED)
        case CourierExceptionReported():
            return replace(state, status=S.EXCEPTION, status_before_exception=state.status)
        case CourierExceptionResolved():
            after = S.DELIVERED if event.outcome == "delivered" else S.IN_TRANSIT
            return replace(state, status=after, status_before_exception=None)
        case ShipmentRecallRequested():
            return replace(state, recall_open=True, recall_reason=event.reason, recall_case_id=event.case_id)
        case ShipmentRecallConfirmed():
            return replace(state, recall_open=False)
        case ShipmentRecallDeclined():
            return replace(state, recall_open=False, recall_declined=True)
        case ShipmentCancelled():
            return replace(state, status=S.CANCELLED, shipment_id=event.shipment_id, order_id=event.order_id)
    return state


registry = EventRegistry(
    [
        OrderFactNoted,
        ShipmentDetailsCorrected,
        OrderQueuedForShipping,
        ShipmentDocumentsAssigned,
        ShipmentStockNoted,
        AccessoriesChecked,
        AccessoriesMissing,
        OutboundRefused,
        ShipmentResumed,
        ShipmentDispatched,
        ShipmentStamped,
        ShipmentInTransit,
        ShipmentDelivered,
        CourierExceptionReported,
        CourierExceptionResolved,
        ShipmentRecallRequested,
        ShipmentRecallConfirmed,
        ShipmentRecallDeclined,
        ShipmentCancelled,
    ]
)
SHIPMENT: AggregateType[ShipmentState] = AggregateType.of(
    FULFILMENT_SHIPMENT, registry, ShipmentState, evolve
)


def _violation(state: ShipmentState, action: str, allowed: str) -> RuleViolated:
    return RuleViolated(
        f"shipment {state.shipment_id} is {state.status.value}; {action} needs it {allowed}", "SM-SHIP"
    )


# -- the four facts and queueing (FUL-1, FUL-2) ----------------------------------------------


def note_fact(
    state: ShipmentState,
    fact: OrderFactNoted,
    policy: ShippingPolicy,
) -> Sequence[EventData]:
    """Record one of the four facts; the last one to arrive queues the shipment (FUL-2)."""
    if fact.fact in state.facts or state.status is S.CANCELLED:
        return []
    events: list[EventData] = [fact]
    after = evolve(state, fact)
    if state.status is S.PENDING and all(f in after.facts for f in FACTS):
        events.append(
            OrderQueuedForShipping(
                shipment_id=after.shipment_id,
                order_id=after.order_id,
                batch_date=policy.batch_date(fact.noted_at),
                lines=after.lines,
                logistics_method=after.logistics_method or "unspecified",
                queued_at=fact.noted_at,
            )
        )
    return events


def correct_details(state: ShipmentState, corrected: OrderDetailsCorrected) -> Sequence[EventData]:
    """Apply an order correction (ORD-6: recipient, phone, address, a line's sku or size) while the
    shipment's documents are not printed yet; later ones cannot change paper already stamped."""
    if "placed" not in state.facts or state.outbound_note_no is not None or state.status is S.CANCELLED:
        return []
    shipping = state.shipping.model_dump() if state.shipping is not None else None
    lines = [line.model_dump() for line in state.lines]
    applied: list[str] = []
    for change in corrected.corrections:
        parts = change.field.split(".")
        if len(parts) == 1 and shipping is not None and parts[0] in shipping:
            shipping[parts[0]] = change.new
        elif len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and parts[2] in ("sku", "size"):
            index = int(parts[1]) - 1
            if not 0 <= index < len(lines):
                continue
            lines[index][parts[2]] = change.new
        else:
            continue
        applied.append(change.field)
    if not applied:
        return []
    return [
        ShipmentDetailsCorrected(
            shipment_id=state.shipment_id,
            lines=tuple(ShipmentLine(**line) for line in lines),
            shipping=ShippingAddress(**shipping) if shipping is not None else None,
            fields=tuple(applied),
        )
    ]


def assign_documents(state: ShipmentState, docs: ShipmentDocumentsAssigned) -> Sequence[EventData]:
    """The day's batch printed this shipment's documents (SM-SHIP: Queued → InPacket)."""
    if state.outbound_note_no is not None or not state.exists:
        return []
    return [docs]


def note_stock(state: ShipmentState, noted: ShipmentStockNoted) -> Sequence[EventData]:
    """The stock ledger reserved the shipment's stock or reported a shortage (FUL-20, FUL-22)."""
    if not state.exists or state.stamped or state.status is S.CANCELLED:
        return []
    if noted.reserved and state.stock_reserved:
        return []
    return [noted]


def cancel(
    state: ShipmentState,
    order_id: str,
    reason: str,
    now: datetime,
    *,
    case_id: str | None = None,
    recall_to: tuple[str, ...] = (),
) -> Sequence[EventData]:
    """An approved refund for goods not received, or a cancelled order (AS-3, SM-SHIP).

    Queued|InPacket (or before any fact: the shipment is born cancelled and never queues; or while
    refused): cancelled at once. AccessoriesChecked|Dispatched: the goods may already be on the
    courier's van, so the cancellation asks `recall_to` (the roles who may answer) for a recall
    and holds the shipment; a recall already open or already declined decides nothing. Stamped or
    later, cancelled: nothing to cancel."""
    if state.status in CANCELLABLE:
        return [ShipmentCancelled(shipment_id=order_id, order_id=order_id, reason=reason, cancelled_at=now)]
    if state.status in RECALLABLE and not (state.recall_open or state.recall_declined):
        if not recall_to:
            raise ValueError("a recall needs the roles who may answer it (recall_to)")
        return [
            ShipmentRecallRequested(
                shipment_id=state.shipment_id,
                order_id=state.order_id,
                reason=reason,
                case_id=case_id,
                held_in="Dispatched" if state.status is S.DISPATCHED else "AccessoriesChecked",
                reported_to=recall_to,
                requested_at=now,
            )
        ]
    return []


def _require_no_recall(state: ShipmentState, action: str) -> None:
    """SM-SHIP: a shipment with an open recall is held; the keeper answers the recall first."""
    if state.recall_open:
        case = f", case {state.recall_case_id}" if state.recall_case_id else ""
        raise RuleViolated(
            f"shipment {state.shipment_id} cannot be {action}: a recall is open ({state.recall_reason}{case}); "
            "answer it first with ConfirmShipmentRecalled (the parcel is back) or DeclineShipmentRecall "
            "(it already left with the courier)",
            "SM-SHIP",
        )


def confirm_recalled(state: ShipmentState, actor: Actor, note: str, now: datetime) -> Sequence[EventData]:
    """SM-SHIP: the parcel is back in the warehouse; the recall ends in a cancellation, which
    releases the stock as any cancellation does."""
    if not state.recall_open:
        raise _violation(state, "ConfirmShipmentRecalled", "held by an open recall (ShipmentRecallRequested)")
    return [
        ShipmentRecallConfirmed(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            keeper=actor.id,
            note=note.strip(),
            confirmed_at=now,
        ),
        ShipmentCancelled(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            reason=state.recall_reason or "refund",
            cancelled_at=now,
        ),
    ]


def decline_recall(
    state: ShipmentState, actor: Actor, reason: str, recipients: tuple[str, ...], now: datetime
) -> Sequence[EventData]:
    """SM-SHIP: the parcel already left with the courier; the recall closes, the shipment goes on to
    the stamp, and `recipients` (the C14 setting) are told."""
    if not state.recall_open:
        raise _violation(state, "DeclineShipmentRecall", "held by an open recall (ShipmentRecallRequested)")
    return [
        ShipmentRecallDeclined(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            keeper=actor.id,
            reason=reason.strip(),
            recall_reason=state.recall_reason or "refund",
            case_id=state.recall_case_id,
            reported_to=recipients,
            declined_at=now,
        )
    ]


# -- the warehouse keeper (FUL-4, FUL-5, FUL-6) ------------------------------------------------


def check_accessories(
    state: ShipmentState,
    actor: Actor,
    present: Sequence[str],
    required: dict[str, tuple[str, ...] | None],
    recipients: tuple[str, ...],
    now: datetime,
) -> Sequence[EventData]:
    """Compare the keeper's checklist with every product's accessory list (FUL-4); missing
    accessories are escalated to `recipients` (the C14 setting).

    `required` maps each sku of the shipment to its list, or None when none was ever defined.
    """
    if state.status is not S.IN_PACKET:
        raise _violation(state, "CheckAccessories", "InPacket (its documents printed)")
    undefined = sorted(sku for sku, names in required.items() if names is None)
    if undefined:
        raise RuleViolated(
            f"no accessory list for {', '.join(undefined)}: the catalogue sets it (SetAccessories; "
            "an empty list when the product has none)",
            "FUL-4",
        )
    checklist = tuple(sorted({name.strip() for name in present if name.strip()}))
    expected = {name for names in required.values() for name in names or ()}
    missing = tuple(sorted(expected - set(checklist)))
    if missing:
        return [
            AccessoriesMissing(
                shipment_id=state.shipment_id,
                order_id=state.order_id,
                checklist=checklist,
                missing=missing,
                keeper=actor.id,
                reported_to=recipients,
                checked_at=now,
            )
        ]
    return [
        AccessoriesChecked(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            checklist=checklist,
            keeper=actor.id,
            checked_at=now,
        )
    ]


def refuse_outbound(
    state: ShipmentState, actor: Actor, reason: str, recipients: tuple[str, ...], now: datetime
) -> Sequence[EventData]:
    """A pick-up with incomplete paperwork is refused and reported to `recipients` (FUL-5; C14: the
    setting). The shipment is held in Refused until its paperwork is fixed (`resume`)."""
    if state.status not in (S.IN_PACKET, S.ACCESSORIES_CHECKED):
        raise _violation(state, "RefuseOutbound", "InPacket or AccessoriesChecked")
    _require_no_recall(state, "refused")
    return [
        OutboundRefused(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            reason=reason.strip(),
            keeper=actor.id,
            reported_to=recipients,
            refused_at=now,
        )
    ]


def resume(
    state: ShipmentState,
    actor: Actor,
    fixed: str,
    to_keeper: str,
    handed_over: dict[str, str],
    recipients: tuple[str, ...],
    now: datetime,
) -> Sequence[EventData]:
    """A refused shipment whose paperwork was fixed goes back to the warehouse (FUL-5, FUL-3;
    SM-SHIP: Refused → the state it was refused in). The clerk hands over its waybill, outbound note
    and invoice again; each must be the shipment's own (goods leave only against their outbound note).

    `handed_over` maps `waybill`, `outbound_note` and `invoice` to the numbers handed over."""
    if state.status is not S.REFUSED:
        raise _violation(state, "ResumeRefusedShipment", "Refused")
    expected = {
        "waybill": state.waybill_no,
        "outbound_note": state.outbound_note_no,
        "invoice": state.invoice_no,
    }
    wrong = [
        f"{kind} {handed_over.get(kind)} (the shipment's is {number})"
        for kind, number in expected.items()
        if number is None or handed_over.get(kind) != number
    ]
    if wrong:
        raise RuleViolated(
            f"shipment {state.shipment_id} resumes only with its own waybill, outbound note and invoice; "
            "wrong: " + "; ".join(wrong),
            "FUL-3",
        )
    before = state.status_before_refusal
    resumed_to = S.ACCESSORIES_CHECKED if before is S.ACCESSORIES_CHECKED else S.IN_PACKET
    return [
        ShipmentResumed(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            refusal_reason=state.refusal_reason or "paperwork incomplete",
            fixed=fixed.strip(),
            documents=tuple(n for n in expected.values() if n is not None),
            handed_over_by=actor.id,
            to_keeper=to_keeper,
            resumed_to=resumed_to.value,
            reported_to=state.refusal_reported_to or recipients,
            resumed_at=now,
        )
    ]


def dispatch(
    state: ShipmentState, actor: Actor, carrier: str | None, packet_handed_over: bool, now: datetime
) -> Sequence[EventData]:
    """Goods leave only against an outbound note (FUL-5), from a handed-over packet (FUL-3), after
    the accessories check (FUL-4) and only from reserved, inspected stock (FUL-20, FUL-22)."""
    if state.status is S.REFUSED:
        raise RuleViolated(
            f"shipment {state.shipment_id} was refused ({state.refusal_reason}); the order clerk fixes "
            "the paperwork and hands it over again with ResumeRefusedShipment before it is dispatched",
            "FUL-5",
        )
    if state.status in STAMPED_OR_LATER or state.status in (S.DISPATCHED, S.CANCELLED):
        raise _violation(state, "DispatchShipment", "AccessoriesChecked")
    _require_no_recall(state, "dispatched")
    if state.outbound_note_no is None or state.waybill_no is None:
        raise RuleViolated(
            f"shipment {state.shipment_id} has no outbound note yet: goods leave only against an "
            "outbound note printed in the day's report",
            "FUL-5",
        )
    if not packet_handed_over:
        raise RuleViolated(
            f"the packet of {state.batch_date} (report, waybills, outbound notes, invoices) has not "
            "been handed to the warehouse",
            "FUL-3",
        )
    if state.status is not S.ACCESSORIES_CHECKED:
        raise RuleViolated(
            f"shipment {state.shipment_id}: the accessories are not checked complete yet", "FUL-4"
        )
    require_reserved_stock(state, "dispatched")
    method = carrier or state.logistics_method
    if method is None:
        raise InvalidCommand(
            "no carrier given and the buyer's remark names none", "FUL-5", fields=["carrier"]
        )
    return [
        ShipmentDispatched(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            carrier=method,
            waybill_no=state.waybill_no,
            outbound_note_no=state.outbound_note_no,
            keeper=actor.id,
            dispatched_at=now,
        )
    ]


def require_reserved_stock(state: ShipmentState, action: str) -> None:
    """Only reserved, inspected stock ships (FUL-20, FUL-22): every line of the shipment must be
    covered by the stock ledger's reservation (StockReserved), which only ever takes inspected
    (`passed`) lots, oldest first. A reported shortage and a shipment the ledger never answered for
    are both refused: no reservation is not the same as no shortage."""
    if state.short:
        skus = ", ".join(f"{s.sku} ({s.available}/{s.requested})" for s in state.short)
        raise RuleViolated(
            f"shipment {state.shipment_id} cannot be {action}: it waits for stock (FUL-20, FUL-22), "
            f"short of {skus}",
            "FUL-22",
        )
    if not state.stock_reserved:
        raise RuleViolated(
            f"shipment {state.shipment_id} cannot be {action}: no stock is reserved for it; only "
            "reserved, inspected stock ships (FUL-20, FUL-22); wait for the stock ledger's StockReserved",
            "FUL-22",
        )


def stamp(state: ShipmentState, actor: Actor, now: datetime) -> Sequence[EventData]:
    """The shipping-only stamp on the outbound note: only now is the order shipped (FUL-6), and only
    while its stock is still reserved (FUL-20, FUL-22: a lot that failed inspection after dispatch
    takes its reservation back)."""
    if state.status is not S.DISPATCHED or state.outbound_note_no is None or state.waybill_no is None:
        raise _violation(state, "StampOutboundNote", "Dispatched")
    _require_no_recall(state, "stamped")
    require_reserved_stock(state, "stamped")
    return [
        ShipmentStamped(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            outbound_note_no=state.outbound_note_no,
            waybill_no=state.waybill_no,
            stamp=SHIPPING_ONLY_STAMP,
            keeper=actor.id,
            stamped_at=now,
        )
    ]


# -- on the road (FUL-10, FUL-11) -------------------------------------------------------------


def in_transit(state: ShipmentState, location: str, now: datetime) -> Sequence[EventData]:
    if state.status not in (S.STAMPED, S.IN_TRANSIT) or state.waybill_no is None:
        raise _violation(state, "RecordShipmentInTransit", "Stamped or InTransit")
    return [
        ShipmentInTransit(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            waybill_no=state.waybill_no,
            location=location,
            scanned_at=now,
        )
    ]


def deliver(state: ShipmentState, now: datetime) -> Sequence[EventData]:
    """The delivery time is the service's clock at receipt, never the caller's: it starts the buyer's
    7-day window (FUL-11, AS-11), which a back-dated time would shorten."""
    if state.status not in (S.STAMPED, S.IN_TRANSIT):
        raise _violation(state, "RecordDelivery", "Stamped or InTransit")
    return [ShipmentDelivered(shipment_id=state.shipment_id, order_id=state.order_id, delivered_at=now)]


def report_exception(
    state: ShipmentState, actor: Actor, kind: str, note: str, now: datetime
) -> Sequence[EventData]:
    if state.status not in (S.STAMPED, S.IN_TRANSIT) or state.waybill_no is None:
        raise _violation(state, "ReportCourierException", "Stamped or InTransit (with the carrier)")
    return [
        CourierExceptionReported(
            shipment_id=state.shipment_id,
            order_id=state.order_id,
            waybill_no=state.waybill_no,
            kind=kind,
            note=note,
            reported_by=actor.id,
            reported_at=now,
        )
    ]


def resolve_exception(
    state: ShipmentState, actor: Actor, outcome: str, note: str, now: datetime
) -> Sequence[EventData]:
    if state.status is not S.EXCEPTION or state.waybill_no is None:
        raise _violation(state, "ResolveCourierException", "Exception")
    resolved = CourierExceptionResolved(
        shipment_id=state.shipment_id,
        order_id=state.order_id,
        waybill_no=state.waybill_no,
        outcome="delivered" if outcome == "delivered" else "in_transit",
        note=note,
        resolved_by=actor.id,
        resolved_at=now,
    )
    if outcome == "delivered":
        return [
            resolved,
            ShipmentDelivered(shipment_id=state.shipment_id, order_id=state.order_id, delivered_at=now),
        ]
    return [resolved]
