"""The ShippingDay aggregate, one per shipping date (SM-SHIP-BATCH; FUL-1, FUL-2, FUL-3, FUL-7).

Open: queued shipments join the day's list. GenerateDailyShippingReport (order clerk, not before
the cut-off, FUL-2) records the report and the documents printed and stamped as one batch with
the numbers the document register issued (numbering.py). HandOverShippingPacket checks the packet:
the report and, for every order still to ship, its waybill, outbound note and invoice (FUL-3).
FillDailyShippingReport needs every shipment stamped, refused or cancelled (a refused shipment
resumed before then is open again); Submit hands it to the role of the setting (FUL-7, C14: the
department manager by default) and closes the day. `Dispatching` (first shipment dispatched) is shown
by the read model; the aggregate does not need it.

A shipment that joins a day whose report is already made goes on to the next shipping day
(`carried_from`): the reaction asks `accepts_shipments` first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from fulfilment.shipping.domain.events import DocumentNumbersIssued, ShipmentJoinedDay
from fulfilment.shipping.domain.policy import ShippingPolicy
from fulfilment.shipping.domain.shipment import STAMPED_OR_LATER, ShipmentState
from fulfilment.shipping.domain.state import ShipmentStatus
from fulfilment.shipping.domain.state import ShippingDayStatus as D
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_SHIPPING_DAY
from shop_contracts.envelope import Actor
from shop_contracts.events.fulfilment import (
    DailyShippingReportFilled,
    DailyShippingReportGenerated,
    DailyShippingReportSubmitted,
    ShipmentDocuments,
    ShippingDocumentsPrinted,
    ShippingPacketHandedOver,
)
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class ShippingDayState:
    status: D = D.OPEN
    batch_date: date | None = None
    shipments: Mapping[str, str] = field(default_factory=dict)
    """shipment id → order id, in joining order."""
    report_no: str | None = None
    documents: tuple[ShipmentDocuments, ...] = ()

    @property
    def exists(self) -> bool:
        return self.batch_date is not None

    @property
    def accepts_shipments(self) -> bool:
        return self.status is D.OPEN

    @property
    def handed_over(self) -> bool:
        return self.status in (D.HANDED_TO_WAREHOUSE, D.REPORT_FILLED, D.CLOSED)


def evolve(state: ShippingDayState, event: EventData) -> ShippingDayState:
    match event:
        case ShipmentJoinedDay():
            return replace(
                state,
                batch_date=event.batch_date,
                shipments={**state.shipments, event.shipment_id: event.order_id},
            )
        case DailyShippingReportGenerated():
            return replace(
                state, batch_date=event.batch_date, status=D.REPORT_GENERATED, report_no=event.report_no
            )
        case ShippingDocumentsPrinted():
            return replace(state, documents=event.documents)
        case ShippingPacketHandedOver():
            return replace(state, status=D.HANDED_TO_WAREHOUSE)
        case DailyShippingReportFilled():
            return replace(state, status=D.REPORT_FILLED)
        case DailyShippingReportSubmitted():
            return replace(state, status=D.CLOSED)
    return state


registry = EventRegistry(
    [
        ShipmentJoinedDay,
        DailyShippingReportGenerated,
        ShippingDocumentsPrinted,
        ShippingPacketHandedOver,
        DailyShippingReportFilled,
        DailyShippingReportSubmitted,
    ]
)
SHIPPING_DAY: AggregateType[ShippingDayState] = AggregateType.of(
    FULFILMENT_SHIPPING_DAY, registry, ShippingDayState, evolve
)


def day_id(batch_date: date) -> str:
    return batch_date.isoformat()


def join(
    state: ShippingDayState, batch_date: date, shipment_id: str, order_id: str, carried_from: date | None
) -> Sequence[EventData]:
    if shipment_id in state.shipments or not state.accepts_shipments:
        return []
    return [
        ShipmentJoinedDay(
            batch_date=batch_date, shipment_id=shipment_id, order_id=order_id, carried_from=carried_from
        )
    ]


def check_can_generate(
    state: ShippingDayState, batch_date: date, policy: ShippingPolicy, now: datetime
) -> None:
    """Refuse before anything is numbered: the day is open, it is a shipping day, the cut-off has
    passed (FUL-2), and some shipment waits for it."""
    if state.status is not D.OPEN:
        raise RuleViolated(
            f"the report of {batch_date} was made already (report {state.report_no})", "SM-SHIP-BATCH"
        )
    if not policy.is_shipping_day(batch_date):
        raise RuleViolated(f"{batch_date} is not a shipping day (weekend or holiday setting)", "FUL-2")
    cutoff = policy.cutoff_at(batch_date)
    if now < cutoff:
        raise RuleViolated(
            f"the daily report of {batch_date} is made at the cut-off {policy.cutoff:%H:%M} "
            f"({policy.business_tz}) or later; it is {now.astimezone(policy.tz):%Y-%m-%d %H:%M:%S}",
            "FUL-2",
        )
    if not state.shipments:
        raise RuleViolated(f"no shipment is queued for {batch_date}: there is nothing to report", "FUL-1")


def to_ship(state: ShippingDayState, shipments: Mapping[str, ShipmentState]) -> list[tuple[str, str]]:
    """The day's shipments still to ship (not cancelled), in joining order."""
    return [
        (sid, oid)
        for sid, oid in state.shipments.items()
        if shipments.get(sid) is None or shipments[sid].status is not ShipmentStatus.CANCELLED
    ]


def generate(
    state: ShippingDayState,
    actor: Actor,
    issued: DocumentNumbersIssued,
    policy: ShippingPolicy,
    now: datetime,
) -> Sequence[EventData]:
    """The report and the batch of printed, stamped documents, numbered by the register (FUL-1)."""
    check_can_generate(state, issued.batch_date, policy, now)
    return [
        DailyShippingReportGenerated(
            batch_date=issued.batch_date,
            report_no=issued.report_no,
            shipment_ids=tuple(d.shipment_id for d in issued.documents),
            order_ids=tuple(d.order_id for d in issued.documents),
            generated_by=actor.id,
            generated_at=now,
        ),
        ShippingDocumentsPrinted(
            batch_date=issued.batch_date,
            report_no=issued.report_no,
            documents=issued.documents,
            stamped=True,
            printed_at=now,
        ),
    ]


def hand_over(
    state: ShippingDayState,
    actor: Actor,
    to_keeper: str,
    packet: Mapping[str, Sequence[str]],
    shipments: Mapping[str, ShipmentState],
    now: datetime,
) -> Sequence[EventData]:
    """All four kinds for every order to ship, or the hand-over is refused (FUL-3).

    `packet` maps the kinds `report`, `waybill`, `outbound_note`, `invoice` to the numbers in it.
    """
    if state.status is not D.REPORT_GENERATED or state.report_no is None:
        raise RuleViolated(
            f"the packet of {state.batch_date} can be handed over once its report is made and before "
            f"it was handed over (it is {state.status.value})",
            "SM-SHIP-BATCH",
        )
    present = {kind: set(numbers) for kind, numbers in packet.items()}
    problems: list[str] = []
    if state.report_no not in present.get("report", set()):
        problems.append(f"the daily report {state.report_no}")
    cancelled = {sid for sid, s in shipments.items() if s.status is ShipmentStatus.CANCELLED}
    for doc in state.documents:
        if doc.shipment_id in cancelled:
            continue
        absent = [
            f"{kind} {number}"
            for kind, number in (
                ("waybill", doc.waybill_no),
                ("outbound_note", doc.outbound_note_no),
                ("invoice", doc.invoice_no),
            )
            if number not in present.get(kind, set())
        ]
        if absent:
            problems.append(f"order {doc.order_id}: {', '.join(absent)}")
    if problems:
        raise RuleViolated(
            "the packet must hold the daily report, waybill, outbound note and invoice of every order; "
            "missing: " + "; ".join(problems),
            "FUL-3",
        )
    return [
        ShippingPacketHandedOver(
            batch_date=state.batch_date or date.min,
            report_no=state.report_no,
            handed_over_by=actor.id,
            to_keeper=to_keeper,
            shipment_ids=tuple(d.shipment_id for d in state.documents if d.shipment_id not in cancelled),
            documents=tuple(sorted({n for numbers in present.values() for n in numbers})),
            handed_over_at=now,
        )
    ]


def fill(
    state: ShippingDayState, actor: Actor, shipments: Mapping[str, ShipmentState], now: datetime
) -> Sequence[EventData]:
    """Every shipment of the report stamped, refused or cancelled (FUL-1 step 5)."""
    if state.status is not D.HANDED_TO_WAREHOUSE or state.report_no is None:
        raise RuleViolated(
            f"the report of {state.batch_date} is filled in after the hand-over, once "
            f"(it is {state.status.value})",
            "SM-SHIP-BATCH",
        )
    shipped, refused, cancelled, open_ = [], [], [], []
    for doc in state.documents:
        s = shipments.get(doc.shipment_id)
        status = s.status if s is not None else None
        if status in STAMPED_OR_LATER:
            shipped.append(doc.shipment_id)
        elif status is ShipmentStatus.REFUSED:
            refused.append(doc.shipment_id)
        elif status is ShipmentStatus.CANCELLED:
            cancelled.append(doc.shipment_id)
        else:
            open_.append(f"{doc.shipment_id} ({status.value if status else 'unknown'})")
    if open_:
        raise RuleViolated(
            "every shipment must be stamped or refused before the report is filled in; still open: "
            + ", ".join(open_),
            "SM-SHIP-BATCH",
        )
    return [
        DailyShippingReportFilled(
            batch_date=state.batch_date or date.min,
            report_no=state.report_no,
            shipped=tuple(shipped),
            refused=tuple(refused),
            cancelled=tuple(cancelled),
            filled_by=actor.id,
            filled_at=now,
        )
    ]


def submit(
    state: ShippingDayState, actor: Actor, to_manager: str | None, policy: ShippingPolicy, now: datetime
) -> Sequence[EventData]:
    """The filled report goes to the role of the setting (FUL-7, C14: by default the department
    manager); the day closes."""
    if state.status is not D.REPORT_FILLED or state.report_no is None:
        raise RuleViolated(
            f"the report of {state.batch_date} is submitted once it is filled in "
            f"(it is {state.status.value})",
            "FUL-7",
        )
    return [
        DailyShippingReportSubmitted(
            batch_date=state.batch_date or date.min,
            report_no=state.report_no,
            submitted_by=actor.id,
            to_role=policy.daily_report_role,
            to_manager=to_manager,
            submitted_at=now,
        )
    ]
