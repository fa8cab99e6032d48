"""Gap-free document numbers per series: daily report, waybill, outbound note, invoice (FUL-1).

Choice: one `DocumentRegister` aggregate (id `shipping-documents`) holds the next number of every
series. GenerateDailyShippingReport first asks it to issue the numbers for one shipping day in a
single event (`DocumentNumbersIssued`: the report number and, per shipment, a waybill, an outbound
note and an invoice number), appended with the optimistic concurrency check on the register's
subject; then it records the report and the printed documents on the ShippingDay with exactly
those numbers.

Why this never skips or repeats a number:
- one append per issue, all series at once, so the series cannot drift apart, and two issues that
  race are serialised by the concurrency check (the loser reloads and decides again);
- the register issues at most once per shipping day: asked again for a day it already served (a
  retried command, a second clerk, a process restarted between the two appends) it issues nothing
  and the day's numbers are read back from its state, so a retry reuses them instead of burning
  new ones;
- the day's shipment list is frozen in the issue; a retry prints exactly that list.
A day whose issue was recorded but whose report append never happened shows its numbers as
reserved; generating that day's report again (any command id) completes it with them.

One register for all series is a deliberate hot spot: it is touched once per shipping day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from fulfilment.shipping.domain.events import DocumentNumbersIssued
from fulfilment.shipping.domain.policy import SERIES, ShippingPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_DOCUMENT_REGISTER
from shop_contracts.events.fulfilment import ShipmentDocuments
from shop_contracts.messages import EventData

REGISTER_ID = "shipping-documents"


@dataclass(frozen=True)
class RegisterState:
    next_numbers: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(SERIES, 1))
    issued: Mapping[date, DocumentNumbersIssued] = field(default_factory=dict)


def evolve(state: RegisterState, event: EventData) -> RegisterState:
    if isinstance(event, DocumentNumbersIssued):
        return replace(
            state,
            next_numbers=dict(event.next_numbers),
            issued={**state.issued, event.batch_date: event},
        )
    return state


registry = EventRegistry([DocumentNumbersIssued])
DOCUMENT_REGISTER: AggregateType[RegisterState] = AggregateType.of(
    FULFILMENT_DOCUMENT_REGISTER, registry, RegisterState, evolve
)


def issue_numbers(
    state: RegisterState,
    batch_date: date,
    shipments: Sequence[tuple[str, str]],
    policy: ShippingPolicy,
) -> Sequence[EventData]:
    """The next numbers of every series for `shipments` (shipment id, order id) of one day, once."""
    if batch_date in state.issued or not shipments:
        return []
    counters = dict(state.next_numbers)

    def take(series: str) -> str:
        number = counters.get(series, 1)
        counters[series] = number + 1
        return policy.number(series, number)

    report_no = take("report")
    documents = tuple(
        ShipmentDocuments(
            shipment_id=shipment_id,
            order_id=order_id,
            waybill_no=take("waybill"),
            outbound_note_no=take("outbound_note"),
            invoice_no=take("invoice"),
        )
        for shipment_id, order_id in shipments
    )
    return [
        DocumentNumbersIssued(
            batch_date=batch_date, report_no=report_no, documents=documents, next_numbers=counters
        )
    ]
