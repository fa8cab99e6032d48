"""Return parcels the warehouse receives for refund cases (AS-4, AS-6, SM-RET): aggregate
`ReturnParcel`, one per refund case. ReturnShippedByBuyer tells the warehouse which waybill to
expect; ReceiveReturnParcel records the arrival as ReturnParcelReceived, which after-sales reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fulfilment.shipping.domain.events import ReturnParcelExpected
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_RETURN_PARCEL
from shop_contracts.events.fulfilment import ReturnParcelReceived
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class ReturnParcelState:
    case_id: str = ""
    order_id: str | None = None
    expected_waybill: str | None = None
    received_at: datetime | None = None
    received_waybill: str | None = None


def evolve(state: ReturnParcelState, event: EventData) -> ReturnParcelState:
    match event:
        case ReturnParcelExpected():
            return ReturnParcelState(
                case_id=event.case_id,
                order_id=event.order_id,
                expected_waybill=event.waybill_no,
                received_at=state.received_at,
                received_waybill=state.received_waybill,
            )
        case ReturnParcelReceived():
            return ReturnParcelState(
                case_id=event.case_id,
                order_id=state.order_id or event.order_id,
                expected_waybill=state.expected_waybill,
                received_at=event.received_at,
                received_waybill=event.waybill_no,
            )
    return state


registry = EventRegistry([ReturnParcelExpected, ReturnParcelReceived])
RETURN_PARCEL: AggregateType[ReturnParcelState] = AggregateType.of(
    FULFILMENT_RETURN_PARCEL, registry, ReturnParcelState, evolve
)


def expect(state: ReturnParcelState, event: ReturnParcelExpected) -> Sequence[EventData]:
    if state.expected_waybill == event.waybill_no:
        return []
    return [event]


def receive(
    state: ReturnParcelState, case_id: str, waybill_no: str, order_id: str | None, now: datetime
) -> Sequence[EventData]:
    if state.received_at is not None:
        raise RuleViolated(
            f"the return parcel of case {case_id} was received already ({state.received_waybill})", "SM-RET"
        )
    if state.expected_waybill is not None and state.expected_waybill != waybill_no:
        raise RuleViolated(
            f"case {case_id} expects the return parcel with waybill {state.expected_waybill}, "
            f"not {waybill_no}",
            "AS-6",
        )
    if order_id is not None and state.order_id is not None and order_id != state.order_id:
        raise RuleViolated(f"case {case_id} belongs to order {state.order_id}, not {order_id}", "AS-6")
    return [
        ReturnParcelReceived(
            case_id=case_id, waybill_no=waybill_no, order_id=order_id or state.order_id, received_at=now
        )
    ]
