"""What after-sales knows about an order (aggregate `OrderFacts`, one per order id), fed by
reactions to OrderPlaced, OrderPaid, AccessoriesChecked, ShipmentRecallRequested,
ShipmentRecallDeclined, ShipmentStamped, ShipmentDelivered and ShipmentCancelled, and the refunds
booked against it.

- Paid (AS-3, AS-8, SM-ORD): a refund gives back money the buyer paid. An order whose payment
  orders never recorded has nothing to refund: its requests are refused, and no refund is booked
  against it, so the refund ledger (AS-9) never holds money that never came in. The limit is the
  amount paid, not the amount ordered.

- The order's SKUs and the accessories shipped (FUL-4, AS-7): a returned parcel is inspected
  against the catalogue's accessory lists of the order's SKUs (decision 0011); the checklist the
  warehouse keeper found complete is the fallback when the catalogue does not speak for every SKU
  (orders placed before the catalogue; `expected_accessories`).

- Goods received (AS-2): delivered → received; not stamped (or cancelled) → not received; stamped
  but not delivered → the buyer's statement decides, and the basis is recorded.
- The shipment's fate (SM-SHIP, SM-RET, AS-3): a checked or dispatched shipment is recalled, not
  cancelled. While the recall is open a refund without return is refused (the goods may still
  reach the buyer); its cancellation (ShipmentCancelled) lets the refund go; its decline means
  the goods ship (the case turns to the return path, refunds.goods_shipping). A stamp closes
  the recall too.
- Refund limits: a case is booked once ("never refunded twice", SM-RET) and the refunds of an order
  never exceed the amount paid net of earlier refunds (ORD-16, AS-9). An open case holds its
  amount (RefundReserved, released when it ends without a refund), so several cases open at once
  never ask for more than is left: none can end up approved but never payable.

Reactions decide nothing when the fact is already known, so redelivery changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal

from aftersales.refunds.domain.events import (
    DeliveryNoted,
    OrderFactsRecorded,
    PaymentNoted,
    RefundBooked,
    RefundReleased,
    RefundReserved,
    ShipmentCancellationNoted,
    ShipmentRecallDeclineNoted,
    ShipmentRecallNoted,
    ShipmentStampNoted,
    ShippedAccessoriesNoted,
)
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import AFTERSALES_ORDER_FACTS
from shop_contracts.events.fulfilment import (
    AccessoriesChecked,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentRecallDeclined,
    ShipmentRecallRequested,
    ShipmentStamped,
)
from shop_contracts.events.orders import OrderPaid, OrderPlaced
from shop_contracts.messages import EventData

Basis = Literal["delivered", "not_shipped", "buyer_statement"]


@dataclass(frozen=True)
class OrderFacts:
    order_id: str = ""
    known: bool = False
    amount: Decimal = Decimal(0)
    buyer_id: str = ""
    skus: tuple[str, ...] = ()
    paid: Decimal | None = None
    paid_at: datetime | None = None
    stamped_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled: bool = False
    refunded: Decimal = Decimal(0)
    booked_cases: frozenset[str] = frozenset()
    reserved: Mapping[str, Decimal] = field(default_factory=dict)
    shipped_accessories: tuple[str, ...] | None = None
    recall_open: bool = False
    """SM-SHIP: fulfilment holds the shipment and asks the keeper to get it back."""
    recall_case_id: str | None = None
    recall_declined: bool = False
    """SM-SHIP: the keeper could not get it back; the goods ship."""

    @property
    def remaining(self) -> Decimal:
        """What may still be refunded: the amount paid minus every refund (nothing if unpaid)."""
        return (self.paid or Decimal(0)) - self.refunded

    def available(self, case_id: str) -> Decimal:
        """What a case may ask for: what is left, minus what the other open cases hold."""
        held = sum((a for c, a in self.reserved.items() if c != case_id), Decimal(0))
        return self.remaining - held


def evolve(state: OrderFacts, event: EventData) -> OrderFacts:
    match event:
        case OrderFactsRecorded():
            return replace(
                state,
                order_id=event.order_id,
                known=True,
                amount=event.amount,
                buyer_id=event.buyer_id,
                skus=event.skus,
            )
        case PaymentNoted():
            return replace(state, order_id=event.order_id, paid=event.amount, paid_at=event.paid_at)
        case ShipmentStampNoted():
            return replace(state, order_id=event.order_id, stamped_at=event.stamped_at, recall_open=False)
        case DeliveryNoted():
            return replace(state, order_id=event.order_id, delivered_at=event.delivered_at)
        case ShipmentCancellationNoted():
            return replace(state, order_id=event.order_id, cancelled=True, recall_open=False)
        case ShipmentRecallNoted():
            return replace(state, order_id=event.order_id, recall_open=True, recall_case_id=event.case_id)
        case ShipmentRecallDeclineNoted():
            return replace(state, order_id=event.order_id, recall_open=False, recall_declined=True)
        case ShippedAccessoriesNoted():
            return replace(state, order_id=event.order_id, shipped_accessories=event.checklist)
        case RefundBooked():
            return replace(
                state,
                refunded=state.refunded + event.amount,
                booked_cases=state.booked_cases | {event.case_id},
                reserved={c: a for c, a in state.reserved.items() if c != event.case_id},
            )
        case RefundReserved():
            return replace(state, reserved={**state.reserved, event.case_id: event.amount})
        case RefundReleased():
            return replace(state, reserved={c: a for c, a in state.reserved.items() if c != event.case_id})
    return state


registry = EventRegistry(
    [
        OrderFactsRecorded,
        PaymentNoted,
        ShipmentStampNoted,
        DeliveryNoted,
        ShipmentCancellationNoted,
        ShippedAccessoriesNoted,
        ShipmentRecallNoted,
        ShipmentRecallDeclineNoted,
        RefundBooked,
        RefundReserved,
        RefundReleased,
    ]
)
ORDER_FACTS = AggregateType.of(AFTERSALES_ORDER_FACTS, registry, OrderFacts, evolve)


def expected_accessories(
    facts: OrderFacts, catalogue: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...] | None:
    """AS-7 (decision 0011): what a returned parcel of the order should hold: the catalogue's
    accessory lists of the order's SKUs once the catalogue speaks for every one of them, else the
    checklist fulfilment found complete at dispatch (None when neither is known)."""
    if facts.skus and all(sku in catalogue for sku in facts.skus):
        return tuple(sorted({name for sku in facts.skus for name in catalogue[sku]}))
    return facts.shipped_accessories


def goods_received(facts: OrderFacts, claimed: bool) -> tuple[bool, Basis]:
    """AS-2: fulfilment's record decides where it is certain; otherwise the buyer's word."""
    if facts.delivered_at is not None:
        return True, "delivered"
    if facts.stamped_at is None or facts.cancelled:
        return False, "not_shipped"
    return claimed, "buyer_statement"


def note(facts: OrderFacts, event: EventData) -> Sequence[EventData]:
    """Record a fact reported by orders or fulfilment, once."""
    match event:
        case OrderPlaced() if not facts.known:
            return [
                OrderFactsRecorded(
                    order_id=event.order_id,
                    amount=event.amount,
                    buyer_id=event.buyer_id,
                    placed_at=event.placed_at,
                    skus=tuple(dict.fromkeys(line.sku for line in event.lines)),
                )
            ]
        case OrderPaid() if facts.paid_at is None:
            return [PaymentNoted(order_id=event.order_id, amount=event.amount, paid_at=event.paid_at)]
        case AccessoriesChecked() if facts.shipped_accessories is None:
            return [
                ShippedAccessoriesNoted(
                    order_id=event.order_id,
                    shipment_id=event.shipment_id,
                    checklist=event.checklist,
                    checked_at=event.checked_at,
                )
            ]
        case ShipmentStamped() if facts.stamped_at is None:
            return [
                ShipmentStampNoted(
                    order_id=event.order_id, shipment_id=event.shipment_id, stamped_at=event.stamped_at
                )
            ]
        case ShipmentDelivered() if facts.delivered_at is None:
            return [
                DeliveryNoted(
                    order_id=event.order_id, shipment_id=event.shipment_id, delivered_at=event.delivered_at
                )
            ]
        case ShipmentRecallRequested() if not (facts.recall_open or facts.recall_declined or facts.cancelled):
            return [
                ShipmentRecallNoted(
                    order_id=event.order_id,
                    shipment_id=event.shipment_id,
                    case_id=event.case_id,
                    requested_at=event.requested_at,
                )
            ]
        case ShipmentRecallDeclined() if not facts.recall_declined:
            return [
                ShipmentRecallDeclineNoted(
                    order_id=event.order_id,
                    shipment_id=event.shipment_id,
                    case_id=event.case_id,
                    reason=event.reason,
                    declined_at=event.declined_at,
                )
            ]
        case ShipmentCancelled() if not facts.cancelled:
            return [
                ShipmentCancellationNoted(
                    order_id=event.order_id, shipment_id=event.shipment_id, cancelled_at=event.cancelled_at
                )
            ]
    return []


def check_paid(facts: OrderFacts) -> None:
    """AS-3, AS-8: the buyer is refunded money they paid; an unpaid order has none (SM-ORD)."""
    if facts.paid is None:
        raise RuleViolated(
            f"after-sales has no payment of order {facts.order_id} (no OrderPaid noted): there is no money "
            "to refund; a payment recorded just now reaches after-sales within moments",
            "SM-ORD",
        )


def check_no_open_recall(facts: OrderFacts, case_id: str) -> None:
    """SM-RET, AS-3 (SM-SHIP): a refund without return waits while the order's shipment is being
    recalled (the goods may still reach the buyer), and is never released once the recall was
    declined (the goods ship: the case goes to the return path instead)."""
    if facts.recall_open:
        behind = f" (asked for case {facts.recall_case_id})" if facts.recall_case_id else ""
        raise RuleViolated(
            f"case {case_id} cannot be refunded without return: the recall of order {facts.order_id}'s "
            f"shipment is open{behind}; the refund may be issued once fulfilment has cancelled the "
            "shipment (SM-SHIP, AS-3)",
            "SM-RET",
        )
    if facts.recall_declined and not facts.cancelled:
        raise RuleViolated(
            f"case {case_id} cannot be refunded without return: the recall of order {facts.order_id}'s "
            "shipment was declined, the goods ship; the buyer sends them back first (AS-3, AS-4)",
            "SM-RET",
        )


def check_amount(facts: OrderFacts, amount: Decimal, case_id: str | None = None) -> None:
    """ORD-16: never above the payment net of refunds; a new or open case (`case_id`) also not
    above what the other open cases leave."""
    check_paid(facts)
    if amount > facts.remaining:
        raise RuleViolated(
            f"refund {amount} exceeds what is left of order {facts.order_id} "
            f"({facts.paid} paid minus {facts.refunded} already refunded)",
            "ORD-16",
        )
    if case_id is not None and amount > facts.available(case_id):
        raise RuleViolated(
            f"refund {amount} exceeds what is left of order {facts.order_id} once its other open "
            f"cases are counted ({facts.available(case_id)} available)",
            "ORD-16",
        )


def reserve_refund(facts: OrderFacts, case_id: str, amount: Decimal, now: datetime) -> Sequence[EventData]:
    """Hold a new case's amount against the order (ORD-16); once per case."""
    if case_id in facts.reserved or case_id in facts.booked_cases:
        return []
    check_amount(facts, amount, case_id)
    return [RefundReserved(order_id=facts.order_id, case_id=case_id, amount=amount, reserved_at=now)]


def release_refund(facts: OrderFacts, case_id: str, now: datetime) -> Sequence[EventData]:
    """A case ended without a refund: free what it held (nothing if it held nothing)."""
    if case_id not in facts.reserved:
        return []
    return [RefundReleased(order_id=facts.order_id, case_id=case_id, released_at=now)]


def book_refund(facts: OrderFacts, case_id: str, amount: Decimal, now: datetime) -> Sequence[EventData]:
    """Book a case's refund against its order: only a paid order, once per case, never above what
    is left of the payment (AS-9: the ledger holds only money that came in)."""
    if case_id in facts.booked_cases:
        raise RuleViolated(f"case {case_id} has already been refunded", "SM-RET")
    check_amount(facts, amount)
    return [RefundBooked(order_id=facts.order_id, case_id=case_id, amount=amount, booked_at=now)]
