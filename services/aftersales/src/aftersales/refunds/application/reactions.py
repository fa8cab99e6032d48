"""Reactions to orders and fulfilment events (SM-RET; AS-2 goods received, AS-11 delivery time,
refund limits): OrderPlaced, OrderPaid, AccessoriesChecked, ShipmentRecallRequested,
ShipmentStamped, ShipmentDelivered and ShipmentCancelled are noted on the order's OrderFacts;
ShipmentRecallDeclined is noted there too and then turns the order's cases (SM-SHIP, SM-RET, AS-3:
the goods ship, so a case approved without return goes to the return path, and one already
refunded records GoodsShippedAfterRefund); ReturnParcelReceived moves the refund case to
ReturnArrived.

OrderPaid has its own durable consumer (`aftersales-payment-reactions`): a new consumer starts at
the beginning of the ORDERS stream, so the payments of orders placed before after-sales learnt to
note them are noted too (AS-3, AS-8: only paid orders are refunded).

Each reaction is a Projection with side effects and no tables: for every event it issues one
command with `Cause.of_event`, so the event ids derive from the causing event and a redelivered
event appends nothing. Reactions never run during a replay, and skip event types they do not know.
"""

from __future__ import annotations

import structlog

from aftersales.refunds.application.handlers import RefundCommands
from aftersales.refunds.domain import facts, refunds
from jetstream_es.commands import Cause, CommandResult
from jetstream_es.projection import Decoded, Reaction
from shop_contracts.aggregates import (
    FULFILMENT_RETURN_PARCEL,
    FULFILMENT_SHIPMENT,
    ORDERS_ORDER,
    whole_stream,
)
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.fulfilment import (
    AccessoriesChecked,
    ReturnParcelReceived,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentRecallDeclined,
    ShipmentRecallRequested,
    ShipmentStamped,
)
from shop_contracts.events.orders import OrderPaid, OrderPlaced
from shop_contracts.messages import EventData

log = structlog.get_logger(__name__)


async def react(commands: RefundCommands, data: EventData, cause: Cause) -> CommandResult | None:
    """What after-sales does with one foreign event (None: not an event it reacts to)."""
    match data:
        case (
            OrderPlaced()
            | OrderPaid()
            | AccessoriesChecked()
            | ShipmentRecallRequested()
            | ShipmentStamped()
            | ShipmentDelivered()
            | ShipmentCancelled()
        ):
            return await commands.facts.execute(
                data.order_id, cause, lambda f, _: facts.note(f, data), must_exist=False
            )
        case ShipmentRecallDeclined():
            return await commands.goods_shipping(data, cause)
        case ReturnParcelReceived():
            return await commands.cases.execute(
                data.case_id, cause, lambda s, _: refunds.parcel_arrived(s, data), must_exist=False
            )
    return None


class AftersalesReaction(Reaction):
    def __init__(self, commands: RefundCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        envelope = item.event.envelope
        result = await react(self.commands, item.data, Cause.of_event(self.name, envelope, SYSTEM_ACTOR))
        if result is not None and not result.event_ids:
            log.info("reaction_ignored", reaction=self.name, event_type=envelope.event_type)


class OrderReactions(AftersalesReaction):
    name = "aftersales_order_reactions"
    sources = (ORDERS_ORDER,)
    models = (OrderPlaced,)
    handles = frozenset(m.event_type for m in models)


class PaymentReactions(AftersalesReaction):
    name = "aftersales_payment_reactions"
    sources = (ORDERS_ORDER,)
    models = (OrderPaid,)
    handles = frozenset(m.event_type for m in models)


class FulfilmentReactions(AftersalesReaction):
    name = "aftersales_fulfilment_reactions"
    sources = (FULFILMENT_SHIPMENT, FULFILMENT_RETURN_PARCEL)
    filter_subjects = (whole_stream("fulfilment"),)  # as the deployed consumer reads
    models = (
        AccessoriesChecked,
        ShipmentRecallRequested,
        ShipmentRecallDeclined,
        ShipmentStamped,
        ShipmentDelivered,
        ShipmentCancelled,
        ReturnParcelReceived,
    )
    handles = frozenset(m.event_type for m in models)
