"""Decisions from placement to hand-over (SM-ORD; ORD-1, ORD-2, ORD-3, ORD-5, ORD-7, ORD-8, ORD-9,
ORD-10, ORD-12, ORD-13, ORD-14; CAT-7 at placement, domain/catalogue.py).

Each function takes the current state and returns the events to append, or raises an error naming
the rule it enforces. Acceptance (ORD-2's start) is taken to be OrderPlaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from jetstream_es.errors import NotFound, RuleViolated
from orders.domain.catalogue import CatalogueProduct, as_given, priced_lines
from orders.domain.policy import OrderPolicy
from orders.domain.state import BEFORE_CONFIRMATION, ENDED, OrderState
from orders.domain.status import OrderStatus as S
from shop_contracts.commands.orders import (
    ConfirmOrder,
    HandOverOrder,
    MarkOrderViewed,
    NotifyOutOfStock,
    PlaceOrder,
    RecordBuyerRemark,
    RecordCustomerContact,
    RecordPayment,
)
from shop_contracts.events.order_progress import (
    CustomerContacted,
    OrderHandedOver,
    OrderOutOfStockNotified,
    OrderViewed,
)
from shop_contracts.events.orders import (
    BuyerRemarkRecorded,
    OrderAmendmentRejected,
    OrderConfirmed,
    OrderPaid,
    OrderPlaced,
)
from shop_contracts.messages import EventData


def minutes_between(start: datetime | None, end: datetime) -> int:
    return max(int((end - start).total_seconds() // 60), 0) if start else 0


def hours_between(start: datetime | None, end: datetime) -> Decimal:
    seconds = (end - start).total_seconds() if start else 0.0
    return max(Decimal(seconds) / 3600, Decimal(0)).quantize(Decimal("0.01"))


def existing(state: OrderState, order_id: str) -> OrderState:
    if not state.exists:
        raise NotFound(f"order {order_id} does not exist")
    return state


def place_order(
    state: OrderState,
    cmd: PlaceOrder,
    policy: OrderPolicy,
    now: datetime,
    products: Mapping[str, CatalogueProduct],
) -> Sequence[EventData]:
    """`products`: the catalogue's products of the command's SKUs (CAT-7), as orders last saw them."""
    policy.roles.require(cmd.actor, "PlaceOrder")
    if not state.exists:
        return [
            OrderPlaced(
                order_id=cmd.order_id,
                lines=priced_lines(cmd.lines, products, policy.price_mismatch),
                amount=sum((line.amount for line in cmd.lines), Decimal(0)),
                buyer_id=cmd.buyer_id,
                shipping=cmd.shipping,
                channel=cmd.channel,
                sales_owner=cmd.sales_owner,
                placed_at=now,
            )
        ]
    current = {
        "lines": as_given(state.lines),
        "buyer_id": state.buyer_id,
        "shipping": state.shipping,
        "channel": state.channel,
        "sales_owner": state.sales_owner,
    }
    differing = tuple(name for name, value in current.items() if getattr(cmd, name) != value)
    reason = f"order {cmd.order_id} exists and is binding; it cannot be placed again"
    if not differing:
        raise RuleViolated(reason, "ORD-5")
    rule = "ORD-13" if "sales_owner" in differing else "ORD-5"
    return [  # recorded, then refused by the handler (ORD-5, ORD-13)
        OrderAmendmentRejected(
            order_id=cmd.order_id,
            command_id=cmd.command_id,
            actor_id=cmd.actor.id,
            actor_roles=cmd.actor.roles,
            attempted_fields=differing,
            rule=rule,
            reason=f"{reason} with other {', '.join(differing)} ({rule})",
        )
    ]


def record_payment(
    state: OrderState, cmd: RecordPayment, policy: OrderPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RecordPayment")
    existing(state, cmd.order_id)
    if cmd.payee_account not in policy.company_accounts:
        raise RuleViolated(
            f"payee account {cmd.payee_account} is not a company account; payments go only to the "
            "company's own accounts",
            "ORD-12",
        )
    if state.paid:
        raise RuleViolated(f"order {cmd.order_id} is paid already", "SM-ORD")
    if state.status not in BEFORE_CONFIRMATION:
        raise RuleViolated(f"order {cmd.order_id} is {state.status} and takes no payment", "SM-ORD")
    if cmd.amount != state.amount:
        raise RuleViolated(
            f"payment {cmd.amount} differs from the order amount {state.amount}; receivables are owed "
            "to the company in full",
            "ORD-14",
        )
    return [
        OrderPaid(
            order_id=cmd.order_id,
            amount=cmd.amount,
            payee_account=cmd.payee_account,
            payment_ref=cmd.payment_ref,
            paid_at=now,
        )
    ]


def record_buyer_remark(
    state: OrderState, cmd: RecordBuyerRemark, policy: OrderPolicy
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RecordBuyerRemark")
    existing(state, cmd.order_id)
    if not state.paid:
        raise RuleViolated("the buyer's remark is recorded after payment", "ORD-8")
    if state.shipped or state.status in ENDED:
        raise RuleViolated(f"order {cmd.order_id} has shipped or ended; a remark is too late", "ORD-9")
    return [
        BuyerRemarkRecorded(
            order_id=cmd.order_id,
            logistics_method=cmd.logistics_method,
            requirements=cmd.requirements,
            recorded_by=cmd.actor.id,
        )
    ]


def mark_viewed(
    state: OrderState, cmd: MarkOrderViewed, policy: OrderPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "MarkOrderViewed")
    existing(state, cmd.order_id)
    lag = minutes_between(state.placed_at, now)
    return [OrderViewed(order_id=cmd.order_id, staff_id=cmd.actor.id, lag_min=lag, viewed_at=now)]


def record_contact(
    state: OrderState, cmd: RecordCustomerContact, policy: OrderPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RecordCustomerContact")
    existing(state, cmd.order_id)
    if state.status not in BEFORE_CONFIRMATION:
        raise RuleViolated(
            f"order {cmd.order_id} is {state.status}; contact is recorded before confirming", "SM-ORD"
        )
    return [
        CustomerContacted(
            order_id=cmd.order_id,
            staff_id=cmd.actor.id,
            details_verified=cmd.details_verified,
            minutes_since_accept=minutes_between(state.placed_at, now),
            note=cmd.note,
            contacted_at=now,
        )
    ]


def confirm_order(
    state: OrderState, cmd: ConfirmOrder, policy: OrderPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "ConfirmOrder")
    existing(state, cmd.order_id)
    if state.status is not S.CONTACTED or not state.paid:
        missing = "payment" if not state.paid else "customer contact"
        if state.status not in BEFORE_CONFIRMATION:
            raise RuleViolated(f"order {cmd.order_id} is {state.status}, not awaiting confirmation", "SM-ORD")
        raise RuleViolated(f"order {cmd.order_id} needs {missing} before it is confirmed", "SM-ORD")
    if not state.details_verified:
        raise RuleViolated("the order details were not verified with the customer", "ORD-7")
    return [OrderConfirmed(order_id=cmd.order_id, confirmed_by=cmd.actor.id, confirmed_at=now)]


def hand_over(
    state: OrderState, cmd: HandOverOrder, policy: OrderPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "HandOverOrder")
    existing(state, cmd.order_id)
    if state.progress is not S.CONFIRMED or state.status in ENDED:
        raise RuleViolated(
            f"order {cmd.order_id} is {state.status}; only a confirmed order is handed over", "ORD-3"
        )
    return [
        OrderHandedOver(
            order_id=cmd.order_id,
            handed_over_by=cmd.actor.id,
            to_staff_id=cmd.to_staff_id,
            hours=hours_between(state.confirmed_at, now),
            handed_over_at=now,
        )
    ]


def notify_out_of_stock(state: OrderState, cmd: NotifyOutOfStock, policy: OrderPolicy) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "NotifyOutOfStock")
    existing(state, cmd.order_id)
    if cmd.sku not in {line.sku for line in state.lines}:
        raise RuleViolated(f"order {cmd.order_id} has no line with sku {cmd.sku}", "ORD-10")
    if state.shipped or state.status in ENDED:
        raise RuleViolated(f"order {cmd.order_id} has shipped or ended", "ORD-10")
    return [
        OrderOutOfStockNotified(order_id=cmd.order_id, sku=cmd.sku, notified_by=cmd.actor.id, note=cmd.note)
    ]
