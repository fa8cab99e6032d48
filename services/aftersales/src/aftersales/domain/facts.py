"""What after-sales knows about an order (aggregate `OrderFacts`, one per order id), fed by
reactions to OrderPlaced, AccessoriesChecked, ShipmentStamped, ShipmentDelivered and
ShipmentCancelled, and the refunds booked against it.

- Accessories shipped (FUL-4, AS-7): the checklist the warehouse keeper found complete, the
  reference a returned parcel's accessories are inspected against.

- Goods received (AS-2): delivered → received; not stamped (or cancelled) → not received; stamped
  but not delivered → the buyer's statement decides, and the basis is recorded.
- Refund limits: a case is booked once ("never refunded twice", SM-RET) and the refunds of an order
  never exceed its amount net of earlier refunds (ORD-16, AS-9).

Reactions decide nothing when the fact is already known, so redelivery changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal

from aftersales.domain.events import (
    DeliveryNoted,
    OrderFactsRecorded,
    RefundBooked,
    ShipmentCancellationNoted,
    ShipmentStampNoted,
    ShippedAccessoriesNoted,
)
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.events.fulfilment import (
    AccessoriesChecked,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentStamped,
)
from shop_contracts.events.orders import OrderPlaced
from shop_contracts.messages import EventData

Basis = Literal["delivered", "not_shipped", "buyer_statement"]


@dataclass(frozen=True)
class OrderFacts:
    order_id: str = ""
    known: bool = False
    amount: Decimal = Decimal(0)
    buyer_id: str = ""
    stamped_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled: bool = False
    refunded: Decimal = Decimal(0)
    booked_cases: frozenset[str] = frozenset()
    shipped_accessories: tuple[str, ...] | None = None

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.refunded


def evolve(state: OrderFacts, event: EventData) -> OrderFacts:
    match event:
        case OrderFactsRecorded():
            return replace(
                state, order_id=event.order_id, known=True, amount=event.amount, buyer_id=event.buyer_id
            )
        case ShipmentStampNoted():
            return replace(state, order_id=event.order_id, stamped_at=event.stamped_at)
        case DeliveryNoted():
            return replace(state, order_id=event.order_id, delivered_at=event.delivered_at)
        case ShipmentCancellationNoted():
            return replace(state, order_id=event.order_id, cancelled=True)
        case ShippedAccessoriesNoted():
            return replace(state, order_id=event.order_id, shipped_accessories=event.checklist)
        case RefundBooked():
            return replace(
                state,
                refunded=state.refunded + event.amount,
                booked_cases=state.booked_cases | {event.case_id},
            )
    return state


registry = EventRegistry(
    [
        OrderFactsRecorded,
        ShipmentStampNoted,
        DeliveryNoted,
        ShipmentCancellationNoted,
        ShippedAccessoriesNoted,
        RefundBooked,
    ]
)
ORDER_FACTS = AggregateType[OrderFacts]("OrderFacts", registry, OrderFacts, evolve)


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
                )
            ]
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
        case ShipmentCancelled() if not facts.cancelled:
            return [
                ShipmentCancellationNoted(
                    order_id=event.order_id, shipment_id=event.shipment_id, cancelled_at=event.cancelled_at
                )
            ]
    return []


def check_amount(facts: OrderFacts, amount: Decimal) -> None:
    if amount > facts.remaining:
        raise RuleViolated(
            f"refund {amount} exceeds what is left of order {facts.order_id} "
            f"({facts.amount} minus {facts.refunded} already refunded)",
            "ORD-16",
        )


def book_refund(facts: OrderFacts, case_id: str, amount: Decimal, now: datetime) -> Sequence[EventData]:
    """Book a case's refund against its order: once per case, never above the remaining amount."""
    if case_id in facts.booked_cases:
        raise RuleViolated(f"case {case_id} has already been refunded", "SM-RET")
    check_amount(facts, amount)
    return [RefundBooked(order_id=facts.order_id, case_id=case_id, amount=amount, booked_at=now)]
